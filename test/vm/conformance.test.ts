// The BPF ISA conformance suite on the VM: every program in ../shared/conformance/tests
// runs and returns the expected r0. The suite's callx test calls the helper whose id is in
// a register; LLVM's callx calls a function address. The VM tells them apart without
// ambiguity: function addresses live in mapped regions (>= 2^32), helper ids are small.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assembleConformance, decodeProgram } from "../../runtime/isa/index.js";
import { runRaw } from "../../runtime/vm/raw.js";
import { parseConformanceFile } from "../support/conformance-data.js";
import { conformanceDir, haveShared } from "../support/shared.js";

const present = haveShared("conformance/tests");
const files = present ? readdirSync(join(conformanceDir, "tests")).filter((f) => f.endsWith(".data")).sort() : [];

describe.skipIf(!present)("BPF conformance suite on the VM", () => {
  let passed = 0;

  it.each(files)("%s", (name) => {
    const c = parseConformanceFile(join(conformanceDir, "tests", name));
    const insns = c.raw ? decodeProgram(c.raw).map((d) => d.insn) : assembleConformance(c.asm!);
    const { r0 } = runRaw(insns, c.mem, { clock: () => 0n });
    expect(`0x${r0.toString(16)}`).toBe(`0x${c.result!.toString(16)}`);
    passed++;
  });

  it("ran every test of the suite", () => {
    console.log(`[conformance] ${passed} of ${files.length} conformance programs give the expected r0`);
    expect(passed).toBe(files.length);
    expect(files.length).toBe(313);
  });
});
