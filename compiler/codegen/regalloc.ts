// Linear-scan register allocation of IR vregs onto r0–r9 with the BPF calling convention:
// a call clobbers r0–r5, so a vreg live across a call gets one of r6–r9 (which every BPF
// function may use: the runtime preserves them across bpf-to-bpf calls); others prefer
// r0–r5. When registers run out, the interval ending last is spilled to a stack slot and
// the IR rewritten with spill/reload around its uses, then allocation runs again.
//
// Positions: instruction k of the linear order reads its operands at 2k and writes its
// result at 2k+1. Two-address instructions (alu, neg …) read their second operand at 2k+1
// too, so it never shares a register with the result.

import { def, mapUses, successors, uses, type Inst, type IrFunction, type Terminator, type VReg } from "../ir/ir.js";
import { liveOut } from "../ir/passes/simplify.js";

export const CALLER_SAVED = [0, 1, 2, 3, 4, 5];
export const CALLEE_SAVED = [6, 7, 8, 9];

export interface Allocation {
  readonly regOf: ReadonlyMap<VReg, number>;
  /** Stack slots (IrFunction.slots indices) created for spills. */
  readonly spillSlots: readonly number[];
}

interface Interval {
  readonly vreg: VReg;
  start: number;
  end: number;
  /** Live after some call: needs r6–r9 (or a spill). */
  crossesCall: boolean;
  /** Its range contains a call (perhaps inside a lifetime hole): better kept out of r1–r5. */
  spansCall: boolean;
}

type AnyInst = Inst | Terminator;

const twoAddress = (i: AnyInst): boolean => i.op === "alu";

function intervals(fn: IrFunction): { list: Interval[]; calls: number[] } {
  const out = liveOut(fn);
  const byVreg = new Map<VReg, Interval>();
  const calls: number[] = [];
  const touch = (r: VReg, pos: number): void => {
    const iv = byVreg.get(r);
    if (!iv) byVreg.set(r, { vreg: r, start: pos, end: pos, crossesCall: false, spansCall: false });
    else {
      iv.start = Math.min(iv.start, pos);
      iv.end = Math.max(iv.end, pos);
    }
  };
  let k = 0;
  const blockStart: number[] = [];
  const blockEnd: number[] = [];
  for (const p of fn.params) touch(p, 0);
  fn.blocks.forEach((b) => {
    blockStart.push(2 * k);
    for (const inst of [...b.insts, ...(b.term ? [b.term] : [])] as AnyInst[]) {
      const u = uses(inst);
      u.forEach((r, idx) => touch(r, twoAddress(inst) && idx > 0 ? 2 * k + 1 : 2 * k));
      const d = def(inst);
      if (d !== undefined) touch(d, 2 * k + 1);
      if (inst.op === "call") calls.push(2 * k);
      k++;
    }
    blockEnd.push(2 * k - 1);
  });
  // Values live across block boundaries cover whole blocks: extend to the ends of every
  // block they are live out of, and from the start of every block they are live into.
  // Live-in sets: a value live out of a block is live into only those successors that read it.
  const liveIn = fn.blocks.map((b, bi) => {
    const live = new Set(out[bi]);
    const all = [...b.insts, ...(b.term ? [b.term] : [])] as AnyInst[];
    for (let i = all.length - 1; i >= 0; i--) {
      const d = def(all[i]!);
      if (d !== undefined) live.delete(d);
      for (const r of uses(all[i]!)) live.add(r);
    }
    return live;
  });
  fn.blocks.forEach((b, bi) => {
    for (const r of out[bi]!) touch(r, blockEnd[bi]!);
    for (const s of successors(b.term)) for (const r of liveIn[s]!) touch(r, blockStart[s]!);
  });
  // A loop carries its live-out values around the back edge: cover the loop body.
  fn.blocks.forEach((b, bi) => {
    for (const s of successors(b.term)) {
      if (s > bi) continue;
      for (const r of liveIn[s]!) {
        touch(r, blockStart[s]!);
        touch(r, blockEnd[bi]!);
      }
    }
  });
  const list = [...byVreg.values()].sort((a, b) => a.start - b.start || a.vreg - b.vreg);
  for (const iv of list) iv.spansCall = calls.some((c) => c > iv.start && c < iv.end);
  // A vreg needs a call-preserved register only if it is live after some call. An interval may
  // span a call on a path where the value is already dead (a lifetime hole): a caller-saved
  // register is fine there, since nothing reads it after the call on that path.
  fn.blocks.forEach((b, bi) => {
    const live = new Set(out[bi]);
    if (b.term) for (const r of uses(b.term)) live.add(r);
    for (let i = b.insts.length - 1; i >= 0; i--) {
      const inst = b.insts[i]!;
      const d = def(inst);
      if (d !== undefined) live.delete(d);
      if (inst.op === "call") for (const r of live) byVreg.get(r)!.crossesCall = true;
      for (const r of uses(inst)) live.add(r);
    }
  });
  return { list, calls };
}

/** Registers a vreg would like: r0 when it is returned, r1..r5 when it is passed as that argument. */
function hints(fn: IrFunction): Map<VReg, number> {
  const out = new Map<VReg, number>();
  for (const b of fn.blocks) {
    for (const i of b.insts) {
      if (i.op !== "call") continue;
      i.args.forEach((a, k) => a.kind === "reg" && !out.has(a.reg) && out.set(a.reg, k + 1));
      if (i.target.kind === "indirect" && !out.has(i.target.reg)) out.set(i.target.reg, 0);
      // The result arrives in r0: leaving it there saves a move.
      if (i.dst !== undefined && !out.has(i.dst)) out.set(i.dst, 0);
    }
    if (b.term?.op === "ret" && b.term.value.kind === "reg" && !out.has(b.term.value.reg)) out.set(b.term.value.reg, 0);
  }
  return out;
}

/** For each vreg defined by a copy (or a two-address op), the vreg it copies: sharing its register saves the move. */
function copySources(fn: IrFunction): Map<VReg, VReg> {
  const out = new Map<VReg, VReg>();
  for (const b of fn.blocks) {
    for (const i of b.insts) {
      if (i.op === "mov" && i.src.kind === "reg" && !out.has(i.dst)) out.set(i.dst, i.src.reg);
      else if ((i.op === "alu" && !out.has(i.dst)) || ((i.op === "neg" || i.op === "ext" || i.op === "bswap") && !out.has(i.dst))) out.set(i.dst, i.op === "alu" ? i.a : i.src);
    }
  }
  return out;
}

function tryAllocate(fn: IrFunction): { regOf: Map<VReg, number> } | { spill: VReg } {
  const { list } = intervals(fn);
  const hinted = hints(fn);
  const copies = copySources(fn);
  const regOf = new Map<VReg, number>();
  const active: Interval[] = [];
  const free = new Set([...CALLER_SAVED, ...CALLEE_SAVED]);
  for (const iv of list) {
    for (let i = active.length - 1; i >= 0; i--) {
      if (active[i]!.end < iv.start) {
        free.add(regOf.get(active[i]!.vreg)!);
        active.splice(i, 1);
      }
    }
    // Values whose range holds a call keep out of r1–r5, which the call's arguments need.
    // r6–r9 are scarce: they go to values live across calls first. Values whose range merely
    // holds a call prefer the caller-saved registers from the last argument register down, and r0
    // last: a call's result arrives in r0, and a value parked there makes it move out.
    const candidates = iv.crossesCall ? CALLEE_SAVED : iv.spansCall ? [5, 4, 3, 2, 1, 0, ...CALLEE_SAVED] : [...CALLER_SAVED.slice(1), 0, ...CALLEE_SAVED];
    // Parameters arrive in r1..r5: keep them there when possible.
    const paramIndex = fn.params.indexOf(iv.vreg);
    const hint = hinted.get(iv.vreg);
    const source = copies.get(iv.vreg);
    const coalesce = source !== undefined ? regOf.get(source) : undefined;
    // Fixed registers first (parameters, call arguments, results), then the copy's source.
    const preferred = [
      ...(paramIndex >= 0 && !iv.crossesCall ? [paramIndex + 1] : []),
      ...(hint !== undefined && !iv.crossesCall ? [hint] : []),
      ...(coalesce !== undefined && candidates.includes(coalesce) ? [coalesce] : []),
      ...candidates,
    ];
    const r = preferred.find((c) => free.has(c));
    if (r === undefined) {
      // Spill whichever of the competing intervals (this one or an active one it could take) ends last.
      const victims = active.filter((a) => candidates.includes(regOf.get(a.vreg)!));
      const furthest = victims.reduce<Interval | undefined>((m, a) => (!m || a.end > m.end ? a : m), undefined);
      return { spill: furthest && furthest.end > iv.end ? furthest.vreg : iv.vreg };
    }
    free.delete(r);
    regOf.set(iv.vreg, r);
    active.push(iv);
  }
  return { regOf };
}

/** Rewrites `v` to live in a stack slot: a reload before each use, a spill after each definition. */
function spillVreg(fn: IrFunction, v: VReg): number {
  fn.slots.push({ size: 8, align: 8 });
  const slot = fn.slots.length - 1;
  if (fn.params.includes(v)) {
    const entry = fn.blocks[0]!;
    entry.insts.unshift({ op: "spill", slot, src: v, line: 0 });
  }
  for (const b of fn.blocks) {
    const out: Inst[] = [];
    const rename = (inst: AnyInst): AnyInst => {
      if (!uses(inst).includes(v)) return inst;
      const t = fn.nextVReg++;
      out.push({ op: "reload", dst: t, slot, line: inst.line });
      return substitute(inst, v, t);
    };
    for (const inst of b.insts) {
      if (inst.op === "spill" && inst.src === v) {
        out.push(inst);
        continue;
      }
      const renamed = rename(inst) as Inst;
      if (def(renamed) === v) {
        const t = fn.nextVReg++;
        out.push(substituteDef(renamed, t));
        out.push({ op: "spill", slot, src: t, line: inst.line });
      } else {
        out.push(renamed);
      }
    }
    if (b.term) b.term = rename(b.term) as Terminator;
    b.insts = out;
  }
  return slot;
}

function substitute<T extends AnyInst>(inst: T, from: VReg, to: VReg): T {
  return mapUses(inst, (x) => (x === from ? to : x));
}

function substituteDef(inst: Inst, to: VReg): Inst {
  return "dst" in inst ? ({ ...inst, dst: to } as Inst) : inst;
}

export function allocate(fn: IrFunction): Allocation {
  const spillSlots: number[] = [];
  for (let round = 0; round < 1000; round++) {
    const r = tryAllocate(fn);
    if ("regOf" in r) return { regOf: r.regOf, spillSlots };
    spillSlots.push(spillVreg(fn, r.spill));
  }
  throw new Error(`register allocation of ${fn.name} did not converge`);
}
