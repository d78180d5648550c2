// Block layout: orders blocks so that control falls through where it can. Starting from the
// entry, each block is followed by its preferred successor when that one is not placed yet
// (the target of a `jmp`; for a `br`, the side taken when the condition fails), otherwise by
// the first block still waiting. Every jump to the next block disappears in isel.

import { reorderBlocks, type IrFunction } from "../ir.js";

export function layoutBlocks(fn: IrFunction): void {
  const placed = new Set<number>();
  const order: number[] = [];
  const preferred = (id: number): number | undefined => {
    const t = fn.blocks[id]!.term;
    if (t?.op === "jmp") return t.target;
    if (t?.op === "br") return placed.has(t.else) ? t.then : t.else;
    return undefined;
  };
  let next: number | undefined = 0;
  while (order.length < fn.blocks.length) {
    if (next === undefined || placed.has(next)) next = fn.blocks.find((b) => !placed.has(b.id))!.id;
    placed.add(next);
    order.push(next);
    const p = preferred(next);
    next = p !== undefined && !placed.has(p) ? p : undefined;
  }
  reorderBlocks(fn, order);
}
