// Small XDP objects for verifier rule tests, built through tsbpf's own API (assembler +
// ObjectBuilder): one program in section "xdp", optional static subprograms in .text, maps
// and .rodata/.data variables. A `; @name` comment at the end of an instruction line makes
// that instruction refer to symbol `name` (a map, variable or function), as a relocation.
import { assembleLlvm } from "../../runtime/isa/index.js";
import { IntEncoding } from "../../runtime/object/btf/index.js";
import { ObjectBuilder } from "../../runtime/object/builder.js";
import type { MapType } from "../../runtime/object/map-types.js";

export interface RuleMap {
  readonly name: string;
  readonly type: MapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags?: number;
  /** The value is a struct with a `struct bpf_spin_lock` at this byte offset (the rest bytes). */
  readonly spinLockAt?: number;
  /** Maps of maps: the inner map's definition (BTF `values` array). */
  readonly inner?: Omit<RuleMap, "name" | "inner">;
}

export interface RuleVariable {
  readonly name: string;
  readonly section: ".rodata" | ".data" | ".bss";
  readonly init: Uint8Array;
}

export interface RuleProgram {
  readonly asm: string;
  readonly subprogs?: readonly { readonly name: string; readonly asm: string }[];
  readonly maps?: readonly RuleMap[];
  readonly vars?: readonly RuleVariable[];
  readonly section?: string;
  /** The object's license (default "GPL"). */
  readonly license?: string;
}

/** Instructions and symbol references of `asm` with `; @sym` markers. */
function assemble(asm: string): { insns: ReturnType<typeof assembleLlvm>; refs: { insn: number; symbol: string }[] } {
  const refs: { insn: number; symbol: string }[] = [];
  let index = 0;
  const lines: string[] = [];
  for (const raw of asm.split("\n")) {
    const [code, marker] = raw.split("; @") as [string, string | undefined];
    const text = code.trim();
    lines.push(text);
    if (text === "" || /^[A-Za-z_.][\w.]*:$/.test(text)) continue;
    if (marker) refs.push({ insn: index, symbol: marker.trim() });
    index++;
  }
  return { insns: assembleLlvm(lines.join("\n")), refs };
}

export function buildRuleObject(p: RuleProgram): Uint8Array {
  const b = new ObjectBuilder("rule.c");
  const t = b.btf;
  const u8 = t.addInt("unsigned char", 1);
  const u32 = t.addTypedef("__u32", t.addInt("unsigned int", 4));
  const intT = t.addInt("int", 4, IntEncoding.SIGNED);
  const xdpMd = t.addStruct("xdp_md", 24, ["data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex"].map((name, i) => ({ name, type: u32, bitsOffset: i * 32 })));
  const proto = t.addFuncProto(intT, [{ name: "ctx", type: t.addPtr(xdpMd) }]);
  const subProto = t.addFuncProto(intT, []);
  const bytes = (n: number): number => t.addArray(u8, u32, n);
  const spinLock = t.addStruct("bpf_spin_lock", 4, [{ name: "val", type: u32, bitsOffset: 0 }]);
  // A value struct: bytes before the lock, the lock, bytes after it.
  const lockedValue = (size: number, at: number): number =>
    t.addStruct("val", size, [
      ...(at > 0 ? [{ name: "head", type: bytes(at), bitsOffset: 0 }] : []),
      { name: "l", type: spinLock, bitsOffset: at * 8 },
      ...(size > at + 4 ? [{ name: "tail", type: bytes(size - at - 4), bitsOffset: (at + 4) * 8 }] : []),
    ]);
  for (const m of p.maps ?? []) {
    const inner = m.inner ? { innerMap: { type: m.inner.type, maxEntries: m.inner.maxEntries, ...(m.inner.flags !== undefined ? { flags: m.inner.flags } : {}), key: bytes(m.inner.keySize), value: bytes(m.inner.valueSize) } } : {};
    const value = m.spinLockAt !== undefined ? lockedValue(m.valueSize, m.spinLockAt) : bytes(m.valueSize);
    // An array's BTF key must be a 4-byte int (array_map_check_btf) for the kernel to take the
    // value's BTF, which a spin lock needs.
    const key = m.spinLockAt !== undefined && m.keySize === 4 ? intT : bytes(m.keySize);
    const kv = m.inner ? { keySize: m.keySize, valueSize: m.valueSize } : { ...(m.keySize > 0 ? { key } : {}), ...(m.valueSize > 0 ? { value } : {}) };
    b.addMap({ name: m.name, type: m.type, maxEntries: m.maxEntries, ...(m.flags !== undefined ? { flags: m.flags } : {}), ...kv, ...inner });
  }
  for (const v of p.vars ?? []) b.addVariable({ name: v.name, section: v.section, type: v.section === ".rodata" ? t.addConst(bytes(v.init.length)) : bytes(v.init.length), init: v.init });
  b.license(p.license ?? "GPL");
  const main = assemble(p.asm);
  b.addFunction({ name: "rule", section: p.section ?? "xdp", linkage: "global", proto, insns: main.insns, refs: main.refs });
  for (const s of p.subprogs ?? []) {
    const sub = assemble(s.asm);
    b.addFunction({ name: s.name, section: ".text", linkage: "static", proto: subProto, insns: sub.insns, refs: sub.refs });
  }
  return b.build();
}
