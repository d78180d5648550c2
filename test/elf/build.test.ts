// buildElf + writeElf on a new object (test/elf/fixture.ts): clang's section
// arrangement, symbol ordering, .rel<name> conventions and string-table
// sharing; the result reads back unchanged, is deterministic, and LLVM's
// tools (llvm-readelf-19, llvm-objdump-19) accept it without warnings.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { buildElf, type ElfBuildSpec } from "../../runtime/object/elf/build.js";
import {
  R_BPF_64_64,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_INFO_LINK,
  SHT_NOBITS,
  SHT_REL,
  SHT_STRTAB,
  SHT_SYMTAB,
  STB_GLOBAL,
  STB_LOCAL,
  STT_FUNC,
} from "../../runtime/object/elf/constants.js";
import { ObjectFormatError } from "../../runtime/object/format-error.js";
import { findSection, relocationTypeName, symbolDisplayName, symbolsInSection } from "../../runtime/object/elf/query.js";
import { readElf } from "../../runtime/object/elf/reader.js";
import { buildStringTable } from "../../runtime/object/elf/string-table.js";
import { writeElf } from "../../runtime/object/elf/writer.js";
import { requireTool } from "../support/tools.js";
import { sampleSpec, xdpCode } from "./fixture.js";
import { parseReadelf, renderModel } from "./readelf-output.js";

const model = buildElf(sampleSpec);
const bytes = writeElf(model);

describe("buildElf layout", () => {
  test("sections follow clang's arrangement", () => {
    expect(model.sections.map((s) => s.name)).toEqual([
      "",
      ".strtab",
      ".text",
      "xdp",
      ".relxdp",
      ".data",
      ".rodata",
      ".bss",
      ".maps",
      "license",
      ".BTF",
      ".BTF.ext",
      ".rel.BTF.ext",
      ".symtab",
    ]);
    expect(model.header.shstrndx).toBe(1);
    expect(model.sections[1]!.type).toBe(SHT_STRTAB);
    const symtab = model.sections[13]!;
    expect(symtab).toMatchObject({ type: SHT_SYMTAB, link: 1, entsize: 24n, addralign: 8n });
    for (const [rel, target] of [
      [4, 3],
      [12, 11],
    ] as const) {
      expect(model.sections[rel]).toMatchObject({ type: SHT_REL, flags: SHF_INFO_LINK, entsize: 16n, link: 13, info: target });
    }
  });

  test("locals precede globals and .symtab sh_info is the first non-local", () => {
    const binds = model.symbols.map((s) => s.bind);
    const first = model.sections[13]!.info;
    expect(binds.slice(0, first).every((b) => b === STB_LOCAL)).toBe(true);
    expect(binds.slice(first).every((b) => b !== STB_LOCAL)).toBe(true);
    expect(model.symbols.map((_, i) => symbolDisplayName(model, i))).toEqual([
      "",
      "sample.c",
      ".text",
      "xdp",
      ".rodata",
      "verdict",
      "xdp_prog",
      "pkt_count",
      "scratch",
      "counts",
      "LICENSE",
      "bpf_ext_helper",
    ]);
  });

  test("one shared, tail-merged string table", () => {
    const strtab = readElf(bytes).sections[1]!.data;
    const text = Buffer.from(strtab).toString("latin1");
    expect(text.startsWith("\0")).toBe(true);
    expect(text.split("xdp\0").length - 1).toBe(1); // "xdp" lives at the tail of ".relxdp"
    expect(text).toContain(".rel.BTF.ext\0");
    expect(text).not.toContain("\0.BTF.ext\0");
    const table = buildStringTable(["b", "ab", "a", "ab", "cab"]);
    expect(Buffer.from(table.bytes).toString("latin1")).toBe("\0cab\0a\0");
    expect(table.offsetOf("b")).toBe(3);
    expect(table.offsetOf("ab")).toBe(2);
    expect(table.offsetOf("")).toBe(0);
    expect(buildStringTable(["cab", "a", "b"]).bytes).toEqual(buildStringTable(["b", "a", "cab"]).bytes);
  });

  test("reads back unchanged and writes deterministically", () => {
    const again = readElf(bytes);
    expect(writeElf(again)).toEqual(bytes);
    expect(writeElf(buildElf(sampleSpec))).toEqual(bytes);
    expect(again.symbols).toEqual(model.symbols);
    expect(again.relocations).toEqual(model.relocations);
    expect(again.sections.map((s) => s.data.length)).toEqual(again.sections.map((s) => (s.type === SHT_NOBITS ? 0 : Number(s.size))));
    const xdp = findSection(again, "xdp")!;
    expect(again.sections[xdp.index]!.data).toEqual(xdpCode);
    expect(symbolsInSection(again, xdp.index).map((s) => symbolDisplayName(again, s.index))).toEqual(["xdp", "xdp_prog"]);
  });

  test("an object with no sections of its own is still valid", () => {
    const empty = writeElf(buildElf({ sections: [] }));
    const file = readElf(empty);
    expect(file.sections.map((s) => s.name)).toEqual(["", ".strtab", ".symtab"]);
    expect(file.symbols.length).toBe(1);
  });
});

describe("buildElf rejects inconsistent specs", () => {
  const base: ElfBuildSpec = {
    sections: [{ name: "xdp", flags: SHF_ALLOC | SHF_EXECINSTR, align: 8, data: xdpCode }],
    symbols: [{ name: "prog", section: "xdp", size: xdpCode.length, bind: STB_GLOBAL, type: STT_FUNC }],
  };
  const cases: [string, ElfBuildSpec, string, RegExp][] = [
    ["unknown symbol", { ...base, relocations: [{ section: "xdp", offset: 0, type: R_BPF_64_64, symbol: "nope" }] }, ".relxdp", /no symbol named "nope"/],
    ["unknown section", { ...base, relocations: [{ section: "tc", offset: 0, type: R_BPF_64_64, symbol: "prog" }] }, ".reltc", /no section named "tc"/],
    ["past the end", { ...base, relocations: [{ section: "xdp", offset: 72, type: R_BPF_64_64, symbol: "prog" }] }, ".relxdp", /needs 16 bytes, past the end of xdp/],
    ["unknown type", { ...base, relocations: [{ section: "xdp", offset: 0, type: 99, symbol: "prog" }] }, ".relxdp", /unknown BPF relocation type 99/],
    ["duplicate section", { ...base, sections: [...base.sections, ...base.sections] }, "xdp", /duplicate section name/],
    ["duplicate symbol", { ...base, symbols: [...base.symbols!, ...base.symbols!] }, ".symtab", /duplicate symbol name "prog"/],
    ["bad alignment", { sections: [{ name: "x", flags: 0n, align: 3 }] }, "x", /alignment 3/],
  ];
  test.each(cases)("%s", (_name, spec, section, message) => {
    let thrown: unknown;
    try {
      writeElf(buildElf(spec));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ObjectFormatError);
    expect((thrown as ObjectFormatError).location.section).toBe(section);
    expect((thrown as ObjectFormatError).message).toMatch(message);
  });
});

describe("LLVM tools accept the built object", () => {
  const readelf = requireTool("llvm-readelf-19");
  const objdump = requireTool("llvm-objdump-19");
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-elf-"));
  const path = join(dir, "sample.o");
  writeFileSync(path, bytes);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.skipIf(!readelf)("llvm-readelf-19 -S -s -r: no warnings, our symbols and relocations", () => {
    const result = spawnSync(readelf!, ["-S", "-s", "-r", "--wide", path], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    const theirs = parseReadelf(result.stdout);
    const ours = renderModel(model);
    expect(ours.sections).toEqual(theirs.sections);
    expect(ours.symbols).toEqual(theirs.symbols);
    expect(ours.relocations).toEqual(theirs.relocations);
    const types = new Set([...theirs.relocations.values()].flatMap((r) => r.rows.map((row) => row.type)));
    expect([...types].sort()).toEqual([0, 1, 2, 3, 4, 10].map(relocationTypeName).sort());
    expect(theirs.symbols.find((s) => s.name === "bpf_ext_helper")).toMatchObject({ ndx: "UND", bind: "GLOBAL", type: "FUNC" });
  });

  test.skipIf(!objdump)("llvm-objdump-19 -dr shows the relocation lines", () => {
    const result = spawnSync(objdump!, ["-dr", path], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n").map((l) => l.trim());
    for (const expected of [
      "0000000000000000:  R_BPF_64_64\tcounts",
      "0000000000000010:  R_BPF_64_64\tpkt_count",
      "0000000000000020:  R_BPF_64_64\t.rodata",
      "0000000000000038:  R_BPF_64_32\t.text",
    ]) {
      expect(lines).toContain(expected);
    }
    expect(result.stdout).toContain("<xdp_prog>:");
    expect(result.stdout).toContain("<verdict>:");
  });
});
