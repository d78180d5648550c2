// The path-sensitive walk (the kernel's do_check): one current state stepped instruction by
// instruction, a LIFO of pending branch states, processed-instruction counting like
// insn_processed, and at prune points the check against stored states (is_state_visited):
// prune when a fully explored state covers the current one, report an infinite loop when a
// state still being explored (a loop ancestor) recurs exactly, store new snapshots with the
// kernel's spacing heuristics.

import { Pseudo, type Instruction } from "../isa/index.js";
import { checkMemAccess } from "./access.js";
import { checkAlu, idBeforeCopy, readReg, writeReg } from "./alu.js";
import { checkExit, checkHelperCall, enterSubprog } from "./calls.js";
import type { Env } from "./env.js";
import { condJump } from "./jumps.js";
import { checkKfuncCall } from "./kfunc.js";
import { isLoopCheckpoint, loopAncestor, sameLoopDepths, stepMayGoto } from "./loops.js";
import { Reject, RuleError } from "./messages.js";
import { statesEqual } from "./prune.js";
import { scalarConst, scalarLoad } from "./scalar.js";
import { formatTnum } from "./tnum.js";
import { copyState, newFrame, ZERO, type RegState, type StoredState, type VerifierState } from "./state.js";

export const DEFAULT_MAX_INSNS = 1_000_000;
const MAX_JMP_SEQ = 8192;

interface Pending {
  readonly st: VerifierState;
  readonly pc: number;
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
  private readonly explored = new Map<number, StoredState[]>();

  constructor(
    private readonly env: Env,
    private readonly maxInsns: number,
  ) {}

  /** Walks from the program's entry, or from `start` (a global subprogram's own entry state). */
  run(start?: { readonly st: VerifierState; readonly pc: number }): WalkResult {
    const st0: VerifierState = { frames: [newFrame(0, -1, false, 0)], refs: [], parent: undefined, mayGotoDepth: 0, rcuLock: false };
    st0.frames[0]!.regs[1] = { type: "ctx", off: 0, var: ZERO };
    let cur: VerifierState | undefined = start?.st ?? st0;
    let pc = start?.pc ?? 0;
    const insns = this.env.prog.insns;
    while (cur) {
      const insn = insns[pc];
      if (insn === undefined) return this.fail(new Reject(`invalid insn idx ${pc} insn_cnt ${insns.length}`, pc), cur);
      if (++this.processed > this.maxInsns) return this.fail(new Reject(`BPF program is too large. Processed ${this.processed} insn`, pc), cur);
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
      let next: number | undefined;
      try {
        next = this.step(cur, insn, pc);
      } catch (e) {
        if (e instanceof RuleError) return this.fail(new Reject(e.message, pc, e.regs), cur);
        if (e instanceof Reject) return this.fail(e, cur);
        throw e;
      }
      if (next === undefined) {
        this.endPath(cur);
        [cur, pc] = this.next();
      } else {
        pc = next;
      }
    }
    return { processed: this.processed };
  }

  private fail(e: Reject, st: VerifierState): WalkResult {
    return { processed: this.processed, error: e, failedRegs: st.frames[st.frames.length - 1]!.regs };
  }

  private next(): [VerifierState | undefined, number] {
    const p = this.pending.pop();
    return p ? [p.st, p.pc] : [undefined, 0];
  }

  private push(st: VerifierState, pc: number): void {
    if (st.parent) st.parent.branches++;
    this.pending.push({ st, pc });
    if (this.pending.length > MAX_JMP_SEQ) throw new Reject(`The sequence of ${this.pending.length} jumps is too complex.`, pc);
  }

  /** update_branch_counts: this path is done; ancestors with no live paths left become prunable. */
  private endPath(st: VerifierState): void {
    for (let s = st.parent; s; s = s.parent) {
      if (--s.branches > 0) break;
    }
  }

  /** is_state_visited: true to prune the current path. */
  private visited(cur: VerifierState, pc: number): boolean {
    const cfg = this.env.cfg;
    const force = cfg.callsCallback[pc] === 1 || isLoopCheckpoint(this.env, pc);
    let add = force || (this.jmps - this.prevJmps >= 2 && this.processed - this.prevInsns >= 8);
    const list = this.explored.get(pc) ?? [];
    for (let i = 0; i < list.length; i++) {
      const sl = list[i]!;
      if (sl.branches > 0) {
        // A loop ancestor still being explored.
        const loop = loopAncestor(this.env, sl, cur, pc);
        if (loop === "hit") return this.hit(sl);
        if (loop === "miss") {
          // The loop's own rule decided: no infinite-loop check.
        } else if (cfg.callsCallback[pc] === 1) {
          if (statesEqual(cfg, sl.state, cur, pc, false)) return this.hit(sl);
        } else if (sameLoopDepths(this.env, sl.state, cur) && statesEqual(cfg, sl.state, cur, pc, true)) {
          throw new Reject(`infinite loop detected at insn ${pc}`, pc);
        }
        if (!force && this.jmps - this.prevJmps < 20 && this.processed - this.prevInsns < 100) add = false;
      } else if (statesEqual(cfg, sl.state, cur, pc, false)) {
        return this.hit(sl);
      }
      // The kernel's eviction heuristic: a state that keeps missing is not worth comparing.
      // Misses count only when a new state is going to be stored, so loop iterations do not
      // evict the states of earlier iterations.
      if (!add) continue;
      sl.misses++;
      const n = force && sl.branches > 0 ? 64 : 3;
      if (sl.misses > sl.hits * n + n) {
        list.splice(i, 1);
        i--;
      }
    }
    if (!add) return false;
    const snapshot: StoredState = { state: copyState(cur), insn: pc, branches: 1, parent: cur.parent, hits: 0, misses: 0 };
    list.push(snapshot);
    this.explored.set(pc, list);
    cur.parent = snapshot;
    this.prevJmps = this.jmps;
    this.prevInsns = this.processed;
    return false;
  }

  private hit(sl: StoredState): true {
    sl.hits++;
    return true;
  }

  /** Executes one instruction; returns the next slot, or undefined when the path ended. */
  private step(st: VerifierState, insn: Instruction, pc: number): number | undefined {
    const env = this.env;
    switch (insn.kind) {
      case "alu":
      case "neg":
      case "movsx":
      case "endian":
        checkAlu(env, st, insn);
        return pc + 1;
      case "lddw":
        writeReg(st, insn.dst, this.lddw(insn, pc));
        return pc + 2;
      case "ldx": {
        readReg(st, insn.src);
        const v = checkMemAccess(env, st, { regno: insn.src, off: insn.off, size: insn.size, kind: "read", signed: insn.signed })!;
        writeReg(st, insn.dst, v);
        return pc + 1;
      }
      case "st":
        readReg(st, insn.dst);
        checkMemAccess(env, st, { regno: insn.dst, off: insn.off, size: insn.size, kind: "write", value: { type: "scalar", s: scalarConst(BigInt(insn.imm)), id: 0 } });
        return pc + 1;
      case "stx": {
        let value = readReg(st, insn.src);
        const dst = readReg(st, insn.dst);
        value = spillSource(env, st, dst, insn.off, insn.size, insn.src, value);
        checkMemAccess(env, st, { regno: insn.dst, off: insn.off, size: insn.size, kind: "write", value });
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
        return pc + 1 + insn.off;
      case "may_goto": {
        this.jmps++;
        const { next, queued } = stepMayGoto(env, st, pc, insn.off);
        this.push(queued.st, queued.pc);
        return next;
      }
      case "jcond": {
        this.jmps++;
        const { fall, taken } = condJump(st, insn);
        const target = pc + 1 + insn.off;
        if (fall && taken) {
          this.push(taken, target);
          return pc + 1;
        }
        if (taken) return target;
        if (fall) return pc + 1;
        return undefined;
      }
      case "call": {
        this.jmps++;
        if (insn.target === "kfunc") {
          const effect = checkKfuncCall(env, st, insn, pc);
          if (effect.branch) this.push(effect.branch.st, effect.branch.pc);
          return pc + 1;
        }
        if (insn.target === "local") {
          const sub = env.cfg.subprogAt.get(pc + 1 + insn.imm)!;
          return enterSubprog(env, st, sub, pc);
        }
        const effect = checkHelperCall(env, st, insn.imm, pc);
        if (effect.callback) {
          const cb = effect.callback;
          const sub = cb.frames[cb.frames.length - 1]!.subprog;
          this.push(cb, env.cfg.subprogs[sub]!.start);
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
          this.push(other, enterSubprog(env, other, t, pc));
        }
        return enterSubprog(env, st, reg.targets[0]!, pc);
      }
      case "exit":
        this.jmps++;
        return checkExit(st);
    }
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
        return { type: "func", targets: [env.cfg.subprogAt.get(pc + 1 + insn.lo)!] };
      default:
        throw new RuleError(`ld_imm64 with pseudo source ${insn.pseudo} is not supported by the bundled verifier`);
    }
  }

  private atomic(st: VerifierState, insn: Extract<Instruction, { kind: "atomic" }>): void {
    readReg(st, insn.src);
    const dst = readReg(st, insn.dst);
    if (insn.op === "cmpxchg") readReg(st, 0);
    if (dst.type === "ctx" || dst.type === "pkt" || dst.type === "pkt_meta") {
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

/**
 * A scalar spilled to a slot start of the stack is copied like a register move
 * (check_stack_write_fixed_off: assign_scalar_id_before_mov when the value fits the store): a
 * value holding a delta from a linked one leaves that link, and the slot shares its new id.
 */
function spillSource(env: Env, st: VerifierState, dst: RegState, off: number, size: 1 | 2 | 4 | 8, src: number, value: RegState): RegState {
  if (value.type !== "scalar" || value.delta === undefined || dst.type !== "stack" || dst.var.tnum.mask !== 0n) return value;
  const at = dst.off + Number(BigInt.asIntN(64, dst.var.tnum.value)) + off;
  if (at % 8 !== 0 || (size < 8 && value.s.umax >= 1n << BigInt(8 * size))) return value;
  return idBeforeCopy(env, st.frames[st.frames.length - 1]!.regs, src, value);
}
