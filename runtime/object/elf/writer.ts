// writeElf: serialises an ElfFile the way LLVM's ELF object writer lays out a
// relocatable object, so that readElf → writeElf is byte-identical for
// clang output.
// Layout rule (LLVM ELFObjectWriter::writeObject): ELF header; then section
// contents, each padded with zeros to its sh_addralign, in this order —
//   1. ordinary sections in section-table order (SHT_NOBITS only advances the
//      aligned offset, writing nothing),
//   2. SHT_GROUP sections,
//   3. the symbol table (.symtab, then SHT_SYMTAB_SHNDX),
//   4. relocation sections in section-table order,
//   5. .llvm_addrsig,
//   6. the string table(s) holding section and symbol names (.strtab),
// then the section header table aligned to 8.
// Invariants: output depends only on the input model (deterministic); the
// symbol table, the string tables and every SHT_REL are regenerated from
// symbols, relocations and names, never copied from section.data; a model
// that cannot be written faithfully throws ObjectFormatError, naming the section.
import { expectFormat, ObjectFormatError } from "../format-error.js";
import {
  EHDR,
  EHDR_SIZE,
  EI_ABIVERSION,
  EI_CLASS,
  EI_DATA,
  EI_OSABI,
  EI_VERSION,
  ELF_MAGIC,
  ELFCLASS64,
  ELFDATA2LSB,
  EM_BPF,
  EV_CURRENT,
  REL_SIZE,
  SHDR,
  SHDR_SIZE,
  SHDR_TABLE_ALIGN,
  SHN_LORESERVE,
  SHT_GROUP,
  SHT_LLVM_ADDRSIG,
  SHT_NOBITS,
  SHT_NULL,
  SHT_REL,
  SHT_RELA,
  SHT_STRTAB,
  SHT_SYMTAB,
  SHT_SYMTAB_SHNDX,
  SYM,
  SYM_SIZE,
  symbolInfo,
} from "./constants.js";
import { sectionLabel } from "./query.js";
import { buildStringTable, type StringTable } from "./string-table.js";
import type { ElfFile, ElfLayout } from "./types.js";

/** Largest file writeElf produces (what one Uint8Array comfortably holds). */
const MAX_FILE_SIZE = 2n ** 31n - 1n;

/** Section contents after regeneration, ready to lay out. */
interface Prepared {
  /** Bytes per section; undefined for the null section and SHT_NOBITS. */
  contents: (Uint8Array | undefined)[];
  sizes: bigint[];
  /** Section-name offsets in the e_shstrndx table. */
  nameOffsets: number[];
}

function at(file: ElfFile, index: number): string {
  return sectionLabel(file.sections[index]?.name ?? "", index);
}

function checkUint(value: number | bigint, bits: number, section: string, offset: number, what: string): void {
  const big = BigInt(value);
  expectFormat(
    big >= 0n && big < 1n << BigInt(bits) && (typeof value === "bigint" || Number.isInteger(value)),
    { section, offset },
    `${what} is ${value}, which does not fit in an unsigned ${bits}-bit field`,
  );
}

function checkName(name: string, table: string): void {
  expectFormat(!name.includes("\0"), { section: table, offset: 0 }, `name ${JSON.stringify(name)} contains a NUL character`);
}

function findSymtab(file: ElfFile): number {
  let symtab = 0;
  file.sections.forEach((s, i) => {
    if (s.type === SHT_RELA) {
      throw new ObjectFormatError({ section: at(file, i), offset: 0 }, `SHT_RELA sections cannot be written (BPF uses SHT_REL)`);
    }
    if (s.type !== SHT_SYMTAB) return;
    expectFormat(symtab === 0, { section: at(file, i), offset: 0 }, `a second SHT_SYMTAB section (the first is [${symtab}])`);
    symtab = i;
  });
  expectFormat(
    symtab > 0 || (file.symbols.length === 0 && file.relocations.size === 0),
    { section: "section header table", offset: 0 },
    `the model has symbols or relocations but no SHT_SYMTAB section to hold them`,
  );
  return symtab;
}

function stringTableIndex(file: ElfFile, index: number, role: string): number {
  expectFormat(
    Number.isInteger(index) && index > 0 && index < file.sections.length && file.sections[index]!.type === SHT_STRTAB,
    { section: "section header table", offset: 0 },
    `${role} is ${index}, expected the index of a SHT_STRTAB section`,
  );
  return index;
}

function encodeSymbols(file: ElfFile, symtab: number, names: StringTable): Uint8Array {
  const section = at(file, symtab);
  const out = new Uint8Array(file.symbols.length * SYM_SIZE);
  const view = new DataView(out.buffer);
  file.symbols.forEach((s, k) => {
    const base = k * SYM_SIZE;
    checkUint(s.bind, 4, section, base + SYM.info, `symbol ${k} bind`);
    checkUint(s.type, 4, section, base + SYM.info, `symbol ${k} type`);
    checkUint(s.other, 8, section, base + SYM.other, `symbol ${k} st_other`);
    checkUint(s.shndx, 16, section, base + SYM.shndx, `symbol ${k} st_shndx`);
    checkUint(s.value, 64, section, base + SYM.value, `symbol ${k} st_value`);
    checkUint(s.size, 64, section, base + SYM.size, `symbol ${k} st_size`);
    expectFormat(
      s.shndx < file.sections.length || s.shndx >= SHN_LORESERVE,
      { section, offset: base + SYM.shndx },
      `symbol ${k} ${JSON.stringify(s.name)} st_shndx ${s.shndx} is not a section index`,
    );
    view.setUint32(base + SYM.name, names.offsetOf(s.name), true);
    view.setUint8(base + SYM.info, symbolInfo(s.bind, s.type));
    view.setUint8(base + SYM.other, s.other);
    view.setUint16(base + SYM.shndx, s.shndx, true);
    view.setBigUint64(base + SYM.value, s.value, true);
    view.setBigUint64(base + SYM.size, s.size, true);
  });
  return out;
}

function encodeRelocations(file: ElfFile, relIndex: number): Uint8Array {
  const section = at(file, relIndex);
  const entries = file.relocations.get(file.sections[relIndex]!.info) ?? [];
  const out = new Uint8Array(entries.length * REL_SIZE);
  const view = new DataView(out.buffer);
  entries.forEach((r, k) => {
    const base = k * REL_SIZE;
    checkUint(r.offset, 64, section, base, `relocation ${k} r_offset`);
    checkUint(r.type, 32, section, base + 8, `relocation ${k} type`);
    checkUint(r.symbol, 32, section, base + 12, `relocation ${k} symbol`);
    expectFormat(
      r.symbol < file.symbols.length,
      { section, offset: base + 12 },
      `relocation ${k} refers to symbol ${r.symbol}, but there are ${file.symbols.length} symbols`,
    );
    view.setBigUint64(base, r.offset, true);
    view.setUint32(base + 8, r.type, true);
    view.setUint32(base + 12, r.symbol, true);
  });
  return out;
}

function prepare(file: ElfFile): Prepared {
  const n = file.sections.length;
  expectFormat(
    n > 1 && n < SHN_LORESERVE && file.sections[0]!.type === SHT_NULL,
    { section: "section header table", offset: 0 },
    `expected a null section [0] followed by 1..${SHN_LORESERVE - 2} sections, got ${n} sections`,
  );
  const symtab = findSymtab(file);
  const shstrndx = stringTableIndex(file, file.header.shstrndx, "header.shstrndx");
  const symstrndx = symtab > 0 ? stringTableIndex(file, file.sections[symtab]!.link, `${at(file, symtab)} sh_link`) : 0;

  const relTargets = new Set<number>();
  file.sections.forEach((s, i) => {
    if (s.type !== SHT_REL) return;
    expectFormat(
      !relTargets.has(s.info),
      { section: at(file, i), offset: 0 },
      `a second SHT_REL section for section [${s.info}]`,
    );
    relTargets.add(s.info);
  });
  for (const target of file.relocations.keys()) {
    expectFormat(
      relTargets.has(target),
      { section: at(file, target), offset: 0 },
      `relocations for section [${target}] but no SHT_REL section with sh_info ${target}`,
    );
  }

  // Section names and symbol names share one table when (as with clang) both point at .strtab.
  const tableNames = new Map<number, string[]>([[shstrndx, []]]);
  if (symstrndx > 0) tableNames.set(symstrndx, []);
  for (const s of file.sections) checkName(s.name, at(file, shstrndx));
  for (const s of file.symbols) checkName(s.name, at(file, symstrndx));
  tableNames.get(shstrndx)!.push(...file.sections.map((s) => s.name));
  if (symstrndx > 0) tableNames.get(symstrndx)!.push(...file.symbols.map((s) => s.name));
  const tables = new Map([...tableNames].map(([i, names]) => [i, buildStringTable(names)]));

  const contents = file.sections.map((s, i): Uint8Array | undefined => {
    if (i === 0 || s.type === SHT_NOBITS) return undefined;
    const table = tables.get(i);
    if (table) return table.bytes;
    if (i === symtab) return encodeSymbols(file, symtab, tables.get(symstrndx)!);
    if (s.type === SHT_REL) return encodeRelocations(file, i);
    expectFormat(
      s.size === BigInt(s.data.length),
      { section: at(file, i), offset: 0 },
      `size ${s.size} differs from the ${s.data.length} bytes of data`,
    );
    return s.data;
  });
  const sizes = file.sections.map((s, i) => (i === 0 ? 0n : s.type === SHT_NOBITS ? s.size : BigInt(contents[i]!.length)));
  const shstrtab = tables.get(shstrndx)!;
  return { contents, sizes, nameOffsets: file.sections.map((s) => shstrtab.offsetOf(s.name)) };
}

/** LLVM's data order: 0 ordinary, 1 groups, 2 symbol table, 3 relocations, 4 addrsig, 5 name tables. */
function dataRank(file: ElfFile, index: number, nameTables: ReadonlySet<number>): number {
  const type = file.sections[index]!.type;
  if (nameTables.has(index)) return 5;
  if (type === SHT_LLVM_ADDRSIG) return 4;
  if (type === SHT_REL) return 3;
  if (type === SHT_SYMTAB || type === SHT_SYMTAB_SHNDX) return 2;
  if (type === SHT_GROUP) return 1;
  return 0;
}

function alignUp(value: bigint, align: bigint): bigint {
  return align <= 1n ? value : ((value + align - 1n) / align) * align;
}

function computeLayout(file: ElfFile, prepared: Prepared): ElfLayout {
  const nameTables = new Set([file.header.shstrndx]);
  const symtab = file.sections.findIndex((s) => s.type === SHT_SYMTAB);
  if (symtab > 0) nameTables.add(file.sections[symtab]!.link);
  const order = file.sections
    .map((_, i) => i)
    .filter((i) => i > 0)
    .sort((a, b) => dataRank(file, a, nameTables) - dataRank(file, b, nameTables) || a - b);

  const offsets = file.sections.map(() => 0n);
  let cursor = BigInt(EHDR_SIZE);
  for (const i of order) {
    const s = file.sections[i]!;
    expectFormat(
      s.addralign >= 0n && (s.addralign & (s.addralign - 1n)) === 0n,
      { section: at(file, i), offset: 0 },
      `sh_addralign ${s.addralign} is not 0 or a power of two`,
    );
    cursor = alignUp(cursor, s.addralign);
    offsets[i] = cursor;
    if (s.type !== SHT_NOBITS) cursor += prepared.sizes[i]!;
    expectFormat(cursor <= MAX_FILE_SIZE, { section: at(file, i), offset: 0 }, `the object would exceed 2 GiB`);
  }
  const shoff = alignUp(cursor, BigInt(SHDR_TABLE_ALIGN));
  const fileSize = shoff + BigInt(file.sections.length * SHDR_SIZE);
  expectFormat(fileSize <= MAX_FILE_SIZE, { section: "section header table", offset: 0 }, `the object would exceed 2 GiB`);
  return { offsets, sizes: prepared.sizes, shoff: Number(shoff), fileSize: Number(fileSize) };
}

/** Where writeElf would place each section's data and the section header table. */
export function layoutElf(file: ElfFile): ElfLayout {
  return computeLayout(file, prepare(file));
}

function writeHeader(view: DataView, out: Uint8Array, file: ElfFile, layout: ElfLayout): void {
  const h = file.header;
  checkUint(h.osabi, 8, "ELF header", EI_OSABI, "osabi");
  checkUint(h.abiversion, 8, "ELF header", EI_ABIVERSION, "abiversion");
  checkUint(h.type, 16, "ELF header", EHDR.type, "e_type");
  checkUint(h.flags, 32, "ELF header", EHDR.flags, "e_flags");
  checkUint(h.entry, 64, "ELF header", EHDR.entry, "e_entry");
  out.set(ELF_MAGIC, 0);
  out[EI_CLASS] = ELFCLASS64;
  out[EI_DATA] = ELFDATA2LSB;
  out[EI_VERSION] = EV_CURRENT;
  out[EI_OSABI] = h.osabi;
  out[EI_ABIVERSION] = h.abiversion;
  view.setUint16(EHDR.type, h.type, true);
  view.setUint16(EHDR.machine, EM_BPF, true);
  view.setUint32(EHDR.version, EV_CURRENT, true);
  view.setBigUint64(EHDR.entry, h.entry, true);
  view.setBigUint64(EHDR.phoff, 0n, true);
  view.setBigUint64(EHDR.shoff, BigInt(layout.shoff), true);
  view.setUint32(EHDR.flags, h.flags, true);
  view.setUint16(EHDR.ehsize, EHDR_SIZE, true);
  view.setUint16(EHDR.phentsize, 0, true);
  view.setUint16(EHDR.phnum, 0, true);
  view.setUint16(EHDR.shentsize, SHDR_SIZE, true);
  view.setUint16(EHDR.shnum, file.sections.length, true);
  view.setUint16(EHDR.shstrndx, h.shstrndx, true);
}

export function writeElf(file: ElfFile): Uint8Array {
  const prepared = prepare(file);
  const layout = computeLayout(file, prepared);
  const out = new Uint8Array(layout.fileSize);
  const view = new DataView(out.buffer);
  writeHeader(view, out, file, layout);

  file.sections.forEach((s, i) => {
    const bytes = prepared.contents[i];
    if (bytes) out.set(bytes, Number(layout.offsets[i]!));
    if (i === 0) return; // the null section header stays all zeros
    const base = layout.shoff + i * SHDR_SIZE;
    const loc = at(file, i);
    checkUint(s.type, 32, loc, 0, "sh_type");
    checkUint(s.flags, 64, loc, 0, "sh_flags");
    checkUint(s.addr, 64, loc, 0, "sh_addr");
    checkUint(s.link, 32, loc, 0, "sh_link");
    checkUint(s.info, 32, loc, 0, "sh_info");
    checkUint(s.entsize, 64, loc, 0, "sh_entsize");
    checkUint(layout.sizes[i]!, 64, loc, 0, "sh_size");
    view.setUint32(base + SHDR.name, prepared.nameOffsets[i]!, true);
    view.setUint32(base + SHDR.type, s.type, true);
    view.setBigUint64(base + SHDR.flags, s.flags, true);
    view.setBigUint64(base + SHDR.addr, s.addr, true);
    view.setBigUint64(base + SHDR.offset, layout.offsets[i]!, true);
    view.setBigUint64(base + SHDR.size, layout.sizes[i]!, true);
    view.setUint32(base + SHDR.link, s.link, true);
    view.setUint32(base + SHDR.info, s.info, true);
    view.setBigUint64(base + SHDR.addralign, s.addralign, true);
    view.setBigUint64(base + SHDR.entsize, s.entsize, true);
  });
  return out;
}
