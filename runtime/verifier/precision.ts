// Scalar precision tracking (the kernel's __mark_chain_precision / backtrack_insn): when the
// exact value of a scalar decides safety (a pointer offset, a helper size, a branch decided by
// it, a callback's return), the instructions that produced it are walked backwards through the
// path history, and the registers and spilled slots it came from are marked `precise` in every
// checkpoint of the path. Pruning compares only precise scalars by range (prune.ts); imprecise
// ones match any scalar. When backtracking cannot follow (a scalar used as a store address,
// an atomic fetch from the stack), every scalar of the path's checkpoints becomes precise.

import type { Instruction } from "../isa/index.js";
import type { HistEntry, StoredState, VerifierState } from "./state.js";

const ARGS = 0b111110; // r1-r5
const FP = 10;
const MAX_FRAMES = 8;
const BPF_FUNC_TAIL_CALL = 12;

/** Registers and stack slots still waiting for their origin, per frame (the kernel's backtrack_state). */
export class Backtrack {
  frame = 0;
  readonly regs = new Int32Array(MAX_FRAMES);
  readonly slots: bigint[] = new Array<bigint>(MAX_FRAMES).fill(0n);

  /** Empty, starting at `frame` (one object is reused for every backtracking of a run). */
  reset(frame: number): this {
    this.frame = frame;
    this.regs.fill(0);
    this.slots.fill(0n);
    return this;
  }

  empty(): boolean {
    for (let i = 0; i <= this.frame; i++) if (this.regs[i] !== 0 || this.slots[i] !== 0n) return false;
    return true;
  }
  isReg(r: number, fr = this.frame): boolean {
    return (this.regs[fr]! & (1 << r)) !== 0;
  }
  setReg(r: number, fr = this.frame): void {
    this.regs[fr]! |= 1 << r;
  }
  clearReg(r: number, fr = this.frame): void {
    this.regs[fr]! &= ~(1 << r);
  }
  isSlot(fr: number, spi: number): boolean {
    return (this.slots[fr]! & (1n << BigInt(spi))) !== 0n;
  }
  setSlot(fr: number, spi: number): void {
    this.slots[fr] = this.slots[fr]! | (1n << BigInt(spi));
  }
  clearSlot(fr: number, spi: number): void {
    this.slots[fr] = this.slots[fr]! & ~(1n << BigInt(spi));
  }
}

type Step = "ok" | "fallback";

/** bt_sync_linked_regs: a mark on one of the linked scalars marks them all. */
function syncLinked(bt: Backtrack, h: HistEntry | undefined): void {
  const linked = h?.linked;
  if (!linked) return;
  const some = linked.some((e) => ("reg" in e ? bt.isReg(e.reg, e.frame) : bt.isSlot(e.frame, e.spi)));
  if (!some) return;
  for (const e of linked) {
    if ("reg" in e) bt.setReg(e.reg, e.frame);
    else bt.setSlot(e.frame, e.spi);
  }
}

const isLocalCall = (insn: Instruction | undefined): boolean => (insn?.kind === "call" && insn.target === "local") || insn?.kind === "callx";

/** backtrack_insn: what instruction `idx` means for the registers and slots being traced. */
function backtrackInsn(insns: readonly (Instruction | undefined)[], callsCallback: Uint8Array, globalCalls: ReadonlySet<number>, idx: number, subseq: number, h: HistEntry | undefined, bt: Backtrack): Step {
  const insn = insns[idx];
  if (insn === undefined) return "ok"; // second half of ld_imm64
  syncLinked(bt, h);
  switch (insn.kind) {
    case "alu":
    case "neg":
    case "endian":
    case "movsx": {
      if (!bt.isReg(insn.dst)) return "ok";
      if (insn.kind === "neg" || insn.kind === "endian") return "ok";
      if (insn.kind === "movsx") {
        bt.clearReg(insn.dst);
        if (insn.src !== FP) bt.setReg(insn.src);
      } else if (insn.op === "mov") {
        bt.clearReg(insn.dst);
        if (insn.src.kind === "reg" && insn.src.reg !== FP) bt.setReg(insn.src.reg);
      } else if (insn.src.kind === "reg" && insn.src.reg !== FP) {
        bt.setReg(insn.src.reg);
      }
      break;
    }
    case "ldx": {
      if (!bt.isReg(insn.dst)) return "ok";
      bt.clearReg(insn.dst);
      // Only a fill from the stack keeps a scalar's exact value; any other load is what the
      // load itself gives.
      if (!h?.stack) return "ok";
      bt.setSlot(h.stack.frame, h.stack.spi);
      break;
    }
    case "atomic": {
      const load = insn.op === "cmpxchg" ? 0 : insn.fetch ? insn.src : -1;
      if (load >= 0 && bt.isReg(load)) {
        // A fetch from a spilled slot would continue into the slot; we do not record
        // atomics in the history, so fall back to marking everything (stricter, never unsafe).
        return "fallback";
      }
      if (bt.isReg(insn.dst)) return "fallback";
      break;
    }
    case "st":
    case "stx": {
      // A scalar used as a store address: pointer subtraction earlier; not followed.
      if (bt.isReg(insn.dst)) return "fallback";
      if (!h?.stack) return "ok";
      const { frame, spi } = h.stack;
      if (!bt.isSlot(frame, spi)) return "ok";
      bt.clearSlot(frame, spi);
      if (insn.kind === "stx") bt.setReg(insn.src);
      break;
    }
    case "call":
    case "callx": {
      // A global subprogram is verified on its own: its call is like a helper's (it sets r0,
      // r1-r5 cannot be wanted past it), not a frame to leave.
      if (isLocalCall(insn) && !globalCalls.has(idx)) {
        // Going back out of the callee: only its arguments can still be wanted.
        if ((bt.regs[bt.frame]! & ~ARGS) !== 0 || bt.slots[bt.frame] !== 0n) return "fallback";
        if (bt.frame === 0) return "fallback";
        for (let r = 1; r <= 5; r++) {
          if (bt.isReg(r)) {
            bt.clearReg(r);
            bt.setReg(r, bt.frame - 1);
          }
        }
        bt.frame--;
        return "ok";
      }
      if (callsCallback[idx] === 1 && idx !== subseq - 1) {
        // The callback's exit went back to the helper call: leave the callback frame.
        if ((bt.regs[bt.frame]! & ~ARGS) !== 0 || bt.slots[bt.frame] !== 0n) return "fallback";
        if (bt.frame === 0) return "fallback";
        bt.regs[bt.frame] = 0;
        bt.frame--;
        return "ok";
      }
      bt.clearReg(0);
      if ((bt.regs[bt.frame]! & ARGS) !== 0) return "fallback";
      if (insn.kind === "call" && insn.target === "helper" && insn.imm === BPF_FUNC_TAIL_CALL && idx !== subseq - 1) {
        // A tail call that left its subprogram (the walk went on in the caller): back into it.
        if (bt.frame === MAX_FRAMES - 1) return "fallback";
        bt.frame++;
        bt.regs[bt.frame] = 0;
        bt.slots[bt.frame] = 0n;
      }
      break;
    }
    case "exit": {
      // Backwards into the callee (or callback) that returned here.
      const fromCall = subseq - 1 >= 0 && isLocalCall(insns[subseq - 1]);
      const r0 = fromCall && bt.isReg(0);
      if (fromCall && (bt.regs[bt.frame]! & ARGS) !== 0) return "fallback";
      bt.clearReg(0);
      if (bt.frame === MAX_FRAMES - 1) return "fallback";
      bt.frame++;
      bt.regs[bt.frame] = 0;
      bt.slots[bt.frame] = 0n;
      if (r0) bt.setReg(0);
      return "ok";
    }
    case "jcond": {
      if (insn.src.kind !== "reg") break;
      if (!bt.isReg(insn.dst) && !bt.isReg(insn.src.reg)) return "ok";
      if (!h?.srcStack) bt.setReg(insn.src.reg);
      if (!h?.dstStack) bt.setReg(insn.dst);
      break;
    }
    case "lddw":
      bt.clearReg(insn.dst);
      return "ok";
    case "ldabs":
    case "ldind":
      return "fallback"; // refused for XDP before any backtracking could reach them
    case "ja":
    case "may_goto":
      break;
  }
  syncLinked(bt, h);
  return "ok";
}

const isSpilledScalar = (st: VerifierState, fr: number, spi: number): boolean => {
  const s = st.frames[fr]?.stack[spi];
  return s !== undefined && s.kind === "spill" && s.reg.type === "scalar";
};

/** mark_all_scalars_precise: every scalar of every checkpoint above `st`. */
export function markAllPrecise(st: VerifierState): void {
  for (let s = st.parent; s; s = s.parent) {
    for (const f of s.state.frames) {
      for (let r = 0; r < FP; r++) {
        const reg = f.regs[r]!;
        if (reg.type === "scalar" && !reg.precise) f.regs[r] = { ...reg, precise: true };
      }
      for (let i = 0; i < f.stack.length; i++) {
        const slot = f.stack[i]!;
        if (slot.kind === "spill" && slot.reg.type === "scalar" && !slot.reg.precise) f.stack[i] = { ...slot, reg: { ...slot.reg, precise: true } };
      }
    }
  }
}

export interface PrecisionCtx {
  readonly insns: readonly (Instruction | undefined)[];
  readonly callsCallback: Uint8Array;
  /** Calls of global subprograms (verified separately; nothing of them is in the history). */
  readonly globalCalls: ReadonlySet<number>;
  /** Scratch masks, reset by each backtracking. */
  readonly bt: Backtrack;
}

/**
 * __mark_chain_precision: `bt` holds what must be precise in `start` at instruction `at`
 * (not yet executed there). Walks `start`'s history, then each parent checkpoint's, marking
 * the checkpoints. Returns whether any mark was new.
 */
export function markChain(ctx: PrecisionCtx, start: VerifierState, at: number, bt: Backtrack): boolean {
  let changed = false;
  if (bt.empty()) return false;
  let firstIdx = start.firstInsn;
  let lastIdx = at;
  let subseq = -1;
  let skipFirst = true;
  let cursor = start.hist;
  let parent: StoredState | undefined = start.parent;
  for (;;) {
    if (lastIdx < 0) break;
    for (let i = lastIdx; ; ) {
      if (skipFirst) {
        skipFirst = false;
      } else {
        const h = cursor !== undefined && cursor.idx === i ? cursor : undefined;
        if (backtrackInsn(ctx.insns, ctx.callsCallback, ctx.globalCalls, i, subseq, h, bt) === "fallback") {
          markAllPrecise(start);
          return true;
        }
      }
      if (bt.empty()) return changed;
      subseq = i;
      // get_prev_insn_idx
      const cnt = cursor?.len ?? 0;
      if (i === firstIdx) {
        if (cnt === 0) break;
        if (cnt === 1 && cursor!.idx === i) break;
      }
      if (cnt > 0 && cursor!.idx === i) {
        i = cursor!.prev;
        cursor = cursor!.next;
      } else {
        i = i - 1;
      }
      if (i < 0) break;
    }
    if (!parent) break;
    const ps = parent.state;
    if (bt.frame >= ps.frames.length) break;
    for (let fr = bt.frame; fr >= 0; fr--) {
      const f = ps.frames[fr]!;
      for (let r = 0; bt.regs[fr] !== 0 && r < FP; r++) {
        if (!bt.isReg(r, fr)) continue;
        const reg = f.regs[r]!;
        if (reg.type !== "scalar" || reg.precise) bt.clearReg(r, fr);
        else {
          f.regs[r] = { ...reg, precise: true };
          changed = true;
        }
      }
      for (let spi = 0; bt.slots[fr] !== 0n && spi < f.stack.length; spi++) {
        if (!bt.isSlot(fr, spi)) continue;
        if (!isSpilledScalar(ps, fr, spi)) {
          bt.clearSlot(fr, spi);
          continue;
        }
        const slot = f.stack[spi]! as Extract<(typeof f.stack)[number], { kind: "spill" }>;
        const reg = slot.reg as Extract<typeof slot.reg, { type: "scalar" }>;
        if (reg.precise) bt.clearSlot(fr, spi);
        else {
          f.stack[spi] = { ...slot, reg: { ...reg, precise: true } };
          changed = true;
        }
      }
    }
    if (bt.empty()) return changed;
    subseq = firstIdx;
    lastIdx = ps.lastInsn;
    firstIdx = ps.firstInsn;
    cursor = ps.hist;
    parent = parent.parent;
  }
  if (!bt.empty()) {
    markAllPrecise(start);
    return true;
  }
  return changed;
}

/** mark_chain_precision for registers of the current frame of `st`, at instruction `at`. */
export function markRegsPrecise(ctx: PrecisionCtx, st: VerifierState, at: number, regs: readonly number[], slots: readonly { frame: number; spi: number }[] = []): void {
  const bt = ctx.bt.reset(st.frames.length - 1);
  const cur = st.frames[bt.frame]!;
  for (const r of regs) if (cur.regs[r]?.type === "scalar") bt.setReg(r);
  for (const s of slots) bt.setSlot(s.frame, s.spi);
  markChain(ctx, st, at, bt);
}

/**
 * propagate_precision: `cur` was found equivalent to `old` at instruction `at`; what is precise
 * in `old` must become precise along `cur`'s path too. Returns whether a mark was new.
 */
export function propagatePrecision(ctx: PrecisionCtx, old: VerifierState, cur: VerifierState, at: number): boolean {
  const bt = ctx.bt.reset(old.frames.length - 1);
  for (let fr = 0; fr < old.frames.length; fr++) {
    const f = old.frames[fr]!;
    for (let r = 0; r < FP; r++) {
      const reg = f.regs[r]!;
      if (reg.type === "scalar" && reg.precise) bt.setReg(r, fr);
    }
    for (let spi = 0; spi < f.stack.length; spi++) {
      const s = f.stack[spi]!;
      if (s.kind === "spill" && s.reg.type === "scalar" && s.reg.precise) bt.setSlot(fr, spi);
    }
  }
  return markChain(ctx, cur, at, bt);
}
