// Stack slot liveness (Linux 6.18's kernel/bpf/liveness.c): which 8-byte stack slots of each
// frame may still be read after an instruction. The walk records, per function instance (a
// subprogram entered through one chain of call sites) and instruction, the slots of every
// frame it read (may-read, the union over visits) and fully overwrote with a fixed-offset
// 8-byte store (must-write, the intersection over visits). A backward fixed point over each
// subprogram then gives the slots live before each instruction; a call's callee reads count at
// the call, and a callee's exit continues into its caller's liveness after the call site (for a
// callback, before the helper call that runs it again). Dead slots of an explored stored state
// are cleared, so that they match anything when pruning.

import type { Instruction } from "../isa/index.js";
import type { MapDefinition } from "../object/map-defs.js";
import type { Cfg } from "./cfg.js";
import type { Env } from "./env.js";
import { helperProto } from "./helpers.js";
import { iterSlotsRead } from "./iter.js";
import { successorTable, type SuccessorTable } from "./scc.js";
import type { RegState, VerifierState } from "./state.js";

const ALL = (1n << 64n) - 1n;
const BPF_FUNC_TAIL_CALL = 12;

interface Instance {
  readonly key: string;
  readonly parent: string | undefined;
  readonly callsite: number;
  readonly callback: boolean;
  readonly subprog: number;
  readonly depth: number;
  /** Instructions visited, in first-visit order (1 in `seen`). */
  readonly visited: number[];
  readonly seen: Uint8Array;
  /** Per visited instruction: may-read masks per frame 0..depth (absent: none read). */
  readonly read: Map<number, bigint[]>;
  /** Per visited instruction: must-write masks per frame (absent: none written on some visit). */
  readonly write: Map<number, bigint[]>;
  /** Callee instances by call site. */
  readonly callees: Map<number, Instance[]>;
  liveBefore: Map<number, bigint[]>;
}

const keyOf = (st: VerifierState): string => (st.frames.length === 1 ? "main" : `${st.frames.map((f) => f.callsite).join(",")}|${st.frames[st.frames.length - 1]!.subprog}`);

export class StackLiveness {
  private readonly instances = new Map<string, Instance>();
  private dirty = false;
  private reads: bigint[] = [];
  private writes: bigint[] = [];
  /** Whether read() or write() recorded something since begin() (else both are all zero). */
  private touched = false;
  /** The function instance of the instruction being recorded. */
  private cur: Instance | undefined;
  /** The instance of single-frame states, once created (looked up once a walk, not per insn). */
  private main: Instance | undefined;
  /** Successors of every slot, built at the first solve. */
  private succ: SuccessorTable | undefined;

  constructor(
    private readonly insns: readonly (Instruction | undefined)[],
    private readonly cfg: Cfg,
  ) {}

  /** Starts recording the accesses of one instruction. */
  begin(st: VerifierState): void {
    const n = st.frames.length;
    if (this.reads.length !== n) {
      this.reads = new Array<bigint>(n).fill(0n);
      this.writes = new Array<bigint>(n).fill(0n);
    } else if (this.touched) {
      this.reads.fill(0n);
      this.writes.fill(0n);
    }
    this.touched = false;
    this.cur = n === 1 && this.main !== undefined ? this.main : this.instance(st);
  }

  /** Bytes [lo, hi) of `frame`'s stack may be read. */
  read(frame: number, lo: number, hi: number): void {
    if (frame >= this.reads.length || hi <= lo) return;
    const first = Math.max(0, Math.floor((-hi) / 8));
    const last = Math.min(63, Math.floor((-lo - 1) / 8));
    for (let spi = first; spi <= last; spi++) {
      this.reads[frame] = this.reads[frame]! | (1n << BigInt(spi));
      this.touched = true;
    }
  }

  /** The 8-byte slot at `off` (a multiple of 8) of `frame` is overwritten. */
  write(frame: number, off: number): void {
    if (frame >= this.writes.length) return;
    const spi = (-off - 8) / 8;
    if (spi >= 0 && spi < 64) {
      this.writes[frame] = this.writes[frame]! | (1n << BigInt(spi));
      this.touched = true;
    }
  }

  /** Ends the instruction at `pc` begun with begin(). */
  commit(pc: number): void {
    const inst = this.cur!;
    const first = inst.seen[pc] === 0;
    if (first) {
      inst.seen[pc] = 1;
      inst.visited.push(pc);
    }
    if (!this.touched) {
      // Nothing read or written: reads stay as they are, writes drop to none.
      if (first) return;
      const w = inst.write.get(pc);
      if (w) {
        for (let f = 0; f < w.length; f++) {
          if (w[f] !== 0n) {
            w[f] = 0n;
            this.dirty = true;
          }
        }
      }
      return;
    }
    const r = inst.read.get(pc);
    if (!r) {
      if (this.reads.some((m) => m !== 0n)) {
        inst.read.set(pc, this.reads.slice());
        this.dirty = true;
      }
    } else {
      for (let f = 0; f < r.length; f++) {
        const v = r[f]! | this.reads[f]!;
        if (v !== r[f]) {
          r[f] = v;
          this.dirty = true;
        }
      }
    }
    const w = inst.write.get(pc);
    if (first) {
      // A first visit that overwrites nothing changes nothing (absent and empty are alike).
      if (this.writes.some((m) => m !== 0n)) {
        inst.write.set(pc, this.writes.slice());
        this.dirty = true;
      }
    } else if (w) {
      for (let f = 0; f < w.length; f++) {
        const v = w[f]! & this.writes[f]!;
        if (v !== w[f]) {
          w[f] = v;
          this.dirty = true;
        }
      }
    }
  }

  private instance(st: VerifierState): Instance {
    const key = keyOf(st);
    let inst = this.instances.get(key);
    if (inst) return inst;
    const d = st.frames.length - 1;
    const f = st.frames[d]!;
    const parentKey = d > 0 ? keyOf({ ...st, frames: st.frames.slice(0, d) }) : undefined;
    inst = { key, parent: parentKey, callsite: f.callsite, callback: f.callback, subprog: f.subprog, depth: d, visited: [], seen: new Uint8Array(this.insns.length), read: new Map(), write: new Map(), callees: new Map(), liveBefore: new Map() };
    this.instances.set(key, inst);
    if (d === 0) this.main = inst;
    if (parentKey !== undefined) {
      const parent = this.instances.get(parentKey);
      if (parent) {
        const list = parent.callees.get(f.callsite) ?? [];
        list.push(inst);
        parent.callees.set(f.callsite, list);
      }
    }
    this.dirty = true;
    return inst;
  }

  /** Whether slot `spi` of frame `frame` may be read after `pc` by the state `st` (at `pc`). */
  alive(st: VerifierState, pc: number, frame: number): bigint {
    if (this.dirty) this.solve();
    const inst = this.instances.get(keyOf(st));
    if (!inst) return ALL;
    return inst.liveBefore.get(pc)?.[frame] ?? ALL;
  }

  private liveAfter(inst: Instance, i: number): bigint[] {
    const out = new Array<bigint>(inst.depth + 1).fill(0n);
    const insn = this.insns[i];
    if (insn?.kind === "exit") {
      // Out of the subprogram: the caller's frames continue after the call site (a callback's
      // caller runs the helper call again).
      const parent = inst.parent === undefined ? undefined : this.instances.get(inst.parent);
      if (parent) {
        const after = inst.callback ? (parent.liveBefore.get(inst.callsite) ?? []) : this.afterSucc(parent, inst.callsite);
        for (let f = 0; f < inst.depth; f++) out[f] = after[f] ?? 0n;
      } else {
        for (let f = 0; f < inst.depth; f++) out[f] = ALL;
      }
      return out;
    }
    const out2 = this.afterSucc(inst, i);
    if (insn?.kind === "call" && insn.target === "helper" && insn.imm === BPF_FUNC_TAIL_CALL && inst.depth > 0) {
      // A tail call may also leave the subprogram: the callers' frames may continue after the
      // call site too (kept alive, never fewer than the exit would).
      const parent = inst.parent === undefined ? undefined : this.instances.get(inst.parent);
      const after = parent ? (inst.callback ? (parent.liveBefore.get(inst.callsite) ?? []) : this.afterSucc(parent, inst.callsite)) : [];
      for (let f = 0; f < inst.depth; f++) out2[f] = out2[f]! | (parent ? (after[f] ?? 0n) : ALL);
    }
    return out2;
  }

  private afterSucc(inst: Instance, i: number): bigint[] {
    const out = new Array<bigint>(inst.depth + 1).fill(0n);
    const succ = (this.succ ??= successorTable(this.insns));
    for (let k = 0; k < 2; k++) {
      const s = k === 0 ? succ.first[i]! : succ.second[i]!;
      if (s === -1) break;
      const lb = inst.liveBefore.get(s);
      if (!lb) continue;
      for (let f = 0; f <= inst.depth; f++) out[f] = out[f]! | (lb[f] ?? 0n);
    }
    return out;
  }

  /** The backward fixed point over every instance. */
  private solve(): void {
    this.dirty = false;
    for (const inst of this.instances.values()) inst.liveBefore = new Map();
    const order = [...this.instances.values()];
    const visited = new Map(order.map((inst) => [inst, [...inst.visited].sort((a, b) => b - a)]));
    let changed = true;
    let rounds = 0;
    while (changed) {
      changed = false;
      if (++rounds > 1000) {
        // Never expected; everything alive is the safe answer.
        for (const inst of order) for (const k of inst.liveBefore.keys()) inst.liveBefore.set(k, new Array<bigint>(inst.depth + 1).fill(ALL));
        return;
      }
      for (const inst of order) {
        // Only visited instructions can have live slots before them.
        for (const i of visited.get(inst)!) {
          const after = this.liveAfter(inst, i);
          const reads = inst.read.get(i);
          const writes = inst.write.get(i);
          const callees = inst.callees.get(i);
          const lb = new Array<bigint>(inst.depth + 1);
          for (let f = 0; f <= inst.depth; f++) {
            let r = reads?.[f] ?? 0n;
            if (callees) for (const c of callees) r |= c.liveBefore.get(this.cfg.subprogs[c.subprog]!.start)?.[f] ?? 0n;
            lb[f] = r | (after[f]! & ~(writes?.[f] ?? 0n));
          }
          const old = inst.liveBefore.get(i);
          if (!old || old.some((v, f) => v !== lb[f])) {
            inst.liveBefore.set(i, lb);
            changed = true;
          }
        }
      }
    }
  }
}

/** Byte range [lo, hi) of `size` bytes at `off` past a stack pointer (any value of its variable part). */
function range(reg: Extract<RegState, { type: "stack" }>, off: number, size: number): [number, number] {
  if (reg.var.tnum.mask === 0n) {
    const lo = reg.off + Number(BigInt.asIntN(64, reg.var.tnum.value)) + off;
    return [lo, lo + size];
  }
  return [reg.off + Number(reg.var.smin) + off, reg.off + Number(reg.var.smax) + off + size];
}

function stackReg(regs: readonly RegState[], r: number): Extract<RegState, { type: "stack" }> | undefined {
  const reg = regs[r];
  return reg?.type === "stack" ? reg : undefined;
}

/**
 * Records the stack reads and full-slot writes instruction `insn` makes in state `st` (before
 * it runs): loads, stores, atomics, helper arguments pointing to the stack, and the iterator
 * an iterator kfunc's _next or _destroy reads through r1 (mark_stack_slot_obj_read).
 */
export function recordAccesses(env: Env, st: VerifierState, insn: Instruction, pc: number, live: StackLiveness): void {
  const regs = st.frames[st.frames.length - 1]!.regs;
  switch (insn.kind) {
    case "ldx": {
      const p = stackReg(regs, insn.src);
      if (p) live.read(p.frame, ...range(p, insn.off, insn.size));
      return;
    }
    case "atomic": {
      const p = stackReg(regs, insn.dst);
      if (p) live.read(p.frame, ...range(p, insn.off, insn.size));
      return;
    }
    case "st":
    case "stx": {
      const p = stackReg(regs, insn.dst);
      if (!p || p.var.tnum.mask !== 0n || insn.size !== 8) return;
      const [lo] = range(p, insn.off, 8);
      if (lo % 8 === 0) live.write(p.frame, lo);
      return;
    }
    case "call": {
      if (insn.target === "kfunc") {
        const it = iterSlotsRead(env.prog, pc, st);
        if (it) live.read(it.frame, -8 * (it.slot + 1), -8 * (it.slot + 1 - it.slots));
        return;
      }
      if (insn.target !== "helper") return;
      const proto = helperProto(insn.imm);
      if (!proto) return;
      let map: MapDefinition | undefined;
      proto.args.forEach((kind, i) => {
        const regno = i + 1;
        const reg = regs[regno];
        if (kind === "map_ptr" && reg?.type === "map_ptr") map = env.maps[reg.map];
        const p = stackReg(regs, regno);
        if (!p) return;
        let size: number | undefined;
        if (kind === "map_key") size = map?.keySize;
        else if (kind === "map_value") size = map?.valueSize;
        else if (kind === "mem_ro" || kind === "mem_ro_or_null" || kind === "mem_rw") {
          const s = regs[regno + 1];
          size = s?.type === "scalar" && s.s.umax < 1n << 29n ? Number(s.s.umax) : undefined;
        }
        if (size !== undefined) live.read(p.frame, ...range(p, 0, size));
      });
      return;
    }
    default:
      return;
  }
}
