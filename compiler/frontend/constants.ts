// Compile-time evaluation of constant expressions: numeric and bigint literals (hex, with
// exact 64-bit values taken from the source text), const enum members, module constants,
// (of this module or imported), and integer arithmetic over them with C-like 64-bit wrapping.
import { Node, SyntaxKind } from "ts-morph";
import { foldByteSwap } from "./byte-order.js";
import { declarationOf, isModuleLevel } from "./imports.js";

const M64 = (1n << 64n) - 1n;

export function parseNumericLiteral(text: string): bigint | undefined {
  const t = text.replace(/_/g, "").replace(/n$/, "");
  if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t) || /^0[oO][0-7]+$/.test(t) || /^\d+$/.test(t)) return BigInt(t);
  return undefined;
}

/** The value of a constant integer expression, or undefined when it is not one. */
export function constantValue(node: Node, constants: ReadonlyMap<object, bigint>): bigint | undefined {
  if (Node.isNumericLiteral(node) || Node.isBigIntLiteral(node)) return parseNumericLiteral(node.getText());
  if (Node.isParenthesizedExpression(node)) return constantValue(node.getExpression(), constants);
  if (Node.isAsExpression(node) || Node.isTypeAssertion(node) || Node.isNonNullExpression(node)) return constantValue(node.getExpression(), constants);
  if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) {
    // Through imports: `import { PORT } from "./util"`, `u.PORT`, `E.member`.
    const decl = declarationOf(node);
    if (decl && Node.isVariableDeclaration(decl) && isModuleLevel(decl)) return constants.get(decl.compilerNode);
    if (decl && Node.isEnumMember(decl)) return enumValue(decl);
    return undefined;
  }
  if (Node.isCallExpression(node)) return foldByteSwap(node, (a) => constantValue(a, constants));
  if (Node.isPrefixUnaryExpression(node)) {
    const v = constantValue(node.getOperand(), constants);
    if (v === undefined) return undefined;
    switch (node.getOperatorToken()) {
      case SyntaxKind.MinusToken:
        return -v;
      case SyntaxKind.PlusToken:
        return v;
      case SyntaxKind.TildeToken:
        return ~v & M64;
      default:
        return undefined;
    }
  }
  if (Node.isBinaryExpression(node)) {
    const a = constantValue(node.getLeft(), constants);
    const b = constantValue(node.getRight(), constants);
    if (a === undefined || b === undefined) return undefined;
    switch (node.getOperatorToken().getKind()) {
      case SyntaxKind.PlusToken:
        return a + b;
      case SyntaxKind.MinusToken:
        return a - b;
      case SyntaxKind.AsteriskToken:
        return a * b;
      case SyntaxKind.SlashToken:
        return b === 0n ? undefined : a / b;
      case SyntaxKind.PercentToken:
        return b === 0n ? undefined : a % b;
      case SyntaxKind.AmpersandToken:
        return a & b;
      case SyntaxKind.BarToken:
        return a | b;
      case SyntaxKind.CaretToken:
        return a ^ b;
      case SyntaxKind.LessThanLessThanToken:
        return (a << b) & M64;
      case SyntaxKind.GreaterThanGreaterThanToken:
      case SyntaxKind.GreaterThanGreaterThanGreaterThanToken:
        return a >> b;
      default:
        return undefined;
    }
  }
  return undefined;
}

function enumValue(member: Node): bigint | undefined {
  if (!Node.isEnumMember(member)) return undefined;
  const v = member.getValue();
  return typeof v === "number" && Number.isInteger(v) ? BigInt(v) : undefined;
}
