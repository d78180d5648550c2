// ELF64 constants for relocatable EM_BPF objects, with the byte/bit layouts
// the reader and writer share. Only little-endian ELFCLASS64 is described.
// Invariant: every size/offset here is the on-disk value from the ELF spec
// (System V gABI) or LLVM's BPF backend; name tables use llvm-readelf's spelling.

// ---- ELF header (64 bytes) -------------------------------------------------
// e_ident[16]: 7f 'E' 'L' 'F', class, data, version, osabi, abiversion, pad[7]
// then: u16 e_type @16, u16 e_machine @18, u32 e_version @20, u64 e_entry @24,
// u64 e_phoff @32, u64 e_shoff @40, u32 e_flags @48, u16 e_ehsize @52,
// u16 e_phentsize @54, u16 e_phnum @56, u16 e_shentsize @58, u16 e_shnum @60,
// u16 e_shstrndx @62.
export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;
export const EHDR_SIZE = 64;
export const EI_CLASS = 4;
export const EI_DATA = 5;
export const EI_VERSION = 6;
export const EI_OSABI = 7;
export const EI_ABIVERSION = 8;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;
export const ET_REL = 1;
export const EM_BPF = 247;

export const EHDR = {
  type: 16,
  machine: 18,
  version: 20,
  entry: 24,
  phoff: 32,
  shoff: 40,
  flags: 48,
  ehsize: 52,
  phentsize: 54,
  phnum: 56,
  shentsize: 58,
  shnum: 60,
  shstrndx: 62,
} as const;

// ---- Section header (64 bytes) ---------------------------------------------
// u32 sh_name @0, u32 sh_type @4, u64 sh_flags @8, u64 sh_addr @16,
// u64 sh_offset @24, u64 sh_size @32, u32 sh_link @40, u32 sh_info @44,
// u64 sh_addralign @48, u64 sh_entsize @56.
export const SHDR_SIZE = 64;
export const SHDR = {
  name: 0,
  type: 4,
  flags: 8,
  addr: 16,
  offset: 24,
  size: 32,
  link: 40,
  info: 44,
  addralign: 48,
  entsize: 56,
} as const;
/** The section header table is aligned to 8 in ELF64 (LLVM pads with zeros). */
export const SHDR_TABLE_ALIGN = 8;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_GROUP = 17;
export const SHT_SYMTAB_SHNDX = 18;
export const SHT_LLVM_ADDRSIG = 0x6fff4c03;

export const SECTION_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [SHT_NULL, "NULL"],
  [SHT_PROGBITS, "PROGBITS"],
  [SHT_SYMTAB, "SYMTAB"],
  [SHT_STRTAB, "STRTAB"],
  [SHT_RELA, "RELA"],
  [SHT_NOBITS, "NOBITS"],
  [SHT_REL, "REL"],
  [SHT_GROUP, "GROUP"],
  [SHT_SYMTAB_SHNDX, "SYMTAB SECTION INDICES"],
  [SHT_LLVM_ADDRSIG, "LLVM_ADDRSIG"],
]);

// sh_flags bits.
export const SHF_WRITE = 0x1n;
export const SHF_ALLOC = 0x2n;
export const SHF_EXECINSTR = 0x4n;
export const SHF_MERGE = 0x10n;
export const SHF_STRINGS = 0x20n;
export const SHF_INFO_LINK = 0x40n;
export const SHF_EXCLUDE = 0x80000000n;

// Special section indices (st_shndx). Values >= SHN_LORESERVE are not indices.
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

// ---- Symbol (24 bytes) -------------------------------------------------------
// u32 st_name @0, u8 st_info @4 (bind << 4 | type), u8 st_other @5
// (visibility in the low 2 bits), u16 st_shndx @6, u64 st_value @8, u64 st_size @16.
export const SYM_SIZE = 24;
export const SYM = { name: 0, info: 4, other: 5, shndx: 6, value: 8, size: 16 } as const;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;

export const STV_DEFAULT = 0;
export const STV_INTERNAL = 1;
export const STV_HIDDEN = 2;
export const STV_PROTECTED = 3;

export const SYMBOL_BIND_NAMES: ReadonlyMap<number, string> = new Map([
  [STB_LOCAL, "LOCAL"],
  [STB_GLOBAL, "GLOBAL"],
  [STB_WEAK, "WEAK"],
]);
export const SYMBOL_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [STT_NOTYPE, "NOTYPE"],
  [STT_OBJECT, "OBJECT"],
  [STT_FUNC, "FUNC"],
  [STT_SECTION, "SECTION"],
  [STT_FILE, "FILE"],
]);
export const SYMBOL_VISIBILITY_NAMES: ReadonlyMap<number, string> = new Map([
  [STV_DEFAULT, "DEFAULT"],
  [STV_INTERNAL, "INTERNAL"],
  [STV_HIDDEN, "HIDDEN"],
  [STV_PROTECTED, "PROTECTED"],
]);

export function symbolInfo(bind: number, type: number): number {
  return ((bind & 0xf) << 4) | (type & 0xf);
}

// ---- Relocation, SHT_REL (16 bytes) ----------------------------------------
// u64 r_offset @0, u64 r_info @8 = (symbol index << 32) | type.
// SHT_RELA (24 bytes, explicit addend) is not used by BPF and not supported.
export const REL_SIZE = 16;
export const RELA_SIZE = 24;

export const R_BPF_NONE = 0;
export const R_BPF_64_64 = 1;
export const R_BPF_64_ABS64 = 2;
export const R_BPF_64_ABS32 = 3;
export const R_BPF_64_NODYLD32 = 4;
export const R_BPF_64_32 = 10;

export const RELOCATION_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [R_BPF_NONE, "R_BPF_NONE"],
  [R_BPF_64_64, "R_BPF_64_64"],
  [R_BPF_64_ABS64, "R_BPF_64_ABS64"],
  [R_BPF_64_ABS32, "R_BPF_64_ABS32"],
  [R_BPF_64_NODYLD32, "R_BPF_64_NODYLD32"],
  [R_BPF_64_32, "R_BPF_64_32"],
]);

/**
 * Bytes from r_offset that a relocation of this type touches in its target
 * section: R_BPF_64_64 patches both halves of a 16-byte ld_imm64,
 * R_BPF_64_32 the imm of an 8-byte call, the ABS/NODYLD types a plain word.
 * Undefined for types the BPF backend does not define.
 */
export const RELOCATION_WIDTHS: ReadonlyMap<number, number> = new Map([
  [R_BPF_NONE, 0],
  [R_BPF_64_64, 16],
  [R_BPF_64_ABS64, 8],
  [R_BPF_64_ABS32, 4],
  [R_BPF_64_NODYLD32, 4],
  [R_BPF_64_32, 8],
]);
