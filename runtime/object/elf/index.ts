// Public entry point of the ELF layer: read, write and build relocatable
// ELF64 little-endian EM_BPF objects, plus lookups on the model. Constants
// (SHT_*, SHF_*, STB_*, STT_*, R_BPF_*) live in ./constants.js.
export { readElf } from "./reader.js";
export { layoutElf, writeElf } from "./writer.js";
export { buildElf, type ElfBuildSpec, type ElfRelocationSpec, type ElfSectionSpec, type ElfSymbolSpec } from "./build.js";
export {
  findSection,
  relocationsFor,
  relocationTypeName,
  sectionLabel,
  sectionTypeName,
  symbolBindName,
  symbolDisplayName,
  symbolsInSection,
  symbolTypeName,
} from "./query.js";
export { buildStringTable, type StringTable } from "./string-table.js";
export type {
  ElfFile,
  ElfHeader,
  ElfLayout,
  ElfRelocation,
  ElfSection,
  ElfSymbol,
  IndexedSection,
  IndexedSymbol,
} from "./types.js";
