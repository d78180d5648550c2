// The conformance suite as an ISA test: every positive program assembles in its dialect and
// every instruction word survives decode → encode; every `unused-*` program is rejected by
// the decoder with a message naming the reserved field; malformed assembly is rejected.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AssemblyError, InstructionDecodeError, assembleConformance, decodeProgram, encodeProgram } from "../../runtime/isa/index.js";
import { parseConformanceFile } from "../support/conformance-data.js";
import { conformanceDir, haveShared } from "../support/shared.js";

const present = haveShared("conformance/tests");
const files = (sub: string): string[] => (present ? readdirSync(join(conformanceDir, sub)).filter((f) => f.endsWith(".data")).sort() : []);

describe.skipIf(!present)("conformance suite: assembly and encoding", () => {
  const tests = files("tests");

  it("has the suite's 313 positive programs", () => {
    expect(tests.length).toBe(313);
  });

  it.each(tests)("%s assembles and every word round-trips", (name) => {
    const c = parseConformanceFile(join(conformanceDir, "tests", name));
    expect(c.asm).toBeDefined();
    const insns = assembleConformance(c.asm!);
    const bytes = encodeProgram(insns);
    const decoded = decodeProgram(bytes);
    expect(decoded.map((d) => d.insn)).toEqual(insns);
    expect(encodeProgram(decoded.map((d) => d.insn))).toEqual(bytes);
    if (c.raw) {
      // lddw.data carries the same program as raw words: the assembler must agree with it.
      expect(Buffer.from(bytes).toString("hex")).toBe(Buffer.from(c.raw).toString("hex"));
    }
  });
});

describe.skipIf(!present)("conformance suite: reserved fields", () => {
  const unused = files("negative").filter((f) => f.startsWith("unused-"));

  it("has the 45 reserved-field programs", () => {
    expect(unused.length).toBe(45);
  });

  it.each(unused)("%s is rejected naming the field", (name) => {
    const c = parseConformanceFile(join(conformanceDir, "negative", name));
    // The file name says which field is set: unused-<insn>-<field>.data
    const field = /-(dst|src|imm|offset)\.data$/.exec(name)![1]!;
    let error: unknown;
    try {
      decodeProgram(c.raw!);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InstructionDecodeError);
    const e = error as InstructionDecodeError;
    // src of ALU/JMP opcodes can be the register field or the opcode's source bit.
    const expected = field === "src" ? ["src", "opcode"] : [field];
    expect(expected).toContain(e.field);
    expect(e.message).toMatch(new RegExp(`^instruction \\d+: .*${e.field === "opcode" ? "source bit" : field}`));
  });
});

describe.skipIf(!present)("conformance suite: malformed assembly", () => {
  const bad = ["empty_instructions", "invalid_imm32_dec_range", "invalid_imm32_hex_range", "invalid_label", "invalid_lock", "invalid_lock2", "invalid_mnemonic", "invalid_offset", "invalid_offset_range", "invalid_operand_count", "invalid_register"];

  it.each(bad)("%s.data is rejected with a located message", (name) => {
    const c = parseConformanceFile(join(conformanceDir, "negative", `${name}.data`));
    expect(() => assembleConformance(c.asm ?? "")).toThrow(AssemblyError);
    try {
      assembleConformance(c.asm ?? "");
    } catch (e) {
      expect((e as Error).message).toMatch(/^\d+:\d+: error: \S/);
    }
  });
});
