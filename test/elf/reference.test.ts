// The clang-19 reference objects: readElf → writeElf is byte-identical, and
// the decoded model (sections, symbols, relocations, layout) agrees with
// llvm-readelf-19's view of the same file and with the elf-tools package's parse.
// Skips (with a printed reason) when ../shared or the tools are absent.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, test } from "vitest";
import elfTools from "elf-tools";
import { readElf } from "../../runtime/object/elf/reader.js";
import { layoutElf, writeElf } from "../../runtime/object/elf/writer.js";
import { findSection, relocationsFor, symbolsInSection } from "../../runtime/object/elf/query.js";
import { SHT_NOBITS, SHT_REL, STT_FUNC } from "../../runtime/object/elf/constants.js";
import { referenceObjects } from "../support/shared.js";
import { requireTool, run } from "../support/tools.js";
import { parseReadelf, renderModel } from "./readelf-output.js";

const objects = referenceObjects();
if (objects.length === 0) console.warn("[tsbpf tests] skipping ELF reference tests: no reference objects in ../shared");
const readelf = objects.length > 0 ? requireTool("llvm-readelf-19") : undefined;

if (objects.length === 0) test.skip("reference objects are absent", () => {});

describe.each(objects.map((path) => [basename(path), path] as const))("%s", (_name, path) => {
  const bytes = new Uint8Array(readFileSync(path));

  test("read → write is byte-identical", () => {
    const written = writeElf(readElf(bytes));
    expect(written.length).toBe(bytes.length);
    expect(Buffer.from(written).equals(Buffer.from(bytes))).toBe(true);
  });

  test("layout reproduces every sh_offset and e_shoff", () => {
    const file = readElf(bytes);
    const layout = layoutElf(file);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const shoff = Number(view.getBigUint64(40, true));
    expect(layout.shoff).toBe(shoff);
    file.sections.forEach((_, i) => expect(layout.offsets[i]).toBe(view.getBigUint64(shoff + i * 64 + 24, true)));
  });

  test.skipIf(!readelf)("agrees with llvm-readelf-19 -S -s -r --wide", () => {
    const theirs = parseReadelf(run(readelf!, ["-S", "-s", "-r", "--wide", path]));
    const ours = renderModel(readElf(bytes));
    expect(theirs.sections.length).toBeGreaterThan(2);
    expect(theirs.symbols.length).toBeGreaterThan(2);
    expect(theirs.relocations.size).toBeGreaterThan(0);
    expect(ours.sections).toEqual(theirs.sections);
    expect(ours.symbols).toEqual(theirs.symbols);
    expect([...ours.relocations.keys()]).toEqual([...theirs.relocations.keys()]);
    for (const [name, rel] of theirs.relocations) expect(ours.relocations.get(name), name).toEqual(rel);
  });

  test("agrees with elf-tools' section header parse", () => {
    const theirs = elfTools.parse(Buffer.from(bytes));
    const file = readElf(bytes);
    const layout = layoutElf(file);
    expect(theirs.header.shoff).toBe(layout.shoff);
    expect(theirs.header.shnum).toBe(file.sections.length);
    expect(theirs.header.shstrndx).toBe(file.header.shstrndx);
    expect(theirs.sections.length).toBe(file.sections.length);
    theirs.sections.forEach(({ header: h, data }, i) => {
      const s = file.sections[i]!;
      const where = `[${i}] ${s.name}`;
      expect(h.name, where).toBe(s.name);
      expect(BigInt(h.offset), where).toBe(layout.offsets[i]);
      expect(BigInt(h.size), where).toBe(layout.sizes[i]);
      expect(h.link, where).toBe(s.link);
      expect(h.info, where).toBe(s.info);
      expect(BigInt(h.addralign), where).toBe(s.addralign);
      expect(BigInt(h.entsize), where).toBe(s.entsize);
      if (s.type !== SHT_NOBITS) expect(Buffer.from(s.data).equals(data), where).toBe(true);
    });
  });

  test("query helpers see the program section's symbols and relocations", () => {
    const file = readElf(bytes);
    const xdp = findSection(file, "xdp");
    expect(xdp).toBeDefined();
    const symbols = symbolsInSection(file, xdp!.index);
    expect(symbols.some((s) => s.symbol.type === STT_FUNC && s.symbol.value === 0n)).toBe(true);
    for (let k = 1; k < symbols.length; k++) expect(symbols[k]!.symbol.value >= symbols[k - 1]!.symbol.value).toBe(true);
    const relSection = file.sections.find((s) => s.type === SHT_REL && s.info === xdp!.index);
    expect(relocationsFor(file, xdp!.index).length).toBe(relSection ? Number(relSection.size) / 16 : 0);
  });
});
