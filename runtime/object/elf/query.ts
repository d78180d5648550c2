// Read-only lookups on an ElfFile that loaders, printers and the compiler
// share: sections by name, the symbols inside a section, the relocations that
// apply to a section, and llvm-readelf's spelling of types and names.
// Invariant: nothing here mutates the model; results are fresh arrays.
import {
  RELOCATION_TYPE_NAMES,
  SECTION_TYPE_NAMES,
  STT_SECTION,
  SYMBOL_BIND_NAMES,
  SYMBOL_TYPE_NAMES,
} from "./constants.js";
import type { ElfFile, ElfRelocation, IndexedSection, IndexedSymbol } from "./types.js";

/** The first section called `name`, or undefined. */
export function findSection(file: ElfFile, name: string): IndexedSection | undefined {
  const index = file.sections.findIndex((s, i) => i > 0 && s.name === name);
  return index < 0 ? undefined : { index, section: file.sections[index]! };
}

/**
 * Symbols defined in section `sectionIndex`, sorted by value (ties keep
 * symbol-table order, so a section symbol precedes a function at offset 0).
 */
export function symbolsInSection(file: ElfFile, sectionIndex: number): IndexedSymbol[] {
  return file.symbols
    .map((symbol, index) => ({ index, symbol }))
    .filter(({ index, symbol }) => index > 0 && symbol.shndx === sectionIndex)
    .sort((a, b) => (a.symbol.value < b.symbol.value ? -1 : a.symbol.value > b.symbol.value ? 1 : a.index - b.index));
}

/** Relocations applying to section `sectionIndex`, in file order (empty when none). */
export function relocationsFor(file: ElfFile, sectionIndex: number): ElfRelocation[] {
  return [...(file.relocations.get(sectionIndex) ?? [])];
}

/** "R_BPF_64_64" etc. as llvm-readelf prints it; "Unknown" for other values. */
export function relocationTypeName(type: number): string {
  return RELOCATION_TYPE_NAMES.get(type) ?? "Unknown";
}

/** "PROGBITS", "REL", "LLVM_ADDRSIG" … as llvm-readelf -S prints sh_type. */
export function sectionTypeName(type: number): string {
  return SECTION_TYPE_NAMES.get(type) ?? `0x${type.toString(16)}`;
}

/** "FUNC", "OBJECT", "SECTION" … as llvm-readelf -s prints the symbol type. */
export function symbolTypeName(type: number): string {
  return SYMBOL_TYPE_NAMES.get(type) ?? `<unknown>: ${type}`;
}

/** "LOCAL", "GLOBAL", "WEAK" as llvm-readelf -s prints the binding. */
export function symbolBindName(bind: number): string {
  return SYMBOL_BIND_NAMES.get(bind) ?? `<unknown>: ${bind}`;
}

/**
 * The name printers show for symbol `index`: its own name, or for an unnamed
 * STT_SECTION symbol the name of its section (as llvm-readelf does).
 */
export function symbolDisplayName(file: ElfFile, index: number): string {
  const symbol = file.symbols[index];
  if (!symbol) return "";
  if (symbol.name === "" && symbol.type === STT_SECTION) return file.sections[symbol.shndx]?.name ?? "";
  return symbol.name;
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * How messages refer to section `index`: its name with control and non-ASCII
 * characters escaped (so an error stays one line), or "section [i]" when unnamed.
 */
export function sectionLabel(name: string, index: number): string {
  if (name === "") return `section [${index}]`;
  if (PRINTABLE.test(name)) return name;
  return name.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
