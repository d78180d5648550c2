// Folding of module-level constants beyond integer arithmetic: booleans (`const DENY = true`),
// comparisons and logic over constants, and `c ? a : b` with a constant condition, the way a C
// author writes `#define DENY 1` and `#define HIT (DENY ? XDP_PASS : XDP_DROP)`. Booleans are
// kept as 0/1 with a flag, so they fold into integer expressions like C's.
import { Node, SyntaxKind } from "ts-morph";
import { constantValue } from "./constants.js";
import { declarationOf } from "./imports.js";

export interface Folded {
  readonly value: bigint;
  readonly bool: boolean;
}

const COMPARE: Partial<Record<SyntaxKind, (a: bigint, b: bigint) => boolean>> = {
  [SyntaxKind.EqualsEqualsEqualsToken]: (a, b) => a === b,
  [SyntaxKind.EqualsEqualsToken]: (a, b) => a === b,
  [SyntaxKind.ExclamationEqualsEqualsToken]: (a, b) => a !== b,
  [SyntaxKind.ExclamationEqualsToken]: (a, b) => a !== b,
  [SyntaxKind.LessThanToken]: (a, b) => a < b,
  [SyntaxKind.LessThanEqualsToken]: (a, b) => a <= b,
  [SyntaxKind.GreaterThanToken]: (a, b) => a > b,
  [SyntaxKind.GreaterThanEqualsToken]: (a, b) => a >= b,
};

const bool = (b: boolean): Folded => ({ value: b ? 1n : 0n, bool: true });

/**
 * The value of a module-level constant's initialiser, or undefined when it does not fold.
 * `booleans` holds the declarations of the module constants (in `constants`) that are booleans.
 */
export function foldConstant(node: Node, constants: ReadonlyMap<object, bigint>, booleans: ReadonlySet<object>): Folded | undefined {
  const kind = node.getKind();
  if (kind === SyntaxKind.TrueKeyword) return bool(true);
  if (kind === SyntaxKind.FalseKeyword) return bool(false);
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node) || Node.isTypeAssertion(node)) {
    return foldConstant(node.getExpression(), constants, booleans);
  }
  if (Node.isIdentifier(node) && isBoolean(node, booleans)) {
    const v = constantValue(node, constants);
    return v === undefined ? undefined : { value: v, bool: true };
  }
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.ExclamationToken) {
    const v = foldConstant(node.getOperand(), constants, booleans);
    return v === undefined ? undefined : bool(v.value === 0n);
  }
  if (Node.isConditionalExpression(node)) {
    const c = foldConstant(node.getCondition(), constants, booleans);
    if (c === undefined) return undefined;
    return foldConstant(c.value !== 0n ? node.getWhenTrue() : node.getWhenFalse(), constants, booleans);
  }
  if (Node.isBinaryExpression(node)) {
    const op = node.getOperatorToken().getKind();
    const compare = COMPARE[op];
    if (compare || op === SyntaxKind.AmpersandAmpersandToken || op === SyntaxKind.BarBarToken) {
      const a = foldConstant(node.getLeft(), constants, booleans);
      const b = foldConstant(node.getRight(), constants, booleans);
      if (a === undefined || b === undefined) return undefined;
      if (compare) return bool(compare(a.value, b.value));
      // As in TypeScript, && and || give one of their operands (`0 || 5` is 5).
      if (op === SyntaxKind.AmpersandAmpersandToken) return a.value === 0n ? a : b;
      return a.value !== 0n ? a : b;
    }
  }
  const v = constantValue(node, constants);
  return v === undefined ? undefined : { value: v, bool: false };
}

function isBoolean(node: Node, booleans: ReadonlySet<object>): boolean {
  const decl = declarationOf(node);
  return decl !== undefined && booleans.has(decl.compilerNode);
}
