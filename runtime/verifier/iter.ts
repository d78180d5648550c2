// Open-coded iterators (bpf_iter_num_* and bpf_iter_bits_*: _new / _next / _destroy), as the
// kernel's process_iter_arg and process_iter_next_call: the iterator lives in the stack slots
// of its `struct bpf_iter_*` (8 or 16 bytes) as a state of its own that programs cannot read (a write scrubs it);
// `_new` needs an uninitialised slot and takes a reference, `_next` and `_destroy` an
// initialised one of the same kind, `_destroy` releases the reference (a leak is refused at
// exit). `_next` is a loop head: the current path continues with the iterator drained and r0 =
// NULL, and a copy is queued with the iterator active one level deeper and r0 = a read-only
// pointer to the 4-byte element (explore.ts widens its imprecise scalars against the previous
// visit, widen_imprecise_scalars). At `_next`, a forced checkpoint, an ancestor covering the
// current state (RANGE_WITHIN) while the iterator is still active ends the path (the kernel's
// iterator convergence, a loop backedge for precision).

import type { LinkedProgram } from "../object/link.js";
import { growStack } from "./access.js";
import { readReg } from "./alu.js";
import { freshId, type Env } from "./env.js";
import type { KfuncEffect } from "./kfunc.js";
import { RuleError } from "./messages.js";
import { scalarConst, scalarUnknown } from "./scalar.js";
import { emptySlot, slotOf } from "./stack.js";
import { copyState, NOT_INIT, ZERO, type Frame, type IterState, type RegState, type VerifierState } from "./state.js";

/**
 * Iterators modelled: the element size `_next` points to, the stack slots of the iterator
 * struct, and what `_new`'s arguments after the iterator are ("scalar", or "ignored" for the
 * kernel's `__ign` arguments, which it does not check at all).
 */
const ITERS: Readonly<Record<string, { readonly elem: number; readonly slots: number; readonly newArgs: readonly ("scalar" | "ignored")[] }>> = {
  num: { elem: 4, slots: 1, newArgs: ["scalar", "scalar"] },
  bits: { elem: 4, slots: 2, newArgs: ["ignored", "scalar"] },
};

/** Arguments of the modelled iterator kfunc (for matching the kernel's prototype). */
export const iterArgCount = (iter: string, op: "new" | "next" | "destroy"): number => (op === "new" ? 1 + ITERS[iter]!.newArgs.length : 1);

const ITER_KFUNC = /^bpf_iter_(\w+)_(new|next|destroy)$/;

/** The modelled iterator kfunc `name` is: its iterator and operation, or undefined. */
export function iterKfunc(name: string): { readonly iter: string; readonly op: "new" | "next" | "destroy" } | undefined {
  const m = ITER_KFUNC.exec(name);
  if (!m || !ITERS[m[1]!]) return undefined;
  return { iter: m[1]!, op: m[2] as "new" | "next" | "destroy" };
}

/** The iterator slot r1 points to (process_iter_arg / iter_get_spi). */
function iterSlot(st: VerifierState, iter: string): { frame: Frame; slot: number; off: number } {
  const reg = readReg(st, 1);
  if (reg.type !== "stack") throw new RuleError("arg#0 expected pointer to an iterator on stack", [1]);
  if (reg.var.tnum.mask !== 0n) throw new RuleError("iter has to be at a constant offset", [1]);
  const off = reg.off + Number(BigInt.asIntN(64, reg.var.tnum.value));
  const slots = ITERS[iter]!.slots;
  if (off % 8 !== 0 || off > -8 * slots || off < -512) throw new RuleError(`cannot pass in iter at an offset=${off}`, [1]);
  return { frame: st.frames[reg.frame]!, slot: slotOf(off).slot, off };
}

const iterIn = (frame: Frame, slot: number): IterState | undefined => {
  const s = frame.stack[slot]!;
  return s.kind === "spill" && s.reg.type === "iter" ? s.reg : undefined;
};

/** The iterator whose first (highest) slot is `slot`, when every one of its slots holds it. */
const iterAt = (frame: Frame, slot: number): IterState | undefined => {
  const it = iterIn(frame, slot);
  if (!it) return undefined;
  for (let i = 1; i < ITERS[it.iter]!.slots; i++) {
    const o = slot - i >= 0 ? iterIn(frame, slot - i) : undefined;
    if (!o || o.ref !== it.ref) return undefined;
  }
  return it;
};

/** The iterator's state in each of its slots (the kernel keeps one per slot as well). */
function setIter(frame: Frame, slot: number, it: IterState): void {
  for (let i = 0; i < ITERS[it.iter]!.slots; i++) frame.stack[slot - i] = { kind: "spill", reg: it, size: 8, tail: [] };
}

function finishCall(st: VerifierState, r0: RegState): void {
  const frame = st.frames[st.frames.length - 1]!;
  for (let r = 1; r <= 5; r++) frame.regs[r] = NOT_INIT;
  frame.regs[0] = r0;
}

/** check_kfunc_call for a modelled iterator kfunc at `pc`. */
export function checkIterCall(env: Env, st: VerifierState, name: string, pc: number): KfuncEffect {
  const k = iterKfunc(name)!;
  const where = iterSlot(st, k.iter);
  const cur = iterAt(where.frame, where.slot);
  if (k.op === "new") {
    // is_iter_reg_valid_uninit: no byte of any of its slots may belong to an iterator.
    for (let i = 0; i < ITERS[k.iter]!.slots; i++) {
      if (iterIn(where.frame, where.slot - i)) throw new RuleError(`expected uninitialized iter_${k.iter} as arg #0`, [1]);
    }
    ITERS[k.iter]!.newArgs.forEach((kind, i) => {
      if (kind === "scalar" && readReg(st, i + 2).type !== "scalar") throw new RuleError(`R${i + 2} is not a scalar`, [i + 2]);
    });
    growStack(env, where.frame, where.off);
    const ref = freshId(env);
    st.refs = [...st.refs, { id: ref, insn: pc }];
    setIter(where.frame, where.slot, { type: "iter", iter: k.iter, state: "active", depth: 0, ref });
    finishCall(st, { type: "scalar", s: scalarUnknown(), id: 0 });
    return {};
  }
  if (!cur || cur.iter !== k.iter) throw new RuleError(`expected an initialized iter_${k.iter} as arg #0`, [1]);
  if (k.op === "destroy") {
    st.refs = st.refs.filter((r) => r.id !== cur.ref);
    for (let i = 0; i < ITERS[k.iter]!.slots; i++) where.frame.stack[where.slot - i] = emptySlot;
    finishCall(st, NOT_INIT);
    return {};
  }
  // next: queue one more iteration when the iterator may still produce an element.
  let branch: KfuncEffect["branch"];
  if (cur.state === "active") {
    const queued = copyState(st);
    const frameIdx = st.frames.indexOf(where.frame);
    setIter(queued.frames[frameIdx]!, where.slot, { ...cur, depth: cur.depth + 1 });
    finishCall(queued, { type: "mem", size: ITERS[k.iter]!.elem, off: 0, var: ZERO, id: 0, ref: 0, rdonly: true });
    branch = { st: queued, pc: pc + 1 };
  }
  setIter(where.frame, where.slot, { ...cur, state: "drained" });
  finishCall(st, { type: "scalar", s: scalarConst(0n), id: 0 });
  return branch ? { branch } : {};
}

/** An iterator's `_next` kfunc call at `pc` (a forced checkpoint, mark_force_checkpoint). */
export function isIterNext(prog: LinkedProgram, pc: number): boolean {
  if (prog.kfuncs === undefined) return false;
  const insn = prog.insns[pc];
  if (insn?.kind !== "call" || insn.target !== "kfunc") return false;
  const k = prog.kfuncs.find((f) => f.slot === pc);
  return k !== undefined && iterKfunc(k.name)?.op === "next";
}

/** The stack slots (frame, first slot, count) of the iterator a modelled iterator kfunc at `pc` reads through r1. */
export function iterSlotsRead(prog: LinkedProgram, pc: number, st: VerifierState): { frame: number; slot: number; slots: number } | undefined {
  const k = prog.kfuncs?.find((f) => f.slot === pc);
  const it = k ? iterKfunc(k.name) : undefined;
  if (!it || it.op === "new") return undefined;
  const reg = st.frames[st.frames.length - 1]!.regs[1]!;
  if (reg.type !== "stack" || reg.var.tnum.mask !== 0n) return undefined;
  const off = reg.off + Number(BigInt.asIntN(64, reg.var.tnum.value));
  if (off >= 0 || off < -512) return undefined;
  return { frame: reg.frame, slot: slotOf(off).slot, slots: ITERS[it.iter]!.slots };
}

/** The iterator the `_next` call at a loop head is about to advance (r1's slot), if any. */
export function iterAtNext(st: VerifierState): IterState | undefined {
  const reg = st.frames[st.frames.length - 1]!.regs[1]!;
  if (reg.type !== "stack" || reg.var.tnum.mask !== 0n) return undefined;
  const off = reg.off + Number(BigInt.asIntN(64, reg.var.tnum.value));
  if (off >= 0 || off < -512) return undefined;
  return iterIn(st.frames[reg.frame]!, slotOf(off).slot);
}

/** iter_active_depths_differ: some active iterator is at another depth in `cur` than in `old`. */
export function iterDepthsDiffer(old: VerifierState, cur: VerifierState): boolean {
  for (let k = 0; k < old.frames.length && k < cur.frames.length; k++) {
    const a = old.frames[k]!.stack;
    const b = cur.frames[k]!.stack;
    for (let i = 0; i < a.length; i++) {
      const o = a[i]!;
      const c = b[i]!;
      if (o.kind !== "spill" || o.reg.type !== "iter" || o.reg.state !== "active") continue;
      if (c.kind === "spill" && c.reg.type === "iter" && c.reg.depth !== o.reg.depth) return true;
    }
  }
  return false;
}

/**
 * Stack bytes [lo, hi) of `frame` overlap an iterator: programs may not read them (directly
 * or through a helper); the kernel's "invalid read from stack". Returns the first such byte.
 */
export function iterByteIn(frame: Frame, lo: number, hi: number): number | undefined {
  for (let a = lo; a < hi; a++) {
    const s = frame.stack[slotOf(a).slot]!;
    if (s.kind === "spill" && s.reg.type === "iter") return a;
  }
  return undefined;
}
