// A coarse forward typing of one function's registers, for finding mutation sites: which
// register holds the ctx, a packet pointer (with its constant offset), pkt_end, a stack
// pointer, a map pointer, a map value (or a maybe-null one, from a lookup), or a scalar, and
// which instruction last defined it. It is a guide for choosing mutations, never a verdict:
// the kernel labels every mutant. So it is deliberately simple: no value ranges, helpers
// return scalars except map lookups and ring buffer reservations, local calls return scalars.
//
// Invariants: the lattice is finite (conflicting offsets become "unknown offset", conflicting
// kinds "unknown"), so the work list terminates; states are immutable values.

import { helperId } from "../../../runtime/isa/helper-ids.js";
import type { Instruction } from "../../../runtime/isa/index.js";
import type { CodeFunction, ObjectCode } from "./code-view.js";

export type Fact =
  | { readonly t: "uninit" }
  | { readonly t: "unknown" }
  | { readonly t: "scalar"; readonly value?: number }
  | { readonly t: "ctx"; readonly off?: number }
  | { readonly t: "pkt"; readonly off?: number }
  | { readonly t: "pkt_meta"; readonly off?: number }
  | { readonly t: "pkt_end" }
  | { readonly t: "stack"; readonly off?: number }
  | { readonly t: "map_ptr"; readonly map: number }
  | { readonly t: "map_value"; readonly map: number; readonly off?: number; readonly nullable: boolean; readonly id: number; readonly readonly: boolean }
  | { readonly t: "mem"; readonly nullable: boolean; readonly id: number }
  | { readonly t: "func" };

export interface RegState {
  readonly fact: Fact;
  /** The slot that last wrote the register on every path, when unique. */
  readonly def?: number;
}

export interface State {
  readonly regs: readonly RegState[];
  /** 8-byte spills at fixed frame offsets. */
  readonly spills: ReadonlyMap<number, RegState>;
}

export const HELPER_MAP_LOOKUP = 1;
export const HELPER_RINGBUF_RESERVE = 131;
/** Helpers returning void: r0 is not readable after them (the kernel's RET_VOID). */
const VOID_HELPERS = new Set(["tail_call", "spin_lock", "spin_unlock", "ringbuf_submit", "ringbuf_discard", "ringbuf_submit_dynptr", "ringbuf_discard_dynptr"].map(helperId));
/** Helpers after which packet pointers must be reloaded (they may move the data). */
const PACKET_CHANGING = new Set([44, 54, 65]);

const UNINIT: RegState = { fact: { t: "uninit" } };
const isPointerWithOff = (f: Fact): f is Extract<Fact, { off?: number }> & { t: "ctx" | "pkt" | "pkt_meta" | "stack" | "map_value" } =>
  f.t === "ctx" || f.t === "pkt" || f.t === "pkt_meta" || f.t === "stack" || f.t === "map_value";

function sameFact(a: Fact, b: Fact): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function joinFact(a: Fact, b: Fact): Fact {
  if (sameFact(a, b)) return a;
  if (a.t === "uninit" || b.t === "uninit") return { t: "uninit" };
  if (a.t === "scalar" && b.t === "scalar") return { t: "scalar" };
  if (isPointerWithOff(a) && isPointerWithOff(b) && a.t === b.t) {
    if (a.t === "map_value" && b.t === "map_value") {
      if (a.map !== b.map) return { t: "unknown" };
      return { t: "map_value", map: a.map, nullable: a.nullable || b.nullable, id: a.id === b.id ? a.id : -1, readonly: a.readonly, ...(a.off === b.off && a.off !== undefined ? { off: a.off } : {}) };
    }
    return { t: a.t, ...(a.off === b.off && a.off !== undefined ? { off: a.off } : {}) } as Fact;
  }
  return { t: "unknown" };
}

function joinReg(a: RegState, b: RegState): RegState {
  const fact = joinFact(a.fact, b.fact);
  return a.def === b.def && a.def !== undefined ? { fact, def: a.def } : { fact };
}

function joinState(a: State, b: State): State {
  const spills = new Map<number, RegState>();
  for (const [k, v] of a.spills) {
    const w = b.spills.get(k);
    if (w) spills.set(k, joinReg(v, w));
  }
  return { regs: a.regs.map((r, i) => joinReg(r, b.regs[i]!)), spills };
}

function sameState(a: State, b: State): boolean {
  return JSON.stringify(a.regs) === JSON.stringify(b.regs) && JSON.stringify([...a.spills]) === JSON.stringify([...b.spills]);
}

function entryState(fn: CodeFunction): State {
  const regs: RegState[] = Array.from({ length: 11 }, () => UNINIT);
  if (fn.isProgram) regs[1] = { fact: { t: "ctx", off: 0 } };
  else for (let r = 1; r <= 5; r++) regs[r] = { fact: { t: "unknown" } };
  regs[10] = { fact: { t: "stack", off: 0 } };
  return { regs, spills: new Map() };
}

function addOffset(f: Fact, delta: number | undefined): Fact {
  if (!isPointerWithOff(f)) return f.t === "pkt_end" ? { t: "unknown" } : f.t === "scalar" ? { t: "scalar" } : { t: "unknown" };
  const off = f.off !== undefined && delta !== undefined ? f.off + delta : undefined;
  const { off: _old, ...rest } = f;
  return (off === undefined ? rest : { ...rest, off }) as Fact;
}

/** The facts before every instruction of one function (undefined for unreachable slots). */
export class FunctionFacts {
  readonly before = new Map<number, State>();

  constructor(
    readonly code: ObjectCode,
    readonly fn: CodeFunction,
  ) {
    const start = fn.slot;
    this.before.set(start, entryState(fn));
    const work = [start];
    while (work.length > 0) {
      const slot = work.pop()!;
      const state = this.before.get(slot)!;
      const insn = code.insn(fn.sectionIndex, slot);
      if (!insn) continue;
      for (const [next, out] of this.successors(slot, insn, state)) {
        if (next < fn.slot || next >= fn.slot + fn.slots || !code.insn(fn.sectionIndex, next)) continue;
        const old = this.before.get(next);
        const merged = old ? joinState(old, out) : out;
        if (!old || !sameState(old, merged)) {
          this.before.set(next, merged);
          work.push(next);
        }
      }
    }
  }

  /** The next slot after an instruction (lddw takes two). */
  private next(slot: number, insn: Instruction): number {
    return slot + (insn.kind === "lddw" ? 2 : 1);
  }

  private successors(slot: number, insn: Instruction, s: State): [number, State][] {
    const fall = this.next(slot, insn);
    switch (insn.kind) {
      case "exit":
        return [];
      case "ja":
        return [[slot + 1 + insn.off, s]];
      case "may_goto":
        return [
          [fall, s],
          [slot + 1 + insn.off, s],
        ];
      case "jcond":
        return this.branch(slot, insn, s);
      default:
        return [[fall, this.transfer(slot, insn, s)]];
    }
  }

  private branch(slot: number, insn: Extract<Instruction, { kind: "jcond" }>, s: State): [number, State][] {
    const taken = slot + 1 + insn.off;
    const d = s.regs[insn.dst]!.fact;
    if ((d.t === "map_value" || d.t === "mem") && d.nullable && insn.src.kind === "imm" && insn.src.imm === 0 && (insn.cond === "jeq" || insn.cond === "jne")) {
      const nonNull = (st: State): State => refineId(st, d.id);
      return insn.cond === "jeq"
        ? [
            [slot + 1, nonNull(s)],
            [taken, s],
          ]
        : [
            [slot + 1, s],
            [taken, nonNull(s)],
          ];
    }
    return [
      [slot + 1, s],
      [taken, s],
    ];
  }

  private transfer(slot: number, insn: Instruction, s: State): State {
    const regs = [...s.regs];
    let spills: Map<number, RegState> | undefined;
    const set = (r: number, fact: Fact): void => {
      regs[r] = { fact, def: slot };
    };
    const fact = (r: number): Fact => s.regs[r]!.fact;
    switch (insn.kind) {
      case "alu": {
        const src: Fact = insn.src.kind === "imm" ? { t: "scalar", value: insn.src.imm } : fact(insn.src.reg);
        if (insn.op === "mov") set(insn.dst, insn.width === 64 ? src : { t: "scalar" });
        else if (insn.width === 64 && (insn.op === "add" || insn.op === "sub") && fact(insn.dst).t !== "scalar") {
          const k = src.t === "scalar" ? src.value : undefined;
          set(insn.dst, src.t === "scalar" ? addOffset(fact(insn.dst), k === undefined ? undefined : insn.op === "add" ? k : -k) : { t: "unknown" });
        } else if (insn.width === 64 && insn.op === "add" && fact(insn.dst).t === "scalar" && isPointerWithOff(src)) set(insn.dst, addOffset(src, undefined));
        else set(insn.dst, { t: "scalar" });
        break;
      }
      case "neg":
      case "endian":
        set(insn.dst, { t: "scalar" });
        break;
      case "movsx":
        set(insn.dst, { t: "scalar" });
        break;
      case "lddw": {
        const ref = this.code.symbolRef(this.fn.sectionIndex, slot);
        if (!ref) set(insn.dst, { t: "scalar" });
        else if (ref.kind === "map") set(insn.dst, { t: "map_ptr", map: ref.map });
        else if (ref.kind === "data") set(insn.dst, { t: "map_value", map: ref.map, off: ref.offset, nullable: false, id: -1, readonly: ref.readonly });
        else if (ref.kind === "func") set(insn.dst, { t: "func" });
        else set(insn.dst, { t: "unknown" });
        break;
      }
      case "ldx": {
        const base = fact(insn.src);
        if (base.t === "ctx" && base.off !== undefined && insn.size === 4) {
          const off = base.off + insn.off;
          set(insn.dst, off === 0 ? { t: "pkt", off: 0 } : off === 4 ? { t: "pkt_end" } : off === 8 ? { t: "pkt_meta", off: 0 } : { t: "scalar" });
        } else if (base.t === "stack" && base.off !== undefined && insn.size === 8) {
          const spilled = s.spills.get(base.off + insn.off);
          regs[insn.dst] = spilled ? { fact: spilled.fact, def: slot } : { fact: { t: "scalar" }, def: slot };
        } else set(insn.dst, { t: "scalar" });
        break;
      }
      case "st":
      case "stx":
      case "atomic": {
        const base = fact(insn.dst);
        if (base.t === "stack" && base.off !== undefined) {
          const at = base.off + insn.off;
          spills = new Map(s.spills);
          for (const k of [...spills.keys()]) if (k < at + insn.size && at < k + 8) spills.delete(k);
          if (insn.kind === "stx" && insn.size === 8) spills.set(at, s.regs[insn.src]!);
          else if (insn.kind !== "atomic") spills.set(at, { fact: { t: "scalar" }, def: slot });
        }
        if (insn.kind === "atomic" && insn.fetch) set(insn.op === "cmpxchg" ? 0 : insn.src, { t: "scalar" });
        break;
      }
      case "call": {
        let r0: Fact = { t: "scalar" };
        if (insn.target === "helper" && insn.imm === HELPER_MAP_LOOKUP) {
          const m = fact(1);
          if (m.t === "map_ptr") r0 = { t: "map_value", map: m.map, off: 0, nullable: true, id: slot, readonly: false };
          else r0 = { t: "unknown" };
        } else if (insn.target === "helper" && insn.imm === HELPER_RINGBUF_RESERVE) r0 = { t: "mem", nullable: true, id: slot };
        else if (insn.target === "helper" && VOID_HELPERS.has(insn.imm)) r0 = { t: "uninit" };
        for (let r = 1; r <= 5; r++) regs[r] = { fact: { t: "uninit" }, def: slot };
        set(0, r0);
        if (insn.target === "helper" && PACKET_CHANGING.has(insn.imm)) {
          const stale = (r: RegState): RegState => (r.fact.t === "pkt" || r.fact.t === "pkt_end" || r.fact.t === "pkt_meta" ? { fact: { t: "unknown" }, def: r.def! } : r);
          for (let r = 6; r <= 9; r++) regs[r] = stale(regs[r]!);
          spills = new Map([...s.spills].map(([k, v]) => [k, stale(v)]));
        }
        break;
      }
      case "callx":
        for (let r = 1; r <= 5; r++) regs[r] = { fact: { t: "uninit" }, def: slot };
        set(0, { t: "scalar" });
        break;
      case "ldabs":
      case "ldind":
        set(0, { t: "scalar" });
        break;
      case "ja":
      case "jcond":
      case "exit":
      case "may_goto":
        break;
    }
    return { regs, spills: spills ?? s.spills };
  }
}

function refineId(s: State, id: number): State {
  const fix = (r: RegState): RegState => {
    const f = r.fact;
    if ((f.t === "map_value" || f.t === "mem") && f.nullable && f.id === id) return { ...r, fact: { ...f, nullable: false } };
    return r;
  };
  return { regs: s.regs.map(fix), spills: new Map([...s.spills].map(([k, v]) => [k, fix(v)])) };
}

/** Facts for every function of an object. */
export function objectFacts(code: ObjectCode): Map<CodeFunction, FunctionFacts> {
  return new Map(code.functions.map((fn) => [fn, new FunctionFacts(code, fn)]));
}
