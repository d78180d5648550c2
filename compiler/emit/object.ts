// Emits the relocatable object: every machine function in its section (programs in `xdp`,
// subprograms in `.text`), maps and globals with BTF for every type, func_info and
// line_info pointing at the TypeScript source, and the license.

import { BtfBuilder, FuncLinkage, IntEncoding, type TypeId } from "../../runtime/object/btf/index.js";
import { ObjectBuilder, type SourceLine as ObjLine } from "../../runtime/object/builder.js";
import { LINE_COLUMN_MASK } from "../../runtime/object/btf/ext-types.js";
import type { MachineFunction } from "../codegen/isel.js";
import type { ModuleInfo } from "../frontend/module.js";
import { sizeOf, type ValueType } from "../frontend/types.js";

class BtfTypes {
  private readonly cache = new Map<string, TypeId>();
  private arraySizeType: TypeId | undefined;
  constructor(readonly btf: BtfBuilder) {}

  private cached(key: string, make: () => TypeId): TypeId {
    let id = this.cache.get(key);
    if (id === undefined) this.cache.set(key, (id = make()));
    return id;
  }

  of(t: ValueType): TypeId {
    switch (t.kind) {
      case "int":
        return this.cached(t.name, () => this.btf.addInt(t.name, t.bits / 8, t.signed ? IntEncoding.SIGNED : IntEncoding.NONE));
      case "bool":
        return this.cached("bool", () => this.btf.addInt("bool", 1, IntEncoding.BOOL));
      case "array": {
        const elem = this.of(t.elem);
        this.arraySizeType ??= this.btf.addInt("__ARRAY_SIZE_TYPE__", 4);
        return this.cached(`[${elem}x${t.length}]`, () => this.btf.addArray(elem, this.arraySizeType!, t.length));
      }
      case "struct": {
        const key = `struct ${t.name}:${t.fields.map((f) => `${f.name}@${f.offset}`).join(",")}`;
        return this.cached(key, () => {
          const members = t.fields.map((f) => ({ name: f.name, type: this.of(f.type), bitsOffset: f.offset * 8 }));
          return this.btf.addStruct(t.name, t.size, members);
        });
      }
    }
  }

  /** `struct xdp_md`, the ctx type the kernel checks a program's BTF against. */
  xdpMd(): TypeId {
    return this.cached("xdp_md", () => {
      const u32 = this.of({ kind: "int", bits: 32, signed: false, be: false, name: "u32" });
      const names = ["data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex"];
      return this.btf.addStruct("xdp_md", 24, names.map((name, i) => ({ name, type: u32, bitsOffset: i * 32 })));
    });
  }
}

const le = (v: bigint, size: number): Uint8Array => {
  const out = new Uint8Array(size);
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
};

export function emitObject(module: ModuleInfo, functions: readonly MachineFunction[], fileName: string): Uint8Array {
  const ob = new ObjectBuilder(fileName);
  const types = new BtfTypes(ob.btf);
  const intT = types.of({ kind: "int", bits: 32, signed: true, be: false, name: "i32" });
  const u64T = types.of({ kind: "int", bits: 64, signed: false, be: false, name: "u64" });
  for (const m of module.maps.values()) {
    ob.addMap({
      name: m.name,
      type: m.type,
      ...(m.key ? { key: types.of(m.key) } : {}),
      ...(m.value ? { value: types.of(m.value) } : {}),
      maxEntries: m.maxEntries,
      ...(m.flags ? { flags: m.flags } : {}),
      ...(m.initialSlots && m.initialSlots.length > 0 ? { initialSlots: m.initialSlots } : {}),
      ...(m.inner
        ? {
            innerMap: {
              type: m.inner.type,
              ...(m.inner.key ? { key: types.of(m.inner.key) } : {}),
              ...(m.inner.value ? { value: types.of(m.inner.value) } : {}),
              maxEntries: m.inner.maxEntries,
              ...(m.inner.flags ? { flags: m.inner.flags } : {}),
            },
          }
        : {}),
    });
  }
  for (const g of module.globals.values()) {
    ob.addVariable({ name: g.name, section: g.section, type: types.of(g.type), init: le(g.init, sizeOf(g.type)) });
  }
  for (const f of functions) {
    const proto =
      f.section !== undefined
        ? ob.btf.addFuncProto(intT, [{ name: "ctx", type: ob.btf.addPtr(types.xdpMd()) }])
        : ob.btf.addFuncProto(u64T, Array.from({ length: paramCount(module, f.name) }, (_, i) => ({ name: `arg${i}`, type: u64T })));
    const lines: ObjLine[] = [];
    let last = -2;
    f.lineOf.forEach((ref, insn) => {
      if (ref < 0 || ref === last) return;
      last = ref;
      const l = f.sourceLines[ref]!;
      // line_col has 10 bits for the column: a statement past column 1023 records 1023 (the
      // line stays right; clang-19 ORs the whole column in, which spills into the line number).
      lines.push({ insn, file: l.file, line: l.text, lineNumber: l.line, column: Math.min(l.column, LINE_COLUMN_MASK) });
    });
    ob.addFunction({ name: f.name, section: f.section ?? ".text", linkage: f.section !== undefined ? "global" : "static", proto, insns: f.insns, refs: f.refs, lines });
  }
  ob.license(module.license ?? "GPL");
  return ob.build();
}

function paramCount(module: ModuleInfo, name: string): number {
  return module.functions.get(name)?.getParameters().length ?? 0;
}
