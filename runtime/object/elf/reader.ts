// readElf: decodes a relocatable ELF64 little-endian EM_BPF object into the
// ElfFile model (see types.ts).
// Invariant: for any input bytes it either returns a model whose every index
// and offset has been checked (section data inside the file, names inside
// NUL-terminated string tables, symbol/relocation indices in range,
// relocations inside their target section) or throws ObjectFormatError naming
// the section ("ELF header", "section header table" or a section's name) and
// the byte offset inside it. No other exception escapes.
import { expectFormat, ObjectFormatError, type FormatLocation } from "../format-error.js";
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
  ET_REL,
  EV_CURRENT,
  REL_SIZE,
  RELOCATION_TYPE_NAMES,
  RELOCATION_WIDTHS,
  SHDR,
  SHDR_SIZE,
  SHN_LORESERVE,
  SHT_NOBITS,
  SHT_REL,
  SHT_RELA,
  SHT_STRTAB,
  SHT_SYMTAB,
  SYM,
  SYM_SIZE,
} from "./constants.js";
import { sectionLabel } from "./query.js";
import type { ElfFile, ElfHeader, ElfRelocation, ElfSection, ElfSymbol } from "./types.js";

const HEADER = "ELF header";
const TABLE = "section header table";
const utf8 = new TextDecoder("utf-8", { fatal: true });

function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

/** The raw fields of one section header, offsets still unchecked against anything but the file. */
interface RawSection {
  nameOffset: number;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: bigint;
  link: number;
  info: number;
  addralign: bigint;
  entsize: bigint;
}

function readHeader(bytes: Uint8Array, view: DataView): { header: ElfHeader; shoff: number; shnum: number } {
  expectFormat(
    bytes.length >= EHDR_SIZE,
    { section: HEADER, offset: bytes.length },
    `file is ${bytes.length} bytes, shorter than the ${EHDR_SIZE}-byte ELF64 header`,
  );
  ELF_MAGIC.forEach((b, i) =>
    expectFormat(bytes[i] === b, { section: HEADER, offset: i }, `bad magic: expected 7f 45 4c 46 ("\\x7fELF")`),
  );
  expectFormat(
    bytes[EI_CLASS] === ELFCLASS64,
    { section: HEADER, offset: EI_CLASS },
    `EI_CLASS is ${bytes[EI_CLASS]}, expected ELFCLASS64 (2)`,
  );
  expectFormat(
    bytes[EI_DATA] === ELFDATA2LSB,
    { section: HEADER, offset: EI_DATA },
    `EI_DATA is ${bytes[EI_DATA]}, expected ELFDATA2LSB (1, little-endian)`,
  );
  expectFormat(
    bytes[EI_VERSION] === EV_CURRENT,
    { section: HEADER, offset: EI_VERSION },
    `EI_VERSION is ${bytes[EI_VERSION]}, expected EV_CURRENT (1)`,
  );
  const type = view.getUint16(EHDR.type, true);
  expectFormat(
    type === ET_REL,
    { section: HEADER, offset: EHDR.type },
    `e_type is ${type}, expected ET_REL (1): only relocatable objects are supported`,
  );
  const machine = view.getUint16(EHDR.machine, true);
  expectFormat(
    machine === EM_BPF,
    { section: HEADER, offset: EHDR.machine },
    `e_machine is ${machine}, expected EM_BPF (247)`,
  );
  const version = view.getUint32(EHDR.version, true);
  expectFormat(version === EV_CURRENT, { section: HEADER, offset: EHDR.version }, `e_version is ${version}, expected 1`);
  const phoff = view.getBigUint64(EHDR.phoff, true);
  const phnum = view.getUint16(EHDR.phnum, true);
  expectFormat(
    phoff === 0n && phnum === 0,
    { section: HEADER, offset: phnum === 0 ? EHDR.phoff : EHDR.phnum },
    `e_phoff ${hex(phoff)} / e_phnum ${phnum}: relocatable objects have no program headers`,
  );
  const ehsize = view.getUint16(EHDR.ehsize, true);
  expectFormat(ehsize === EHDR_SIZE, { section: HEADER, offset: EHDR.ehsize }, `e_ehsize is ${ehsize}, expected 64`);
  const shentsize = view.getUint16(EHDR.shentsize, true);
  expectFormat(
    shentsize === SHDR_SIZE,
    { section: HEADER, offset: EHDR.shentsize },
    `e_shentsize is ${shentsize}, expected 64`,
  );
  const shnum = view.getUint16(EHDR.shnum, true);
  expectFormat(shnum > 0, { section: HEADER, offset: EHDR.shnum }, `e_shnum is 0: the object has no section header table`);
  const shoffBig = view.getBigUint64(EHDR.shoff, true);
  const tableEnd = shoffBig + BigInt(shnum * SHDR_SIZE);
  expectFormat(
    shoffBig >= BigInt(EHDR_SIZE) && tableEnd <= BigInt(bytes.length),
    { section: HEADER, offset: EHDR.shoff },
    `e_shoff ${hex(shoffBig)} + ${shnum} × 64 bytes of section headers does not fit between the ELF header and the end of the ${bytes.length}-byte file`,
  );
  const shstrndx = view.getUint16(EHDR.shstrndx, true);
  expectFormat(
    shstrndx > 0 && shstrndx < shnum,
    { section: HEADER, offset: EHDR.shstrndx },
    `e_shstrndx is ${shstrndx}, expected a section index in 1..${shnum - 1}`,
  );
  const header: ElfHeader = {
    type,
    osabi: bytes[EI_OSABI]!,
    abiversion: bytes[EI_ABIVERSION]!,
    flags: view.getUint32(EHDR.flags, true),
    entry: view.getBigUint64(EHDR.entry, true),
    shstrndx,
  };
  return { header, shoff: Number(shoffBig), shnum };
}

function readSectionHeaders(bytes: Uint8Array, view: DataView, shoff: number, shnum: number): RawSection[] {
  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * SHDR_SIZE;
    const loc = (field: number): FormatLocation => ({ section: TABLE, offset: i * SHDR_SIZE + field });
    if (i === 0) {
      const nonZero = bytes.subarray(at, at + SHDR_SIZE).findIndex((b) => b !== 0);
      expectFormat(
        nonZero < 0,
        loc(Math.max(nonZero, 0)),
        `section header 0 must be all zeros (extended section numbering is not supported)`,
      );
    }
    const type = view.getUint32(at + SHDR.type, true);
    const offset = view.getBigUint64(at + SHDR.offset, true);
    const size = view.getBigUint64(at + SHDR.size, true);
    const addralign = view.getBigUint64(at + SHDR.addralign, true);
    if (type !== SHT_NOBITS) {
      if (offset + size > BigInt(bytes.length)) {
        throw new ObjectFormatError(loc(SHDR.offset), `section [${i}] data at ${hex(offset)} of size ${hex(size)} runs past the end of the ${bytes.length}-byte file`);
      }
    }
    // Checks that run per section build their message only on failure.
    if (!((addralign & (addralign - 1n)) === 0n)) throw new ObjectFormatError(loc(SHDR.addralign), `section [${i}] sh_addralign is ${addralign}, expected 0 or a power of two`);
    raw.push({
      nameOffset: view.getUint32(at + SHDR.name, true),
      type,
      flags: view.getBigUint64(at + SHDR.flags, true),
      addr: view.getBigUint64(at + SHDR.addr, true),
      // SHT_NOBITS has no data in the file, so its sh_offset is never used.
      offset: type === SHT_NOBITS ? 0 : Number(offset),
      size,
      link: view.getUint32(at + SHDR.link, true),
      info: view.getUint32(at + SHDR.info, true),
      addralign,
      entsize: view.getBigUint64(at + SHDR.entsize, true),
    });
  }
  return raw;
}

/**
 * Reads the NUL-terminated UTF-8 string at `offset` of string table `table`.
 * `ref` locates the field that holds the offset, for the out-of-range message.
 */
function readString(table: Uint8Array, tableName: string, offset: number, ref: FormatLocation): string {
  // Per-entry checks build their message only on failure (they run for every string).
  if (offset >= table.length) throw new ObjectFormatError(ref, `name offset ${hex(offset)} is outside ${tableName} (size ${hex(table.length)})`);
  const end = table.indexOf(0, offset);
  if (end < 0) throw new ObjectFormatError({ section: tableName, offset }, `string at ${hex(offset)} is not NUL-terminated`);
  try {
    return utf8.decode(table.subarray(offset, end));
  } catch {
    throw new ObjectFormatError({ section: tableName, offset }, `string at ${hex(offset)} is not valid UTF-8`);
  }
}

function sectionData(bytes: Uint8Array, s: RawSection): Uint8Array {
  return s.type === SHT_NOBITS ? new Uint8Array(0) : bytes.slice(s.offset, s.offset + Number(s.size));
}

function readSymbols(
  view: DataView,
  raw: RawSection[],
  labels: string[],
  index: number,
  data: Uint8Array[],
): ElfSymbol[] {
  const s = raw[index]!;
  const name = labels[index]!;
  const hdr = (field: number): FormatLocation => ({ section: TABLE, offset: index * SHDR_SIZE + field });
  expectFormat(s.entsize === BigInt(SYM_SIZE), hdr(SHDR.entsize), `${name} sh_entsize is ${s.entsize}, expected 24`);
  expectFormat(
    s.size % BigInt(SYM_SIZE) === 0n,
    hdr(SHDR.size),
    `${name} size ${hex(s.size)} is not a multiple of 24`,
  );
  expectFormat(
    s.link > 0 && s.link < raw.length && raw[s.link]!.type === SHT_STRTAB,
    hdr(SHDR.link),
    `${name} sh_link is ${s.link}, expected the index of its SHT_STRTAB string table`,
  );
  const count = Number(s.size) / SYM_SIZE;
  expectFormat(
    s.info <= count,
    hdr(SHDR.info),
    `${name} sh_info (first non-local symbol) is ${s.info}, but there are only ${count} symbols`,
  );
  const strings = data[s.link]!;
  const stringsName = labels[s.link]!;
  const symbols: ElfSymbol[] = [];
  for (let k = 0; k < count; k++) {
    const at = s.offset + k * SYM_SIZE;
    const shndx = view.getUint16(at + SYM.shndx, true);
    if (!(shndx < raw.length || shndx >= SHN_LORESERVE)) {
      throw new ObjectFormatError({ section: name, offset: k * SYM_SIZE + SYM.shndx }, `symbol ${k} st_shndx is ${shndx}, but there are only ${raw.length} sections`);
    }
    const info = view.getUint8(at + SYM.info);
    symbols.push({
      name: readString(strings, stringsName, view.getUint32(at + SYM.name, true), {
        section: name,
        offset: k * SYM_SIZE + SYM.name,
      }),
      value: view.getBigUint64(at + SYM.value, true),
      size: view.getBigUint64(at + SYM.size, true),
      bind: info >> 4,
      type: info & 0xf,
      other: view.getUint8(at + SYM.other),
      shndx,
    });
  }
  return symbols;
}

function readRelocations(
  view: DataView,
  raw: RawSection[],
  labels: string[],
  index: number,
  symtabIndex: number,
  symbolCount: number,
): ElfRelocation[] {
  const s = raw[index]!;
  const name = labels[index]!;
  const hdr = (field: number): FormatLocation => ({ section: TABLE, offset: index * SHDR_SIZE + field });
  if (!(s.entsize === BigInt(REL_SIZE))) throw new ObjectFormatError(hdr(SHDR.entsize), `${name} sh_entsize is ${s.entsize}, expected 16`);
  if (!(s.size % BigInt(REL_SIZE) === 0n)) throw new ObjectFormatError(hdr(SHDR.size), `${name} size ${hex(s.size)} is not a multiple of 16`);
  if (!(symtabIndex > 0 && s.link === symtabIndex)) throw new ObjectFormatError(hdr(SHDR.link), `${name} sh_link is ${s.link}, expected the symbol table's index${symtabIndex > 0 ? ` ${symtabIndex}` : " (there is no SHT_SYMTAB)"}`);
  if (!(s.info > 0 && s.info < raw.length && s.info !== index)) throw new ObjectFormatError(hdr(SHDR.info), `${name} sh_info is ${s.info}, expected the index of the section it relocates`);
  const target = raw[s.info]!;
  const targetName = labels[s.info]!;
  if (!(target.type !== SHT_NOBITS)) throw new ObjectFormatError(hdr(SHDR.info), `${name} relocates ${targetName}, a SHT_NOBITS section with no contents`);
  const relocations: ElfRelocation[] = [];
  const count = Number(s.size) / REL_SIZE;
  for (let k = 0; k < count; k++) {
    const at = s.offset + k * REL_SIZE;
    const offset = view.getBigUint64(at, true);
    const type = view.getUint32(at + 8, true);
    const symbol = view.getUint32(at + 12, true);
    // Messages are built only on failure (this runs for every relocation).
    const loc = (field: number): FormatLocation => ({ section: name, offset: k * REL_SIZE + field });
    const width = RELOCATION_WIDTHS.get(type);
    if (width === undefined) throw new ObjectFormatError(loc(8), `relocation ${k} has unknown BPF relocation type ${type}`);
    if (symbol >= symbolCount) throw new ObjectFormatError(loc(12), `relocation ${k} refers to symbol ${symbol}, but the symbol table has ${symbolCount} entries`);
    if (offset + BigInt(width) > target.size) {
      throw new ObjectFormatError(loc(0), `relocation ${k} (${RELOCATION_TYPE_NAMES.get(type)}) at ${hex(offset)} needs ${width} bytes, past the end of ${targetName} (size ${hex(target.size)})`);
    }
    relocations.push({ offset, type, symbol });
  }
  return relocations;
}

export function readElf(bytes: Uint8Array): ElfFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { header, shoff, shnum } = readHeader(bytes, view);
  const raw = readSectionHeaders(bytes, view, shoff, shnum);
  const data = raw.map((s) => sectionData(bytes, s));

  const shstrtab = raw[header.shstrndx]!;
  expectFormat(
    shstrtab.type === SHT_STRTAB,
    { section: TABLE, offset: header.shstrndx * SHDR_SIZE + SHDR.type },
    `section [${header.shstrndx}] (e_shstrndx) has type ${shstrtab.type}, expected SHT_STRTAB (3)`,
  );
  // The name table is reported by its own name once that name is known.
  const nameOf = (label: string, i: number): string =>
    readString(data[header.shstrndx]!, label, raw[i]!.nameOffset, { section: TABLE, offset: i * SHDR_SIZE });
  const shstrtabLabel = sectionLabel(nameOf(`section [${header.shstrndx}]`, header.shstrndx), header.shstrndx);
  const names = raw.map((_, i) => nameOf(shstrtabLabel, i));
  const labels = names.map(sectionLabel);

  let symtabIndex = 0;
  raw.forEach((s, i) => {
    if (s.type === SHT_RELA) {
      throw new ObjectFormatError(
        { section: labels[i]!, offset: 0 },
        `SHT_RELA relocation sections are not supported (BPF objects use SHT_REL)`,
      );
    }
    if (s.type !== SHT_SYMTAB) return;
    expectFormat(
      symtabIndex === 0,
      { section: TABLE, offset: i * SHDR_SIZE + SHDR.type },
      `a second SHT_SYMTAB section [${i}] (the first is [${symtabIndex}])`,
    );
    symtabIndex = i;
  });
  const symbols = symtabIndex > 0 ? readSymbols(view, raw, labels, symtabIndex, data) : [];

  const relocations = new Map<number, ElfRelocation[]>();
  raw.forEach((s, i) => {
    if (s.type !== SHT_REL) return;
    const decoded = readRelocations(view, raw, labels, i, symtabIndex, symbols.length);
    expectFormat(
      !relocations.has(s.info),
      { section: TABLE, offset: i * SHDR_SIZE + SHDR.info },
      `${labels[i]} is a second relocation section for ${labels[s.info]}`,
    );
    relocations.set(s.info, decoded);
  });

  const sections: ElfSection[] = raw.map((s, i) => ({
    name: names[i]!,
    type: s.type,
    flags: s.flags,
    addr: s.addr,
    addralign: s.addralign,
    entsize: s.entsize,
    link: s.link,
    info: s.info,
    data: data[i]!,
    size: s.size,
  }));
  return { header, sections, symbols, relocations };
}
