// fast-check generators of valid instructions, covering every kind and field range.
import fc from "fast-check";
import type { Instruction, Operand } from "../../runtime/isa/index.js";
import type { AluOp, AtomicOp, JmpCond } from "../../runtime/isa/index.js";

const reg = fc.integer({ min: 0, max: 10 });
const s16 = fc.integer({ min: -32768, max: 32767 });
const s32 = fc.integer({ min: -2147483648, max: 2147483647 });
const width = fc.constantFrom(32 as const, 64 as const);
const operand: fc.Arbitrary<Operand> = fc.oneof(
  reg.map((r) => ({ kind: "reg" as const, reg: r })),
  s32.map((v) => ({ kind: "imm" as const, imm: v })),
);
const aluOp = fc.constantFrom<AluOp>("add", "sub", "mul", "div", "sdiv", "or", "and", "lsh", "rsh", "mod", "smod", "xor", "mov", "arsh");
const cond = fc.constantFrom<JmpCond>("jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "jlt", "jle", "jslt", "jsle");
const size = fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const);

export const arbInstruction: fc.Arbitrary<Instruction> = fc.oneof(
  fc.record({ kind: fc.constant("alu" as const), width, op: aluOp, dst: reg, src: operand }),
  fc.record({ kind: fc.constant("neg" as const), width, dst: reg }),
  fc
    .record({ kind: fc.constant("movsx" as const), width, dst: reg, src: reg, bits: fc.constantFrom(8 as const, 16 as const, 32 as const) })
    .filter((i) => !(i.bits === 32 && i.width === 32)),
  fc.record({ kind: fc.constant("endian" as const), order: fc.constantFrom("le" as const, "be" as const, "bswap" as const), bits: fc.constantFrom(16 as const, 32 as const, 64 as const), dst: reg }),
  fc.record({ kind: fc.constant("lddw" as const), dst: reg, pseudo: fc.integer({ min: 0, max: 6 }), lo: s32, hi: s32 }),
  fc.record({ kind: fc.constant("ldx" as const), size, signed: fc.boolean(), dst: reg, src: reg, off: s16 }).filter((i) => !(i.signed && i.size === 8)),
  fc.record({ kind: fc.constant("st" as const), size, dst: reg, off: s16, imm: s32 }),
  fc.record({ kind: fc.constant("stx" as const), size, dst: reg, src: reg, off: s16 }),
  fc
    .record({ kind: fc.constant("atomic" as const), size: fc.constantFrom(4 as const, 8 as const), op: fc.constantFrom<AtomicOp>("add", "or", "and", "xor", "xchg", "cmpxchg"), fetch: fc.boolean(), dst: reg, src: reg, off: s16 })
    .map((i) => (i.op === "xchg" || i.op === "cmpxchg" ? { ...i, fetch: true } : i)),
  fc.record({ kind: fc.constant("ldabs" as const), size: fc.constantFrom(1 as const, 2 as const, 4 as const), imm: s32 }),
  fc.record({ kind: fc.constant("ldind" as const), size: fc.constantFrom(1 as const, 2 as const, 4 as const), src: reg, imm: s32 }),
  fc.record({ kind: fc.constant("ja" as const), long: fc.constant(false), off: s16 }),
  fc.record({ kind: fc.constant("ja" as const), long: fc.constant(true), off: s32 }),
  fc.record({ kind: fc.constant("jcond" as const), width, cond, dst: reg, src: operand, off: s16 }),
  fc.record({ kind: fc.constant("call" as const), target: fc.constantFrom("helper" as const, "local" as const), imm: s32, off: fc.constant(0) }),
  fc.record({ kind: fc.constant("call" as const), target: fc.constant("kfunc" as const), imm: s32, off: s16 }),
  fc.record({ kind: fc.constant("callx" as const), reg, encoding: fc.constant("dst" as const) }),
  fc.record({ kind: fc.constant("callx" as const), reg: fc.integer({ min: 1, max: 10 }), encoding: fc.constant("imm" as const) }),
  fc.constant({ kind: "exit" as const }),
  fc.record({ kind: fc.constant("may_goto" as const), off: s16 }),
) as fc.Arbitrary<Instruction>;
