// Instruction selection: allocated IR → eBPF instructions, with the stack frame laid out
// (slots below r10, largest alignment first), calls' arguments placed in r1–r5 by a
// parallel move, branches resolved to slot offsets, symbol references recorded for the
// object builder, and a source line for each instruction.

import { Pseudo, slotCount, type AluOp, type Instruction } from "../../runtime/isa/index.js";
import { uses as usesOf, type IrFunction, type Operand, type SourceLine, type Terminator, type VReg, type Inst } from "../ir/ir.js";
import type { Allocation } from "./regalloc.js";

export const STACK_LIMIT = 512;

export interface SymbolRef {
  readonly insn: number;
  readonly symbol: string;
}

export interface MachineFunction {
  readonly name: string;
  readonly section: string | undefined;
  readonly insns: Instruction[];
  readonly refs: SymbolRef[];
  /** Source line of each instruction (index into `sourceLines`), or -1. */
  readonly lineOf: number[];
  readonly sourceLines: readonly SourceLine[];
  readonly stackSize: number;
  /** Names of the functions this one calls. */
  readonly callees: Set<string>;
}

type Pending = { insn: Instruction; target?: number; ref?: string; line: number };

const fits32 = (v: bigint): boolean => v >= -(1n << 31n) && v < 1n << 31n;
const toS32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** Frame offsets (positive, below r10) of the function's slots. */
function layoutFrame(fn: IrFunction): { offsets: number[]; size: number } {
  const order = fn.slots.map((s, i) => ({ ...s, i })).sort((a, b) => b.align - a.align || a.i - b.i);
  const offsets: number[] = new Array(fn.slots.length).fill(0);
  let size = 0;
  for (const s of order) {
    size = Math.ceil((size + s.size) / s.align) * s.align;
    offsets[s.i] = size;
  }
  return { offsets, size: Math.ceil(size / 8) * 8 };
}

/**
 * Symbol loads used only as call arguments: rematerialised straight into the argument
 * register at the call, so they never tie up a register or take part in the argument shuffle.
 */
function rematerializable(fn: IrFunction): Map<VReg, Extract<Inst, { op: "lddw" }>> {
  const lddws = new Map<VReg, Extract<Inst, { op: "lddw" }>>();
  const other = new Set<VReg>();
  for (const b of fn.blocks) {
    for (const i of b.insts) {
      if (i.op === "lddw" && i.ref.kind !== "imm64") lddws.set(i.dst, i);
      if (i.op === "call") {
        // An indirect call's target is read by callx itself, not placed as an argument.
        if (i.target.kind === "indirect") other.add(i.target.reg);
        continue;
      }
      for (const u of usesOf(i)) other.add(u);
    }
    if (b.term) for (const u of usesOf(b.term)) other.add(u);
  }
  for (const v of other) lddws.delete(v);
  return lddws;
}

export function selectInstructions(fn: IrFunction, alloc: Allocation): MachineFunction {
  const remat = rematerializable(fn);
  const frame = layoutFrame(fn);
  const out: Pending[] = [];
  const blockStart = new Map<number, number>();
  const callees = new Set<string>();
  const R = (v: VReg): number => {
    const r = alloc.regOf.get(v);
    if (r === undefined) throw new Error(`vreg ${v} of ${fn.name} has no register`);
    return r;
  };
  // Instructions before the first statement (parameter moves) belong to the declaration's line.
  let line = fn.lines.length > 0 ? 0 : -1;
  const emit = (insn: Instruction, extra: { target?: number; ref?: string } = {}): void => {
    out.push({ insn, line, ...extra });
  };
  const movReg = (dst: number, src: number, width: 32 | 64): void => {
    if (dst !== src || width === 32) emit({ kind: "alu", width, op: "mov", dst, src: { kind: "reg", reg: src } });
  };
  const movImm = (dst: number, v: bigint, width: 32 | 64): void => {
    if (width === 32) return emit({ kind: "alu", width: 32, op: "mov", dst, src: { kind: "imm", imm: toS32(v) } });
    if (fits32(BigInt.asIntN(64, v))) return emit({ kind: "alu", width: 64, op: "mov", dst, src: { kind: "imm", imm: toS32(v) } });
    const u = BigInt.asUintN(64, v);
    emit({ kind: "lddw", dst, pseudo: Pseudo.IMM64, lo: toS32(u & 0xffffffffn), hi: toS32(u >> 32n) });
  };
  const operand = (o: Operand): { kind: "reg"; reg: number } | { kind: "imm"; imm: number } =>
    o.kind === "reg" ? { kind: "reg", reg: R(o.reg) } : { kind: "imm", imm: toS32(o.value) };
  const fp = (slot: number): number => -frame.offsets[slot]!;

  let usesScratch = false;
  /**
   * Register-to-register moves performed as if all at once. A move runs once no other pending
   * move still reads its destination; in a cycle, one destination's old value is parked in
   * the scratch slot below the frame and its readers load it from there.
   */
  const parallelMovePhys = (moves: { dst: number; src: number }[]): void => {
    const SCRATCH = -1;
    const pending = moves.filter((m) => m.dst !== m.src).map((m) => ({ ...m }));
    const scratchOff = -(frame.size + 8);
    while (pending.length > 0) {
      const ready = pending.findIndex((m) => !pending.some((o) => o.src === m.dst));
      if (ready >= 0) {
        const [m] = pending.splice(ready, 1);
        if (m!.src === SCRATCH) emit({ kind: "ldx", size: 8, signed: false, dst: m!.dst, src: 10, off: scratchOff });
        else movReg(m!.dst, m!.src, 64);
        continue;
      }
      usesScratch = true;
      const blocked = pending[0]!.dst;
      emit({ kind: "stx", size: 8, dst: 10, src: blocked, off: scratchOff });
      for (const o of pending) if (o.src === blocked) o.src = SCRATCH;
    }
  };
  /** Operands into fixed registers (call arguments into r1..r5). */
  const parallelMove = (moves: { dst: number; src: Operand }[]): void => {
    parallelMovePhys(moves.flatMap((m) => (m.src.kind === "reg" ? [{ dst: m.dst, src: R(m.src.reg) }] : [])));
    for (const m of moves) if (m.src.kind === "imm") movImm(m.dst, m.src.value, 64);
  };

  const inst = (i: Inst): void => {
    line = i.line;
    switch (i.op) {
      case "mov":
        if (i.src.kind === "reg") movReg(R(i.dst), R(i.src.reg), i.width);
        else movImm(R(i.dst), i.src.value, i.width);
        return;
      case "alu": {
        const d = R(i.dst);
        // The operation itself writes (and for 32-bit ops zero-extends) d: no copy when d already holds a.
        if (d !== R(i.a)) movReg(d, R(i.a), i.width);
        if (i.b.kind === "imm" && !fits32(i.b.value) && !(i.width === 32)) throw new Error(`immediate ${i.b.value} does not fit an ALU instruction`);
        emit({ kind: "alu", width: i.width, op: i.alu as AluOp, dst: d, src: operand(i.b) });
        return;
      }
      case "neg": {
        const d = R(i.dst);
        if (d !== R(i.src)) movReg(d, R(i.src), i.width);
        emit({ kind: "neg", width: i.width, dst: d });
        return;
      }
      case "ext": {
        const d = R(i.dst);
        const s = R(i.src);
        if (!i.signed) {
          movReg(d, s, 32);
          if (i.bits < 32) emit({ kind: "alu", width: 32, op: "and", dst: d, src: { kind: "imm", imm: i.bits === 8 ? 0xff : 0xffff } });
          return;
        }
        const total = i.width;
        movReg(d, s, total);
        emit({ kind: "alu", width: total, op: "lsh", dst: d, src: { kind: "imm", imm: total - i.bits } });
        emit({ kind: "alu", width: total, op: "arsh", dst: d, src: { kind: "imm", imm: total - i.bits } });
        return;
      }
      case "bswap": {
        const d = R(i.dst);
        movReg(d, R(i.src), 64);
        emit({ kind: "endian", order: "be", bits: i.bits, dst: d });
        return;
      }
      case "load":
        emit({ kind: "ldx", size: i.size, signed: false, dst: R(i.dst), src: R(i.base), off: i.off });
        return;
      case "store":
        if (i.value.kind === "reg") emit({ kind: "stx", size: i.size, dst: R(i.base), src: R(i.value.reg), off: i.off });
        else emit({ kind: "st", size: i.size, dst: R(i.base), off: i.off, imm: toS32(i.value.value) });
        return;
      case "atomic_add":
        emit({ kind: "atomic", size: i.size, op: "add", fetch: false, dst: R(i.base), src: R(i.value), off: i.off });
        return;
      case "lddw": {
        if (i.ref.kind === "func") callees.add(i.ref.name);
        if (remat.has(i.dst)) return; // loaded straight into its argument register at each call
        const d = R(i.dst);
        const ref = i.ref;
        if (ref.kind === "imm64") return movImm(d, ref.value, 64);
        const lo = ref.kind === "global" ? ref.offset : 0;
        emit({ kind: "lddw", dst: d, pseudo: Pseudo.IMM64, lo, hi: 0 }, { ref: ref.name });
        return;
      }
      case "stackaddr": {
        const d = R(i.dst);
        movReg(d, 10, 64);
        emit({ kind: "alu", width: 64, op: "add", dst: d, src: { kind: "imm", imm: fp(i.slot) } });
        return;
      }
      case "spill":
        emit({ kind: "stx", size: 8, dst: 10, src: R(i.src), off: fp(i.slot) });
        return;
      case "reload":
        emit({ kind: "ldx", size: 8, signed: false, dst: R(i.dst), src: 10, off: fp(i.slot) });
        return;
      case "call": {
        const later: { dst: number; ref: Extract<Inst, { op: "lddw" }> }[] = [];
        const moves = i.args.flatMap((a, k) => {
          const r = a.kind === "reg" ? remat.get(a.reg) : undefined;
          if (r) {
            later.push({ dst: k + 1, ref: r });
            return [];
          }
          return [{ dst: k + 1, src: a }];
        });
        // callx's target goes to r0 with the arguments (r0 is no argument and the call clobbers it).
        if (i.target.kind === "indirect") moves.push({ dst: 0, src: { kind: "reg", reg: i.target.reg } });
        parallelMove(moves);
        for (const { dst, ref } of later) {
          const sym = ref.ref as Exclude<typeof ref.ref, { kind: "imm64" }>;
          emit({ kind: "lddw", dst, pseudo: Pseudo.IMM64, lo: sym.kind === "global" ? sym.offset : 0, hi: 0 }, { ref: sym.name });
        }
        if (i.target.kind === "helper") emit({ kind: "call", target: "helper", imm: i.target.id, off: 0 });
        else if (i.target.kind === "indirect") emit({ kind: "callx", reg: 0, encoding: "dst" });
        else {
          callees.add(i.target.name);
          emit({ kind: "call", target: "local", imm: -1, off: 0 }, { ref: i.target.name });
        }
        if (i.dst !== undefined) movReg(R(i.dst), 0, 64);
        return;
      }
    }
  };

  const term = (t: Terminator, next: number | undefined): void => {
    line = t.line;
    switch (t.op) {
      case "ret":
        if (t.value.kind === "reg") movReg(0, R(t.value.reg), 64);
        else movImm(0, t.value.value, 64);
        emit({ kind: "exit" });
        return;
      case "jmp":
        if (t.target !== next) emit({ kind: "ja", long: false, off: 0 }, { target: t.target });
        return;
      case "br": {
        const b = operand(t.b);
        if (t.then === next) {
          const inverse: Record<string, string> = { jeq: "jne", jne: "jeq", jlt: "jge", jge: "jlt", jle: "jgt", jgt: "jle", jslt: "jsge", jsge: "jslt", jsle: "jsgt", jsgt: "jsle" };
          emit({ kind: "jcond", width: t.width, cond: inverse[t.cond] as never, dst: R(t.a), src: b, off: 0 }, { target: t.else });
          return;
        }
        emit({ kind: "jcond", width: t.width, cond: t.cond, dst: R(t.a), src: b, off: 0 }, { target: t.then });
        if (t.else !== next) emit({ kind: "ja", long: false, off: 0 }, { target: t.else });
      }
    }
  };

  // Parameters arrive in r1..r5; move them where the allocator put them.
  parallelMovePhys(fn.params.flatMap((p, k) => (alloc.regOf.has(p) ? [{ dst: R(p), src: k + 1 }] : [])));
  fn.blocks.forEach((b, bi) => {
    blockStart.set(b.id, out.length);
    for (const i of b.insts) inst(i);
    if (b.term) term(b.term, fn.blocks[bi + 1]?.id);
  });

  // Peephole: a 32-bit self-move only zero-extends; drop it where the register is already
  // zero-extended (written by a 32-bit ALU op, a load of at most 4 bytes or a byte swap since
  // the start of its block).
  const starts = new Set(blockStart.values());
  const kept: Pending[] = [];
  const remap = new Map<number, number>();
  let zext = new Set<number>();
  out.forEach((p, k) => {
    if (starts.has(k)) zext = new Set();
    remap.set(k, kept.length);
    const i = p.insn;
    if (i.kind === "alu" && i.op === "mov" && i.width === 32 && i.src.kind === "reg" && i.src.reg === i.dst && zext.has(i.dst)) return;
    kept.push(p);
    const written = i.kind === "alu" || i.kind === "neg" || i.kind === "endian" || i.kind === "ldx" || i.kind === "lddw" ? i.dst : i.kind === "call" || i.kind === "callx" ? 0 : undefined;
    if (written === undefined) return;
    const zeroExtends = ((i.kind === "alu" || i.kind === "neg") && i.width === 32) || (i.kind === "ldx" && !i.signed && i.size <= 4) || (i.kind === "endian" && i.bits <= 32);
    if (zeroExtends) zext.add(written);
    else zext.delete(written);
    if (i.kind === "call" || i.kind === "callx") for (let r = 1; r <= 5; r++) zext.delete(r);
  });
  remap.set(out.length, kept.length);
  for (const [id, idx] of blockStart) blockStart.set(id, remap.get(idx)!);
  out.length = 0;
  out.push(...kept);

  // Resolve block targets to slot offsets.
  const slotAt: number[] = [];
  let slot = 0;
  for (const p of out) {
    slotAt.push(slot);
    slot += slotCount(p.insn);
  }
  const blockSlot = (id: number): number => {
    const idx = blockStart.get(id)!;
    return idx < out.length ? slotAt[idx]! : slot;
  };
  const insns = out.map((p, k) => {
    if (p.target === undefined) return p.insn;
    const off = blockSlot(p.target) - (slotAt[k]! + 1);
    return { ...p.insn, off } as Instruction;
  });
  const stackSize = frame.size + (usesScratch ? 8 : 0);
  return {
    name: fn.name,
    section: fn.section,
    insns,
    refs: out.flatMap((p, k) => (p.ref ? [{ insn: k, symbol: p.ref }] : [])),
    lineOf: out.map((p) => p.line),
    sourceLines: fn.lines,
    stackSize,
    callees,
  };
}
