// The clang-19 reference objects: our dump matches bpftool's, read -> write is
// byte-identical for .BTF and .BTF.ext, and the .BTF.ext records agree with the
// object's symbol table and the program sources.
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, test } from "vitest";
import { readBtf } from "../../runtime/object/btf/reader.js";
import { readBtfExt } from "../../runtime/object/btf/ext-reader.js";
import { writeBtf, writeBtfAndExt } from "../../runtime/object/btf/writer.js";
import { dumpBtf } from "../../runtime/object/btf/dump.js";
import { referenceObjects, sharedDir } from "../support/shared.js";
import { requireTool, run } from "../support/tools.js";
import { bpftoolDump } from "./fixtures.js";
import { btfSections } from "./sections.js";

const objects = referenceObjects();
if (objects.length === 0) console.warn("[tsbpf tests] skipping BTF reference tests: no reference objects");
const srcDir = join(sharedDir, "reference", "src");

/** Function symbols of an object: name -> { section, value }, from llvm-objdump -t. */
function functionSymbols(obj: string): Map<string, { section: string; value: number }> | undefined {
  const objdump = requireTool("llvm-objdump-19");
  if (!objdump) return undefined;
  const syms = new Map<string, { section: string; value: number }>();
  for (const line of run(objdump, ["-t", obj]).split("\n")) {
    const m = /^([0-9a-f]{16}) .{6}F (\S+)\s+[0-9a-f]+ (\S+)$/.exec(line);
    if (m) syms.set(m[3]!, { section: m[2]!, value: parseInt(m[1]!, 16) });
  }
  return syms;
}

describe.skipIf(objects.length === 0)("BTF of the reference objects", () => {
  test.each(objects.map((o) => [basename(o), o]))("%s: dump matches bpftool", (_name, obj) => {
    const expected = bpftoolDump(obj);
    if (expected === undefined) return;
    const btf = readBtf(btfSections(obj).btf);
    expect(dumpBtf(btf)).toBe(expected);
  });

  test.each(objects.map((o) => [basename(o), o]))("%s: read -> write is byte-identical", (_name, obj) => {
    const sections = btfSections(obj);
    const btf = readBtf(sections.btf);
    const ext = readBtfExt(sections.ext!, btf);
    const written = writeBtfAndExt(btf, ext);
    expect(Buffer.from(written.btf).equals(Buffer.from(sections.btf))).toBe(true);
    expect(Buffer.from(written.ext).equals(Buffer.from(sections.ext!))).toBe(true);

    const again = readBtf(written.btf);
    expect(again.types).toEqual(btf.types);
    expect(dumpBtf(again)).toBe(dumpBtf(btf));
    expect(readBtfExt(written.ext, again)).toEqual(ext);

    // Without .BTF.ext the string table is smaller, but the types are the same.
    const alone = readBtf(writeBtf(btf));
    expect(alone.types).toEqual(btf.types);
    expect(alone.strings.length).toBeLessThan(btf.strings.length);
  });

  test.each(objects.map((o) => [basename(o), o]))("%s: .BTF.ext agrees with symbols and sources", (_name, obj) => {
    const sections = btfSections(obj);
    const btf = readBtf(sections.btf);
    const ext = readBtfExt(sections.ext!, btf);
    expect(ext.funcInfo.length).toBeGreaterThan(0);
    expect(ext.lineInfo.map((s) => s.section)).toEqual(ext.funcInfo.map((s) => s.section));
    expect(ext.coreRelos).toEqual([]);

    const syms = functionSymbols(obj);
    let checkedSymbols = 0;
    for (const sec of ext.funcInfo) {
      for (const f of sec.records) {
        const t = btf.types[f.typeId - 1]!;
        expect(t.kind).toBe("FUNC");
        if (t.kind !== "FUNC" || !syms) continue;
        // The FUNC's symbol sits in that section at that byte offset.
        expect(syms.get(t.name)).toEqual({ section: sec.section, value: f.insnOff });
        checkedSymbols++;
      }
    }
    if (syms) expect(checkedSymbols).toBeGreaterThan(0);

    let checkedLines = 0;
    for (const sec of ext.lineInfo) {
      const funcStarts = ext.funcInfo.find((s) => s.section === sec.section)!.records.map((f) => f.insnOff);
      // Every function's first instruction has a line record.
      for (const start of funcStarts) expect(sec.records.some((r) => r.insnOff === start)).toBe(true);
      for (const r of sec.records) {
        expect(r.line).not.toBe("");
        expect(r.lineNumber).toBeGreaterThan(0);
        const src = join(srcDir, basename(r.fileName));
        if (!existsSync(src)) continue;
        // The line text is that line of the program's source, as clang saw it.
        const lines = readFileSync(src, "utf8").split("\n");
        expect(lines[r.lineNumber - 1]).toBe(r.line);
        expect(r.column).toBeLessThanOrEqual(r.line.length + 1);
        checkedLines++;
      }
    }
    if (existsSync(srcDir)) expect(checkedLines).toBeGreaterThan(0);
  });
});
