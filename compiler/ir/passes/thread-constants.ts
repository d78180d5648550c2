// Jump threading on constants, and returns moved into their predecessors.
//
// threadConstants: a block P that ends in `jmp J`, where J holds a few movs/ALU operations and
// a branch, takes a copy of J's operations when the constants P has just set decide the
// branch, and jumps straight to the outcome. J may also be a few operations that jump on to
// the block with the branch (a value returned from an inlined call, then tested). A value set per path and tested after a join
// (a switch that picks a slot, a table indexed by it, a range check on it) then costs nothing
// on each path. Copies are limited to a few instructions per step and a few steps per block,
// so code grows by little; the join itself is dropped once no path reaches it. A budget per
// function (a few dozen instructions beyond its size) bounds the total across every run:
// threading a loop's back edge on a known counter would otherwise unroll the loop at compile
// time, up to 2^32 iterations for `while (true) { i++; if (i === 0) … }`.
//
// returnEarly: a block that ends in `jmp J`, where J only returns a register, returns itself;
// when the register was just copied from another value (or set to a constant) in the block,
// the return reads that value directly, so the copy and the jump both disappear.

import { alu, compare } from "../../../runtime/vm/alu.js";
import { def, type Inst, type IrFunction, type Operand, type VReg } from "../ir.js";

const MAX_COPIED = 4;
const MAX_STEPS_PER_BLOCK = 8;
const BUDGET_SLACK = 64;

/** Constants known after running `insts` from `known` (vregs set to a computable value). */
function run(insts: readonly Inst[], known: Map<VReg, bigint>): void {
  const value = (o: Operand): bigint | undefined => (o.kind === "imm" ? BigInt.asUintN(64, o.value) : known.get(o.reg));
  for (const i of insts) {
    const d = def(i);
    if (d === undefined) continue;
    let v: bigint | undefined;
    if (i.op === "mov") {
      const s = value(i.src);
      v = s === undefined ? undefined : i.width === 32 ? s & 0xffffffffn : s;
    } else if (i.op === "alu") {
      const a = known.get(i.a);
      const b = value(i.b);
      v = a === undefined || b === undefined ? undefined : alu(i.alu, i.width, a, b);
    }
    if (v === undefined) known.delete(d);
    else known.set(d, v);
  }
}

const copyable = (i: Inst): boolean => i.op === "mov" || i.op === "alu";

export function threadConstants(fn: IrFunction): boolean {
  let changed = false;
  fn.threadBudget ??= BUDGET_SLACK + fn.blocks.reduce((n, b) => n + b.insts.length, 0);
  for (const p of fn.blocks) {
    for (let step = 0; step < MAX_STEPS_PER_BLOCK; step++) {
      const t = p.term;
      if (t?.op !== "jmp" || t.target === p.id) break;
      // The blocks P would run up to the branch: J, or J and then K when J only computes and
      // jumps on (a value returned through a copy at the end of an inlined call, then tested).
      const j = fn.blocks[t.target]!;
      const k = j.term?.op === "jmp" && j.term.target !== j.id && j.term.target !== p.id ? fn.blocks[j.term.target]! : undefined;
      const path = j.term?.op === "br" ? [j] : k?.term?.op === "br" ? [j, k] : [];
      const br = path[path.length - 1]?.term;
      const copied = path.flatMap((x) => x.insts);
      if (br?.op !== "br" || copied.length > MAX_COPIED || Math.max(1, copied.length) > fn.threadBudget || !copied.every(copyable)) break;
      const known = new Map<VReg, bigint>();
      run(p.insts, known);
      run(copied, known);
      const a = known.get(br.a);
      const b = br.b.kind === "imm" ? BigInt.asUintN(64, br.b.value) : known.get(br.b.reg);
      if (a === undefined || b === undefined) break;
      p.insts.push(...copied);
      fn.threadBudget -= Math.max(1, copied.length);
      p.term = { op: "jmp", target: compare(br.cond, br.width, a, b) ? br.then : br.else, line: br.line };
      changed = true;
    }
  }
  return changed;
}

export function returnEarly(fn: IrFunction): boolean {
  let changed = false;
  for (const p of fn.blocks) {
    const t = p.term;
    if (t?.op !== "jmp") continue;
    const j = fn.blocks[t.target]!;
    const ret = j.term;
    if (j.insts.length !== 0 || ret?.op !== "ret" || ret.value.kind !== "reg") continue;
    const r = ret.value.reg;
    let value: Operand = ret.value;
    // The last write of r in this block: a copy (whose source is not written after it) or a constant.
    for (let k = p.insts.length - 1; k >= 0; k--) {
      const i = p.insts[k]!;
      if (def(i) !== r) continue;
      if (i.op === "mov" && i.src.kind === "imm") value = { kind: "imm", value: i.width === 32 ? BigInt.asUintN(32, i.src.value) : i.src.value };
      else if (i.op === "mov" && i.width === 64) {
        const src = i.src;
        const rewritten = src.kind === "reg" && p.insts.slice(k + 1).some((x) => def(x) === src.reg);
        if (!rewritten) value = src;
      }
      break;
    }
    p.term = { ...ret, value };
    changed = true;
  }
  return changed;
}
