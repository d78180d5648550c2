// The in-memory model of a relocatable ELF64 EM_BPF object: low level and
// lossless for LLVM-written objects, so readElf → writeElf reproduces them
// byte for byte.
// Invariants:
//  - sections[0] is the null section; order is the section header table's.
//  - symbols[0] is the null symbol when there is a symbol table ([] otherwise).
//  - relocations maps a target section index (the REL section's sh_info) to
//    its decoded entries; each key has exactly one SHT_REL section.
//  - File offsets are not stored: writeElf derives them (see layoutElf).
//  - For the sections writeElf regenerates — the SHT_SYMTAB, the string
//    table(s) it and the section names live in, and every SHT_REL — `data`
//    and `size` are what was read and are ignored when writing; symbols,
//    relocations and names are the source of truth.

export interface ElfHeader {
  /** e_type; readElf accepts only ET_REL. */
  type: number;
  /** e_ident[EI_OSABI] (0 for clang output). */
  osabi: number;
  /** e_ident[EI_ABIVERSION]. */
  abiversion: number;
  /** e_flags (0 for clang output). */
  flags: number;
  /** e_entry (0 in relocatable objects). */
  entry: bigint;
  /** e_shstrndx: index of the string table holding section names. */
  shstrndx: number;
}

export interface ElfSection {
  name: string;
  /** sh_type (SHT_*). */
  type: number;
  /** sh_flags (SHF_* bits). */
  flags: bigint;
  addr: bigint;
  /** sh_addralign: 0 or a power of two. */
  addralign: bigint;
  entsize: bigint;
  link: number;
  info: number;
  /** Section contents; empty for SHT_NOBITS. */
  data: Uint8Array;
  /** sh_size: data.length except for SHT_NOBITS. */
  size: bigint;
}

export interface ElfSymbol {
  /** Name from the string table; "" for section symbols as clang writes them. */
  name: string;
  value: bigint;
  size: bigint;
  /** STB_* (high nibble of st_info). */
  bind: number;
  /** STT_* (low nibble of st_info). */
  type: number;
  /** st_other (visibility in the low 2 bits). */
  other: number;
  /** st_shndx: a section index, or SHN_UNDEF / a reserved value >= SHN_LORESERVE. */
  shndx: number;
}

export interface ElfRelocation {
  /** r_offset: byte offset inside the target section. */
  offset: bigint;
  /** R_BPF_* type (low 32 bits of r_info). */
  type: number;
  /** Index into ElfFile.symbols (high 32 bits of r_info). */
  symbol: number;
}

export interface ElfFile {
  header: ElfHeader;
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** Decoded SHT_REL contents keyed by the index of the section they apply to. */
  relocations: Map<number, ElfRelocation[]>;
}

/** A section together with its index in ElfFile.sections. */
export interface IndexedSection {
  index: number;
  section: ElfSection;
}

/** A symbol together with its index in ElfFile.symbols (what relocations refer to). */
export interface IndexedSymbol {
  index: number;
  symbol: ElfSymbol;
}

/** Where writeElf puts things: per-section sh_offset/sh_size and the header table. */
export interface ElfLayout {
  offsets: bigint[];
  sizes: bigint[];
  /** e_shoff. */
  shoff: number;
  /** Total file size in bytes. */
  fileSize: number;
}
