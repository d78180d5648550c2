// Byte order as part of the type: host-order numbers and network-order values (be16/be32/be64)
// never meet without htons/ntohs/htonl/ntohl. C compiles `tcp->dest == 22` and compares the
// raw bytes (port 5632); tsbpf refuses it with the fix. TypeScript's checker catches
// assignments and arguments (lib/index.d.ts brands the network types); comparisons, bitwise
// operators and constants are checked here, on the values the lowering computes. A constant
// that reads the same in both orders (0, 0xffff, 0x0a0a …) has no byte order and goes anywhere.

import { Node, SyntaxKind } from "ts-morph";
import { Code } from "../diagnostics/codes.js";
import type { ExprLowerer } from "./lower-expr.js";
import { INT_NAMES, intTypeOf, type IntType } from "./types.js";
import { swapConstant, type Value } from "./values.js";

type IntValue = Value & { kind: "int" };

/** True when `v`, as `bits` bits, reads the same in both byte orders. */
export function orderFree(v: bigint, bits: number): boolean {
  if (bits === 8) return true;
  const w = BigInt.asUintN(bits, v);
  return swapConstant(w, bits as 16 | 32 | 64) === w;
}

const toNetwork = (bits: number): string | undefined => (bits === 16 ? "htons" : bits === 32 ? "htonl" : bits === 64 ? "htonll" : undefined);
const toHost = (bits: number): string | undefined => (bits === 16 ? "ntohs" : bits === 32 ? "ntohl" : bits === 64 ? "ntohll" : undefined);

function literal(v: bigint): string {
  return v < 0n ? `${v}` : v <= 0xffffn ? `${v}` : `0x${v.toString(16)}`;
}

/** Short source text for messages (long expressions are named by their start). */
function text(node: Node): string {
  const t = node.getText().replace(/\s+/g, " ");
  return t.length <= 40 ? t : `${t.slice(0, 37)}...`;
}

/**
 * Why converting `v` to `to` mixes byte orders, with the fix, or undefined when it does not:
 * a host-order constant or register where a network-order type is expected, or the converse.
 */
export function conversionError(v: IntValue, to: IntType, node?: Node): { message: string; hint: string } | undefined {
  const fromBe = v.ty?.be ?? false;
  if (fromBe === to.be) return undefined;
  if (v.op.kind === "imm") {
    const bits = Math.min(to.bits, v.ty?.bits ?? 64);
    if (orderFree(v.op.value, bits)) return undefined;
    // The number as the source spells it (0x4000 stays hex) when `node` is that literal.
    const value = node && Node.isNumericLiteral(node) && !node.getText().includes(".") ? node.getText() : literal(BigInt.asUintN(bits, v.op.value));
    if (to.be) {
      const fn = toNetwork(to.bits);
      return {
        message: `the host-order number ${value} is used where network-order ${to.name} is expected`,
        hint: fn ? `write ${fn}(${value})` : `write the number in network order, 0x${swapConstant(BigInt.asUintN(64, v.op.value), 64).toString(16)}`,
      };
    }
    const fn = toHost(v.ty!.bits);
    return { message: `a network-order ${v.ty!.name} constant is used where host-order ${to.name} is expected`, hint: fn ? `convert it with ${fn}(…)` : "keep it in a be64" };
  }
  if (to.be) {
    const fn = toNetwork(to.bits);
    return { message: `a host-order ${v.ty?.name ?? "number"} is used where network-order ${to.name} is expected`, hint: fn ? `convert it with ${fn}(…)` : "keep it in a be64" };
  }
  const from = v.ty!;
  const fn = toHost(from.bits);
  return {
    message: `a network-order ${from.name} is used where host-order ${to.name} is expected`,
    hint: `${fn ? `convert it with ${fn}(…), or ` : ""}take its bytes unswapped with raw(…)`,
  };
}

/** The order of an operand: network, host, or none (a constant that reads the same both ways). */
function orderOf(v: IntValue, otherBits: number): "network" | "host" | "none" {
  if (v.ty?.be) return "network";
  if (v.op.kind === "imm" && orderFree(v.op.value, v.ty?.bits ?? otherBits)) return "none";
  return "host";
}

/**
 * Refuses an operator (comparison or bitwise) between a network-order and a host-order
 * operand, naming both fixes: convert the number, or convert the header field.
 */
export function checkOperands(x: ExprLowerer, l: Node, a: IntValue, r: Node, b: IntValue, node: Node, op: string): void {
  if (a.ty?.be && b.ty?.be && a.ty.bits !== b.ty.bits) {
    const host = (n: Node, t: IntType) => `${toHost(t.bits) ?? "ntoh"}(${text(n)})`;
    x.f.fail(node, Code.ByteOrder, `\`${text(node)}\` mixes network-order ${a.ty.name} and ${b.ty.name}: their bytes do not line up`, `convert both to host order, e.g. \`${host(l, a.ty)} ${op} ${host(r, b.ty)}\``);
  }
  const bitsOf = (v: IntValue, other: IntValue) => v.ty?.bits ?? other.ty?.bits ?? 64;
  const oa = orderOf(a, bitsOf(b, a));
  const ob = orderOf(b, bitsOf(a, b));
  if (!((oa === "network" && ob === "host") || (oa === "host" && ob === "network"))) return;
  const [net, netV, host, hostV] = oa === "network" ? [l, a, r, b] : [r, b, l, a];
  const be = netV.ty!;
  const hton = toNetwork(be.bits);
  const ntoh = toHost(be.bits);
  const hostText = text(uncast(host));
  const fixes: string[] = [];
  if (op === "case") {
    if (hton) fixes.push(`\`case ${hton}(${hostText}):\``);
    if (ntoh) fixes.push(`\`switch (${ntoh}(${text(net)}))\``);
  } else {
    const side = (n: string, h: string) => (oa === "network" ? `${n} ${op} ${h}` : `${h} ${op} ${n}`);
    if (hton && hostV.op.kind === "imm" && !ARITHMETIC.has(op)) fixes.push(`\`${side(text(net), `${hton}(${hostText})`)}\``);
    if (ntoh) fixes.push(`\`${side(`${ntoh}(${text(net)})`, hostText)}\``);
  }
  const what = COMPARISONS.has(op) ? "compares raw network bytes with a host-order number" : "mixes network and host byte order";
  x.f.fail(
    node,
    Code.ByteOrder,
    `\`${op === "case" ? `case ${text(node)}` : text(node)}\` ${what}: \`${text(net)}\` is network-order ${be.name}, \`${hostText}\` is host-order`,
    fixes.length > 0 ? `write ${fixes.join(" or ")}` : "convert the host-order side to network order first",
  );
}

/** The expression under casts: `22 as be16` is still the host-order 22. */
function uncast(node: Node): Node {
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isTypeAssertion(node)) return uncast(node.getExpression());
  return node;
}

const ARITHMETIC = new Set(["+", "-", "*", "/", "%", "<<", ">>", ">>>"]);
const COMPARISONS = new Set(["===", "==", "!==", "!=", "<", "<=", ">", ">=", "case"]);

/**
 * The network-order type of a constant expression whose value folded before lowering
 * (`htons(22)`, a const bound to one), or undefined. A cast (`22 as be16`) does not count:
 * it relabels a host-order number without swapping its bytes.
 */
export function constantNetworkType(node: Node): IntType | undefined {
  if (Node.isParenthesizedExpression(node) || Node.isNonNullExpression(node)) return constantNetworkType(node.getExpression());
  if (Node.isAsExpression(node) || Node.isTypeAssertion(node)) return constantNetworkType(node.getExpression());
  if (Node.isBinaryExpression(node)) {
    const k = node.getOperatorToken().getKind();
    if (k !== SyntaxKind.AmpersandToken && k !== SyntaxKind.BarToken && k !== SyntaxKind.CaretToken) return undefined;
    const l = constantNetworkType(node.getLeft());
    const r = constantNetworkType(node.getRight());
    return l && r && l.name === r.name ? l : undefined;
  }
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.TildeToken) return constantNetworkType(node.getOperand());
  if (!Node.isIdentifier(node) && !Node.isCallExpression(node)) return undefined;
  const t = intTypeOf(node.getType());
  return t?.be ? t : undefined;
}

/** raw(x): the bits of a network-order value as the host-order unsigned type of its width, without a swap. */
export function lowerRaw(x: ExprLowerer, args: readonly Node[], node: Node): IntValue {
  if (args.length !== 1) x.f.fail(node, Code.Unsupported, "raw takes one network-order value");
  const v = x.lower(args[0]!);
  if (v.kind !== "int") return x.f.fail(args[0]!, Code.UnsupportedType, "raw takes a network-order integer (be16, be32, be64)");
  if (v.ty && !v.ty.be) x.f.fail(args[0]!, Code.ByteOrder, `raw takes a network-order value; \`${text(args[0]!)}\` is host-order ${v.ty.name}`, "use it as it is, or u32(…) to widen it");
  const ty = INT_NAMES[`u${v.ty?.bits ?? 32}`]!;
  return { kind: "int", ty: v.ty ? ty : undefined, op: v.op };
}

/** The fold of htons/htonl/htonll/ntohs/ntohl/ntohll over a constant, for constantValue: the tsbpf declarations only. */
export function foldByteSwap(node: Node, arg: (n: Node) => bigint | undefined): bigint | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  const bits = ({ htons: 16, ntohs: 16, htonl: 32, ntohl: 32, htonll: 64, ntohll: 64 } as const)[callee.getText()];
  const a = node.getArguments();
  if (!bits || !Node.isIdentifier(callee) || a.length !== 1) return undefined;
  const decl = callee.getSymbol()?.getAliasedSymbol()?.getDeclarations()[0] ?? callee.getSymbol()?.getDeclarations()[0];
  if (!decl || !decl.getSourceFile().isDeclarationFile()) return undefined;
  const v = arg(a[0]!);
  return v === undefined ? undefined : swapConstant(BigInt.asUintN(bits, v), bits);
}

/** htons/htonl of a network-order value (or ntohs/ntohl of a host-order one) swaps the wrong way. */
export function checkSwapArgument(x: ExprLowerer, name: string, v: Value, arg: Node): void {
  if (v.kind !== "int" || !v.ty) return;
  const toNet = name.startsWith("h");
  if (toNet && v.ty.be) x.f.fail(arg, Code.ByteOrder, `\`${text(arg)}\` is already network-order ${v.ty.name}; ${name} would swap it back`, `use it as it is, or ${toHost(v.ty.bits) ?? "ntoh"}(…) for its host-order value`);
  if (!toNet && !v.ty.be) x.f.fail(arg, Code.ByteOrder, `\`${text(arg)}\` is host-order ${v.ty.name}; ${name} converts network-order values`, `use it as it is, or ${toNetwork(v.ty.bits) ?? "hton"}(…) for its network-order value`);
}
