// Range knowledge for array indices: the compiler accepts `arr[i]` with a run-time `i` only
// when it can prove `i < arr.length`, from the index expression itself (a constant, a mask
// `i & 7`, a remainder `i % 8`, a sum of bounded terms, the width of an unsigned type: a u8
// indexes 256 entries) or from a check the author wrote that dominates the access:
// `if (i < N) { … }`, `if (i >= N) return;` before it, or a loop condition `i < N`. Facts are
// scoped to the statements the check controls, and an assignment to the variable ends them (a
// loop ends, at its entry, the facts about every variable it assigns, since its back edge
// brings them around). Only unsigned variables carry facts: a signed `i < N` says nothing
// about i < 0.

import { Node, SyntaxKind } from "ts-morph";
import { constantValue } from "./constants.js";
import { INT_NAMES, intTypeOf } from "./types.js";
import type { Binding } from "./values.js";
import type { ModuleInfo } from "./module.js";

interface Fact {
  readonly decl: object;
  /** The variable is below this (unsigned). */
  readonly below: bigint;
  live: boolean;
}

export interface RangeContext {
  readonly module: ModuleInfo;
  readonly bindings: ReadonlyMap<object, Binding>;
  readonly ranges: RangeFacts;
}

export class RangeFacts {
  private readonly facts: Fact[] = [];

  mark(): number {
    return this.facts.length;
  }

  /** Drops the facts added since `mark` (their scope ended). */
  restore(mark: number): void {
    this.facts.length = mark;
  }

  add(facts: readonly { decl: object; below: bigint }[]): void {
    for (const f of facts) this.facts.push({ ...f, live: true });
  }

  /** The variable was assigned: nothing known about it holds any more, in any scope. */
  kill(decl: object): void {
    for (const f of this.facts) if (f.decl === decl) f.live = false;
  }

  below(decl: object): bigint | undefined {
    let best: bigint | undefined;
    for (const f of this.facts) if (f.live && f.decl === decl && (best === undefined || f.below < best)) best = f.below;
    return best;
  }
}

/** The unsigned local variable an expression names (its declaration), if any. */
function unsignedVar(c: RangeContext, node: Node): object | undefined {
  if (!Node.isIdentifier(node)) return undefined;
  const decl = node.getSymbol()?.getValueDeclaration()?.compilerNode;
  const b = decl ? c.bindings.get(decl) : undefined;
  return b?.kind === "var" && b.ty !== "bool" && !b.ty.signed && !b.ty.be ? decl : undefined;
}

/** A compile-time constant, including a function table's `.length`. */
function constant(c: RangeContext, node: Node): bigint | undefined {
  const k = constantValue(node, c.module.constants);
  if (k !== undefined) return k;
  if (Node.isPropertyAccessExpression(node) && node.getName() === "length") {
    const t = c.module.functionTables.get(node.getExpression().getText());
    if (t) return BigInt(t.entries.length);
  }
  return undefined;
}

/** What `cond` being `outcome` says about unsigned variables. */
export function impliedFacts(c: RangeContext, cond: Node, outcome: boolean): { decl: object; below: bigint }[] {
  if (Node.isParenthesizedExpression(cond)) return impliedFacts(c, cond.getExpression(), outcome);
  if (Node.isPrefixUnaryExpression(cond) && cond.getOperatorToken() === SyntaxKind.ExclamationToken) return impliedFacts(c, cond.getOperand(), !outcome);
  if (!Node.isBinaryExpression(cond)) return [];
  const op = cond.getOperatorToken().getKind();
  if (op === SyntaxKind.AmpersandAmpersandToken) return outcome ? [...impliedFacts(c, cond.getLeft(), true), ...impliedFacts(c, cond.getRight(), true)] : [];
  if (op === SyntaxKind.BarBarToken) return outcome ? [] : [...impliedFacts(c, cond.getLeft(), false), ...impliedFacts(c, cond.getRight(), false)];
  let v = unsignedVar(c, cond.getLeft());
  let k = constant(c, cond.getRight());
  // Normalise to `v OP k`, mirroring `k OP v`.
  const mirror: Partial<Record<SyntaxKind, SyntaxKind>> = {
    [SyntaxKind.LessThanToken]: SyntaxKind.GreaterThanToken,
    [SyntaxKind.LessThanEqualsToken]: SyntaxKind.GreaterThanEqualsToken,
    [SyntaxKind.GreaterThanToken]: SyntaxKind.LessThanToken,
    [SyntaxKind.GreaterThanEqualsToken]: SyntaxKind.LessThanEqualsToken,
  };
  let rel: SyntaxKind | undefined = op;
  if (v === undefined) {
    v = unsignedVar(c, cond.getRight());
    k = constant(c, cond.getLeft());
    rel = mirror[op];
  }
  if (v === undefined || k === undefined || rel === undefined) return [];
  // v < k, v <= k when true; v >= k, v > k when false.
  const below =
    (rel === SyntaxKind.LessThanToken && outcome) || (rel === SyntaxKind.GreaterThanEqualsToken && !outcome) ? k : (rel === SyntaxKind.LessThanEqualsToken && outcome) || (rel === SyntaxKind.GreaterThanToken && !outcome) ? k + 1n : undefined;
  return below !== undefined && below >= 0n ? [{ decl: v, below }] : [];
}

/** An exclusive upper bound of an unsigned index expression, or undefined when none is known. */
export function indexBound(c: RangeContext, node: Node): bigint | undefined {
  const min = (a: bigint | undefined, b: bigint | undefined): bigint | undefined => (a === undefined ? b : b === undefined ? a : a < b ? a : b);
  const k = constant(c, node);
  if (k !== undefined) return k >= 0n ? k + 1n : undefined;
  // The bound of the expression's unsigned type, asked of the checker only when the structure says nothing.
  const typeBound = (): bigint | undefined => {
    const t = intTypeOf(node.getType());
    return t && !t.signed && !t.be ? 1n << BigInt(t.bits) : undefined;
  };
  if (Node.isParenthesizedExpression(node) || Node.isNonNullExpression(node)) return indexBound(c, node.getExpression());
  if (Node.isCallExpression(node) && Node.isIdentifier(node.getExpression()) && INT_NAMES[node.getExpression().getText()] && node.getArguments().length === 1) {
    const to = INT_NAMES[node.getExpression().getText()]!;
    const width = !to.signed && !to.be ? 1n << BigInt(to.bits) : undefined;
    const arg = node.getArguments()[0]!;
    const at = intTypeOf(arg.getType());
    // A conversion of an unsigned value keeps its bound (truncation only lowers it).
    return at && !at.signed && !at.be ? min(indexBound(c, arg), width) : to.bits < 64 ? width : undefined;
  }
  if (Node.isIdentifier(node)) {
    const local = c.bindings.get(node.getSymbol()?.getValueDeclaration()?.compilerNode ?? {});
    if (local?.kind === "const") return local.value >= 0n ? local.value + 1n : undefined;
    const v = unsignedVar(c, node);
    const b = v ? c.bindings.get(v) : undefined;
    const width = b?.kind === "var" && b.ty !== "bool" ? 1n << BigInt(b.ty.bits) : undefined;
    return v ? min(c.ranges.below(v), width) : typeBound();
  }
  if (Node.isBinaryExpression(node)) {
    const op = node.getOperatorToken().getKind();
    if (op === SyntaxKind.AmpersandToken) return min(indexBound(c, node.getLeft()), indexBound(c, node.getRight())) ?? typeBound();
    if (op === SyntaxKind.PlusToken) {
      // a < A and b < B give a + b < A + B - 1, when that cannot wrap at 32 bits (the narrowest arithmetic).
      const a = indexBound(c, node.getLeft());
      const b = indexBound(c, node.getRight());
      if (a !== undefined && b !== undefined && a + b - 1n <= 1n << 32n) return a + b - 1n;
    }
    if (op === SyntaxKind.PercentToken) {
      const m = constant(c, node.getRight());
      const lt = intTypeOf(node.getLeft().getType());
      if (m !== undefined && m > 0n && (!lt || !lt.signed)) return m;
    }
  }
  return typeBound();
}

/** Declarations of the variables a statement assigns anywhere inside it. */
export function assignedIn(node: Node): object[] {
  const out: object[] = [];
  const target = (n: Node): void => {
    if (!Node.isIdentifier(n)) return;
    const d = n.getSymbol()?.getValueDeclaration()?.compilerNode;
    if (d) out.push(d);
  };
  node.forEachDescendant((d) => {
    if (Node.isBinaryExpression(d)) {
      const k = d.getOperatorToken().getKind();
      if (k >= SyntaxKind.FirstAssignment && k <= SyntaxKind.LastAssignment) target(d.getLeft());
    } else if (Node.isPrefixUnaryExpression(d) || Node.isPostfixUnaryExpression(d)) {
      const k = d.getOperatorToken();
      if (k === SyntaxKind.PlusPlusToken || k === SyntaxKind.MinusMinusToken) target(d.getOperand());
    }
  });
  return out;
}

/** Whether control never continues after `stmt` (return, break, continue, or a block/if ending in them on every path). */
export function alwaysExits(stmt: Node): boolean {
  if (Node.isReturnStatement(stmt) || Node.isBreakStatement(stmt) || Node.isContinueStatement(stmt)) return true;
  if (Node.isBlock(stmt)) {
    const last = stmt.getStatements().at(-1);
    return last !== undefined && alwaysExits(last);
  }
  if (Node.isIfStatement(stmt)) {
    const e = stmt.getElseStatement();
    return e !== undefined && alwaysExits(stmt.getThenStatement()) && alwaysExits(e);
  }
  return false;
}
