// State equivalence for pruning (the kernel's states_equal / regsafe / stacksafe / refsafe):
// a path may stop when an already fully explored state at the same instruction covers it.
// Dead registers and slots of the old state were cleared (clean.ts) and match anything;
// scalars the old state never needed exactly (not `precise`) match any scalar; precise ones
// are compared by range subsumption; pointers by type, offsets, range and a consistent mapping
// of ids. Three levels as the kernel's: "not_exact" (pruning), "range_within" (loop states
// whose precision marks may be incomplete: every scalar by range), "exact" (infinite loops).

import type { Cfg } from "./cfg.js";
import { scalarEquals, scalarSubsumes, scalarUnknown, type Scalar } from "./scalar.js";
import type { StackSlot } from "./stack.js";
import { rawKindAt } from "./stack.js";
import type { RegState, VerifierState } from "./state.js";

export type Exact = "not_exact" | "range_within" | "exact";

/** Id namespaces: plain ids, references, and each packet pointer type's ids. */
const SPACES = { id: 0, ref: 1, pkt: 2, pkt_meta: 3 } as const;
type Space = keyof typeof SPACES;

/**
 * A consistent old → cur (and cur → old) mapping of ids. Keys are `id * 4 + namespace` (the
 * ids are integers, the temporary ones negative). The pairs live in flat arrays searched
 * linearly: a comparison meets few ids, and arrays emptied by `reset` keep their room, so a
 * walk's comparisons allocate nothing here (Maps cleared per comparison did).
 */
export class IdMap {
  /** Pairs (old key, cur id) and (cur key, old id) in their first `2 * n` entries. */
  private readonly fwd: number[] = [];
  private readonly back: number[] = [];
  private n = 0;
  private tmp = 0;
  /** Forgets every pair (one map serves a walk's comparisons one after another). */
  reset(): void {
    // The arrays keep their entries and room (setting length 0 would free the room).
    this.n = 0;
    this.tmp = 0;
  }
  /** Ids of one namespace; 0 means "no id" except for packet pointers, where 0 is the base id. */
  check(old: number, cur: number, space: Space = "id"): boolean {
    if (space === "id") {
      // No id: a value linked to nothing, i.e. an id of its own (the kernel's tmp_id_gen).
      if (old === 0 && cur === 0) return true;
      if (old === 0) old = --this.tmp;
      if (cur === 0) cur = --this.tmp;
    }
    const k = SPACES[space];
    const fk = old * 4 + k;
    const bk = cur * 4 + k;
    let f: number | undefined;
    let b: number | undefined;
    const end = 2 * this.n;
    for (let i = 0; i < end; i += 2) {
      if (f === undefined && this.fwd[i] === fk) f = this.fwd[i + 1];
      if (b === undefined && this.back[i] === bk) b = this.back[i + 1];
    }
    if (f === undefined && b === undefined) {
      this.fwd[end] = fk;
      this.fwd[end + 1] = cur;
      this.back[end] = bk;
      this.back[end + 1] = old;
      this.n++;
      return true;
    }
    return f === cur && b === old;
  }
}

function scalarOk(old: Scalar, cur: Scalar, exact: boolean): boolean {
  return exact ? scalarEquals(old, cur) : scalarSubsumes(old, cur);
}

function regSafe(old: RegState, cur: RegState, ids: IdMap, level: Exact): boolean {
  const exact = level === "exact";
  if (old.type === "not_init") return level === "not_exact" || cur.type === "not_init";
  switch (old.type) {
    case "scalar":
      if (cur.type !== "scalar") return false;
      if (level === "not_exact" && !old.precise) return true;
      if (!scalarOk(old.s, cur.s, exact)) return false;
      if (exact) return old.delta === cur.delta && old.d32 === cur.d32 && ids.check(old.id, cur.id);
      // An old value linked to nothing was safe alone: links of the current one only add
      // refinements. A link in the old state gave it refinements the current one must get as
      // well, moved by the same delta (BPF_ADD_CONST with reg->off), through a consistent map.
      if (old.id === 0) return true;
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
    case "iter":
      // The iteration depth is not compared (stacksafe for STACK_ITER).
      return cur.type === "iter" && cur.iter === old.iter && cur.state === old.state && ids.check(old.ref, cur.ref, "ref");
    case "mem":
    case "mem_or_null":
      return cur.type === old.type && old.rdonly === cur.rdonly && old.size === cur.size && old.off === cur.off && scalarOk(old.var, cur.var, exact) && ids.check(old.id, cur.id) && ids.check(old.ref, cur.ref, "ref");
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

const UNBOUND: RegState = { type: "scalar", s: scalarUnknown(), id: 0 };
const allMisc = (s: StackSlot): boolean => s.kind === "bytes" && s.bytes.every((b) => b !== "zero");

/** stacksafe for one slot. */
function slotSafe(old: StackSlot, cur: StackSlot, ids: IdMap, level: Exact): boolean {
  const exact = level === "exact";
  if (level !== "not_exact") {
    // Slot kinds must be the same byte for byte.
    for (let i = 0; i < 8; i++) if (rawKindAt(old, i) !== rawKindAt(cur, i)) return false;
  }
  if (old.kind === "spill") {
    // A 64-bit scalar spill against never-written or data bytes: those read as an unbound
    // scalar (scalar_reg_for_stack), so an imprecise spill matches them.
    if (!exact && old.size === 8 && old.reg.type === "scalar" && allMisc(cur)) return regSafe(old.reg, UNBOUND, ids, level);
    if (cur.kind !== "spill" || cur.size !== old.size) return false;
    if (!bytesSafe(old.tail, cur.tail, exact)) return false;
    return regSafe(old.reg, cur.reg, ids, level);
  }
  const ob = old.bytes;
  if (cur.kind === "spill") {
    // Never-written and data bytes of the old state read as unknown values (privileged:
    // allow_uninit_stack), whatever the current slot holds; a zero byte is matched only by a
    // zero byte (bytes of a spilled zero are spill bytes, not zero bytes).
    if (exact) return false;
    for (let i = 0; i < ob.length; i++) if (ob[i] === "zero" && rawKindAt(cur, i) !== "zero") return false;
    return true;
  }
  return bytesSafe(ob, cur.bytes, exact);
}

/**
 * Registers of frame `k` live at `insn` (the innermost frame) or before the call its callee
 * came from (frame_insn_idx): func_states_equal compares only those, at every level.
 */
export function liveRegs(cfg: Cfg, st: VerifierState, k: number, insn: number): number {
  const callee = st.frames[k + 1];
  return cfg.liveIn[callee ? callee.callsite : insn]!;
}

/** `ids`: a map to reuse (reset here), saving an allocation per comparison on the hot path. */
export function statesEqual(cfg: Cfg, old: VerifierState, cur: VerifierState, insn: number, level: Exact, ids = new IdMap()): boolean {
  if (old.frames.length !== cur.frames.length) return false;
  for (let k = 0; k < old.frames.length; k++) {
    const a = old.frames[k]!;
    const b = cur.frames[k]!;
    if (a.callsite !== b.callsite || a.subprog !== b.subprog || a.callback !== b.callback) return false;
    // A later bpf_loop iteration is not covered by an earlier one's state (func_states_equal).
    if (a.callbackDepth > b.callbackDepth) return false;
  }
  if (old.refs.length !== cur.refs.length || old.rcuLock !== cur.rcuLock) return false;
  // The same lock held (or none), its element id mapped like the others.
  if ((old.lock === undefined) !== (cur.lock === undefined) || (old.lock && old.lock.map !== cur.lock!.map)) return false;
  ids.reset();
  if (old.lock && !ids.check(old.lock.id, cur.lock!.id)) return false;
  for (let i = 0; i < old.refs.length; i++) if (!ids.check(old.refs[i]!.id, cur.refs[i]!.id, "ref")) return false;
  for (let k = 0; k < old.frames.length; k++) {
    const a = old.frames[k]!;
    const b = cur.frames[k]!;
    const live = liveRegs(cfg, old, k, insn);
    for (let r = 0; r < 10; r++) {
      if ((live & (1 << r)) !== 0 && !regSafe(a.regs[r]!, b.regs[r]!, ids, level)) return false;
    }
    // Only the old path's allocated slots matter; those the current path never touched are
    // covered only by never-written or data bytes (stacksafe's allocated_stack checks).
    const slots = Math.ceil(a.allocated / 8);
    for (let i = 0; i < slots; i++) {
      const o = a.stack[i]!;
      if ((i + 1) * 8 > b.allocated) {
        if (level !== "not_exact") return false;
        if (o.kind !== "bytes" || o.bytes.some((k) => k === "zero")) return false;
        continue;
      }
      // The same byte-kind slot object (most slots: never written) is safe as itself.
      if (o === b.stack[i] && o.kind === "bytes") continue;
      if (!slotSafe(o, b.stack[i]!, ids, level)) return false;
    }
  }
  return true;
}
