// The BTF type model: one plain object per type, discriminated by `kind`, plus the
// numeric constants of the .BTF encoding (kind numbers, INT encoding bits, linkage).
//
// Invariants of a `Btf`:
//   - `types[i]` has type id i + 1; id 0 is `void` and is never stored.
//   - every reference (`type`, `indexType`, member/param/var types, ...) is a type id,
//     0 <= id <= types.length; forward references are fine.
//   - names are strings; "" means anonymous (name offset 0 on disk).
//   - the model holds exactly the bits the encoding can carry, so reading and writing
//     a section changes nothing but the string table layout (see writer.ts).
//
// On disk every type starts with a 12-byte `struct btf_type`, little endian:
//
//   +0  name_off   u32   offset into the string section
//   +4  info       u32
//        31   30..29   28..24   23..16   15..0
//       +----+--------+--------+--------+------------+
//       |kflg| unused  |  kind  | unused |    vlen    |
//       +----+--------+--------+--------+------------+
//   +8  size_type  u32   a size (INT, ENUM, STRUCT, UNION, DATASEC, FLOAT, ENUM64)
//                        or a type id (the other kinds; FUNC_PROTO: return type)
//
// followed by kind-specific data (see KIND_EXTRA_BYTES / KIND_VLEN_BYTES below).

/** Kind numbers (bits 24..28 of btf_type.info). */
export const BtfKind = {
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19,
} as const;

export type BtfKindName = keyof typeof BtfKind;

/** Kind names by number; index 0 is the "UNKNOWN" bpftool prints for kind 0. */
export const KIND_NAMES: readonly string[] = ["UNKNOWN", ...Object.keys(BtfKind)];

export const MAX_KIND = 19;

/** Bytes that follow the 12-byte btf_type for kinds with a fixed tail. */
export const KIND_EXTRA_BYTES: Readonly<Record<number, number>> = {
  [BtfKind.INT]: 4, // u32 int word
  [BtfKind.ARRAY]: 12, // struct btf_array { type, index_type, nelems }
  [BtfKind.VAR]: 4, // struct btf_var { linkage }
  [BtfKind.DECL_TAG]: 4, // struct btf_decl_tag { s32 component_idx }
};

/** Bytes per vlen entry for kinds whose vlen counts trailing records. */
export const KIND_VLEN_BYTES: Readonly<Record<number, number>> = {
  [BtfKind.STRUCT]: 12, // struct btf_member { name_off, type, offset }
  [BtfKind.UNION]: 12,
  [BtfKind.ENUM]: 8, // struct btf_enum { name_off, s32 val }
  [BtfKind.FUNC_PROTO]: 8, // struct btf_param { name_off, type }
  [BtfKind.DATASEC]: 12, // struct btf_var_secinfo { type, offset, size }
  [BtfKind.ENUM64]: 12, // struct btf_enum64 { name_off, val_lo32, val_hi32 }
};

export const BTF_MAGIC = 0xeb9f;
export const BTF_VERSION = 1;
/** struct btf_header: magic u16, version u8, flags u8, hdr_len, type_off, type_len, str_off, str_len. */
export const BTF_HEADER_BYTES = 24;
export const BTF_TYPE_BYTES = 12;

// The INT word that follows an INT's btf_type:
//
//    31..28   27..24     23..16     15..8    7..0
//   +-------+----------+----------+--------+---------+
//   |unused | encoding | offset   | unused | nr_bits |
//   +-------+----------+----------+--------+---------+
export const INT_ENCODING_SHIFT = 24;
export const INT_OFFSET_SHIFT = 16;
export const INT_WORD_USED_BITS = 0x0fff00ff;

/** INT encoding: at most one of these bits may be set. */
export const IntEncoding = {
  NONE: 0,
  SIGNED: 1 << 0,
  CHAR: 1 << 1,
  BOOL: 1 << 2,
} as const;
export type IntEncoding = (typeof IntEncoding)[keyof typeof IntEncoding];

// A STRUCT/UNION member's `offset` word when the type's kflag is set:
//
//    31..24          23..0
//   +---------------+-----------------------+
//   | bitfield_size |      bit offset       |
//   +---------------+-----------------------+
//
// With kflag clear the whole word is the bit offset and there are no bitfield sizes.
export const MEMBER_BITFIELD_SHIFT = 24;
export const MEMBER_OFFSET_MASK = 0x00ffffff;

/** FUNC linkage, carried in the vlen bits of a FUNC's info. */
export const FuncLinkage = { STATIC: 0, GLOBAL: 1, EXTERN: 2 } as const;
export type FuncLinkage = (typeof FuncLinkage)[keyof typeof FuncLinkage];

/** VAR linkage, the u32 after a VAR's btf_type. */
export const VarLinkage = { STATIC: 0, GLOBAL: 1, EXTERN: 2 } as const;
export type VarLinkage = (typeof VarLinkage)[keyof typeof VarLinkage];

/** A type id; 0 is void. */
export type TypeId = number;

export interface BtfInt {
  kind: "INT";
  name: string;
  /** Bytes: 1, 2, 4, 8 or 16. */
  size: number;
  bitsOffset: number;
  bits: number;
  encoding: IntEncoding;
}

export interface BtfPtr {
  kind: "PTR";
  type: TypeId;
}

export interface BtfArray {
  kind: "ARRAY";
  type: TypeId;
  indexType: TypeId;
  nelems: number;
}

export interface BtfMember {
  name: string;
  type: TypeId;
  /** Bit offset from the start of the struct (24 bits when the owner's kflag is set). */
  bitsOffset: number;
  /** Bitfield width; only non-zero when the owner's kflag is set. */
  bitfieldSize: number;
}

interface BtfComposite {
  name: string;
  size: number;
  /** kflag: member offsets carry bitfield sizes in their top 8 bits. */
  kflag: boolean;
  members: BtfMember[];
}

export interface BtfStruct extends BtfComposite {
  kind: "STRUCT";
}

export interface BtfUnion extends BtfComposite {
  kind: "UNION";
}

export interface BtfEnumValue {
  name: string;
  /** An int32 when the enum is signed, else a uint32. */
  value: number;
}

export interface BtfEnum {
  kind: "ENUM";
  name: string;
  /** Bytes: 1, 2, 4 or 8. */
  size: number;
  /** kflag: values are signed. */
  signed: boolean;
  values: BtfEnumValue[];
}

export interface BtfEnum64Value {
  name: string;
  /** In [-2^63, 2^63) when the enum is signed, else in [0, 2^64). */
  value: bigint;
}

export interface BtfEnum64 {
  kind: "ENUM64";
  name: string;
  size: number;
  signed: boolean;
  values: BtfEnum64Value[];
}

export interface BtfFwd {
  kind: "FWD";
  name: string;
  /** kflag: a forward-declared union rather than a struct. */
  union: boolean;
}

export interface BtfTypedef {
  kind: "TYPEDEF";
  name: string;
  type: TypeId;
}

export interface BtfModifier {
  kind: "VOLATILE" | "CONST" | "RESTRICT";
  type: TypeId;
}

export interface BtfFunc {
  kind: "FUNC";
  name: string;
  /** A FUNC_PROTO. */
  type: TypeId;
  linkage: FuncLinkage;
}

export interface BtfParam {
  /** "" with type 0 as the last parameter marks a varargs prototype. */
  name: string;
  type: TypeId;
}

export interface BtfFuncProto {
  kind: "FUNC_PROTO";
  /** 0 for void. */
  returnType: TypeId;
  params: BtfParam[];
}

export interface BtfVar {
  kind: "VAR";
  name: string;
  type: TypeId;
  linkage: VarLinkage;
}

export interface BtfVarSecinfo {
  /** A VAR (or a FUNC, for extern functions in .ksyms). */
  type: TypeId;
  offset: number;
  size: number;
}

export interface BtfDatasec {
  kind: "DATASEC";
  name: string;
  /** As stored; clang leaves it 0 and libbpf fills it in at load time. */
  size: number;
  vars: BtfVarSecinfo[];
}

export interface BtfFloat {
  kind: "FLOAT";
  name: string;
  /** Bytes: 2, 4, 8, 12 or 16. */
  size: number;
}

export interface BtfDeclTag {
  kind: "DECL_TAG";
  /** The tag's value, e.g. "x" for __attribute__((btf_decl_tag("x"))). */
  name: string;
  type: TypeId;
  /** -1 tags the type itself; otherwise a member (STRUCT/UNION) or parameter (FUNC) index. */
  componentIdx: number;
  /** kflag: the tag is a plain __attribute__ to reproduce, not a btf_decl_tag. */
  attribute: boolean;
}

export interface BtfTypeTag {
  kind: "TYPE_TAG";
  name: string;
  type: TypeId;
  /** kflag: the tag is a plain __attribute__ to reproduce, not a btf_type_tag. */
  attribute: boolean;
}

export type BtfType =
  | BtfInt
  | BtfPtr
  | BtfArray
  | BtfStruct
  | BtfUnion
  | BtfEnum
  | BtfFwd
  | BtfTypedef
  | BtfModifier
  | BtfFunc
  | BtfFuncProto
  | BtfVar
  | BtfDatasec
  | BtfFloat
  | BtfDeclTag
  | BtfTypeTag
  | BtfEnum64;

export interface Btf {
  /** `types[i]` is type id i + 1. */
  types: BtfType[];
}

/** The name a type carries on disk ("" for the kinds that are always anonymous). */
export function typeName(t: BtfType): string {
  return "name" in t ? t.name : "";
}

/** The type with id `id`, or undefined for void and ids out of range. */
export function typeById(btf: Btf, id: TypeId): BtfType | undefined {
  return id >= 1 && id <= btf.types.length ? btf.types[id - 1] : undefined;
}
