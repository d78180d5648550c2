// Full unrolling of small counted loops, decided the way clang -O2 decides (LLVM's loop-unroll
// full-unroll threshold, 150 IR instructions for the unrolled body): a `for` whose trip count
// is a compile-time constant (`for (let i = A; i < B; i++)`, A and B literal or constant, the
// body never assigning i) and whose copies together stay under the threshold is lowered as
// that many copies of its body, with i a constant in each (so `a[i]` needs no bounds check). The verifier then walks straight
// code once instead of every round of the loop with a bounds check per variable index (a
// 15-round scan of an IPv6 address: 337 processed insns looped, 55 for clang's unrolled code).
import { Node, SyntaxKind, type ForStatement } from "ts-morph";
import { assignedIn } from "./ranges.js";

/** LLVM's default full-unroll threshold at -O2 (llvm/lib/Transforms/Scalar/LoopUnrollPass.cpp, UnrollThreshold). */
export const UNROLL_THRESHOLD = 150;
/** Beyond this many rounds the copies are never worth it, whatever the body. */
const MAX_TRIP = 32;

/** A loop to unroll: its counter's declaration and the counter's value in each round. */
export interface Unrolled {
  readonly counter: Node;
  readonly values: readonly bigint[];
}

/** The loop's rounds when their number is a constant and the loop is small enough to unroll, else undefined. */
export function unrollCount(stmt: ForStatement): Unrolled | undefined {
  const init = stmt.getInitializer();
  if (!init || !Node.isVariableDeclarationList(init)) return undefined;
  const decls = init.getDeclarations();
  if (decls.length !== 1) return undefined;
  const decl = decls[0]!;
  const start = literal(decl.getInitializer());
  if (start === undefined) return undefined;
  const name = decl.getName();
  const cond = stmt.getCondition();
  if (!cond || !Node.isBinaryExpression(cond) || cond.getLeft().getText() !== name) return undefined;
  const end = literal(cond.getRight());
  if (end === undefined) return undefined;
  const op = cond.getOperatorToken().getKind();
  const last = op === SyntaxKind.LessThanToken || op === SyntaxKind.ExclamationEqualsEqualsToken ? end - 1 : op === SyntaxKind.LessThanEqualsToken ? end : undefined;
  if (last === undefined || last < start) return undefined;
  if (!isIncrementOf(stmt.getIncrementor(), name)) return undefined;
  const body = stmt.getStatement();
  // The counter must change only in the incrementor; nested loops and labels keep the loop.
  if (assignedIn(body).includes(decl.compilerNode)) return undefined;
  let nested = false;
  body.forEachDescendant((d, t) => {
    if (Node.isIterationStatement(d) || Node.isLabeledStatement(d)) nested = true;
    if (Node.isFunctionLikeDeclaration(d)) t.skip();
  });
  if (nested) return undefined;
  const trips = last - start + 1;
  if (trips > MAX_TRIP || trips * cost(body) > UNROLL_THRESHOLD) return undefined;
  return { counter: decl, values: Array.from({ length: trips }, (_, k) => BigInt(start + k)) };
}

/** A numeric literal, or an identifier whose type is a number literal (a `const` of one). */
function literal(n: Node | undefined): number | undefined {
  if (!n) return undefined;
  if (Node.isNumericLiteral(n)) {
    const v = Number(n.getLiteralValue());
    return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  }
  const t = n.getType();
  if (t.isNumberLiteral()) {
    const v = t.getLiteralValue();
    return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  }
  return undefined;
}

function isIncrementOf(n: Node | undefined, name: string): boolean {
  if (!n) return false;
  if ((Node.isPostfixUnaryExpression(n) || Node.isPrefixUnaryExpression(n)) && n.getOperatorToken() === SyntaxKind.PlusPlusToken) return n.getOperand().getText() === name;
  if (Node.isBinaryExpression(n) && n.getOperatorToken().getKind() === SyntaxKind.PlusEqualsToken) return n.getLeft().getText() === name && literal(n.getRight()) === 1;
  return false;
}

/**
 * An estimate of the IR instructions one copy of the body costs: each operation, access,
 * comparison, call and branch about one (LLVM counts the IR instructions of the loop body).
 */
function cost(body: Node): number {
  let n = 1;
  body.forEachDescendant((d) => {
    if (Node.isBinaryExpression(d) || Node.isPrefixUnaryExpression(d) || Node.isPostfixUnaryExpression(d)) n += 1;
    else if (Node.isPropertyAccessExpression(d) || Node.isElementAccessExpression(d)) n += 1;
    else if (Node.isCallExpression(d)) n += 4;
    else if (Node.isIfStatement(d) || Node.isBreakStatement(d) || Node.isContinueStatement(d) || Node.isReturnStatement(d) || Node.isConditionalExpression(d)) n += 1;
  });
  return n;
}
