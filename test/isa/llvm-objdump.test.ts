// Our disassembler against the oracle: llvm-objdump-19 --mcpu=v4 on the same bytes.
// A seeded random corpus of every instruction kind is assembled to an object by llvm-mc-19
// from `.quad` words (so this test does not depend on our ELF writer) and the two texts
// are compared line by line.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encode, formatInstruction, type Instruction } from "../../runtime/isa/index.js";
import { arbInstruction } from "../support/arbitrary-insn.js";
import { requireTool, run } from "../support/tools.js";

const mc = requireTool("llvm-mc-19");
const objdump = requireTool("llvm-objdump-19");

/** Encodings where LLVM 19's text drops bits we print (docs/isa.md). */
function llvmTextIsLossy(insn: Instruction): boolean {
  return (
    (insn.kind === "lddw" && insn.pseudo !== 0 && insn.hi !== 0) ||
    (insn.kind === "ldind" && insn.imm !== 0) ||
    (insn.kind === "callx" && insn.encoding === "imm")
  );
}

describe.skipIf(!mc || !objdump)("disassembly matches llvm-objdump-19", () => {
  it("for 4000 random instructions of every kind", () => {
    const insns = fc.sample(arbInstruction, { numRuns: 4000, seed: 20261122 }).filter((i) => !llvmTextIsLossy(i));
    const lines: string[] = [];
    for (const insn of insns) {
      const bytes = encode(insn);
      for (let at = 0; at < bytes.length; at += 8) {
        const word = new DataView(bytes.buffer, at, 8).getBigUint64(0, true);
        lines.push(`.quad 0x${word.toString(16).padStart(16, "0")}`);
      }
    }
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-isa-"));
    writeFileSync(join(dir, "corpus.s"), lines.join("\n") + "\n");
    run(mc!, ["-triple", "bpfel", "-mcpu=v4", "-filetype=obj", join(dir, "corpus.s"), "-o", join(dir, "corpus.o")]);
    const out = run(objdump!, ["-d", "--mcpu=v4", "--no-show-raw-insn", join(dir, "corpus.o")]);
    const theirs = out
      .split("\n")
      .map((l) => /^\s*\d+:\s+(.*)$/.exec(l)?.[1])
      .filter((t): t is string => t !== undefined)
      .map((t) => t.replace(/ <[^<>\s]*>$/, "").trim());
    const ours = insns.map((i) => formatInstruction(i));
    expect(theirs.length).toBe(ours.length);
    const mismatches = ours.map((t, i) => [t, theirs[i]] as const).filter(([a, b]) => a !== b);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
