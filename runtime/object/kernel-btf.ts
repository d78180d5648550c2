// A fast index of a kernel's BTF (/sys/kernel/btf/vmlinux, ~5 MB, ~150k types) for resolving
// kfunc externs and reading kfunc prototypes: one pass over the type headers records each
// type's offset, FUNC names and the FUNCs tagged "bpf_kfunc"; a prototype is decoded only when
// asked for. Reading the whole graph with btf/reader.ts would cost far more than a link needs.

import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { BtfKind, KIND_EXTRA_BYTES, KIND_VLEN_BYTES } from "./btf/types.js";

export const VMLINUX_BTF_PATH = "/sys/kernel/btf/vmlinux";

/** A kfunc argument or return type, reduced to what the verifier's models check. */
export type KfuncType =
  | { readonly kind: "void" }
  | { readonly kind: "scalar"; readonly size: number }
  /** A pointer; `to` names the pointee ("struct bpf_iter_num", "void", "u8", ...), `size` its byte size when known. */
  | { readonly kind: "ptr"; readonly to: string; readonly size?: number };

export interface KfuncProto {
  readonly name: string;
  /** BTF id of the FUNC in the kernel BTF it was read from. */
  readonly id: number;
  readonly ret: KfuncType;
  readonly args: readonly { readonly name: string; readonly type: KfuncType }[];
}

export interface KernelBtfIndex {
  /** FUNC type id by name (every FUNC's name decoded on first use: prefer funcId). */
  readonly funcs: ReadonlyMap<string, number>;
  /** The FUNC type id named `name`. */
  funcId(name: string): number | undefined;
  /** FUNC ids carrying the decl tag "bpf_kfunc" (what the kernel registers as kfuncs). */
  readonly kfuncIds: ReadonlySet<number>;
  /** The FUNC's prototype, or undefined for an id that is not a FUNC. */
  proto(funcId: number): KfuncProto | undefined;
  /** "struct X" / "union X" for a STRUCT or UNION type id (no modifiers skipped), else undefined. */
  structName(id: number): string | undefined;
  /**
   * The member of `struct name` whose bytes hold `off` (top level only): its offset, byte size,
   * whether it is an integer or enum (not a bitfield) and its name; undefined when none does.
   */
  memberAt(name: string, off: number): KernelMember | undefined;
}

export interface KernelMember {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** An INT or ENUM member that is not a bitfield. */
  readonly scalar: boolean;
}

/** Indexes raw .BTF bytes (little endian, as the kernel exposes it). */
export function indexKernelBtf(bytes: Uint8Array): KernelBtfIndex {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint16(0, true) !== 0xeb9f) throw new Error("not BTF (bad magic)");
  const hdrLen = dv.getUint32(4, true);
  const typeStart = hdrLen + dv.getUint32(8, true);
  const typeEnd = typeStart + dv.getUint32(12, true);
  const strStart = hdrLen + dv.getUint32(16, true);
  const strEnd = strStart + dv.getUint32(20, true);
  const decoder = new TextDecoder();
  const str = (off: number): string => {
    let end = strStart + off;
    while (bytes[end] !== 0) end++;
    return decoder.decode(bytes.subarray(strStart + off, end));
  };
  // Names are keyed by their string-section offset: decoding ~55k FUNC names up front cost
  // most of a corpus run's kfunc setup; a name is looked up (found in the string section) on use.
  const nameOffsets = new NameOffsets(bytes, strStart, strEnd);
  const offsets: number[] = [0]; // id 0 is void
  const funcsByOff = new Map<number, number>();
  const structsByOff = new Map<number, number>();
  const tags: number[] = [];
  for (let p = typeStart; p < typeEnd; ) {
    const id = offsets.length;
    offsets.push(p);
    const info = dv.getUint32(p + 4, true);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    if (kind === BtfKind.FUNC) funcsByOff.set(dv.getUint32(p, true), id);
    // The first STRUCT of a name: vmlinux has one of each (modules are not read).
    if (kind === BtfKind.STRUCT && vlen > 0) {
      const nameOff = dv.getUint32(p, true);
      if (nameOff !== 0 && !structsByOff.has(nameOff)) structsByOff.set(nameOff, id);
    }
    if (kind === BtfKind.DECL_TAG && dv.getInt32(p + 12, true) === -1) tags.push(dv.getUint32(p, true), dv.getUint32(p + 8, true));
    p += 12 + (KIND_EXTRA_BYTES[kind] ?? 0) + vlen * (KIND_VLEN_BYTES[kind] ?? 0);
  }
  const tagged: number[] = [];
  const kfuncTag = nameOffsets.find("bpf_kfunc", (off) => tags.some((t, i) => i % 2 === 0 && t === off));
  for (let i = 0; i < tags.length; i += 2) if (tags[i] === kfuncTag) tagged.push(tags[i + 1]!);
  let allFuncs: Map<string, number> | undefined;
  const head = (id: number): { name: string; kind: number; vlen: number; sizeType: number; at: number } | undefined => {
    const at = offsets[id];
    if (at === undefined || id === 0) return undefined;
    const info = dv.getUint32(at + 4, true);
    return { name: str(dv.getUint32(at, true)), kind: (info >>> 24) & 0x1f, vlen: info & 0xffff, sizeType: dv.getUint32(at + 8, true), at };
  };
  // Skips typedefs and modifiers (and type tags), as btf_type_skip_modifiers does.
  const skip = (id: number): number => {
    for (let n = 0; n < 64; n++) {
      const t = head(id);
      if (!t) return id;
      if (t.kind !== BtfKind.TYPEDEF && t.kind !== BtfKind.VOLATILE && t.kind !== BtfKind.CONST && t.kind !== BtfKind.RESTRICT && t.kind !== BtfKind.TYPE_TAG) return id;
      id = t.sizeType;
    }
    return id;
  };
  const sizeOf = (id: number): number | undefined => {
    const t = head(skip(id));
    if (!t) return undefined;
    switch (t.kind) {
      case BtfKind.INT:
      case BtfKind.ENUM:
      case BtfKind.ENUM64:
      case BtfKind.STRUCT:
      case BtfKind.UNION:
      case BtfKind.FLOAT:
        return t.sizeType;
      case BtfKind.PTR:
        return 8;
      case BtfKind.ARRAY: {
        const elem = sizeOf(dv.getUint32(t.at + 12, true));
        return elem === undefined ? undefined : elem * dv.getUint32(t.at + 20, true);
      }
      default:
        return undefined;
    }
  };
  const typeOf = (id: number): KfuncType => {
    const t = head(skip(id));
    if (!t) return { kind: "void" };
    if (t.kind === BtfKind.PTR) {
      const target = head(skip(t.sizeType));
      if (!target) return { kind: "ptr", to: "void" };
      const prefix = t.kind === BtfKind.PTR && (target.kind === BtfKind.STRUCT ? "struct " : target.kind === BtfKind.UNION ? "union " : "");
      const size = sizeOf(t.sizeType);
      return { kind: "ptr", to: `${prefix}${target.name}`, ...(size !== undefined ? { size } : {}) };
    }
    return { kind: "scalar", size: sizeOf(id) ?? 8 };
  };
  return {
    get funcs(): ReadonlyMap<string, number> {
      return (allFuncs ??= new Map([...funcsByOff].map(([off, id]) => [str(off), id] as const)));
    },
    funcId(name: string): number | undefined {
      const off = nameOffsets.find(name, (o) => funcsByOff.has(o));
      return off === undefined ? undefined : funcsByOff.get(off);
    },
    kfuncIds: new Set(tagged),
    structName(id: number): string | undefined {
      const t = head(id);
      if (!t || (t.kind !== BtfKind.STRUCT && t.kind !== BtfKind.UNION)) return undefined;
      return `${t.kind === BtfKind.STRUCT ? "struct" : "union"} ${t.name}`;
    },
    memberAt(name: string, off: number): KernelMember | undefined {
      const nameOff = nameOffsets.find(name, (o) => structsByOff.has(o));
      const id = nameOff === undefined ? undefined : structsByOff.get(nameOff);
      const t = id === undefined ? undefined : head(id);
      if (!t) return undefined;
      const bitfields = ((dv.getUint32(t.at + 4, true) >>> 31) & 1) === 1;
      for (let i = 0; i < t.vlen; i++) {
        const at = t.at + 12 + i * 12;
        const type = dv.getUint32(at + 4, true);
        const raw = dv.getUint32(at + 8, true);
        const bitSize = bitfields ? raw >>> 24 : 0;
        const bitOff = bitfields ? raw & 0xffffff : raw;
        const size = sizeOf(type);
        if (size === undefined || bitOff % 8 !== 0) continue;
        const offset = bitOff / 8;
        if (off < offset || off >= offset + size) continue;
        const m = head(skip(type));
        const scalar = bitSize === 0 && m !== undefined && (m.kind === BtfKind.INT || m.kind === BtfKind.ENUM || m.kind === BtfKind.ENUM64);
        return { name: str(dv.getUint32(at, true)), offset, size, scalar };
      }
      return undefined;
    },
    proto(funcId: number): KfuncProto | undefined {
      const f = head(funcId);
      if (!f || f.kind !== BtfKind.FUNC) return undefined;
      const p = head(f.sizeType);
      if (!p || p.kind !== BtfKind.FUNC_PROTO) return undefined;
      const args = [];
      for (let i = 0; i < p.vlen; i++) {
        const at = p.at + 12 + i * 8;
        args.push({ name: str(dv.getUint32(at, true)), type: typeOf(dv.getUint32(at + 4, true)) });
      }
      return { name: f.name, id: funcId, ret: typeOf(p.sizeType), args };
    },
  };
}

/**
 * Offsets of names in a BTF string section, found by searching the section for the
 * NUL-delimited name (memoized per name): the index never decodes names it is not asked for.
 */
class NameOffsets {
  private readonly cache = new Map<string, readonly number[]>();
  private readonly encoder = new TextEncoder();
  private readonly section: Buffer;
  constructor(bytes: Uint8Array, strStart: number, strEnd: number) {
    this.section = Buffer.from(bytes.buffer, bytes.byteOffset + strStart, strEnd - strStart);
  }
  /** The first offset holding `name` that `accept` takes, else undefined. */
  find(name: string, accept: (off: number) => boolean): number | undefined {
    return this.all(name).find(accept);
  }
  /** Every offset holding `name` (deduplicated BTF has one). */
  private all(name: string): readonly number[] {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const needle = Buffer.concat([Buffer.from([0]), this.encoder.encode(name), Buffer.from([0])]);
    const found: number[] = [];
    // Offset 0 is the empty string, so every name is preceded by a NUL.
    for (let at = this.section.indexOf(needle); at >= 0; at = this.section.indexOf(needle, at + 1)) found.push(at + 1);
    this.cache.set(name, found);
    return found;
  }
}

/** The running kernel's BTF index, or undefined where /sys/kernel/btf/vmlinux cannot be read. */
export function readVmlinuxBtf(path = VMLINUX_BTF_PATH): KernelBtfIndex | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  return indexKernelBtf(bytes);
}
