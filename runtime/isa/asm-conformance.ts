// Assembler for the dialect of the BPF ISA conformance suite (`mov32 %r0, 0`,
// `ldxdw %r0, [%r10-8]`, `lock fetch add32 [%r1+4], %r2`, `call local f`, `call %r2`).
// One instruction per line; `#` starts a comment; `name:` defines a label; the label
// `exit` also names the first exit instruction when the program does not define it.

import { AssemblyError, ProgramBuilder, imm32, imm64, off16, parseInteger, type PendingTarget } from "./asm-program.js";
import { lddwHalves, type Instruction, type Operand, type Reg } from "./instruction.js";
import { Pseudo, aluOps, atomicOps, jmpConds, type AccessSize, type AluOp, type AtomicOp, type JmpCond } from "./opcodes.js";

const sizeSuffix: Record<string, AccessSize> = { b: 1, h: 2, w: 4, dw: 8 };

interface Line {
  readonly no: number;
  readonly text: string;
}

class LineParser {
  constructor(readonly line: Line) {}

  fail(problem: string, at = 0): never {
    throw new AssemblyError(this.line.no, at + 1, problem);
  }

  col(fragment: string): number {
    const i = this.line.text.indexOf(fragment);
    return i < 0 ? 0 : i;
  }

  reg(text: string): Reg {
    const m = /^%r(\d+)$/.exec(text);
    if (!m || Number(m[1]) > 10) this.fail(`invalid register '${text}'`, this.col(text));
    return Number(m[1]);
  }

  imm(text: string): number {
    const v = imm32(text);
    if (typeof v === "string") this.fail(v, this.col(text));
    return v;
  }

  operand(text: string): Operand {
    return text.startsWith("%") ? { kind: "reg", reg: this.reg(text) } : { kind: "imm", imm: this.imm(text) };
  }

  /** `[%rN+off]`, `[%rN-off]`, `[%rN]`. */
  mem(text: string): { reg: Reg; off: number } {
    const m = /^\[\s*(%r\d+)\s*(?:([+-])\s*(0x[0-9a-f]+|\d+))?\s*\]$/i.exec(text);
    if (!m) this.fail(`expected a memory operand [%rN+off], found '${text}'`, this.col(text));
    const raw = m[3] === undefined ? 0n : parseInteger(m[3])!;
    const off = off16(m[2] === "-" ? -raw : raw, text);
    if (typeof off === "string") this.fail(off, this.col(text));
    return { reg: this.reg(m[1]!), off };
  }

  /** A jump target: `+N` / `-N` slot offset, or a label. */
  target(text: string): { off: number } | { label: PendingTarget } {
    if (/^[+-]/.test(text)) {
      const v = parseInteger(text);
      if (v === undefined) this.fail(`invalid jump offset '${text}'`, this.col(text));
      return { off: Number(v) };
    }
    if (!/^[A-Za-z_.][\w.]*$/.test(text)) this.fail(`invalid jump target '${text}'`, this.col(text));
    return { label: { label: text, line: this.line.no, column: this.col(text) + 1 } };
  }

  count(ops: string[], n: number, mnemonic: string): void {
    if (ops.length !== n) this.fail(`${mnemonic} takes ${n} operand${n === 1 ? "" : "s"}, found ${ops.length}`);
  }
}

/** Assembles a whole program in the conformance dialect. */
export function assembleConformance(source: string): Instruction[] {
  const b = new ProgramBuilder();
  source.split(/\r?\n/).forEach((raw, i) => {
    const text = raw.replace(/#.*$/, "").trim();
    if (text === "") return;
    const line = { no: i + 1, text };
    const labelMatch = /^([A-Za-z_.][\w.]*):$/.exec(text);
    if (labelMatch) {
      b.label(labelMatch[1]!, line.no, 1);
      return;
    }
    assembleLine(new LineParser(line), b);
  });
  if (b.instructionCount === 0) throw new AssemblyError(1, 1, "the program has no instructions");
  return b.finish((name) => (name === "exit" ? b.firstSlot((insn) => insn.kind === "exit") : undefined));
}

function splitOperands(rest: string): string[] {
  return rest === "" ? [] : rest.split(",").map((s) => s.trim());
}

function assembleLine(p: LineParser, b: ProgramBuilder): void {
  const m = /^(\S+)\s*(.*)$/.exec(p.line.text)!;
  const mnemonic = m[1]!.toLowerCase();
  const rest = m[2]!;
  if (mnemonic === "lock") return assembleLock(p, b, rest);
  if (mnemonic === "call") return assembleCall(p, b, rest);
  const ops = splitOperands(rest);

  if (mnemonic === "exit") {
    p.count(ops, 0, mnemonic);
    return b.add({ kind: "exit" });
  }
  if (mnemonic === "ja" || mnemonic === "ja32") {
    p.count(ops, 1, mnemonic);
    const t = p.target(ops[0]!);
    const long = mnemonic === "ja32";
    return "off" in t ? b.add({ kind: "ja", long, off: t.off }) : b.add({ kind: "ja", long, off: 0 }, t.label);
  }
  if (mnemonic === "lddw") {
    p.count(ops, 2, mnemonic);
    const v = imm64(ops[1]!);
    if (typeof v === "string") p.fail(v, p.col(ops[1]!));
    return b.add({ kind: "lddw", dst: p.reg(ops[0]!), pseudo: Pseudo.IMM64, ...lddwHalves(v) });
  }
  const jm = /^(j[a-z]+?)(32)?$/.exec(mnemonic);
  if (jm && Object.hasOwn(jmpConds, jm[1]!)) {
    p.count(ops, 3, mnemonic);
    const t = p.target(ops[2]!);
    const insn: Instruction = { kind: "jcond", width: jm[2] ? 32 : 64, cond: jm[1] as JmpCond, dst: p.reg(ops[0]!), src: p.operand(ops[1]!), off: "off" in t ? t.off : 0 };
    return "off" in t ? b.add(insn) : b.add(insn, t.label);
  }
  const em = /^(le|be|bswap|swap)(16|32|64)$/.exec(mnemonic);
  if (em) {
    p.count(ops, 1, mnemonic);
    const order = em[1] === "swap" ? "bswap" : (em[1] as "le" | "be" | "bswap");
    return b.add({ kind: "endian", order, bits: Number(em[2]) as 16 | 32 | 64, dst: p.reg(ops[0]!) });
  }
  const sx = /^movsx(8|16|32)(32|64)$/.exec(mnemonic);
  if (sx) {
    p.count(ops, 2, mnemonic);
    const bits = Number(sx[1]) as 8 | 16 | 32;
    const width = Number(sx[2]) as 32 | 64;
    if (bits === 32 && width === 32) p.fail(`${mnemonic} does not exist (movsx from 32 bits is 64-bit only)`);
    return b.add({ kind: "movsx", width, bits, dst: p.reg(ops[0]!), src: p.reg(ops[1]!) });
  }
  const nm = /^neg(32)?$/.exec(mnemonic);
  if (nm) {
    p.count(ops, 1, mnemonic);
    return b.add({ kind: "neg", width: nm[1] ? 32 : 64, dst: p.reg(ops[0]!) });
  }
  const am = /^([a-z]+?)(32)?$/.exec(mnemonic);
  if (am && Object.hasOwn(aluOps, am[1]!)) {
    p.count(ops, 2, mnemonic);
    return b.add({ kind: "alu", width: am[2] ? 32 : 64, op: am[1] as AluOp, dst: p.reg(ops[0]!), src: p.operand(ops[1]!) });
  }
  const lm = /^ldx(s?)(b|h|w|dw)$/.exec(mnemonic);
  if (lm) {
    p.count(ops, 2, mnemonic);
    const size = sizeSuffix[lm[2]!]!;
    if (lm[1] && size === 8) p.fail(`${mnemonic} does not exist (no sign-extending 64-bit load)`);
    const mem = p.mem(ops[1]!);
    return b.add({ kind: "ldx", size, signed: lm[1] === "s", dst: p.reg(ops[0]!), src: mem.reg, off: mem.off });
  }
  const sm = /^st(x?)(b|h|w|dw)$/.exec(mnemonic);
  if (sm) {
    p.count(ops, 2, mnemonic);
    const size = sizeSuffix[sm[2]!]!;
    const mem = p.mem(ops[0]!);
    return sm[1]
      ? b.add({ kind: "stx", size, dst: mem.reg, src: p.reg(ops[1]!), off: mem.off })
      : b.add({ kind: "st", size, dst: mem.reg, off: mem.off, imm: p.imm(ops[1]!) });
  }
  p.fail(`unknown mnemonic '${m[1]}'`);
}

/** `lock [fetch] OP[32] [%rD+off], %rS`. */
function assembleLock(p: LineParser, b: ProgramBuilder, rest: string): void {
  const m = /^(fetch\s+)?([a-z]+?)(32)?\s+(.*)$/.exec(rest);
  if (!m) p.fail("lock takes an operation and 2 operands");
  const op = m[2] as AtomicOp;
  if (!Object.hasOwn(atomicOps, op)) p.fail(`unknown atomic operation '${m[2]}'`, p.col(m[2]!));
  const ops = splitOperands(m[4]!);
  p.count(ops, 2, "lock");
  const mem = p.mem(ops[0]!);
  const fetch = m[1] !== undefined || op === "xchg" || op === "cmpxchg";
  b.add({ kind: "atomic", size: m[3] ? 4 : 8, op, fetch, dst: mem.reg, src: p.reg(ops[1]!), off: mem.off });
}

/** `call N` (helper), `call local LABEL|±N`, `call runtime N` (kfunc), `call %rN` (callx). */
function assembleCall(p: LineParser, b: ProgramBuilder, rest: string): void {
  const parts = rest.split(/\s+/).filter((s) => s !== "");
  if (parts.length === 1 && parts[0]!.startsWith("%")) return b.add({ kind: "callx", reg: p.reg(parts[0]!), encoding: "dst" });
  if (parts.length === 1) return b.add({ kind: "call", target: "helper", imm: p.imm(parts[0]!), off: 0 });
  if (parts.length === 2 && parts[0] === "local") {
    const t = p.target(parts[1]!);
    return "off" in t ? b.add({ kind: "call", target: "local", imm: t.off, off: 0 }) : b.add({ kind: "call", target: "local", imm: 0, off: 0 }, t.label);
  }
  if (parts.length === 2 && parts[0] === "runtime") return b.add({ kind: "call", target: "kfunc", imm: p.imm(parts[1]!), off: 0 });
  p.fail("call takes a helper id, 'local LABEL', 'runtime ID' or a register");
}
