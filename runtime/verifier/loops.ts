// Loops the kernel lets the verifier converge on (may_goto, open-coded iterators, iter.ts): the
// `may_goto` step (check_cond_jmp_op's BPF_JCOND), the widening of scalars that changed since
// the previous visit of the loop head (widen_imprecise_scalars), and what is_state_visited does
// at such a head when it meets one of its own ancestors (a state still being explored).
//
// may_goto: the path continues at the jump target (the loop budget ran out) and the
// fall-through (one more iteration) is queued with may_goto_depth + 1. At the may_goto, a
// forced checkpoint, an ancestor with another depth that covers the current state
// (RANGE_WITHIN, which is what statesEqual's non-exact comparison is) ends the path.

import type { Env } from "./env.js";
import { iterAtNext, iterDepthsDiffer, iterKfunc } from "./iter.js";
import { kfuncAt } from "./kfunc.js";
import { RuleError } from "./messages.js";
import { statesEqual } from "./prune.js";
import { scalarEquals, scalarUnknown } from "./scalar.js";
import { copyState, type RegState, type StoredState, type VerifierState } from "./state.js";

/** A state queued by a loop instruction, and the slot it resumes at. */
export interface Queued {
  readonly st: VerifierState;
  readonly pc: number;
}

const sameCallsites = (a: VerifierState, b: VerifierState): boolean =>
  a.frames.length === b.frames.length && a.frames.every((f, k) => f.callsite === b.frames[k]!.callsite);

/**
 * find_prev_entry: the closest earlier visit of loop head `pc` on this path (an ancestor
 * checkpoint other than the one just stored for the current state).
 */
export function prevEntry(cur: VerifierState, pc: number): VerifierState | undefined {
  for (let s = cur.parent?.parent; s; s = s.parent) {
    if (s.insn === pc && s.branches > 0 && sameCallsites(s.state, cur)) return s.state;
  }
  return undefined;
}

/** Whether the analysis proved the scalar matters (precision tracking); without it, none is. */
const precise = (r: RegState): boolean => r.type === "scalar" && (r as { readonly precise?: boolean }).precise === true;

function widen(old: RegState, cur: RegState): RegState {
  if (old.type !== "scalar" || cur.type !== "scalar") return cur;
  if (precise(old) || precise(cur)) return cur;
  if (scalarEquals(old.s, cur.s) && old.id === cur.id) return cur;
  return { type: "scalar", s: scalarUnknown(), id: 0 };
}

/**
 * widen_imprecise_scalars: every imprecise scalar (registers and spilled scalars, all frames)
 * that differs from its value at the previous visit becomes unknown, so the loop converges.
 * Sound whatever is widened; we track no precision, so every changed scalar is widened.
 */
export function widenScalars(env: Env, prev: VerifierState, st: VerifierState): void {
  if (env.loopWidening === "exact") return;
  for (let k = 0; k < st.frames.length && k < prev.frames.length; k++) {
    const a = prev.frames[k]!;
    const b = st.frames[k]!;
    for (let r = 0; r < 10; r++) {
      const w = widen(a.regs[r]!, b.regs[r]!);
      if (w !== b.regs[r]) env.widened = true;
      b.regs[r] = w;
    }
    for (let i = 0; i < b.stack.length; i++) {
      const os = a.stack[i]!;
      const cs = b.stack[i]!;
      if (os.kind !== "spill" || cs.kind !== "spill" || cs.reg.type !== "scalar") continue;
      const w = widen(os.reg, cs.reg);
      if (w !== cs.reg) {
        b.stack[i] = { ...cs, reg: w };
        env.widened = true;
      }
    }
  }
}

/** The may_goto at `pc` jumping by `off`: the current path takes the jump; returns the queued fall-through. */
export function stepMayGoto(env: Env, st: VerifierState, pc: number, off: number): { readonly next: number; readonly queued: Queued } {
  if (off === 0) throw new RuleError("invalid may_goto off 0 imm 0");
  const prev = prevEntry(st, pc);
  const queued = copyState(st);
  queued.mayGotoDepth = st.mayGotoDepth + 1;
  if (prev) widenScalars(env, prev, queued);
  return { next: pc + 1 + off, queued: { st: queued, pc: pc + 1 } };
}

/** An iterator's `_next` kfunc call at `pc`. */
function isIterNext(env: Env, pc: number): boolean {
  const insn = env.prog.insns[pc];
  if (insn?.kind !== "call" || insn.target !== "kfunc") return false;
  const k = kfuncAt(env.prog, pc);
  return k !== undefined && iterKfunc(k.name)?.op === "next";
}

/** Loop heads the kernel always checkpoints (mark_force_checkpoint): may_goto and iterator `_next` calls. */
export function isLoopCheckpoint(env: Env, pc: number): boolean {
  return env.prog.insns[pc]?.kind === "may_goto" || isIterNext(env, pc);
}

/**
 * is_state_visited against an ancestor `old` (still being explored) at loop head `pc`:
 * "hit" ends the current path, "miss" skips the infinite-loop check, undefined lets the
 * caller run its usual checks.
 */
export function loopAncestor(env: Env, old: StoredState, cur: VerifierState, pc: number): "hit" | "miss" | undefined {
  if (isIterNext(env, pc)) {
    // Convergence: covered by an ancestor while the iterator is still active.
    return statesEqual(env.cfg, old.state, cur, pc, false) && iterAtNext(cur)?.state === "active" ? "hit" : "miss";
  }
  if (env.prog.insns[pc]?.kind === "may_goto" && old.state.mayGotoDepth !== cur.mayGotoDepth && statesEqual(env.cfg, old.state, cur, pc, false)) return "hit";
  return undefined;
}

/** Extra condition of the infinite-loop check: the loop counters (may_goto, active iterators) must agree too. */
export const sameLoopDepths = (env: Env, old: VerifierState, cur: VerifierState): boolean =>
  old.mayGotoDepth === cur.mayGotoDepth && (env.prog.kfuncs === undefined || !iterDepthsDiffer(old, cur));
