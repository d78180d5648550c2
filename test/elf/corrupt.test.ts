// Hand-made corruptions of a valid object (the buildElf fixture, so this runs
// without ../shared): each must make readElf throw ObjectFormatError whose
// location names the right section ("ELF header", "section header table" or
// a section name) and byte offset, and whose message says what was expected.
import { describe, expect, test } from "vitest";
import { buildElf } from "../../runtime/object/elf/build.js";
import { ObjectFormatError } from "../../runtime/object/format-error.js";
import { readElf } from "../../runtime/object/elf/reader.js";
import { layoutElf, writeElf } from "../../runtime/object/elf/writer.js";
import { sampleSpec } from "./fixture.js";

const model = buildElf(sampleSpec);
const original = writeElf(model);
const layout = layoutElf(model);
const index = (name: string): number => model.sections.findIndex((s) => s.name === name);
const STRTAB = index(".strtab");
const XDP = index("xdp");
const RELXDP = index(".relxdp");
const SYMTAB = index(".symtab");
/** File offset of field `field` in section header `i`. */
const shdr = (i: number, field: number): number => layout.shoff + i * 64 + field;
/** File offset of byte `offset` inside section `i`'s data. */
const inside = (i: number, offset: number): number => Number(layout.offsets[i]!) + offset;

type Edit = (bytes: Uint8Array, view: DataView) => Uint8Array | void;
interface Case {
  name: string;
  edit: Edit;
  section: string;
  offset: number;
  message: RegExp;
}

const cases: Case[] = [
  { name: "bad magic", edit: (b) => void (b[1] = 0x46), section: "ELF header", offset: 1, message: /bad magic/ },
  { name: "wrong class", edit: (b) => void (b[4] = 1), section: "ELF header", offset: 4, message: /EI_CLASS is 1, expected ELFCLASS64/ },
  { name: "big-endian", edit: (b) => void (b[5] = 2), section: "ELF header", offset: 5, message: /expected ELFDATA2LSB/ },
  { name: "wrong EI_VERSION", edit: (b) => void (b[6] = 0), section: "ELF header", offset: 6, message: /EV_CURRENT/ },
  { name: "not relocatable", edit: (_, v) => v.setUint16(16, 2, true), section: "ELF header", offset: 0x10, message: /e_type is 2, expected ET_REL/ },
  {
    name: "wrong machine",
    edit: (_, v) => v.setUint16(18, 62, true),
    section: "ELF header",
    offset: 0x12,
    message: /e_machine is 62, expected EM_BPF \(247\)/,
  },
  { name: "program headers", edit: (_, v) => v.setUint16(56, 1, true), section: "ELF header", offset: 0x38, message: /program headers/ },
  { name: "bad e_shentsize", edit: (_, v) => v.setUint16(58, 56, true), section: "ELF header", offset: 0x3a, message: /e_shentsize is 56, expected 64/ },
  { name: "truncated header", edit: (b) => b.slice(0, 40), section: "ELF header", offset: 40, message: /shorter than the 64-byte/ },
  { name: "empty file", edit: () => new Uint8Array(0), section: "ELF header", offset: 0, message: /file is 0 bytes/ },
  {
    name: "section table cut off",
    edit: (b) => b.slice(0, b.length - 10),
    section: "ELF header",
    offset: 0x28,
    message: /section headers does not fit/,
  },
  { name: "no sections", edit: (_, v) => v.setUint16(60, 0, true), section: "ELF header", offset: 0x3c, message: /e_shnum is 0/ },
  {
    name: "shstrndx out of range",
    edit: (_, v) => v.setUint16(62, model.sections.length, true),
    section: "ELF header",
    offset: 0x3e,
    message: new RegExp(`e_shstrndx is ${model.sections.length}, expected a section index in 1\\.\\.`),
  },
  {
    name: "shstrndx not a string table",
    edit: (_, v) => v.setUint16(62, XDP, true),
    section: "section header table",
    offset: XDP * 64 + 4,
    message: /expected SHT_STRTAB/,
  },
  {
    name: "null section header not zero",
    edit: (_, v) => v.setUint32(shdr(0, 4), 1, true),
    section: "section header table",
    offset: 4,
    message: /section header 0 must be all zeros/,
  },
  {
    name: "section offset past end",
    edit: (b, v) => v.setBigUint64(shdr(XDP, 24), BigInt(b.length), true),
    section: "section header table",
    offset: XDP * 64 + 24,
    message: /section \[3\] data at 0x[0-9a-f]+ of size 0x50 runs past the end/,
  },
  {
    name: "section size past end",
    edit: (_, v) => v.setBigUint64(shdr(STRTAB, 32), 0xffffffffffffff00n, true),
    section: "section header table",
    offset: STRTAB * 64 + 24,
    message: /runs past the end/,
  },
  {
    name: "sh_addralign not a power of two",
    edit: (_, v) => v.setBigUint64(shdr(XDP, 48), 3n, true),
    section: "section header table",
    offset: XDP * 64 + 48,
    message: /sh_addralign is 3, expected 0 or a power of two/,
  },
  {
    name: "section name offset out of range",
    edit: (_, v) => v.setUint32(shdr(XDP, 0), 0x10000, true),
    section: "section header table",
    offset: XDP * 64,
    message: /name offset 0x10000 is outside \.strtab/,
  },
  {
    name: "string not NUL-terminated",
    edit: (b) => void (b[inside(STRTAB, Number(layout.sizes[STRTAB]!) - 1)] = 0x41),
    section: ".strtab",
    offset: Number(layout.sizes[STRTAB]!) - "LICENSE\0".length, // "LICENSE" sorts last (see string-table.ts)
    message: /is not NUL-terminated/,
  },
  {
    name: "symbol name out of range",
    edit: (_, v) => v.setUint32(inside(SYMTAB, 6 * 24), 0xffff, true),
    section: ".symtab",
    offset: 6 * 24,
    message: /name offset 0xffff is outside \.strtab/,
  },
  {
    name: "symbol section index out of range",
    edit: (_, v) => v.setUint16(inside(SYMTAB, 6 * 24 + 6), 200, true),
    section: ".symtab",
    offset: 6 * 24 + 6,
    message: /symbol 6 st_shndx is 200/,
  },
  {
    name: "symtab entsize",
    edit: (_, v) => v.setBigUint64(shdr(SYMTAB, 56), 16n, true),
    section: "section header table",
    offset: SYMTAB * 64 + 56,
    message: /\.symtab sh_entsize is 16, expected 24/,
  },
  {
    name: "symtab size not a multiple of 24",
    edit: (_, v) => v.setBigUint64(shdr(SYMTAB, 32), layout.sizes[SYMTAB]! - 8n, true),
    section: "section header table",
    offset: SYMTAB * 64 + 32,
    message: /not a multiple of 24/,
  },
  {
    name: "symtab sh_info past the symbols",
    edit: (_, v) => v.setUint32(shdr(SYMTAB, 44), 1000, true),
    section: "section header table",
    offset: SYMTAB * 64 + 44,
    message: /sh_info \(first non-local symbol\) is 1000/,
  },
  {
    name: "rel entsize",
    edit: (_, v) => v.setBigUint64(shdr(RELXDP, 56), 24n, true),
    section: "section header table",
    offset: RELXDP * 64 + 56,
    message: /\.relxdp sh_entsize is 24, expected 16/,
  },
  {
    name: "rel sh_link not the symtab",
    edit: (_, v) => v.setUint32(shdr(RELXDP, 40), STRTAB, true),
    section: "section header table",
    offset: RELXDP * 64 + 40,
    message: /sh_link is 1, expected the symbol table's index 13/,
  },
  {
    name: "rel sh_info out of range",
    edit: (_, v) => v.setUint32(shdr(RELXDP, 44), 99, true),
    section: "section header table",
    offset: RELXDP * 64 + 44,
    message: /sh_info is 99, expected the index of the section it relocates/,
  },
  {
    name: "relocation past its section",
    edit: (_, v) => v.setBigUint64(inside(RELXDP, 16), 0x48n, true),
    section: ".relxdp",
    offset: 16,
    message: /R_BPF_64_64\) at 0x48 needs 16 bytes, past the end of xdp \(size 0x50\)/,
  },
  {
    name: "relocation symbol out of range",
    edit: (_, v) => v.setUint32(inside(RELXDP, 16 + 12), 99, true),
    section: ".relxdp",
    offset: 16 + 12,
    message: /refers to symbol 99, but the symbol table has 12 entries/,
  },
  {
    name: "unknown relocation type",
    edit: (_, v) => v.setUint32(inside(RELXDP, 8), 7, true),
    section: ".relxdp",
    offset: 8,
    message: /unknown BPF relocation type 7/,
  },
  {
    name: "SHT_RELA",
    edit: (_, v) => v.setUint32(shdr(RELXDP, 4), 4, true),
    section: ".relxdp",
    offset: 0,
    message: /SHT_RELA relocation sections are not supported/,
  },
];

function readCorrupted(edit: Edit): unknown {
  const bytes = original.slice();
  const replaced = edit(bytes, new DataView(bytes.buffer));
  try {
    readElf(replaced ?? bytes);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("readElf on corrupted input", () => {
  test("the uncorrupted fixture reads", () => {
    expect(readElf(original).sections.length).toBe(model.sections.length);
  });

  test.each(cases)("$name", ({ edit, section, offset, message }) => {
    const error = readCorrupted(edit);
    expect(error).toBeInstanceOf(ObjectFormatError);
    const e = error as ObjectFormatError;
    expect(e.location).toEqual({ section, offset });
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${section}+0x${offset.toString(16)}: `)).toBe(true);
    expect(e.message).not.toContain("\n");
  });
});

test("a section name with control characters is escaped, keeping the message on one line", () => {
  const error = readCorrupted((b, v) => {
    const strtab = b.subarray(inside(STRTAB, 0), inside(STRTAB, Number(layout.sizes[STRTAB]!)));
    const at = Buffer.from(strtab).indexOf(".relxdp\0");
    strtab[at + 2] = 0x0a; // ".r\nlxdp"
    v.setBigUint64(shdr(RELXDP, 56), 0n, true);
  });
  expect(error).toBeInstanceOf(ObjectFormatError);
  expect((error as ObjectFormatError).message).toContain(".r\\u{a}lxdp sh_entsize is 0, expected 16");
  expect((error as ObjectFormatError).message).not.toContain("\n");
});
