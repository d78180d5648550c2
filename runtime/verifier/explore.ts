// The path-sensitive walk (the kernel's do_check): one current state stepped instruction by
// instruction, a LIFO of pending branch states, processed-instruction counting like
// insn_processed, and at prune points the check against stored states (is_state_visited):
// prune when a fully explored state covers the current one, report an infinite loop when a
// state still being explored (a loop ancestor) recurs exactly, store new snapshots with the
// kernel's spacing heuristics.

import { Pseudo, type Instruction } from "../isa/index.js";
import { checkMemAccess, sameInsnPointer } from "./access.js";
import { checkAlu, idBeforeCopy, readReg, writeReg } from "./alu.js";
import { checkExit, checkHelperCall, enterSubprog } from "./calls.js";
import type { Env } from "./env.js";
import { condJump, mapAllRegs } from "./jumps.js";
import { iterAtNext, iterDepthsDiffer, isIterNext } from "./iter.js";
import { checkKfuncCall } from "./kfunc.js";
import { Reject, RuleError } from "./messages.js";
import type { ProgressClock } from "./progress.js";
import { PROGRESS_CHECK_EVERY } from "./progress.js";
import { recordAccesses, StackLiveness } from "./liveness.js";
import { Loops, widenImprecise } from "./loops.js";
import { Backtrack, markRegsPrecise, propagatePrecision, type PrecisionCtx } from "./precision.js";
import { aluMarks, condHistory, condMarks, helperMarks, loadHistory, storeHistory, storeZeroMarks } from "./precision-sites.js";
import { IdMap, liveRegs, statesEqual } from "./prune.js";
import { scalarConst, scalarConstInt, scalarLoad, scalarUnknown } from "./scalar.js";
import { formatTnum } from "./tnum.js";
import { emptySlot } from "./stack.js";
import { copyState, newFrame, NOT_INIT, ZERO, type HistEntry, type RegState, type StoredState, type VerifierState } from "./state.js";
import { jumpTarget } from "../isa/instruction.js";

export const DEFAULT_MAX_INSNS = 1_000_000;
const MAX_JMP_SEQ = 8192;
const BPF_FUNC_TAIL_CALL = 12;
/** A path segment longer than this gets a checkpoint (the kernel bounds its jump history). */
const MAX_HIST = 40;

interface Pending {
  readonly st: VerifierState;
  readonly pc: number;
  /** The instruction that branched there. */
  readonly prev: number;
}

export interface WalkResult {
  readonly processed: number;
  /** Register states of the current frame when a rejection happened (for the message). */
  readonly failedRegs?: readonly RegState[];
  readonly error?: Reject;
}

export class Explorer {
  private processed = 0;
  private jmps = 0;
  private prevJmps = 0;
  private prevInsns = 0;
  private readonly pending: Pending[] = [];
  /** Stored states per instruction, newest first (the kernel adds at the list head). */
  private readonly explored = new Map<number, StoredState[]>();
  /** The id map every state comparison of this walk reuses. */
  private readonly ids = new IdMap();
  /** States stored so far (the kernel's total_states), for progress reports. */
  private stored = 0;
  private readonly ctx: PrecisionCtx;
  private readonly loops: Loops;
  private readonly liveness: StackLiveness;
  /** The instruction executed before the current one (the kernel's prev_insn_idx). */
  private prev = -1;
  /** The history entry recorded for the current instruction, if any (cur_hist_ent). */
  private curEnt: HistEntry | undefined;

  constructor(
    private readonly env: Env,
    private readonly maxInsns: number,
    private readonly progress?: ProgressClock,
  ) {
    this.ctx = { insns: env.prog.insns, callsCallback: env.cfg.callsCallback, globalCalls: globalCalls(env), bt: new Backtrack() };
    this.loops = new Loops(env.cfg, this.ctx);
    this.liveness = new StackLiveness(env.prog.insns, env.cfg);
  }

  /** Walks from the program's entry, or from `start` (a global subprogram's own entry state). */
  run(start?: { readonly st: VerifierState; readonly pc: number }): WalkResult {
    const st0: VerifierState = { frames: [newFrame(0, -1, false, 0)], refs: [], parent: undefined, hist: undefined, firstInsn: 0, lastInsn: -1, dfsDepth: 0, cbUnroll: 0, mayGotoDepth: 0, rcuLock: false };
    st0.frames[0]!.regs[1] = { type: "ctx", off: 0, var: ZERO };
    let cur: VerifierState | undefined = start?.st ?? st0;
    let pc = start?.pc ?? 0;
    const insns = this.env.prog.insns;
    while (cur) {
      const insn = insns[pc];
      if (insn === undefined) return this.fail(new Reject(`invalid insn idx ${pc} insn_cnt ${insns.length}`, pc), cur);
      if (++this.processed > this.maxInsns) return this.fail(new Reject(`BPF program is too large. Processed ${this.processed} insn`, pc), cur);
      if (this.progress && (this.processed & (PROGRESS_CHECK_EVERY - 1)) === 0) this.progress.tick(this.processed, this.stored, pc);
      this.curEnt = undefined;
      cur.lastInsn = this.prev;
      if (this.env.cfg.prunePoint[pc]) {
        let pruned: boolean;
        try {
          pruned = this.visited(cur, pc);
        } catch (e) {
          if (e instanceof Reject) return this.fail(e, cur);
          throw e;
        }
        if (pruned) {
          this.endPath(cur);
          [cur, pc] = this.next();
          continue;
        }
      }
      if (this.env.cfg.jmpPoint[pc] || this.nonLinear(pc)) this.pushHist(cur, pc);
      let next: number | undefined;
      try {
        this.liveness.begin(cur);
        recordAccesses(this.env, cur, insn, pc, this.liveness);
        next = this.step(cur, insn, pc);
        this.liveness.commit(pc);
      } catch (e) {
        if (e instanceof RuleError) return this.fail(new Reject(e.message, pc, e.regs), cur);
        if (e instanceof Reject) return this.fail(e, cur);
        throw e;
      }
      if (next === undefined) {
        this.endPath(cur);
        [cur, pc] = this.next();
      } else {
        this.prev = pc;
        pc = next;
      }
    }
    return { processed: this.processed };
  }

  /** Reached other than by falling through (callx targets are not jump points). */
  private nonLinear(pc: number): boolean {
    const p = this.prev;
    if (p < 0 || p === pc - 1) return false;
    return !(p === pc - 2 && this.env.prog.insns[p]?.kind === "lddw");
  }

  /** push_insn_history: one entry per instruction; flags of the same instruction combine. */
  private pushHist(st: VerifierState, pc: number, flags?: Partial<Pick<HistEntry, "stack" | "srcStack" | "dstStack" | "linked">>): void {
    if (this.curEnt !== undefined && st.hist === this.curEnt) {
      if (flags) Object.assign(this.curEnt, flags);
      return;
    }
    // Every entry has every field (one object shape); flags overwrite the absent ones.
    const e: HistEntry = { idx: pc, prev: this.prev, stack: undefined, srcStack: undefined, dstStack: undefined, linked: undefined, next: st.hist, len: (st.hist?.len ?? 0) + 1 };
    if (flags) Object.assign(e, flags);
    st.hist = e;
    this.curEnt = e;
  }

  private mark(st: VerifierState, pc: number, regs: readonly number[], slots: readonly { frame: number; spi: number }[] = []): void {
    if (regs.length > 0 || slots.length > 0) markRegsPrecise(this.ctx, st, pc, regs, slots);
  }

  private fail(e: Reject, st: VerifierState): WalkResult {
    return { processed: this.processed, error: e, failedRegs: st.frames[st.frames.length - 1]!.regs };
  }

  private next(): [VerifierState | undefined, number] {
    const p = this.pending.pop();
    if (!p) return [undefined, 0];
    this.prev = p.prev;
    return [p.st, p.pc];
  }

  private push(st: VerifierState, pc: number, from: number): void {
    if (st.parent) st.parent.branches++;
    this.pending.push({ st, pc, prev: from });
    if (this.pending.length > MAX_JMP_SEQ) throw new Reject(`The sequence of ${this.pending.length} jumps is too complex.`, pc);
  }

  /** update_branch_counts: this path is done; ancestors with no live paths left become prunable. */
  private endPath(st: VerifierState): void {
    for (let s = st.parent; s; s = s.parent) {
      if (--s.branches > 0) break;
      this.loops.exit(s);
    }
  }

  /** is_state_visited: true to prune the current path. */
  private visited(cur: VerifierState, pc: number): boolean {
    const cfg = this.env.cfg;
    const callsCallback = cfg.callsCallback[pc] === 1;
    const mayGoto = this.env.prog.insns[pc]?.kind === "may_goto";
    const iterNext = isIterNext(this.env.prog, pc);
    // bpf_loop calls, may_goto and iterator _next calls are forced checkpoints: their loops
    // converge there.
    const forceCheckpoint = callsCallback || mayGoto || iterNext;
    const force = forceCheckpoint || (cur.hist?.len ?? 0) > MAX_HIST;
    let add = force || (this.jmps - this.prevJmps >= 2 && this.processed - this.prevInsns >= 8);
    const list = this.explored.get(pc) ?? [];
    this.cleanLiveStates(list, cur, pc);
    for (let i = 0; i < list.length; i++) {
      const sl = list[i]!;
      if (sl.branches > 0) {
        // A loop ancestor still being explored. At an iterator's _next, a state within the
        // ancestor's ranges while the iterator is still active converges; no infinite-loop check
        // there (the iterator's depths tell iterations apart).
        if (iterNext) {
          if (statesEqual(cfg, sl.state, cur, pc, "range_within", this.ids) && iterAtNext(cur)?.state === "active") return this.hit(sl, cur, pc, true);
        } else if (mayGoto && sl.state.mayGotoDepth !== cur.mayGotoDepth && statesEqual(cfg, sl.state, cur, pc, "range_within", this.ids)) {
          return this.hit(sl, cur, pc, true);
        } else if (callsCallback) {
          if (statesEqual(cfg, sl.state, cur, pc, "range_within", this.ids)) return this.hit(sl, cur, pc, true);
        } else if (sl.state.cbUnroll === cur.cbUnroll && sl.state.mayGotoDepth === cur.mayGotoDepth && (this.env.prog.kfuncs === undefined || !iterDepthsDiffer(sl.state, cur)) && statesEqual(cfg, sl.state, cur, pc, "exact", this.ids)) {
          throw new Reject(`infinite loop detected at insn ${pc}`, pc);
        }
        if (!force && this.jmps - this.prevJmps < 20 && this.processed - this.prevInsns < 100) add = false;
      } else {
        const loop = this.loops.incomplete(sl);
        if (statesEqual(cfg, sl.state, cur, pc, loop ? "range_within" : "not_exact", this.ids)) return this.hit(sl, cur, pc, loop);
      }
      // The kernel's eviction heuristic: a state that keeps missing is not worth comparing.
      // Misses count only when a new state is going to be stored, so loop iterations do not
      // evict the states of earlier iterations.
      if (!add) continue;
      sl.misses++;
      const n = forceCheckpoint && sl.branches > 0 ? 64 : 3;
      if (sl.misses > sl.hits * n + n) {
        list.splice(i, 1);
        i--;
      }
    }
    if (!add) return false;
    const snapshot: StoredState = { state: copyState(cur), insn: pc, branches: 1, parent: cur.parent, hits: 0, misses: 0, cleaned: false };
    list.unshift(snapshot);
    this.stored++;
    this.explored.set(pc, list);
    this.loops.enter(snapshot);
    cur.parent = snapshot;
    cur.firstInsn = pc;
    cur.hist = undefined;
    cur.dfsDepth = snapshot.state.dfsDepth + 1;
    this.prevJmps = this.jmps;
    this.prevInsns = this.processed;
    return false;
  }

  private hit(sl: StoredState, cur: VerifierState, pc: number, loop: boolean): true {
    sl.hits++;
    if (this.env.cfg.jmpPoint[pc]) this.pushHist(cur, pc);
    propagatePrecision(this.ctx, sl.state, cur, pc);
    if (loop) this.loops.addBackedge(sl, cur, pc);
    return true;
  }

  /**
   * clean_live_states: a stored state whose subtree is explored forgets registers that are dead
   * at its instruction (static liveness; a caller frame's at its return point, or at the helper
   * call for a callback's caller), so that they match anything.
   */
  private cleanLiveStates(list: readonly StoredState[], cur: VerifierState, pc: number): void {
    const cfg = this.env.cfg;
    for (const sl of list) {
      if (sl.branches > 0 || sl.cleaned || !sameCallsites(sl.state, cur) || this.loops.incomplete(sl)) continue;
      sl.cleaned = true;
      const st = sl.state;
      for (let k = 0; k < st.frames.length; k++) {
        const f = st.frames[k]!;
        const live = liveRegs(cfg, st, k, pc);
        for (let r = 0; r < 10; r++) if ((live & (1 << r)) === 0) f.regs[r] = NOT_INIT;
        // The 64-bit mask as two numbers: a bigint test per slot allocated on every clean.
        const slots = this.liveness.alive(st, pc, k);
        const lo = Number(slots & 0xffff_ffffn);
        const hi = Number((slots >> 32n) & 0xffff_ffffn);
        for (let spi = 0; spi < f.stack.length; spi++) if (((spi < 32 ? lo >>> spi : hi >>> (spi - 32)) & 1) === 0) f.stack[spi] = emptySlot;
      }
    }
  }

  /** find_prev_entry: the loop ancestor at `insn` (same call sites, above this path). */
  private prevEntry(cur: VerifierState, insn: number): StoredState | undefined {
    for (const sl of this.explored.get(insn) ?? []) {
      if (sl.branches > 0 && sameCallsites(sl.state, cur) && sl.state.dfsDepth < cur.dfsDepth) return sl;
    }
    return undefined;
  }

  /**
   * widen_imprecise_scalars for a state queued at loop head `pc` (may_goto, iterator _next):
   * against the ancestor found above the checkpoint just stored here for `st`.
   */
  private widenAtLoopHead(st: VerifierState, queued: VerifierState, pc: number): void {
    const anchor = st.parent;
    const prev = anchor ? this.prevEntry(anchor.state, pc) : undefined;
    if (prev) widenImprecise(prev.state, queued);
  }

  /** Executes one instruction; returns the next slot, or undefined when the path ended. */
  private step(st: VerifierState, insn: Instruction, pc: number): number | undefined {
    const env = this.env;
    switch (insn.kind) {
      case "alu":
        if (insn.op !== "mov" && insn.src.kind === "reg") this.mark(st, pc, aluMarks(st, insn));
        checkAlu(env, st, insn);
        return pc + 1;
      case "neg":
      case "movsx":
      case "endian":
        checkAlu(env, st, insn);
        return pc + 1;
      case "lddw":
        writeReg(st, insn.dst, this.lddw(insn, pc));
        return pc + 2;
      case "ldx": {
        const base = readReg(st, insn.src);
        const fill = loadHistory(st, insn);
        const v = checkMemAccess(env, st, { regno: insn.src, off: insn.off, size: insn.size, kind: "read", signed: insn.signed })!;
        sameInsnPointer(env, pc, base);
        writeReg(st, insn.dst, v);
        if (fill) this.pushHist(st, pc, { stack: fill });
        return pc + 1;
      }
      case "st": {
        const base = readReg(st, insn.dst);
        const spill = storeHistory(st, insn);
        checkMemAccess(env, st, { regno: insn.dst, off: insn.off, size: insn.size, kind: "write", value: { type: "scalar", s: scalarConstInt(insn.imm), id: 0 } });
        sameInsnPointer(env, pc, base);
        if (spill) this.pushHist(st, pc, { stack: spill });
        return pc + 1;
      }
      case "stx": {
        let value = readReg(st, insn.src);
        const dst = readReg(st, insn.dst);
        value = spillSource(env, st, dst, insn.off, insn.size, insn.src, value);
        const spill = storeHistory(st, insn);
        const zero = storeZeroMarks(st, insn);
        checkMemAccess(env, st, { regno: insn.dst, off: insn.off, size: insn.size, kind: "write", value });
        this.mark(st, pc, zero);
        if (spill) this.pushHist(st, pc, { stack: spill });
        sameInsnPointer(env, pc, dst);
        return pc + 1;
      }
      case "atomic":
        this.atomic(st, insn);
        return pc + 1;
      case "ldabs":
      case "ldind":
        throw new RuleError("BPF_LD_[ABS|IND] instructions not allowed for this program type");
      case "ja":
        this.jmps++;
        return jumpTarget(pc, insn.off);
      case "may_goto": {
        // The jump (budget exhausted) continues this path; the fall-through (another
        // iteration) is queued one level deeper, widened against the loop ancestor here.
        this.jmps++;
        if (insn.off === 0) throw new RuleError(`invalid may_goto off ${insn.off} imm 0`);
        env.mayGoto.add(st.frames[st.frames.length - 1]!.subprog);
        const again = copyState(st);
        again.mayGotoDepth++;
        this.widenAtLoopHead(st, again, pc);
        this.push(again, pc + 1, pc);
        return jumpTarget(pc, insn.off);
      }
      case "jcond": {
        this.jmps++;
        const flags = condHistory(st, insn);
        if (flags.srcStack || flags.dstStack) this.pushHist(st, pc, { srcStack: flags.srcStack, dstStack: flags.dstStack });
        this.mark(st, pc, condMarks(st, insn));
        const { fall, taken } = condJump(st, insn);
        const target = jumpTarget(pc, insn.off);
        if (fall && taken) {
          if (flags.linked.length > 1) {
            // Both branches share the entry, as the kernel records it before copying.
            this.pushHist(fall, pc, { linked: flags.linked });
            if (taken.hist !== fall.hist) taken.hist = fall.hist;
          }
          this.push(taken, target, pc);
          return pc + 1;
        }
        if (taken) return target;
        if (fall) return pc + 1;
        return undefined;
      }
      case "call": {
        this.jmps++;
        if (insn.target === "kfunc") {
          // process_iter_next_call: the drained path continues; one more iteration is queued,
          // widened against the loop ancestor at this _next call.
          const effect = checkKfuncCall(env, st, insn, pc);
          if (effect.branch) {
            this.widenAtLoopHead(st, effect.branch.st, pc);
            this.push(effect.branch.st, effect.branch.pc, pc);
          }
          return pc + 1;
        }
        if (insn.target === "local") {
          const sub = env.cfg.subprogAt.get(jumpTarget(pc, insn.imm))!;
          return enterSubprog(env, st, sub, pc);
        }
        const marks = helperMarks(env, st, insn.imm);
        const frame = st.frames[st.frames.length - 1]!;
        const r1 = frame.regs[1]!;
        const effect = checkHelperCall(env, st, insn.imm, pc);
        this.mark(st, pc, marks.regs, marks.slots);
        if (effect.callback) {
          // bpf_loop: another iteration only while fewer than the count's maximum were begun
          // on this path (callback_depth); r1 was marked precise for that.
          const cb = effect.callback;
          if (r1.type === "scalar" && BigInt(frame.callbackDepth) < r1.s.umax) {
            cb.frames[cb.frames.length - 2]!.callbackDepth++;
            cb.cbUnroll++;
            const sub = cb.frames[cb.frames.length - 1]!.subprog;
            this.push(cb, env.cfg.subprogs[sub]!.start, pc);
          }
          frame.callbackDepth = 0;
        }
        if (insn.imm === BPF_FUNC_TAIL_CALL && st.frames.length > 1) {
          // A tail call inside a subprogram may end it (check_helper_call, Linux 6.18): the
          // failed call goes on here (queued), the taken one leaves the subprogram with r0
          // unknown and the packet pointers invalidated.
          this.push(copyState(st), pc + 1, pc);
          mapAllRegs(st, (r) => (r.type === "pkt" || r.type === "pkt_meta" || r.type === "pkt_end" ? { type: "scalar", s: scalarUnknown(), id: 0 } : r));
          st.frames[st.frames.length - 1]!.regs[0] = { type: "scalar", s: scalarUnknown(), id: 0 };
          return this.leave(st, pc);
        }
        return pc + 1;
      }
      case "callx": {
        this.jmps++;
        const reg = readReg(st, insn.reg);
        if (reg.type !== "func") throw new RuleError(`R${insn.reg} type=${reg.type === "scalar" ? "scalar" : reg.type} expected=func`, [insn.reg]);
        // Each possible target is a call of its own; the first continues this path.
        for (const t of reg.targets.slice(1)) {
          const other = copyState(st);
          this.push(other, enterSubprog(env, other, t, pc), pc);
        }
        return enterSubprog(env, st, reg.targets[0]!, pc);
      }
      case "exit":
        this.jmps++;
        return this.leave(st, pc);
    }
  }

  /** Leaves the current frame at `pc` (an exit, or a tail call in a subprogram): the slot to continue at. */
  private leave(st: VerifierState, pc: number): number | undefined {
    const callee = st.frames[st.frames.length - 1]!;
    // A callback's return value decides whether iteration goes on: it must be precise.
    if (callee.callback && callee.regs[0]!.type === "scalar") this.mark(st, pc, [0]);
    const next = checkExit(st);
    if (callee.callback && next !== undefined) {
      const prev = this.prevEntry(st, next);
      if (prev) widenImprecise(prev.state, st);
    }
    return next;
  }

  private lddw(insn: Extract<Instruction, { kind: "lddw" }>, pc: number): RegState {
    const env = this.env;
    switch (insn.pseudo) {
      case Pseudo.IMM64:
        return { type: "scalar", s: scalarConst((BigInt(insn.hi >>> 0) << 32n) | BigInt(insn.lo >>> 0)), id: 0 };
      case Pseudo.MAP_IDX: {
        if (!env.maps[insn.lo]) throw new RuleError(`fd ${insn.lo} is not pointing to valid bpf_map`);
        return { type: "map_ptr", map: insn.lo };
      }
      case Pseudo.MAP_IDX_VALUE: {
        const map = env.maps[insn.lo];
        if (!map) throw new RuleError(`fd ${insn.lo} is not pointing to valid bpf_map`);
        if (insn.hi < 0 || insn.hi >= map.valueSize) throw new RuleError(`invalid access to map value pointer, value_size=${map.valueSize} off=${insn.hi}`);
        return { type: "map_value", map: insn.lo, off: insn.hi, var: ZERO, id: 0 };
      }
      case Pseudo.FUNC:
        return { type: "func", targets: [env.cfg.subprogAt.get(jumpTarget(pc, insn.lo))!] };
      default:
        throw new RuleError(`ld_imm64 with pseudo source ${insn.pseudo} is not supported by the bundled verifier`);
    }
  }

  private atomic(st: VerifierState, insn: Extract<Instruction, { kind: "atomic" }>): void {
    readReg(st, insn.src);
    const dst = readReg(st, insn.dst);
    if (insn.op === "cmpxchg") readReg(st, 0);
    if (dst.type === "ctx" || dst.type === "pkt" || dst.type === "pkt_meta" || dst.type === "sock" || dst.type === "sock_common") {
      throw new RuleError(`BPF_ATOMIC stores into R${insn.dst} ${dst.type} is not allowed`, [insn.dst]);
    }
    // The first read goes to no register, and such stack reads need a fixed offset
    // (check_stack_read).
    if (dst.type === "stack" && dst.var.tnum.mask !== 0n) {
      throw new RuleError(`variable offset stack pointer cannot be passed into helper function; var_off=${formatTnum(dst.var.tnum)} off=${insn.off + dst.off} size=${insn.size}`, [insn.dst]);
    }
    const env = this.env;
    // The fetched old value is what a load of the same bytes gives (a spilled register comes
    // back as itself), as check_atomic_rmw's second read into the result register.
    const old = checkMemAccess(env, st, { regno: insn.dst, off: insn.off, size: insn.size, kind: "read", strictAlign: true })!;
    const unknown: RegState = { type: "scalar", s: scalarLoad(insn.size, false), id: 0 };
    checkMemAccess(env, st, { regno: insn.dst, off: insn.off, size: insn.size, kind: "write", value: unknown, strictAlign: true });
    if (insn.op === "cmpxchg") writeReg(st, 0, old);
    else if (insn.fetch) writeReg(st, insn.src, old);
  }
}

/** The call instructions whose target is a global subprogram. */
function globalCalls(env: Env): Set<number> {
  const out = new Set<number>();
  if (!env.globals || env.globals.size === 0) return out;
  env.prog.insns.forEach((insn, i) => {
    if (insn?.kind === "call" && insn.target === "local" && env.globals!.has(env.cfg.subprogAt.get(jumpTarget(i, insn.imm))!)) out.add(i);
  });
  return out;
}

/** Same frames entered from the same call sites (same_callsites). */
function sameCallsites(a: VerifierState, b: VerifierState): boolean {
  if (a.frames.length !== b.frames.length) return false;
  for (let i = 0; i < a.frames.length; i++) if (a.frames[i]!.callsite !== b.frames[i]!.callsite) return false;
  return true;
}

/**
 * A scalar spilled to a slot start of the stack is copied like a register move
 * (check_stack_write_fixed_off: assign_scalar_id_before_mov when the value fits the store, at
 * any width): the slot shares the register's id (a fresh one if it had none); a value holding a
 * delta from a linked one leaves that link first.
 */
function spillSource(env: Env, st: VerifierState, dst: RegState, off: number, size: 1 | 2 | 4 | 8, src: number, value: RegState): RegState {
  if (value.type !== "scalar" || dst.type !== "stack" || dst.var.tnum.mask !== 0n) return value;
  const at = dst.off + Number(BigInt.asIntN(64, dst.var.tnum.value)) + off;
  if (at % 8 !== 0 || (size < 8 && value.s.umax >= 1n << BigInt(8 * size))) return value;
  return idBeforeCopy(env, st.frames[st.frames.length - 1]!.regs, src, value);
}
