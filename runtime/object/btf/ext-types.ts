// The .BTF.ext model: per-ELF-section function info, line info and CO-RE relocations
// that clang emits next to .BTF. All strings (section names, file names, source
// lines, CO-RE access strings) live in the .BTF string table on disk; here they are
// plain strings.
//
// Invariants:
//   - `insnOff` is a byte offset into the named ELF section, as in the object file
//     (divide by 8 for an instruction index), and is a multiple of 8.
//   - every `typeId` refers to the companion .BTF: func_info to a FUNC, CO-RE
//     relocations to any non-void type.
//   - a section entry has at least one record; sections keep their file order.
//
// On disk (little endian), after the header:
//
//   btf_ext_header: magic u16 (0xeB9F), version u8 (1), flags u8 (0), hdr_len u32,
//                   func_info_off, func_info_len, line_info_off, line_info_len u32,
//                   [core_relo_off, core_relo_len u32 -- when hdr_len >= 32]
//   each *_off is relative to the end of the header; each subsection is
//     u32 rec_size, then repeated { u32 sec_name_off, u32 num_info, num_info records }
//   func_info record (>= 8 bytes):  insn_off, type_id
//   line_info record (>= 16 bytes): insn_off, file_name_off, line_off, line_col
//        line_col:  31..10 line number | 9..0 column
//   core_relo record (>= 16 bytes): insn_off, type_id, access_str_off, kind
// Larger record sizes are allowed; readers skip the bytes they do not know.

export const BTF_EXT_MAGIC = 0xeb9f;
export const BTF_EXT_VERSION = 1;
/** Header without the CO-RE fields (older producers). */
export const BTF_EXT_HEADER_MIN_BYTES = 24;
/** Header with the CO-RE fields, as clang and this writer emit it. */
export const BTF_EXT_HEADER_BYTES = 32;

export const FUNC_INFO_MIN_REC_SIZE = 8;
export const LINE_INFO_MIN_REC_SIZE = 16;
export const CORE_RELO_MIN_REC_SIZE = 16;

export const LINE_NUMBER_SHIFT = 10;
export const LINE_COLUMN_MASK = 0x3ff;

/** enum bpf_core_relo_kind. */
export const CoreReloKind = {
  FIELD_BYTE_OFFSET: 0,
  FIELD_BYTE_SIZE: 1,
  FIELD_EXISTS: 2,
  FIELD_SIGNED: 3,
  FIELD_LSHIFT_U64: 4,
  FIELD_RSHIFT_U64: 5,
  TYPE_ID_LOCAL: 6,
  TYPE_ID_TARGET: 7,
  TYPE_EXISTS: 8,
  TYPE_SIZE: 9,
  ENUMVAL_EXISTS: 10,
  ENUMVAL_VALUE: 11,
  TYPE_MATCHES: 12,
} as const;
export type CoreReloKind = (typeof CoreReloKind)[keyof typeof CoreReloKind];
export const MAX_CORE_RELO_KIND = 12;

export interface FuncInfoRecord {
  /** Byte offset of the function's first instruction in its section. */
  insnOff: number;
  /** A FUNC type id. */
  typeId: number;
}

export interface LineInfoRecord {
  insnOff: number;
  fileName: string;
  /** The source line's text ("" when clang had no source). */
  line: string;
  lineNumber: number;
  column: number;
}

export interface CoreReloRecord {
  insnOff: number;
  /** The root type of the access. */
  typeId: number;
  /** E.g. "0:1:2": the access path from the root type. */
  accessString: string;
  kind: CoreReloKind;
}

export interface ExtSection<R> {
  /** ELF section name of the code, e.g. "xdp" or ".text". */
  section: string;
  records: R[];
}

export interface BtfExt {
  funcInfo: ExtSection<FuncInfoRecord>[];
  lineInfo: ExtSection<LineInfoRecord>[];
  coreRelos: ExtSection<CoreReloRecord>[];
}
