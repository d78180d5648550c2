// Whether a block of a function under construction can be reached from its entry. The
// frontend asks before it reports a missing return: the end of a function after
// `while (true) { … return … }`, or after an if/else that returns on both sides, is no path.
import type { Block, IrFunction } from "./ir.js";

export function reachable(fn: IrFunction, block: Block): boolean {
  const seen = new Set<number>([0]);
  const work = [0];
  while (work.length > 0) {
    const id = work.pop()!;
    if (id === block.id) return true;
    const t = fn.blocks[id]!.term;
    const next = t?.op === "jmp" ? [t.target] : t?.op === "br" ? [t.then, t.else] : [];
    for (const n of next) {
      if (!seen.has(n)) {
        seen.add(n);
        work.push(n);
      }
    }
  }
  return false;
}
