// Encodes the Btf model as a .BTF section (equally a raw BTF file), optionally with
// its .BTF.ext, both sharing one deduplicated string table.
//
// Layout, as clang emits it: the 24-byte header, the type section at offset 0, the
// string section right after it, no padding. Strings are ordered by
// addStringsInClangOrder, so a clang object read and written back is byte-identical.
//
// Invariant: the writer never silently truncates; a model value that does not fit
// its field (a vlen over 0xffff, a 9-bit bitfield size, a u32 overflow ...) throws an
// Error naming the type. It does not check cross-references; readBtf does that.
import { writeBtfExt } from "./ext-writer.js";
import type { BtfExt } from "./ext-types.js";
import { addStringsInClangOrder } from "./string-order.js";
import { StringTableBuilder } from "./strings.js";
import {
  BTF_HEADER_BYTES,
  BTF_MAGIC,
  BTF_VERSION,
  BtfKind,
  INT_ENCODING_SHIFT,
  INT_OFFSET_SHIFT,
  MEMBER_BITFIELD_SHIFT,
  MEMBER_OFFSET_MASK,
  type Btf,
  type BtfType,
} from "./types.js";

export function writeBtf(btf: Btf): Uint8Array {
  const strings = new StringTableBuilder();
  addStringsInClangOrder(btf, undefined, strings);
  return assemble(encodeTypes(btf, strings), strings);
}

/** Writes .BTF and .BTF.ext together; .BTF.ext's strings land in .BTF's string table. */
export function writeBtfAndExt(btf: Btf, ext: BtfExt): { btf: Uint8Array; ext: Uint8Array } {
  const strings = new StringTableBuilder();
  addStringsInClangOrder(btf, ext, strings);
  const types = encodeTypes(btf, strings);
  const extBytes = writeBtfExt(ext, strings);
  return { btf: assemble(types, strings), ext: extBytes };
}

function assemble(types: number[], strings: StringTableBuilder): Uint8Array {
  const typeLen = types.length * 4;
  const strBytes = strings.bytes();
  const out = new Uint8Array(BTF_HEADER_BYTES + typeLen + strBytes.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, BTF_MAGIC, true);
  view.setUint8(2, BTF_VERSION);
  view.setUint8(3, 0); // flags
  view.setUint32(4, BTF_HEADER_BYTES, true);
  view.setUint32(8, 0, true); // type_off
  view.setUint32(12, typeLen, true);
  view.setUint32(16, typeLen, true); // str_off
  view.setUint32(20, strBytes.length, true);
  types.forEach((w, i) => view.setUint32(BTF_HEADER_BYTES + i * 4, w, true));
  out.set(strBytes, BTF_HEADER_BYTES + typeLen);
  return out;
}

/** The type section as u32 words. */
function encodeTypes(btf: Btf, strings: StringTableBuilder): number[] {
  const words: number[] = [];
  btf.types.forEach((t, i) => encodeType(t, i + 1, strings, words));
  return words;
}

function encodeType(t: BtfType, id: number, strings: StringTableBuilder, out: number[]): void {
  const label = `type [${id}] ${t.kind}`;
  const u32 = (value: number, what: string): number => {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new Error(`${label}: ${what} ${value} does not fit a u32`);
    }
    return value;
  };
  const head = (name: string, vlen: number, kflag: boolean, sizeType: number): void => {
    if (!Number.isInteger(vlen) || vlen < 0 || vlen > 0xffff) throw new Error(`${label}: vlen ${vlen} does not fit 16 bits`);
    const info = ((kflag ? 1 << 31 : 0) | (BtfKind[t.kind] << 24) | vlen) >>> 0;
    out.push(strings.add(name), info, u32(sizeType, "size/type"));
  };
  switch (t.kind) {
    case "INT":
      if (t.bits > 0xff || t.bitsOffset > 0xff) throw new Error(`${label}: bits_offset/nr_bits must fit 8 bits`);
      head(t.name, 0, false, t.size);
      out.push(((t.encoding << INT_ENCODING_SHIFT) | (t.bitsOffset << INT_OFFSET_SHIFT) | t.bits) >>> 0);
      break;
    case "PTR":
    case "VOLATILE":
    case "CONST":
    case "RESTRICT":
      head("", 0, false, t.type);
      break;
    case "TYPEDEF":
      head(t.name, 0, false, t.type);
      break;
    case "TYPE_TAG":
      head(t.name, 0, t.attribute, t.type);
      break;
    case "ARRAY":
      head("", 0, false, 0);
      out.push(u32(t.type, "element type"), u32(t.indexType, "index type"), u32(t.nelems, "nelems"));
      break;
    case "STRUCT":
    case "UNION":
      head(t.name, t.members.length, t.kflag, t.size);
      for (const m of t.members) {
        let offset = m.bitsOffset;
        if (t.kflag) {
          if (m.bitsOffset > MEMBER_OFFSET_MASK || m.bitfieldSize > 0xff) {
            throw new Error(`${label}: member '${m.name}' offset/bitfield size do not fit 24/8 bits`);
          }
          offset = ((m.bitfieldSize << MEMBER_BITFIELD_SHIFT) | m.bitsOffset) >>> 0;
        } else if (m.bitfieldSize !== 0) {
          throw new Error(`${label}: member '${m.name}' has a bitfield size, which needs kflag`);
        }
        out.push(strings.add(m.name), u32(m.type, "member type"), u32(offset, "member offset"));
      }
      break;
    case "ENUM":
      head(t.name, t.values.length, t.signed, t.size);
      for (const v of t.values) {
        const ok = t.signed ? v.value >= -(2 ** 31) && v.value < 2 ** 31 : v.value >= 0 && v.value <= 0xffffffff;
        if (!Number.isInteger(v.value) || !ok) throw new Error(`${label}: value '${v.name}' = ${v.value} does not fit 32 bits`);
        out.push(strings.add(v.name), v.value >>> 0);
      }
      break;
    case "ENUM64":
      head(t.name, t.values.length, t.signed, t.size);
      for (const v of t.values) {
        const raw = BigInt.asUintN(64, v.value);
        if ((t.signed ? BigInt.asIntN(64, v.value) : raw) !== v.value) {
          throw new Error(`${label}: value '${v.name}' = ${v.value} does not fit 64 bits`);
        }
        out.push(strings.add(v.name), Number(raw & 0xffffffffn), Number(raw >> 32n));
      }
      break;
    case "FWD":
      head(t.name, 0, t.union, 0);
      break;
    case "FUNC":
      head(t.name, t.linkage, false, t.type);
      break;
    case "FUNC_PROTO":
      head("", t.params.length, false, t.returnType);
      for (const p of t.params) out.push(strings.add(p.name), u32(p.type, "param type"));
      break;
    case "VAR":
      head(t.name, 0, false, t.type);
      out.push(u32(t.linkage, "linkage"));
      break;
    case "DATASEC":
      head(t.name, t.vars.length, false, t.size);
      for (const v of t.vars) out.push(u32(v.type, "var type"), u32(v.offset, "var offset"), u32(v.size, "var size"));
      break;
    case "FLOAT":
      head(t.name, 0, false, t.size);
      break;
    case "DECL_TAG":
      if (!Number.isInteger(t.componentIdx) || t.componentIdx < -1 || t.componentIdx >= 2 ** 31) {
        throw new Error(`${label}: component_idx ${t.componentIdx} is not -1 or a s32 index`);
      }
      head(t.name, 0, t.attribute, t.type);
      out.push(t.componentIdx >>> 0);
      break;
  }
}
