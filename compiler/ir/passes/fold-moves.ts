// Folds a copy into the instruction that made its source: `t = x + y; x = t` (t used nowhere
// else, x neither read nor written in between) becomes `x = x + y`. Loop counters and
// accumulators come out of the front end in the first form; register allocation cannot give
// t and x one register there (x's interval covers the whole loop), so each step would cost two
// extra moves (`w6 = w4; w6 += w0; w4 = w6` instead of `w4 += w0`).
import { def, uses, type Inst, type IrFunction, type VReg } from "../ir.js";

/** Whether `x = mov t` (of `width`) is the same as writing `d`'s result straight into x. */
function sameResult(d: Inst, width: 32 | 64): boolean {
  if (width === 64) return true;
  // A 32-bit mov zero-extends: only a result that is already 32-bit (zero-extended) folds.
  switch (d.op) {
    case "alu":
    case "neg":
    case "mov":
      return d.width === 32;
    case "load":
      return d.size <= 4;
    default:
      return false;
  }
}

/** The instructions whose result register may be renamed. */
const foldable = new Set<Inst["op"]>(["alu", "neg", "mov", "ext", "bswap", "load"]);

export function foldMoves(fn: IrFunction): boolean {
  const useCount = new Map<VReg, number>();
  const defCount = new Map<VReg, number>();
  for (const b of fn.blocks) {
    for (const i of [...b.insts, ...(b.term ? [b.term] : [])]) {
      for (const u of uses(i)) useCount.set(u, (useCount.get(u) ?? 0) + 1);
      const d = def(i);
      if (d !== undefined) defCount.set(d, (defCount.get(d) ?? 0) + 1);
    }
  }
  let changed = false;
  for (const b of fn.blocks) {
    for (let j = 0; j < b.insts.length; j++) {
      const m = b.insts[j]!;
      if (m.op !== "mov" || m.src.kind !== "reg") continue;
      const t = m.src.reg;
      const x = m.dst;
      if (t === x || useCount.get(t) !== 1 || defCount.get(t) !== 1 || fn.params.includes(t)) continue;
      let i = j - 1;
      while (i >= 0 && def(b.insts[i]!) !== t) i--;
      if (i < 0) continue;
      const d = b.insts[i]!;
      if (!foldable.has(d.op) || !sameResult(d, m.width)) continue;
      // A two-address alu must not read x as its second operand once x is also its result.
      if (d.op === "alu" && d.b.kind === "reg" && d.b.reg === x) continue;
      const between = b.insts.slice(i + 1, j);
      if (between.some((k) => def(k) === x || uses(k).includes(x))) continue;
      b.insts[i] = { ...d, dst: x } as Inst;
      b.insts.splice(j, 1);
      j--;
      changed = true;
    }
  }
  return changed;
}
