// Properties of the one instruction model: decode inverts encode, the LLVM-syntax assembler
// inverts the disassembler, and random words decode to an instruction or a typed error.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InstructionDecodeError,
  assembleLlvm,
  decodeAt,
  decodeProgram,
  encode,
  formatInstruction,
  type Instruction,
} from "../../runtime/isa/index.js";
import { arbInstruction } from "../support/arbitrary-insn.js";

describe("instruction model", () => {
  it("decode(encode(i)) == i for every valid instruction", () => {
    fc.assert(
      fc.property(arbInstruction, (insn) => {
        expect(decodeAt(encode(insn), 0)).toEqual(insn);
      }),
      { numRuns: 20_000 },
    );
  });

  it("assembleLlvm(format(i)) == i (callx in its modern encoding)", () => {
    fc.assert(
      fc.property(arbInstruction, (insn) => {
        const text = formatInstruction(insn, { callKinds: true });
        const expected: Instruction = insn.kind === "callx" ? { ...insn, encoding: "dst" } : insn;
        expect(assembleLlvm(text)).toEqual([expected]);
      }),
      { numRuns: 20_000 },
    );
  });

  it("random words decode to an instruction that re-encodes to the same bytes, or a typed error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        try {
          const insns = decodeProgram(bytes);
          const again = new Uint8Array(16);
          let at = 0;
          for (const { insn } of insns) {
            const e = encode(insn);
            again.set(e, at);
            at += e.length;
          }
          expect(again).toEqual(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(InstructionDecodeError);
          expect((e as Error).message).toMatch(/^instruction [01]: /);
        }
      }),
      { numRuns: 50_000 },
    );
  });

  it("rejects an lddw without its second slot", () => {
    const bytes = encode({ kind: "lddw", dst: 1, pseudo: 0, lo: 1, hi: 0 }).slice(0, 8);
    expect(() => decodeProgram(bytes)).toThrow(/instruction 0: lddw is missing its second slot/);
  });

  it("decodes both callx encodings", () => {
    expect(decodeAt(Uint8Array.from([0x8d, 0x02, 0, 0, 0, 0, 0, 0]), 0)).toEqual({ kind: "callx", reg: 2, encoding: "dst" });
    expect(decodeAt(Uint8Array.from([0x8d, 0x00, 0, 0, 2, 0, 0, 0]), 0)).toEqual({ kind: "callx", reg: 2, encoding: "imm" });
  });
});
