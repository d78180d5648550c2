// Precision of the scalar domain against the running kernel's verifier, register by register.
// Random straight-line XDP programs start from two unknown scalars (bpf_get_prandom_u32 into
// r6, r7), apply ALU ops (imm and reg, both widths, neg, movsx, byte swaps), packet loads
// (zero- and sign-extending, every size) and conditional
// jumps (to the exit, so the fall-through continues; or over a `goto exit`, so the taken side
// continues). The kernel loads each at log level 2; for every instruction on the surviving path
// the states it prints for r6/r7 must equal formatScalar of our transfer functions, and the
// path must die exactly where the kernel's is_branch_taken kills it. Expected values are the
// kernel's own log, obtained during the test; programs come from a fixed-seed generator.

import { describe, expect, test } from "vitest";
import type { AluOp, Instruction, JmpCond, Operand } from "../../runtime/isa/index.js";
import { encodeProgram } from "../../runtime/isa/index.js";
import { Attr } from "../../runtime/kernel/attr.js";
import { ProgLoad } from "../../runtime/kernel/attr-layouts.js";
import { cString } from "../../runtime/kernel/btf-load.js";
import { BpfCmd, LogLevel, ProgType } from "../../runtime/kernel/constants.js";
import { BpfSyscallError } from "../../runtime/kernel/errors.js";
import { Fd } from "../../runtime/kernel/fd.js";
import { bpf } from "../../runtime/kernel/syscall.js";
import { branchTaken, refineBranch, refineBranchSameReg } from "../../runtime/verifier/branch.js";
import { scalarAlu, scalarEndian, scalarMovsx, scalarNeg } from "../../runtime/verifier/scalar-alu.js";
import { formatScalar, scalarConst, scalarLoad, scalarUnknown, type Scalar } from "../../runtime/verifier/scalar.js";
import { kernelBackendUsable } from "../support/kernel.js";

const PROGRAMS = Number(process.env.SCALAR_KERNEL_PROGRAMS ?? 600);
const GET_PRANDOM_U32 = 7;

type Op =
  | { readonly k: "alu"; readonly op: AluOp; readonly w: 32 | 64; readonly dst: number; readonly src: number | bigint }
  | { readonly k: "neg"; readonly w: 32 | 64; readonly dst: number }
  | { readonly k: "movsx"; readonly w: 32 | 64; readonly dst: number; readonly bits: 8 | 16 | 32 }
  | { readonly k: "endian"; readonly order: "le" | "be"; readonly bits: 16 | 32 | 64; readonly dst: number }
  | { readonly k: "load"; readonly size: 1 | 2 | 4 | 8; readonly signed: boolean; readonly dst: number }
  | { readonly k: "jmp"; readonly taken: boolean; readonly cond: JmpCond; readonly w: 32 | 64; readonly dst: number; readonly src: number | bigint };

/** A small deterministic PRNG (LCG), so the program set is the same on every run. */
function lcg(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
}

const IMMS = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 31, 32, 63, 100, 127, 128, 255, 256, 1000, 0xfff, 0xffff, 0x7fffffff, -1, -2, -16, -256, -0x80000000];
const SHIFTS = [0, 1, 3, 8, 16, 31, 32, 40, 63];
const OPS: readonly AluOp[] = ["add", "sub", "mul", "and", "or", "xor", "lsh", "rsh", "arsh", "div", "mod", "sdiv", "smod", "mov"];
const CONDS: readonly JmpCond[] = ["jeq", "jne", "jgt", "jge", "jlt", "jle", "jsgt", "jsge", "jslt", "jsle", "jset"];

function generate(rnd: (n: number) => number): Op[] {
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const out: Op[] = [];
  for (let n = 2 + rnd(12), i = 0; i < n; i++) {
    const dst = rnd(4) === 0 ? 7 : 6;
    const other = dst === 6 ? 7 : 6;
    const w = rnd(3) === 0 ? 32 : 64;
    const r = rnd(20);
    if (r < 9) {
      const op = pick(OPS);
      const shift = op === "lsh" || op === "rsh" || op === "arsh";
      const useReg = rnd(4) === 0 && (op !== "mov" || w === 32);
      let imm = BigInt(shift ? pick(SHIFTS.filter((s) => s < w)) : pick(IMMS));
      if ((op === "div" || op === "mod" || op === "sdiv" || op === "smod") && imm === 0n) imm = 3n;
      out.push({ k: "alu", op, w, dst, src: useReg ? other : imm });
    } else if (r < 17) {
      const src = rnd(5) === 0 ? (rnd(4) === 0 ? dst : other) : BigInt(pick(IMMS));
      out.push({ k: "jmp", taken: rnd(3) === 0, cond: pick(CONDS), w, dst, src });
    } else if (r < 18) out.push({ k: "neg", w, dst });
    else if (r < 19) out.push({ k: "movsx", w, dst, bits: w === 32 ? pick([8, 16] as const) : pick([8, 16, 32] as const) });
    else if (rnd(2) === 0) out.push({ k: "endian", order: pick(["le", "be"] as const), bits: pick([16, 32, 64] as const), dst });
    else {
      const size = pick([1, 2, 4, 8] as const);
      out.push({ k: "load", size, signed: size !== 8 && rnd(2) === 0, dst });
    }
  }
  return out;
}

/** r6, r7 = two random numbers; r8 = packet data with 8 bytes checked (for the loads). */
const PROLOGUE = 9;
const operand = (src: number | bigint): Operand =>
  typeof src === "number" ? { kind: "reg", reg: src } : { kind: "imm", imm: Number(src) };

/** The program, and for each op the slot of its first instruction. */
function assemble(ops: readonly Op[]): { insns: Instruction[]; slots: number[] } {
  const size = (o: Op): number => (o.k === "jmp" && o.taken ? 2 : 1);
  const exitAt = PROLOGUE + ops.reduce((a, o) => a + size(o), 0);
  const insns: Instruction[] = [
    // Packet pointers first: the helper calls clobber r1-r5.
    { kind: "ldx", size: 4, signed: false, dst: 8, src: 1, off: 0 },
    { kind: "ldx", size: 4, signed: false, dst: 9, src: 1, off: 4 },
    { kind: "call", target: "helper", imm: GET_PRANDOM_U32, off: 0 },
    { kind: "alu", width: 64, op: "mov", dst: 6, src: { kind: "reg", reg: 0 } },
    { kind: "call", target: "helper", imm: GET_PRANDOM_U32, off: 0 },
    { kind: "alu", width: 64, op: "mov", dst: 7, src: { kind: "reg", reg: 0 } },
    { kind: "alu", width: 64, op: "mov", dst: 4, src: { kind: "reg", reg: 8 } },
    { kind: "alu", width: 64, op: "add", dst: 4, src: { kind: "imm", imm: 8 } },
    { kind: "jcond", width: 64, cond: "jgt", dst: 4, src: { kind: "reg", reg: 9 }, off: exitAt - PROLOGUE },
  ];
  const slots: number[] = [];
  for (const o of ops) {
    const at = insns.length;
    slots.push(at);
    switch (o.k) {
      case "alu":
        insns.push({ kind: "alu", width: o.w, op: o.op, dst: o.dst, src: operand(o.src) });
        break;
      case "neg":
        insns.push({ kind: "neg", width: o.w, dst: o.dst });
        break;
      case "movsx":
        insns.push({ kind: "movsx", width: o.w, dst: o.dst, src: o.dst, bits: o.bits });
        break;
      case "endian":
        insns.push({ kind: "endian", order: o.order, bits: o.bits, dst: o.dst });
        break;
      case "load":
        insns.push({ kind: "ldx", size: o.size, signed: o.signed, dst: o.dst, src: 8, off: 0 });
        break;
      case "jmp":
        if (o.taken) {
          insns.push({ kind: "jcond", width: o.w, cond: o.cond, dst: o.dst, src: operand(o.src), off: 1 });
          insns.push({ kind: "ja", long: false, off: exitAt - (at + 2) });
        } else {
          insns.push({ kind: "jcond", width: o.w, cond: o.cond, dst: o.dst, src: operand(o.src), off: exitAt - (at + 1) });
        }
        break;
    }
  }
  insns.push({ kind: "alu", width: 64, op: "mov", dst: 0, src: { kind: "imm", imm: 0 } }, { kind: "exit" });
  return { insns, slots };
}

/** BPF_PROG_LOAD at log level 2; returns the log (the program itself is closed at once). */
function kernelLog(insns: readonly Instruction[]): string {
  const code = encodeProgram(insns);
  for (let logSize = 1 << 20; ; logSize *= 4) {
    const buf = new Uint8Array(logSize);
    const attr = new Attr(ProgLoad, {
      prog_type: ProgType.XDP,
      insn_cnt: code.length / 8,
      insns: code,
      license: new TextEncoder().encode("GPL\0"),
      log_level: LogLevel.VERBOSE,
      log_size: logSize,
      log_buf: buf,
    });
    try {
      new Fd(bpf(BpfCmd.PROG_LOAD, attr.bytes), "scalar probe").close();
      return cString(buf);
    } catch (e) {
      if (e instanceof BpfSyscallError && e.code === "ENOSPC") continue;
      throw new Error(`the kernel rejected a scalar probe: ${(e as Error).message}\n${cString(buf)}`);
    }
  }
}

/** Register states printed after `;` (or in a "from A to B:" line), ids and precision marks dropped. */
function registerStates(text: string): Map<number, string> {
  const out = new Map<number, string>();
  const re = /R(\d+)(?:_w)?=/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let i = m.index + m[0].length;
    const start = i;
    for (let depth = 0; i < text.length; i++) {
      const c = text[i];
      if (c === "(") depth++;
      else if (c === ")") depth--;
      else if (c === " " && depth === 0) break;
    }
    out.set(Number(m[1]), text.slice(start, i).replace(/^P/, "").replace(/id=\d+([+-]\d+)?,?/g, "").replace(/,\)$/, ")"));
  }
  return out;
}

interface Log {
  /** First "N: (code) insn ; states" line per slot. */
  readonly lines: Map<number, string>;
  /** First "from A to B: states" per target slot. */
  readonly arrivals: Map<number, string>;
}

function parseLog(log: string): Log {
  const lines = new Map<number, string>();
  const arrivals = new Map<number, string>();
  for (const l of log.split("\n")) {
    const m = /^(\d+): \(/.exec(l);
    if (m && !lines.has(Number(m[1]))) lines.set(Number(m[1]), l.includes(";") ? l.slice(l.indexOf(";") + 1) : "");
    const f = /^from \d+ to (\d+): (R.*)$/.exec(l);
    if (f && !arrivals.has(Number(f[1]))) arrivals.set(Number(f[1]), f[2]!);
  }
  return { lines, arrivals };
}

interface Outcome {
  compared: number;
  mismatches: string[];
}

/** Walks the ops with our domain and compares with the kernel's log for the same path. */
function compare(ops: readonly Op[], slots: readonly number[], log: Log, out: Outcome): void {
  const regs = new Map<number, Scalar>([[6, scalarUnknown()], [7, scalarUnknown()]]);
  const srcOf = (src: number | bigint): Scalar => (typeof src === "number" ? regs.get(src)! : scalarConst(src));
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    let dead = false;
    let seenAt = slots[i]!;
    let states: string | undefined;
    switch (o.k) {
      case "alu":
        regs.set(o.dst, scalarAlu(o.op, o.w, regs.get(o.dst)!, srcOf(o.src)));
        break;
      case "neg":
        regs.set(o.dst, scalarNeg(o.w, regs.get(o.dst)!));
        break;
      case "movsx":
        regs.set(o.dst, scalarMovsx(o.w, o.bits, regs.get(o.dst)!));
        break;
      case "endian":
        regs.set(o.dst, scalarEndian(o.order, o.bits, regs.get(o.dst)!));
        break;
      case "load":
        regs.set(o.dst, scalarLoad(o.size, o.signed));
        break;
      case "jmp": {
        const a = regs.get(o.dst)!;
        const b = srcOf(o.src);
        const pred = branchTaken(o.cond, o.w, a, b);
        if (o.src === o.dst) {
          const r = refineBranchSameReg(o.cond, o.w, a, o.taken);
          if (r === undefined) dead = true;
          else regs.set(o.dst, r);
        } else {
          const r = refineBranch(o.cond, o.w, a, b, o.taken);
          expect(r === undefined).toBe(pred === !o.taken);
          if (r === undefined) dead = true;
          else {
            regs.set(o.dst, r[0]);
            if (typeof o.src === "number") regs.set(o.src, r[1]);
          }
        }
        if (o.taken) {
          // The taken side resumes after the `goto exit`; its state is printed on arrival
          // (not when the kernel knew the jump is always taken: then nothing is printed).
          seenAt = slots[i]! + 2;
          states = log.arrivals.get(seenAt) ?? "";
        }
        break;
      }
    }
    const next = i + 1 < ops.length ? slots[i + 1]! : undefined;
    if (next !== undefined && log.lines.has(next) === dead) {
      out.mismatches.push(`path: kernel ${dead ? "walks on" : "stops"} after op ${i} of ${JSON.stringify(ops, (_, v) => (typeof v === "bigint" ? Number(v) : v))}`);
      return;
    }
    if (dead) return;
    if (!(o.k === "jmp" && o.taken)) states = log.lines.get(seenAt);
    if (states === undefined || (o.k === "jmp" && o.taken && next === undefined)) return;
    for (const [reg, text] of registerStates(states)) {
      if (reg !== 6 && reg !== 7) continue;
      out.compared++;
      const mine = formatScalar(regs.get(reg)!);
      if (mine !== text) out.mismatches.push(`op ${i} R${reg}: kernel ${text}, ours ${mine}`);
    }
  }
}

describe("scalar domain vs the 6.18 kernel's register states", async () => {
  const usable = await kernelBackendUsable();
  test.runIf(usable)(`${PROGRAMS} random programs, every printed r6/r7 state equal`, () => {
    const rnd = lcg(Number(process.env.SCALAR_KERNEL_SEED ?? 20251122));
    const out: Outcome = { compared: 0, mismatches: [] };
    for (let p = 0; p < PROGRAMS; p++) {
      const ops = generate(rnd);
      const { insns, slots } = assemble(ops);
      const before = out.mismatches.length;
      const log = kernelLog(insns);
      compare(ops, slots, parseLog(log), out);
      if (process.env.SCALAR_KERNEL_DEBUG && out.mismatches.length > before && before === 0) console.log(JSON.stringify(ops, (_, v) => (typeof v === "bigint" ? Number(v) : v)), out.mismatches, log);
    }
    expect(out.mismatches.slice(0, 10)).toEqual([]);
    // Enough states were compared for the test to mean something.
    expect(out.compared).toBeGreaterThan(PROGRAMS * 4);
    console.log(`[scalar-kernel] ${out.compared} register states compared over ${PROGRAMS} programs`);
  });
});
