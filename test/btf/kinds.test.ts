// Every BTF kind and flag, including those the reference objects lack: built with
// the builder and dumped by bpftool as a raw BTF file, and compiled from C by clang-19
// (with .BTF.ext, CO-RE relocations included), compared with bpftool both ways.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BtfBuilder } from "../../runtime/object/btf/builder.js";
import { dumpBtf } from "../../runtime/object/btf/dump.js";
import { readBtfExt } from "../../runtime/object/btf/ext-reader.js";
import { CoreReloKind } from "../../runtime/object/btf/ext-types.js";
import { readBtf } from "../../runtime/object/btf/reader.js";
import { FuncLinkage, IntEncoding, VarLinkage, type Btf } from "../../runtime/object/btf/types.js";
import { writeBtf, writeBtfAndExt } from "../../runtime/object/btf/writer.js";
import { bpftoolDump, compileC, CORE_C, everyKind, everyKindExt, KINDS_C, tempDir } from "./fixtures.js";
import { btfSections } from "./sections.js";

describe("every BTF kind", () => {
  const dir = tempDir();

  test("builder output covers all 19 kinds and both values of every kflag", () => {
    const btf = everyKind();
    const kinds = new Set(btf.types.map((t) => t.kind));
    expect(kinds.size).toBe(19);
    expect(btf.types.some((t) => t.kind === "STRUCT" && t.kflag)).toBe(true);
    expect(btf.types.some((t) => t.kind === "UNION" && t.kflag)).toBe(true);
    expect(btf.types.some((t) => t.kind === "ENUM" && t.signed)).toBe(true);
    expect(btf.types.some((t) => t.kind === "ENUM64" && !t.signed)).toBe(true);
    expect(btf.types.some((t) => t.kind === "FWD" && t.union)).toBe(true);
  });

  test("raw BTF file: bpftool dump equals dumpBtf", () => {
    const btf = everyKind();
    const bytes = writeBtf(btf);
    const read = readBtf(bytes);
    expect(read.types).toEqual(btf.types);
    const file = join(dir, "every-kind.btf");
    writeFileSync(file, bytes);
    const expected = bpftoolDump(file);
    if (expected === undefined) return;
    expect(dumpBtf(read)).toBe(expected);
    expect(dumpBtf(btf)).toBe(expected);
    // Spot-check the quirky lines so a bpftool change shows up as a readable diff.
    expect(expected).toContain("\t'(anon)' type_id=0\n");
    expect(expected).toContain("\t'MIN' val=-9223372036854775808LL\n");
    expect(expected).toContain("\t'MAX' val=18446744073709551615ULL\n");
    expect(expected).toContain("\t'NEG' val=-2147483648\n");
    expect(expected).toContain("bits_offset=3 bitfield_size=29\n");
    expect(expected).toContain("type_id=1, linkage=global\n");
    expect(expected).toContain("(FUNC 'extern_fn')");
  });

  test(".BTF.ext with every record type round-trips, sharing .BTF's string table", () => {
    const btf = everyKind();
    const ext = everyKindExt(btf);
    const written = writeBtfAndExt(btf, ext);
    const read = readBtf(written.btf);
    expect(read.types).toEqual(btf.types);
    expect(readBtfExt(written.ext, read)).toEqual(ext);
    // The ext strings are in .BTF's table, after the names of the FUNC they belong to.
    const table = Buffer.from(read.strings.bytes).toString("utf8").split("\0");
    expect(table).toContain("  é ünïcode;");
    expect(table.indexOf("xdp")).toBe(table.indexOf("global_fn") + 1);
    // Written again from what was read, nothing moves.
    const again = writeBtfAndExt(read, readBtfExt(written.ext, read));
    expect(Buffer.from(again.btf).equals(Buffer.from(written.btf))).toBe(true);
    expect(Buffer.from(again.ext).equals(Buffer.from(written.ext))).toBe(true);
    // line_col's limits: a 22-bit line number and a 10-bit column.
    const tooLong = structuredClone(ext);
    tooLong.lineInfo[0]!.records[0]!.column = 1024;
    expect(() => writeBtfAndExt(btf, tooLong)).toThrow(/does not fit line_col/);
  });

  test("writer rejects values that do not fit their fields", () => {
    const bad: Btf[] = [
      { types: [{ kind: "STRUCT", name: "s", size: 4, kflag: false, members: [{ name: "a", type: 0, bitsOffset: 0, bitfieldSize: 3 }] }] },
      { types: [{ kind: "STRUCT", name: "s", size: 4, kflag: true, members: [{ name: "a", type: 0, bitsOffset: 0, bitfieldSize: 300 }] }] },
      { types: [{ kind: "ENUM", name: "e", size: 4, signed: false, values: [{ name: "A", value: -1 }] }] },
      { types: [{ kind: "ENUM64", name: "e", size: 8, signed: true, values: [{ name: "A", value: 1n << 63n }] }] },
      { types: [{ kind: "ARRAY", type: 1, indexType: 1, nelems: 2 ** 32 }] },
      { types: [{ kind: "INT", name: "bad\0name", size: 4, bitsOffset: 0, bits: 32, encoding: 0 }] },
      { types: [{ kind: "DECL_TAG", name: "t", type: 1, componentIdx: -2, attribute: false }] },
    ];
    for (const btf of bad) expect(() => writeBtf(btf)).toThrow(Error);
  });

  test("builder refuses ids it has not handed out", () => {
    const b = new BtfBuilder();
    expect(() => b.addPtr(1)).toThrow(/has not been added/);
    const int = b.addInt("int", 4, IntEncoding.SIGNED);
    expect(b.addPtr(int)).toBe(2);
    expect(() => b.setMembers(int, [])).toThrow(/not a STRUCT/);
  });
});

describe("clang-19 objects using every kind", () => {
  const dir = tempDir();

  test("kinds.c: dump matches bpftool; .BTF and .BTF.ext write back byte-identical", () => {
    const obj = compileC(dir, "kinds", KINDS_C);
    if (!obj) return;
    const sections = btfSections(obj);
    const btf = readBtf(sections.btf);
    const expected = bpftoolDump(obj);
    if (expected !== undefined) expect(dumpBtf(btf)).toBe(expected);
    for (const kind of ["ENUM64", "FLOAT", "FWD", "UNION", "RESTRICT", "DECL_TAG", "TYPE_TAG", "VOLATILE"]) {
      expect(btf.types.some((t) => t.kind === kind)).toBe(true);
    }
    expect(btf.types.some((t) => t.kind === "STRUCT" && t.kflag)).toBe(true);
    expect(btf.types.some((t) => t.kind === "FUNC" && t.linkage === FuncLinkage.EXTERN)).toBe(true);
    expect(btf.types.some((t) => t.kind === "VAR" && t.linkage === VarLinkage.STATIC)).toBe(true);

    const ext = readBtfExt(sections.ext!, btf);
    expect(ext.funcInfo.map((s) => s.section)).toEqual(["xdp", ".text", "tc"]);
    const written = writeBtfAndExt(btf, ext);
    expect(Buffer.from(written.btf).equals(Buffer.from(sections.btf))).toBe(true);
    expect(Buffer.from(written.ext).equals(Buffer.from(sections.ext!))).toBe(true);
  });

  test("core.c: CO-RE relocations read, and write back byte-identical", () => {
    const obj = compileC(dir, "core", CORE_C);
    if (!obj) return;
    const sections = btfSections(obj);
    const btf = readBtf(sections.btf);
    const expected = bpftoolDump(obj);
    if (expected !== undefined) expect(dumpBtf(btf)).toBe(expected);
    const ext = readBtfExt(sections.ext!, btf);
    const name = (id: number) => {
      const t = btf.types[id - 1]!;
      return "name" in t ? t.name : t.kind;
    };
    const relos = Object.fromEntries(
      ext.coreRelos.map((s) => [s.section, s.records.map((r) => `${name(r.typeId)} ${r.accessString} ${r.kind}`)]),
    );
    expect(relos).toEqual({
      "kprobe/x": [
        `task 0:2:2 ${CoreReloKind.FIELD_BYTE_OFFSET}`,
        `task 0:0 ${CoreReloKind.FIELD_BYTE_OFFSET}`,
        `task 0:1:1 ${CoreReloKind.FIELD_BYTE_OFFSET}`,
        `task 0:1:0 ${CoreReloKind.FIELD_EXISTS}`,
        `task 0 ${CoreReloKind.TYPE_ID_LOCAL}`,
        `other 0 ${CoreReloKind.TYPE_SIZE}`,
        `state 1 ${CoreReloKind.ENUMVAL_VALUE}`,
      ],
      ".text": [`other 0:1 ${CoreReloKind.FIELD_BYTE_OFFSET}`],
      "kprobe/y": [`other 0:0 ${CoreReloKind.FIELD_BYTE_OFFSET}`],
    });
    const written = writeBtfAndExt(btf, ext);
    expect(Buffer.from(written.btf).equals(Buffer.from(sections.btf))).toBe(true);
    expect(Buffer.from(written.ext).equals(Buffer.from(sections.ext!))).toBe(true);
    expect(readBtfExt(written.ext, readBtf(written.btf))).toEqual(ext);
  });
});
