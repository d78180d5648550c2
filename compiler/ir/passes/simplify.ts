// Control-flow and dead-code clean-up on the IR:
//  - jump threading: a block that ends in `jmp J`, where J holds nothing but a branch on a
//    register the block has just set to a constant or to a value known not to be null, jumps
//    straight to the branch's outcome (this turns "header<T>() then `if (!h)`" into one check);
//  - jump threading on constants and returns moved into predecessors (thread-constants.ts);
//  - unreachable blocks are dropped;
//  - instructions whose result is never used and that have no effect are removed.

import { returnEarly, threadConstants } from "./thread-constants.js";
import { def, reorderBlocks, successors, uses, type Block, type Inst, type IrFunction, type VReg } from "../ir.js";

/** What a block's last write to `r` says about it: a constant, non-null, or nothing known. */
function knownAtEnd(block: Block, r: VReg, nonNull: ReadonlySet<VReg>): { value: bigint } | "nonnull" | undefined {
  for (let i = block.insts.length - 1; i >= 0; i--) {
    const inst = block.insts[i]!;
    if (def(inst) !== r) continue;
    if (inst.op === "mov" && inst.src.kind === "imm") return { value: inst.src.value };
    if (inst.op === "mov" && inst.src.kind === "reg" && nonNull.has(inst.src.reg)) return "nonnull";
    if (inst.op === "stackaddr") return "nonnull";
    return undefined;
  }
  return undefined;
}

export function threadJumps(fn: IrFunction, nonNull: ReadonlySet<VReg>): boolean {
  let changed = false;
  for (const block of fn.blocks) {
    const t = block.term;
    if (t?.op !== "jmp") continue;
    const target = fn.blocks[t.target]!;
    const br = target.term;
    if (target.insts.length !== 0 || br?.op !== "br" || br.b.kind !== "imm" || br.b.value !== 0n) continue;
    if (br.cond !== "jeq" && br.cond !== "jne") continue;
    const known = knownAtEnd(block, br.a, nonNull);
    if (!known) continue;
    const isZero = known !== "nonnull" && (br.width === 32 ? known.value & 0xffffffffn : known.value) === 0n;
    const taken = br.cond === "jeq" ? isZero : !isZero;
    block.term = { op: "jmp", target: taken ? br.then : br.else, line: t.line };
    changed = true;
  }
  return changed;
}

/** Drops blocks no path from the entry reaches, renumbering the rest. */
export function removeUnreachable(fn: IrFunction): void {
  const seen = new Set<number>([0]);
  const work = [0];
  while (work.length > 0) {
    for (const s of successors(fn.blocks[work.pop()!]!.term)) {
      if (!seen.has(s)) {
        seen.add(s);
        work.push(s);
      }
    }
  }
  reorderBlocks(
    fn,
    fn.blocks.filter((b) => seen.has(b.id)).map((b) => b.id),
  );
}

const PURE = new Set<Inst["op"]>(["mov", "alu", "neg", "ext", "bswap", "load", "lddw", "stackaddr"]);

/** Live-out sets per block. */
export function liveOut(fn: IrFunction): Set<VReg>[] {
  const n = fn.blocks.length;
  const useSet: Set<VReg>[] = [];
  const defSet: Set<VReg>[] = [];
  for (const b of fn.blocks) {
    const u = new Set<VReg>();
    const d = new Set<VReg>();
    for (const i of [...b.insts, ...(b.term ? [b.term] : [])]) {
      for (const r of uses(i)) if (!d.has(r)) u.add(r);
      const w = def(i);
      if (w !== undefined) d.add(w);
    }
    useSet.push(u);
    defSet.push(d);
  }
  const liveIn: Set<VReg>[] = Array.from({ length: n }, () => new Set());
  const out: Set<VReg>[] = Array.from({ length: n }, () => new Set());
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      const o = new Set<VReg>();
      for (const s of successors(fn.blocks[i]!.term)) for (const r of liveIn[s]!) o.add(r);
      const inn = new Set(useSet[i]);
      for (const r of o) if (!defSet[i]!.has(r)) inn.add(r);
      if (inn.size !== liveIn[i]!.size || o.size !== out[i]!.size) changed = true;
      liveIn[i] = inn;
      out[i] = o;
    }
  }
  return out;
}

export function removeDeadCode(fn: IrFunction): void {
  for (;;) {
    const out = liveOut(fn);
    let removed = false;
    fn.blocks.forEach((b, bi) => {
      const live = new Set(out[bi]);
      if (b.term) for (const r of uses(b.term)) live.add(r);
      const kept: Inst[] = [];
      for (let i = b.insts.length - 1; i >= 0; i--) {
        const inst = b.insts[i]!;
        const d = def(inst);
        if (d !== undefined && PURE.has(inst.op) && !live.has(d)) {
          removed = true;
          continue;
        }
        if (inst.op === "call" && d !== undefined && !live.has(d)) {
          // The call stays for its effect; its unused result needs no register.
          kept.push({ ...inst, dst: undefined });
          removed = true;
          for (const r of uses(inst)) live.add(r);
          continue;
        }
        if (d !== undefined) live.delete(d);
        for (const r of uses(inst)) live.add(r);
        kept.push(inst);
      }
      b.insts = kept.reverse();
    });
    if (!removed) return;
  }
}

/** Retargets edges that lead to an empty block ending in `jmp` straight to where it goes. */
export function forwardJumps(fn: IrFunction): void {
  const final = (id: number): number => {
    const seen = new Set<number>();
    let cur = id;
    for (;;) {
      const b = fn.blocks[cur]!;
      if (b.insts.length !== 0 || b.term?.op !== "jmp" || seen.has(cur)) return cur;
      seen.add(cur);
      cur = b.term.target;
    }
  };
  for (const b of fn.blocks) {
    const t = b.term;
    if (t?.op === "jmp") b.term = { ...t, target: final(t.target) };
    else if (t?.op === "br") {
      const then = final(t.then);
      const otherwise = final(t.else);
      b.term = then === otherwise ? { op: "jmp", target: then, line: t.line } : { ...t, then, else: otherwise };
    }
  }
}

/** Edges into blocks that only return the same constant go to one such block. */
export function mergeReturns(fn: IrFunction): void {
  const canonical = new Map<string, number>();
  const target = new Map<number, number>();
  for (const b of fn.blocks) {
    const t = b.term;
    if (b.insts.length !== 0 || t?.op !== "ret" || t.value.kind !== "imm") continue;
    const key = t.value.value.toString();
    if (!canonical.has(key)) canonical.set(key, b.id);
    target.set(b.id, canonical.get(key)!);
  }
  const to = (id: number): number => target.get(id) ?? id;
  for (const b of fn.blocks) {
    const t = b.term;
    if (t?.op === "jmp") b.term = { ...t, target: to(t.target) };
    else if (t?.op === "br") b.term = { ...t, then: to(t.then), else: to(t.else) };
  }
}

export function simplify(fn: IrFunction, nonNull: ReadonlySet<VReg>): void {
  mergeReturns(fn);
  forwardJumps(fn);
  while (threadJumps(fn, nonNull) || threadConstants(fn)) {
    forwardJumps(fn);
    removeUnreachable(fn);
  }
  returnEarly(fn);
  forwardJumps(fn);
  removeUnreachable(fn);
  removeDeadCode(fn);
}
