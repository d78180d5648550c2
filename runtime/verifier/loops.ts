// Loop bookkeeping for pruning (Linux 6.16+ bpf_scc_visit): while a loop (a strongly connected
// component, or a bpf_loop call site, reached through one chain of call sites) is being
// explored, states pruned against a loop ancestor are kept as backedges; checkpoints inside
// that loop compare every scalar by range until the loop's entry checkpoint is fully
// explored, when the precision marks are pushed through the backedges to a fixed point. Also
// widening of imprecise scalars when a callback returns (widen_imprecise_scalars).

import type { Cfg } from "./cfg.js";
import { markAllPrecise, propagatePrecision, type PrecisionCtx } from "./precision.js";
import { scalarEquals, scalarUnknown } from "./scalar.js";
import { copyState, type RegState, type StoredState, type VerifierState } from "./state.js";

const MAX_BACKEDGE_ITERS = 64;

interface Backedge {
  readonly state: VerifierState;
  readonly equal: StoredState;
  readonly insn: number;
}

interface Visit {
  readonly entry: StoredState;
  backedges: Backedge[];
}

/**
 * The call sites leading to the loop a state at `insn` is in, and the loop (compute_scc_callchain):
 * the loop's number alone when no call site leads to it (no string built on this hot path).
 */
export function loopKey(cfg: Cfg, st: VerifierState, insn: number): string | number | undefined {
  const n = st.frames.length;
  for (let i = 0; i < n; i++) {
    const at = i < n - 1 ? st.frames[i + 1]!.callsite : insn;
    const scc = cfg.scc[at]!;
    if (scc === 0) continue;
    if (i === 0) return scc;
    const sites: number[] = [];
    for (let j = 0; j < i; j++) sites.push(st.frames[j + 1]!.callsite);
    return `${sites.join(",")}:${scc}`;
  }
  return undefined;
}

export class Loops {
  private readonly visits = new Map<string | number, Visit>();

  constructor(
    private readonly cfg: Cfg,
    private readonly ctx: PrecisionCtx,
  ) {}

  /** maybe_enter_scc: a new checkpoint in a loop not being explored yet enters it. */
  enter(sl: StoredState): void {
    const key = loopKey(this.cfg, sl.state, sl.insn);
    if (key !== undefined && !this.visits.has(key)) this.visits.set(key, { entry: sl, backedges: [] });
  }

  /** maybe_exit_scc: the loop's entry checkpoint has no path left. */
  exit(sl: StoredState): void {
    if (this.visits.size === 0) return;
    const key = loopKey(this.cfg, sl.state, sl.insn);
    if (key === undefined) return;
    const visit = this.visits.get(key);
    if (!visit || visit.entry !== sl) return;
    this.propagateBackedges(visit);
    this.visits.delete(key);
  }

  /** incomplete_read_marks: a checkpoint in a loop with pending backedges. */
  incomplete(sl: StoredState): boolean {
    if (this.visits.size === 0) return false;
    const key = loopKey(this.cfg, sl.state, sl.insn);
    return key !== undefined && (this.visits.get(key)?.backedges.length ?? 0) > 0;
  }

  /** add_scc_backedge: `cur` was pruned at `insn` against `equal` inside a loop. */
  addBackedge(equal: StoredState, cur: VerifierState, insn: number): void {
    const state = copyState(cur);
    const key = loopKey(this.cfg, equal.state, equal.insn);
    const visit = key === undefined ? undefined : this.visits.get(key);
    if (!visit) {
      // No loop visit to settle the marks later: be as strict as possible now.
      markAllPrecise(state);
      return;
    }
    visit.backedges.push({ state, equal, insn });
  }

  private propagateBackedges(visit: Visit): void {
    let changed: boolean;
    let iters = 0;
    do {
      if (iters++ > MAX_BACKEDGE_ITERS) {
        for (const b of visit.backedges) markAllPrecise(b.state);
        break;
      }
      changed = false;
      for (const b of visit.backedges) {
        if (propagatePrecision(this.ctx, b.equal.state, b.state, b.insn)) changed = true;
      }
    } while (changed);
    visit.backedges = [];
  }
}

/** Scalars equal in value and link (regs_exact). */
function exactScalar(a: RegState, b: RegState, ids: Map<number, number>): boolean {
  if (a.type !== "scalar" || b.type !== "scalar") return false;
  if (!scalarEquals(a.s, b.s) || a.delta !== b.delta) return false;
  if ((a.id === 0) !== (b.id === 0)) return false;
  if (a.id === 0) return true;
  const m = ids.get(a.id);
  if (m === undefined) {
    ids.set(a.id, b.id);
    return true;
  }
  return m === b.id;
}

/** maybe_widen_reg: an imprecise scalar that changed since `old` becomes unknown. */
function widenReg(old: RegState, cur: RegState, ids: Map<number, number>): RegState {
  if (old.type !== "scalar" || cur.type !== "scalar") return cur;
  if (old.precise || cur.precise || exactScalar(old, cur, ids)) return cur;
  return { type: "scalar", s: scalarUnknown(), id: 0 };
}

/** widen_imprecise_scalars from the loop ancestor `old` into `cur`. */
export function widenImprecise(old: VerifierState, cur: VerifierState): void {
  const ids = new Map<number, number>();
  for (let fr = old.frames.length - 1; fr >= 0; fr--) {
    const fo = old.frames[fr]!;
    const fc = cur.frames[fr]!;
    for (let r = 0; r < fo.regs.length; r++) {
      const w = widenReg(fo.regs[r]!, fc.regs[r]!, ids);
      if (w !== fc.regs[r]) fc.regs[r] = w;
    }
    for (let i = 0; i < fo.stack.length; i++) {
      const so = fo.stack[i]!;
      const sc = fc.stack[i]!;
      if (so.kind !== "spill" || sc.kind !== "spill") continue;
      const w = widenReg(so.reg, sc.reg, ids);
      if (w !== sc.reg) fc.stack[i] = { ...sc, reg: w };
    }
  }
}
