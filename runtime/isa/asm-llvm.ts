// Assembler for LLVM's BPF syntax, the text our disassembler and llvm-objdump-19 print
// (`w1 = *(u8 *)(r2 + 0x4)`, `if r1 s> -0x1 goto +0x3 <sym+0x20>`, `r0 = cmpxchg_64(...)`).
// Reads that text back to the same instructions. One instruction per line; `;` or `//`
// start a comment; `name:` defines a label usable as a jump or `call local` target; the
// `<sym+off>` annotation objdump appends to jumps is ignored.

import { AssemblyError, ProgramBuilder, imm32, imm64, off16, parseInteger, type PendingTarget } from "./asm-program.js";
import { lddwHalves, type Instruction, type Operand, type Reg, type Width } from "./instruction.js";
import { Pseudo, type AccessSize, type AluOp } from "./opcodes.js";
import { aluOperatorOps, jmpOperatorConds, lockOperatorOps } from "./syntax.js";

const NUM = "([+-]?(?:0x[0-9a-fA-F]+|\\d+))";
const REG = "([rw])(\\d+)";
const MEM = "\\(r(\\d+) ([+-]) (0x[0-9a-fA-F]+|\\d+)\\)";
const TARGET = "([+-](?:0x[0-9a-fA-F]+|\\d+)|[A-Za-z_.][\\w.]*)";
const ALU_OPS = "(\\+=|-=|\\*=|/=|s/=|\\|=|&=|<<=|>>=|%=|s%=|\\^=|s>>=)";
const JMP_OPS = "(==|!=|>=|<=|>|<|s>=|s<=|s>|s<|&)";

const re = (s: string): RegExp => new RegExp(`^${s}$`);

const P = {
  neg: re(`${REG} = -${REG}`),
  endian: re(`r(\\d+) = (be|le|bswap)(16|32|64) r(\\d+)`),
  lddw: re(`r(\\d+) = ${NUM} ll`),
  pseudo: re(`ld_pseudo\\s+r(\\d+), ${NUM}, ${NUM}(?:, ${NUM})?`),
  ldx: re(`${REG} = \\*\\(([us])(8|16|32|64) \\*\\)${MEM}`),
  stx: re(`\\*\\(u(8|16|32|64) \\*\\)${MEM} = ${REG}`),
  st: re(`\\*\\(u(8|16|32|64) \\*\\)${MEM} = ${NUM}`),
  lock: re(`lock \\*\\(u(32|64) \\*\\)${MEM} (\\+=|\\|=|&=|\\^=) ${REG}`),
  fetch: re(`${REG} = atomic_fetch_(add|or|and|xor)\\(\\(u(32|64) \\*\\)${MEM}, ${REG}\\)`),
  xchg: re(`${REG} = (xchg_64|xchg32_32)\\(r(\\d+) ([+-]) (0x[0-9a-fA-F]+|\\d+), ${REG}\\)`),
  cmpxchg: re(`${REG} = (cmpxchg_64|cmpxchg32_32)\\(r(\\d+) ([+-]) (0x[0-9a-fA-F]+|\\d+), ${REG}, ${REG}\\)`),
  ldabs: re(`r0 = \\*\\(u(8|16|32) \\*\\)skb\\[${NUM}\\]`),
  ldind: re(`r0 = \\*\\(u(8|16|32) \\*\\)skb\\[r(\\d+)(?: ([+-]) (0x[0-9a-fA-F]+|\\d+))?\\]`),
  ja: re(`(goto|gotol) ${TARGET}`),
  jcond: re(`if ${REG} ${JMP_OPS} (?:${REG}|${NUM}) goto ${TARGET}`),
  call: re(`call(?: (local|kfunc))? (${NUM.slice(1, -1)}|[A-Za-z_.][\\w.]*)(?:, ${NUM})?`),
  callx: re(`callx r(\\d+)`),
  exit: re(`exit`),
  mayGoto: re(`may_goto ${TARGET}`),
  movsx: re(`${REG} = \\(s(8|16|32)\\)${REG}`),
  alu: re(`${REG} (=|${ALU_OPS}) (?:${REG}|${NUM})`),
};

class LlvmLine {
  constructor(
    readonly no: number,
    readonly text: string,
  ) {}

  fail(problem: string): never {
    throw new AssemblyError(this.no, 1, `${problem}: '${this.text}'`);
  }

  reg(prefix: string | undefined, n: string | undefined, width?: Width): Reg {
    const r = Number(n);
    if (r > 10) this.fail(`register ${prefix}${n} does not exist`);
    if (width !== undefined && (prefix === "w") !== (width === 32)) this.fail(`register ${prefix}${n} does not match the ${width}-bit operation`);
    return r;
  }

  imm(text: string): number {
    const v = imm32(text);
    if (typeof v === "string") this.fail(v);
    return v;
  }

  off(sign: string | undefined, mag: string | undefined): number {
    const raw = parseInteger(mag ?? "0")!;
    const v = off16(sign === "-" ? -raw : raw, `${sign}${mag}`);
    if (typeof v === "string") this.fail(v);
    return v;
  }

  target(text: string): { off: number } | { label: PendingTarget } {
    if (/^[+-]/.test(text)) return { off: Number(parseInteger(text)!) };
    return { label: { label: text, line: this.no, column: this.text.indexOf(text) + 1 } };
  }
}

/** Assembles a program written in LLVM's BPF syntax. */
export function assembleLlvm(source: string): Instruction[] {
  const b = new ProgramBuilder();
  source.split(/\r?\n/).forEach((raw, i) => {
    const text = raw
      .replace(/(;|\/\/).*$/, "")
      .replace(/<[^>]*>\s*$/, "")
      .replace(/\s+/g, " ")
      .trim();
    if (text === "") return;
    const label = /^([A-Za-z_.][\w.]*):$/.exec(text);
    if (label) return b.label(label[1]!, i + 1, 1);
    assembleLine(new LlvmLine(i + 1, text), b);
  });
  return b.finish();
}

const widthOf = (prefix: string | undefined): Width => (prefix === "w" ? 32 : 64);

function assembleLine(l: LlvmLine, b: ProgramBuilder): void {
  const t = l.text;
  let m: RegExpExecArray | null;
  if ((m = P.exit.exec(t))) return b.add({ kind: "exit" });
  if ((m = P.neg.exec(t))) {
    const width = widthOf(m[1]);
    if (m[1] !== m[3] || m[2] !== m[4]) l.fail("neg must name the same register on both sides");
    return b.add({ kind: "neg", width, dst: l.reg(m[1], m[2], width) });
  }
  if ((m = P.endian.exec(t))) {
    if (m[1] !== m[4]) l.fail("a byte swap must name the same register on both sides");
    return b.add({ kind: "endian", order: m[2] as "le" | "be" | "bswap", bits: Number(m[3]) as 16 | 32 | 64, dst: l.reg("r", m[1]) });
  }
  if ((m = P.lddw.exec(t))) {
    const v = imm64(m[2]!);
    if (typeof v === "string") l.fail(v);
    return b.add({ kind: "lddw", dst: l.reg("r", m[1]), pseudo: Pseudo.IMM64, ...lddwHalves(v) });
  }
  if ((m = P.pseudo.exec(t))) {
    const pseudo = Number(parseInteger(m[2]!)!);
    if (pseudo < 1 || pseudo > 6) l.fail(`ld_pseudo source ${m[2]} is not 1..6`);
    return b.add({ kind: "lddw", dst: l.reg("r", m[1]), pseudo: pseudo as Pseudo, lo: l.imm(m[3]!), hi: m[4] ? l.imm(m[4]) : 0 });
  }
  if ((m = P.ldx.exec(t))) {
    const size = (Number(m[4]) / 8) as AccessSize;
    const signed = m[3] === "s";
    if (signed && size === 8) l.fail("there is no sign-extending 64-bit load");
    const expectW = !signed && size !== 8;
    if ((m[1] === "w") !== expectW) l.fail(`the destination of this load is ${expectW ? "w" : "r"}${m[2]}`);
    return b.add({ kind: "ldx", size, signed, dst: l.reg(m[1], m[2]), src: l.reg("r", m[5]), off: l.off(m[6], m[7]) });
  }
  if ((m = P.stx.exec(t))) {
    const size = (Number(m[1]) / 8) as AccessSize;
    return b.add({ kind: "stx", size, dst: l.reg("r", m[2]), off: l.off(m[3], m[4]), src: l.reg(m[5], m[6], size === 8 ? 64 : 32) });
  }
  if ((m = P.st.exec(t))) {
    return b.add({ kind: "st", size: (Number(m[1]) / 8) as AccessSize, dst: l.reg("r", m[2]), off: l.off(m[3], m[4]), imm: l.imm(m[5]!) });
  }
  if ((m = P.lock.exec(t))) {
    const size = m[1] === "64" ? 8 : 4;
    const op = lockOperatorOps.get(m[5]!)!;
    return b.add({ kind: "atomic", size, op, fetch: false, dst: l.reg("r", m[2]), off: l.off(m[3], m[4]), src: l.reg(m[6], m[7], size === 8 ? 64 : 32) });
  }
  if ((m = P.fetch.exec(t))) {
    const size = m[4] === "64" ? 8 : 4;
    const w: Width = size === 8 ? 64 : 32;
    if (m[1] !== m[8] || m[2] !== m[9]) l.fail("atomic_fetch must name the same register as result and operand");
    return b.add({ kind: "atomic", size, op: m[3] as "add", fetch: true, dst: l.reg("r", m[5]), off: l.off(m[6], m[7]), src: l.reg(m[1], m[2], w) });
  }
  if ((m = P.xchg.exec(t))) {
    const size = m[3] === "xchg_64" ? 8 : 4;
    if (m[1] !== m[7] || m[2] !== m[8]) l.fail("xchg must name the same register as result and operand");
    return b.add({ kind: "atomic", size, op: "xchg", fetch: true, dst: l.reg("r", m[4]), off: l.off(m[5], m[6]), src: l.reg(m[1], m[2], size === 8 ? 64 : 32) });
  }
  if ((m = P.cmpxchg.exec(t))) {
    const size = m[3] === "cmpxchg_64" ? 8 : 4;
    const w: Width = size === 8 ? 64 : 32;
    if (m[2] !== "0" || m[8] !== "0") l.fail("cmpxchg compares and returns r0");
    l.reg(m[1], m[2], w);
    l.reg(m[7], m[8], w);
    return b.add({ kind: "atomic", size, op: "cmpxchg", fetch: true, dst: l.reg("r", m[4]), off: l.off(m[5], m[6]), src: l.reg(m[9], m[10], w) });
  }
  if ((m = P.ldabs.exec(t))) return b.add({ kind: "ldabs", size: (Number(m[1]) / 8) as 1 | 2 | 4, imm: l.imm(m[2]!) });
  if ((m = P.ldind.exec(t))) {
    const imm = m[4] === undefined ? 0 : l.imm(`${m[3] === "-" ? "-" : ""}${parseInteger(m[4])!.toString()}`);
    return b.add({ kind: "ldind", size: (Number(m[1]) / 8) as 1 | 2 | 4, src: l.reg("r", m[2]), imm });
  }
  if ((m = P.ja.exec(t))) {
    const tg = l.target(m[2]!);
    const long = m[1] === "gotol";
    return "off" in tg ? b.add({ kind: "ja", long, off: tg.off }) : b.add({ kind: "ja", long, off: 0 }, tg.label);
  }
  if ((m = P.jcond.exec(t))) {
    const width = widthOf(m[1]);
    const src: Operand = m[4] !== undefined ? { kind: "reg", reg: l.reg(m[4], m[5], width) } : { kind: "imm", imm: l.imm(m[6]!) };
    const tg = l.target(m[7]!);
    const insn: Instruction = { kind: "jcond", width, cond: jmpOperatorConds.get(m[3]!)!, dst: l.reg(m[1], m[2], width), src, off: "off" in tg ? tg.off : 0 };
    return "off" in tg ? b.add(insn) : b.add(insn, tg.label);
  }
  if ((m = P.callx.exec(t))) return b.add({ kind: "callx", reg: l.reg("r", m[1]), encoding: "dst" });
  if ((m = P.call.exec(t))) return assembleCall(l, b, m);
  if ((m = P.mayGoto.exec(t))) {
    const tg = l.target(m[1]!);
    return "off" in tg ? b.add({ kind: "may_goto", off: tg.off }) : b.add({ kind: "may_goto", off: 0 }, tg.label);
  }
  if ((m = P.movsx.exec(t))) {
    const width = widthOf(m[1]);
    const bits = Number(m[3]) as 8 | 16 | 32;
    if (bits === 32 && width === 32) l.fail("movsx from 32 bits is 64-bit only");
    return b.add({ kind: "movsx", width, bits, dst: l.reg(m[1], m[2], width), src: l.reg(m[4], m[5], width) });
  }
  if ((m = P.alu.exec(t))) {
    const width = widthOf(m[1]);
    const op: AluOp = m[3] === "=" ? "mov" : aluOperatorOps.get(m[3]!)!;
    const src: Operand = m[5] !== undefined ? { kind: "reg", reg: l.reg(m[5], m[6], width) } : { kind: "imm", imm: l.imm(m[7]!) };
    return b.add({ kind: "alu", width, op, dst: l.reg(m[1], m[2], width), src });
  }
  l.fail("not an instruction in LLVM BPF syntax");
}

function assembleCall(l: LlvmLine, b: ProgramBuilder, m: RegExpExecArray): void {
  const kind = m[1] as "local" | "kfunc" | undefined;
  const what = m[2]!;
  const isLabel = /^[A-Za-z_.]/.test(what);
  if (isLabel && kind === "kfunc") l.fail("a kfunc call takes a BTF id, not a label");
  const target = kind ?? (isLabel ? "local" : "helper");
  const off = m[3] !== undefined ? Number(parseInteger(m[3])!) : 0;
  if (off !== 0 && target !== "kfunc") l.fail("only a kfunc call takes a module index");
  if (isLabel) return b.add({ kind: "call", target: "local", imm: 0, off: 0 }, { label: what, line: l.no, column: l.text.indexOf(what) + 1 });
  return b.add({ kind: "call", target, imm: l.imm(what), off });
}
