// State equivalence for pruning (the kernel's states_equal / regsafe / stacksafe / refsafe):
// a path may stop when an already fully explored state at the same instruction covers it.
// Registers dead at that point (static liveness) are ignored; scalars are compared by range
// subsumption; pointers by type, offsets, range and a consistent mapping of ids. `exact`
// (infinite-loop detection) demands equal values instead of subsumption.

import type { Cfg } from "./cfg.js";
import { scalarEquals, scalarSubsumes, type Scalar } from "./scalar.js";
import type { StackSlot } from "./stack.js";
import { rawKinds } from "./stack.js";
import type { RegState, VerifierState } from "./state.js";

const CALLER_SAVED = 0b111111;

/** A consistent old → cur (and cur → old) mapping of ids. */
class IdMap {
  private readonly fwd = new Map<string, number>();
  private readonly back = new Map<string, number>();
  private tmp = 0;
  /** Ids of one namespace; 0 means "no id" except for packet pointers, where 0 is the base id. */
  check(old: number, cur: number, space = "id"): boolean {
    if (space === "id") {
      // No id: a value linked to nothing, i.e. an id of its own (the kernel's tmp_id_gen).
      if (old === 0 && cur === 0) return true;
      if (old === 0) old = --this.tmp;
      if (cur === 0) cur = --this.tmp;
    }
    const f = this.fwd.get(`${space}:${old}`);
    const b = this.back.get(`${space}:${cur}`);
    if (f === undefined && b === undefined) {
      this.fwd.set(`${space}:${old}`, cur);
      this.back.set(`${space}:${cur}`, old);
      return true;
    }
    return f === cur && b === old;
  }
}

function scalarOk(old: Scalar, cur: Scalar, exact: boolean): boolean {
  return exact ? scalarEquals(old, cur) : scalarSubsumes(old, cur);
}

function regSafe(old: RegState, cur: RegState, ids: IdMap, exact: boolean): boolean {
  if (old.type === "not_init") return exact ? cur.type === "not_init" : true;
  switch (old.type) {
    case "scalar":
      if (cur.type !== "scalar") return false;
      if (!scalarOk(old.s, cur.s, exact)) return false;
      // A link in the old state gave it refinements the current one must get as well, moved
      // by the same delta (regsafe compares BPF_ADD_CONST and reg->off before the ids).
      if (old.delta !== cur.delta || old.d32 !== cur.d32) return false;
      return ids.check(old.id, cur.id);
    case "ctx":
      return cur.type === "ctx" && old.off === cur.off && scalarOk(old.var, cur.var, exact);
    case "pkt":
    case "pkt_meta":
      return cur.type === old.type && old.off === cur.off && (exact || old.range < 0 || cur.range < 0 ? old.range === cur.range : old.range <= cur.range) && scalarOk(old.var, cur.var, exact) && ids.check(old.id, cur.id, old.type);
    case "pkt_end":
      return cur.type === "pkt_end";
    case "map_value":
    case "map_value_or_null":
      return cur.type === old.type && old.map === cur.map && old.off === cur.off && scalarOk(old.var, cur.var, exact) && ids.check(old.id, cur.id);
    case "map_ptr":
      return cur.type === "map_ptr" && old.map === cur.map;
    case "map_ptr_or_null":
      return cur.type === "map_ptr_or_null" && old.map === cur.map && ids.check(old.id, cur.id);
    case "ptr_":
    case "ptr_or_null_":
      return cur.type === old.type && cur.btf === old.btf && ids.check(old.id, cur.id) && ids.check(old.ref, cur.ref, "ref");
    case "stack":
      return cur.type === "stack" && old.frame === cur.frame && old.off === cur.off && scalarOk(old.var, cur.var, exact);
    case "func":
      return cur.type === "func" && cur.targets.every((t) => old.targets.includes(t)) && (!exact || cur.targets.length === old.targets.length);
    case "mem":
    case "mem_or_null":
      return cur.type === old.type && old.size === cur.size && old.off === cur.off && scalarOk(old.var, cur.var, exact) && ids.check(old.id, cur.id) && ids.check(old.ref, cur.ref, "ref");
    case "sock":
    case "sock_or_null":
    case "sock_common":
    case "sock_common_or_null":
      return cur.type === old.type && ids.check(old.id, cur.id) && ids.check(old.ref, cur.ref, "ref");
  }
}

/** Data bytes: a zero byte in the old state must be zero now (any byte reads as something). */
function bytesSafe(ob: readonly string[], cb: readonly string[], exact: boolean): boolean {
  for (let i = 0; i < ob.length; i++) {
    const o = ob[i]!;
    const c = cb[i]!;
    if (exact ? o !== c : o === "zero" && c !== "zero") return false;
  }
  return true;
}

function slotSafe(old: StackSlot, cur: StackSlot, ids: IdMap, exact: boolean): boolean {
  if (old.kind === "spill") {
    if (cur.kind !== "spill" || cur.size !== old.size) return false;
    if (!bytesSafe(old.tail, cur.tail, exact)) return false;
    return regSafe(old.reg, cur.reg, ids, exact);
  }
  const ob = old.bytes;
  if (cur.kind === "spill") {
    // Data bytes read as unknown scalars: a spilled scalar is one of those values. A zero
    // byte is matched only by a zero byte: bytes of a spilled zero next to other bytes read
    // as unknown (check_stack_read_fixed_off), where zero bytes read as 0.
    if (exact || cur.reg.type !== "scalar") return false;
    const ck = rawKinds(cur);
    return ob.every((b, i) => b !== "zero" || ck[i] === "zero");
  }
  return bytesSafe(ob, cur.bytes, exact);
}

/** Registers of frame `k` that matter at `insn` (the innermost frame) or at its return point. */
function liveMask(cfg: Cfg, st: VerifierState, k: number, insn: number): number {
  if (k === st.frames.length - 1) return cfg.liveIn[insn]!;
  const callee = st.frames[k + 1]!;
  // A callback's caller re-executes the helper call, which reads r1-r5 again.
  return callee.callback ? cfg.liveIn[callee.callsite]! : cfg.liveIn[callee.callsite + 1]! & ~CALLER_SAVED;
}

export function statesEqual(cfg: Cfg, old: VerifierState, cur: VerifierState, insn: number, exact: boolean): boolean {
  if (old.frames.length !== cur.frames.length) return false;
  for (let k = 0; k < old.frames.length; k++) {
    const a = old.frames[k]!;
    const b = cur.frames[k]!;
    if (a.callsite !== b.callsite || a.subprog !== b.subprog || a.callback !== b.callback) return false;
  }
  if (old.refs.length !== cur.refs.length) return false;
  // The same lock held (or none), its element id mapped like the others.
  if ((old.lock === undefined) !== (cur.lock === undefined) || (old.lock && old.lock.map !== cur.lock!.map)) return false;
  const ids = new IdMap();
  if (old.lock && !ids.check(old.lock.id, cur.lock!.id)) return false;
  for (let i = 0; i < old.refs.length; i++) if (!ids.check(old.refs[i]!.id, cur.refs[i]!.id, "ref")) return false;
  for (let k = 0; k < old.frames.length; k++) {
    const a = old.frames[k]!;
    const b = cur.frames[k]!;
    const live = liveMask(cfg, old, k, insn);
    for (let r = 0; r < 10; r++) {
      if ((live & (1 << r)) === 0) continue;
      if (!regSafe(a.regs[r]!, b.regs[r]!, ids, exact)) return false;
    }
    for (let i = 0; i < a.stack.length; i++) {
      if (!slotSafe(a.stack[i]!, b.stack[i]!, ids, exact)) return false;
    }
  }
  return true;
}
