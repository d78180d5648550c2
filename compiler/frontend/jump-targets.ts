// Where `break` and `continue` go: the stack of enclosing loops, switches and labelled
// statements of the function being lowered, and the question whether a loop body can leave
// its loop at all. Labels give C's `goto out` as `out: { … break out; … }`.

import { Node } from "ts-morph";
import type { Block } from "../ir/ir.js";

export interface JumpTarget {
  readonly kind: "loop" | "switch" | "block";
  readonly breakTo: Block;
  /** Loops only: the step (for) or the condition (while, do). */
  readonly continueTo: Block | undefined;
  /** The labels written before the statement (`outer: for …`). */
  readonly labels: readonly string[];
}

/** The block a break or continue jumps to, or why it has none. */
export function jumpTarget(stack: readonly JumpTarget[], stmt: Node): Block | string {
  const isBreak = Node.isBreakStatement(stmt);
  const label = (stmt as import("ts-morph").BreakStatement | import("ts-morph").ContinueStatement).getLabel()?.getText();
  for (let i = stack.length - 1; i >= 0; i--) {
    const t = stack[i]!;
    if (label !== undefined) {
      if (!t.labels.includes(label)) continue;
      if (isBreak) return t.breakTo;
      return t.continueTo ?? `'${label}' labels a statement that is not a loop; continue needs a loop`;
    }
    if (isBreak && t.kind !== "block") return t.breakTo;
    if (!isBreak && t.kind === "loop") return t.continueTo!;
  }
  if (label !== undefined) return `there is no enclosing statement labelled '${label}' in this function`;
  return isBreak ? "break outside a loop or switch" : "continue outside a loop";
}

/** The labels of a labelled statement (`a: b: stmt` has two) and the statement they label. */
export function unlabel(stmt: import("ts-morph").LabeledStatement): { labels: string[]; inner: Node } {
  const labels: string[] = [];
  let inner: Node = stmt;
  while (Node.isLabeledStatement(inner)) {
    labels.push(inner.getLabel().getText());
    inner = inner.getStatement();
  }
  return { labels, inner };
}

/**
 * Whether a loop body can leave the loop: a return, an unlabelled break outside nested loops
 * and switches, or a labelled break or continue naming a label that is not inside the body.
 */
export function canLeaveLoop(body: Node): boolean {
  const inside = new Set<string>();
  body.forEachDescendant((d, traversal) => {
    if (Node.isFunctionLikeDeclaration(d)) traversal.skip();
    else if (Node.isLabeledStatement(d)) inside.add(d.getLabel().getText());
  });
  let found = false;
  const visit = (n: Node, nested: boolean): void => {
    if (found || Node.isFunctionLikeDeclaration(n)) return;
    if (Node.isReturnStatement(n)) found = true;
    else if (Node.isBreakStatement(n) || Node.isContinueStatement(n)) {
      const label = n.getLabel()?.getText();
      if (label !== undefined ? !inside.has(label) : Node.isBreakStatement(n) && !nested) found = true;
    }
    const deeper = nested || Node.isIterationStatement(n) || Node.isSwitchStatement(n);
    n.forEachChild((c) => visit(c, deeper));
  };
  visit(body, false);
  return found;
}
