// Reads a .BTF section (or a raw BTF file: the same bytes) into the `Btf` model.
//
// Invariants of what readBtf returns:
//   - the header, every type record and every string offset were inside the section,
//     and the string section follows the type section, as libbpf and the kernel require;
//   - a name is "" only when its offset is 0 (anonymous), never an empty string elsewhere;
//   - every kind is 1..19 and every unused bit or field the model cannot hold is zero,
//     so writing the model back loses nothing but the string table layout;
//   - every referenced type id is in range, FUNC refers to a FUNC_PROTO, DATASEC entries
//     refer to VARs (or FUNCs, for .ksyms externs) and DECL_TAG component indexes fit.
// Anything else throws ObjectFormatError(".BTF", offset) naming the offending bytes.
import { BtfStringTable } from "./strings.js";
import { SectionView } from "./section-view.js";
import {
  BTF_HEADER_BYTES,
  BTF_MAGIC,
  BTF_TYPE_BYTES,
  BTF_VERSION,
  BtfKind,
  INT_ENCODING_SHIFT,
  INT_OFFSET_SHIFT,
  INT_WORD_USED_BITS,
  IntEncoding,
  KIND_EXTRA_BYTES,
  KIND_NAMES,
  KIND_VLEN_BYTES,
  MAX_KIND,
  MEMBER_BITFIELD_SHIFT,
  MEMBER_OFFSET_MASK,
  type Btf,
  type BtfMember,
  type BtfType,
  type FuncLinkage,
  type VarLinkage,
} from "./types.js";

/** A Btf as read from bytes, with the string table .BTF.ext offsets resolve against. */
export interface LoadedBtf extends Btf {
  /** The section's original string table; readBtfExt needs it, the writers ignore it. */
  strings: BtfStringTable;
}

/** Where the two data sections of a BTF blob lie, as absolute section offsets. */
interface BtfLayout {
  typeStart: number;
  typeEnd: number;
  strStart: number;
  strEnd: number;
}

const INFO_UNUSED_BITS = 0x60ff0000;
/** Kinds whose kflag bit means something. */
const KFLAG_KINDS = new Set<number>([
  BtfKind.STRUCT,
  BtfKind.UNION,
  BtfKind.ENUM,
  BtfKind.FWD,
  BtfKind.DECL_TAG,
  BtfKind.TYPE_TAG,
  BtfKind.ENUM64,
]);
/** Kinds whose vlen bits mean something (FUNC keeps its linkage there). */
const VLEN_KINDS = new Set<number>([...Object.keys(KIND_VLEN_BYTES).map(Number), BtfKind.FUNC]);
/** Kinds that are always anonymous; the model has no name field for them. */
const ANONYMOUS_KINDS = new Set<number>([
  BtfKind.PTR,
  BtfKind.ARRAY,
  BtfKind.VOLATILE,
  BtfKind.CONST,
  BtfKind.RESTRICT,
  BtfKind.FUNC_PROTO,
]);
/** Kinds that mean nothing without a name. */
const NAMED_KINDS = new Set<number>([
  BtfKind.FWD,
  BtfKind.TYPEDEF,
  BtfKind.FUNC,
  BtfKind.VAR,
  BtfKind.DATASEC,
  BtfKind.DECL_TAG,
  BtfKind.TYPE_TAG,
]);
const INT_SIZES = [1, 2, 4, 8, 16];
const ENUM_SIZES = [1, 2, 4, 8];
const FLOAT_SIZES = [2, 4, 8, 12, 16];

const hex = (n: number): string => `0x${n.toString(16)}`;

export function readBtf(bytes: Uint8Array): LoadedBtf {
  const v: SectionView = new SectionView(".BTF", bytes);
  const layout = readHeader(v);
  const strings = readStringSection(v, layout);
  const decoder = new TypeDecoder(v, strings);
  let pos = layout.typeStart;
  while (pos < layout.typeEnd) pos = decoder.decode(pos, layout.typeEnd);
  decoder.checkReferences();
  return { types: decoder.types, strings };
}

function readHeader(v: SectionView): BtfLayout {
  v.need(0, BTF_HEADER_BYTES, "the btf_header");
  const magic = v.u16(0, "magic");
  if (!(magic !== 0x9feb)) v.fail(0, "big-endian BTF (magic 0xeb9f stored byte-swapped) is not supported");
  if (!(magic === BTF_MAGIC)) v.fail(0, `expected BTF magic 0xeb9f, found ${hex(magic)}`);
  const version = v.u8(2, "version");
  if (!(version === BTF_VERSION)) v.fail(2, `expected BTF version ${BTF_VERSION}, found ${version}`);
  const flags = v.u8(3, "flags");
  if (!(flags === 0)) v.fail(3, `expected header flags 0, found ${hex(flags)}`);
  const hdrLen = v.u32(4, "hdr_len");
  if (!(hdrLen >= BTF_HEADER_BYTES)) v.fail(4, `header length ${hdrLen} is shorter than the ${BTF_HEADER_BYTES}-byte btf_header`);
  if (!(hdrLen <= v.length)) v.fail(4, `header length ${hdrLen} runs past the end of the section (${v.length} bytes)`);
  for (let at = BTF_HEADER_BYTES; at < hdrLen; at++) {
    if (!(v.u8(at, "header") === 0)) v.fail(at, `header byte ${at} is not zero; header fields past ${BTF_HEADER_BYTES} bytes are unknown`);
  }
  const typeOff = v.u32(8, "type_off");
  const typeLen = v.u32(12, "type_len");
  const strOff = v.u32(16, "str_off");
  const strLen = v.u32(20, "str_len");
  if (!(typeOff % 4 === 0)) v.fail(8, `type section offset ${hex(typeOff)} is not 4-byte aligned`);
  const typeStart = hdrLen + typeOff;
  const strStart = hdrLen + strOff;
  if (!(typeStart + typeLen <= v.length)) v.fail(12, `type section (${typeLen} bytes at ${hex(typeStart)}) runs past the end of the section (${v.length} bytes)`);
  if (!(strStart + strLen <= v.length)) v.fail(20, `string section (${strLen} bytes at ${hex(strStart)}) runs past the end of the section (${v.length} bytes)`);
  if (!(typeOff + typeLen <= strOff)) v.fail(16, `string section offset ${hex(strOff)} lies inside the type section [${hex(typeOff)}, ${hex(typeOff + typeLen)}); strings must follow types`);
  return { typeStart, typeEnd: typeStart + typeLen, strStart, strEnd: strStart + strLen };
}

function readStringSection(v: SectionView, l: BtfLayout): BtfStringTable {
  if (!(l.strEnd > l.strStart)) v.fail(20, "string section is empty; it must hold at least the empty string");
  if (!(v.bytes[l.strStart] === 0)) v.fail(l.strStart, "string section must start with a NUL byte (the empty string)");
  if (!(v.bytes[l.strEnd - 1] === 0)) v.fail(l.strEnd - 1, "string section must end with a NUL byte");
  return new BtfStringTable(v.bytes.subarray(l.strStart, l.strEnd));
}

/** Decodes type records one by one, then checks the references between them. */
class TypeDecoder {
  readonly types: BtfType[] = [];
  /** Section offset of each type's btf_type, parallel to `types`. */
  private readonly offsets: number[] = [];

  constructor(
    private readonly v: SectionView,
    private readonly strings: BtfStringTable,
  ) {}

  /** Decodes the type at `pos`; returns where the next one starts. */
  decode(pos: number, typeEnd: number): number {
    const v: SectionView = this.v;
    const id = this.types.length + 1;
    const left = typeEnd - pos;
    if (!(left >= BTF_TYPE_BYTES)) v.fail(pos, `type [${id}] needs a ${BTF_TYPE_BYTES}-byte btf_type, but only ${left} bytes remain in the type section`);
    const nameOff = v.u32(pos, "name_off");
    const info = v.u32(pos + 4, "info");
    const sizeType = v.u32(pos + 8, "size_type");
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const kflag = info >>> 31 === 1;
    if (!(kind >= 1 && kind <= MAX_KIND)) v.fail(pos + 4, `type [${id}] has unknown kind ${kind} (known kinds are 1..${MAX_KIND})`);
    const label = `type [${id}] ${KIND_NAMES[kind]}`;
    if (!((info & INFO_UNUSED_BITS) === 0)) v.fail(pos + 4, `${label} info ${hex(info)} has unused bits set (${hex(info & INFO_UNUSED_BITS)})`);
    if (!(!kflag || KFLAG_KINDS.has(kind))) v.fail(pos + 4, `${label} has kflag set, which this kind does not use`);
    if (!(vlen === 0 || VLEN_KINDS.has(kind))) v.fail(pos + 4, `${label} has vlen ${vlen}, which this kind does not use`);
    const tail = (KIND_EXTRA_BYTES[kind] ?? 0) + vlen * (KIND_VLEN_BYTES[kind] ?? 0);
    const need = BTF_TYPE_BYTES + tail;
    if (!(need <= left)) v.fail(pos, `${label} with vlen ${vlen} needs ${need} bytes, but only ${left} remain in the type section`);
    if (!(!ANONYMOUS_KINDS.has(kind) || nameOff === 0)) v.fail(pos, `${label} must be anonymous, but its name offset is ${hex(nameOff)}`);
    const name = this.string(pos, nameOff, `${label} name`);
    if (!(!NAMED_KINDS.has(kind) || name !== "")) v.fail(pos, `${label} must have a name`);
    this.offsets.push(pos);
    this.types.push(this.decodeKind(kind, { pos, label, name, sizeType, vlen, kflag }));
    return pos + need;
  }

  private string(at: number, offset: number, what: string): string {
    const s = this.strings.get(offset);
    if (s === undefined) {
      this.v.fail(at, `${what} offset ${hex(offset)} is past the end of the string section (${this.strings.length} bytes)`);
    }
    // Anonymous is offset 0; the kernel rejects empty names elsewhere, and the model could not tell them apart.
    if (!(s !== "" || offset === 0)) this.v.fail(at, `${what} offset ${hex(offset)} points at an empty string; anonymous names use offset 0`);
    return s;
  }

  private decodeKind(kind: number, t: RawType): BtfType {
    const v: SectionView = this.v;
    const { pos, label, name, sizeType, vlen, kflag } = t;
    const body = pos + BTF_TYPE_BYTES;
    switch (kind) {
      case BtfKind.INT: {
        const word = v.u32(body, "INT word");
        if (!((word & ~INT_WORD_USED_BITS) === 0)) v.fail(body, `${label} INT word ${hex(word)} has unused bits set`);
        const encoding = (word >>> INT_ENCODING_SHIFT) & 0x0f;
        const bitsOffset = (word >>> INT_OFFSET_SHIFT) & 0xff;
        const bits = word & 0xff;
        if (!(encoding === IntEncoding.NONE || encoding === IntEncoding.SIGNED || encoding === IntEncoding.CHAR || encoding === IntEncoding.BOOL)) v.fail(body, `${label} encoding ${encoding} is not 0, SIGNED (1), CHAR (2) or BOOL (4)`);
        if (!(INT_SIZES.includes(sizeType))) v.fail(pos + 8, `${label} size ${sizeType} is not 1, 2, 4, 8 or 16`);
        if (!(bits <= 128)) v.fail(body, `${label} nr_bits ${bits} exceeds 128`);
        if (!(bitsOffset + bits <= sizeType * 8)) v.fail(body, `${label} bits_offset ${bitsOffset} + nr_bits ${bits} exceed its size of ${sizeType} bytes`);
        return { kind: "INT", name, size: sizeType, bitsOffset, bits, encoding: encoding as IntEncoding };
      }
      case BtfKind.PTR:
        return { kind: "PTR", type: sizeType };
      case BtfKind.ARRAY:
        if (!(sizeType === 0)) v.fail(pos + 8, `${label} size_type ${sizeType} must be 0`);
        return {
          kind: "ARRAY",
          type: v.u32(body, "array type"),
          indexType: v.u32(body + 4, "array index_type"),
          nelems: v.u32(body + 8, "array nelems"),
        };
      case BtfKind.STRUCT:
      case BtfKind.UNION: {
        const members: BtfMember[] = [];
        for (let i = 0; i < vlen; i++) {
          const at = body + i * 12;
          const memberName = this.string(at, v.u32(at, "member name_off"), `${label} member ${i} name`);
          const offset = v.u32(at + 8, "member offset");
          members.push({
            name: memberName,
            type: v.u32(at + 4, "member type"),
            bitsOffset: kflag ? offset & MEMBER_OFFSET_MASK : offset,
            bitfieldSize: kflag ? offset >>> MEMBER_BITFIELD_SHIFT : 0,
          });
        }
        return { kind: kind === BtfKind.STRUCT ? "STRUCT" : "UNION", name, size: sizeType, kflag, members };
      }
      case BtfKind.ENUM: {
        if (!(ENUM_SIZES.includes(sizeType))) v.fail(pos + 8, `${label} size ${sizeType} is not 1, 2, 4 or 8`);
        const values = [];
        for (let i = 0; i < vlen; i++) {
          const at = body + i * 8;
          values.push({
            name: this.string(at, v.u32(at, "enum value name_off"), `${label} value ${i} name`),
            value: kflag ? v.i32(at + 4, "enum value") : v.u32(at + 4, "enum value"),
          });
        }
        return { kind: "ENUM", name, size: sizeType, signed: kflag, values };
      }
      case BtfKind.ENUM64: {
        if (!(ENUM_SIZES.includes(sizeType))) v.fail(pos + 8, `${label} size ${sizeType} is not 1, 2, 4 or 8`);
        const values = [];
        for (let i = 0; i < vlen; i++) {
          const at = body + i * 12;
          const lo = BigInt(v.u32(at + 4, "enum64 val_lo32"));
          const hi = BigInt(v.u32(at + 8, "enum64 val_hi32"));
          const raw = (hi << 32n) | lo;
          values.push({
            name: this.string(at, v.u32(at, "enum64 value name_off"), `${label} value ${i} name`),
            value: kflag ? BigInt.asIntN(64, raw) : raw,
          });
        }
        return { kind: "ENUM64", name, size: sizeType, signed: kflag, values };
      }
      case BtfKind.FWD:
        if (!(sizeType === 0)) v.fail(pos + 8, `${label} size_type ${sizeType} must be 0`);
        return { kind: "FWD", name, union: kflag };
      case BtfKind.TYPEDEF:
        return { kind: "TYPEDEF", name, type: sizeType };
      case BtfKind.VOLATILE:
        return { kind: "VOLATILE", type: sizeType };
      case BtfKind.CONST:
        return { kind: "CONST", type: sizeType };
      case BtfKind.RESTRICT:
        return { kind: "RESTRICT", type: sizeType };
      case BtfKind.FUNC:
        if (!(vlen <= 2)) v.fail(pos + 4, `${label} linkage ${vlen} is not static (0), global (1) or extern (2)`);
        return { kind: "FUNC", name, type: sizeType, linkage: vlen as FuncLinkage };
      case BtfKind.FUNC_PROTO: {
        const params = [];
        for (let i = 0; i < vlen; i++) {
          const at = body + i * 8;
          params.push({
            name: this.string(at, v.u32(at, "param name_off"), `${label} param ${i} name`),
            type: v.u32(at + 4, "param type"),
          });
        }
        return { kind: "FUNC_PROTO", returnType: sizeType, params };
      }
      case BtfKind.VAR: {
        const linkage = v.u32(body, "var linkage");
        if (!(linkage <= 2)) v.fail(body, `${label} linkage ${linkage} is not static (0), global (1) or extern (2)`);
        return { kind: "VAR", name, type: sizeType, linkage: linkage as VarLinkage };
      }
      case BtfKind.DATASEC: {
        const vars = [];
        for (let i = 0; i < vlen; i++) {
          const at = body + i * 12;
          vars.push({ type: v.u32(at, "secinfo type"), offset: v.u32(at + 4, "secinfo offset"), size: v.u32(at + 8, "secinfo size") });
        }
        return { kind: "DATASEC", name, size: sizeType, vars };
      }
      case BtfKind.FLOAT:
        if (!(FLOAT_SIZES.includes(sizeType))) v.fail(pos + 8, `${label} size ${sizeType} is not 2, 4, 8, 12 or 16`);
        return { kind: "FLOAT", name, size: sizeType };
      case BtfKind.DECL_TAG: {
        const componentIdx = v.i32(body, "component_idx");
        if (!(componentIdx >= -1)) v.fail(body, `${label} component_idx ${componentIdx} is below -1`);
        return { kind: "DECL_TAG", name, type: sizeType, componentIdx, attribute: kflag };
      }
      case BtfKind.TYPE_TAG:
        return { kind: "TYPE_TAG", name, type: sizeType, attribute: kflag };
      default:
        return v.fail(pos + 4, `${label} has unknown kind ${kind}`);
    }
  }

  /** Second pass: every type id in range, and the kinds that must match do. */
  checkReferences(): void {
    this.types.forEach((t, i) => this.checkType(t, i + 1, this.offsets[i]!));
  }

  private checkType(t: BtfType, id: number, pos: number): void {
    const label = `type [${id}] ${t.kind}`;
    const body = pos + BTF_TYPE_BYTES;
    switch (t.kind) {
      case "PTR":
      case "TYPEDEF":
      case "VOLATILE":
      case "CONST":
      case "RESTRICT":
      case "TYPE_TAG":
        this.ref(t.type, pos + 8, label, true);
        break;
      case "ARRAY":
        this.ref(t.type, body, `${label} element`, false);
        this.ref(t.indexType, body + 4, `${label} index`, false);
        break;
      case "STRUCT":
      case "UNION":
        t.members.forEach((m, i) => this.ref(m.type, body + i * 12 + 4, `${label} member ${i}`, false));
        break;
      case "FUNC": {
        const proto = this.ref(t.type, pos + 8, label, false);
        if (!(proto.kind === "FUNC_PROTO")) this.v.fail(pos + 8, `${label} refers to type [${t.type}] ${proto.kind}, but a FUNC must refer to a FUNC_PROTO`);
        break;
      }
      case "FUNC_PROTO":
        this.ref(t.returnType, pos + 8, `${label} return`, true);
        t.params.forEach((p, i) => {
          const varargs = i === t.params.length - 1 && p.name === "";
          this.ref(p.type, body + i * 8 + 4, `${label} param ${i}`, varargs);
        });
        break;
      case "VAR":
        this.ref(t.type, pos + 8, label, false);
        break;
      case "DATASEC":
        t.vars.forEach((s, i) => {
          const target = this.ref(s.type, body + i * 12, `${label} entry ${i}`, false);
          if (!(target.kind === "VAR" || target.kind === "FUNC")) this.v.fail(body + i * 12, `${label} entry ${i} refers to type [${s.type}] ${target.kind}, but DATASEC entries must be VARs or FUNCs`);
        });
        break;
      case "DECL_TAG":
        this.checkDeclTag(t.type, t.componentIdx, pos, label);
        break;
      default:
        break;
    }
  }

  private checkDeclTag(type: number, componentIdx: number, pos: number, label: string): void {
    const target = this.ref(type, pos + 8, label, false);
    if (componentIdx === -1) return;
    let count: number;
    if (target.kind === "STRUCT" || target.kind === "UNION") count = target.members.length;
    else if (target.kind === "FUNC") {
      const proto = this.types[target.type - 1];
      count = proto?.kind === "FUNC_PROTO" ? proto.params.length : 0;
    } else {
      return this.v.fail(pos + 12, `${label} has component_idx ${componentIdx}, but its target [${type}] ${target.kind} has no components`);
    }
    if (!(componentIdx < count)) this.v.fail(pos + 12, `${label} component_idx ${componentIdx} is out of range for [${type}] ${target.kind} with ${count} components`);
  }

  /** Checks that `id` is in range (and not void unless allowed); returns the type, or void's stand-in. */
  private ref(id: number, at: number, what: string, voidOk: boolean): BtfType | { kind: "void" } {
    const n = this.types.length;
    if (id === 0) {
      if (!(voidOk)) this.v.fail(at, `${what} refers to void (type id 0), which is not allowed here`);
      return { kind: "void" };
    }
    if (!(id <= n)) this.v.fail(at, `${what} refers to type id ${id}, but only ${n} types exist`);
    return this.types[id - 1]!;
  }
}

interface RawType {
  pos: number;
  label: string;
  name: string;
  sizeType: number;
  vlen: number;
  kflag: boolean;
}
