// Lowering of the free-standing helper functions that take memory: csumDiff (bpf_csum_diff
// over two references or integers, sizes from their types), csumFold (its result as the value
// of a checksum field, computed inline) and fibLookup (bpf_fib_lookup with a FibLookupParams
// struct). Map methods and XdpContext methods are in lower-calls.ts.

import { Node, SyntaxKind, type CallExpression } from "ts-morph";
import { imm, reg } from "../ir/builder.js";
import type { Operand } from "../ir/ir.js";
import { Code } from "../diagnostics/codes.js";
import { helperId } from "../../runtime/isa/helper-ids.js";
import { addressOf } from "./lower-calls.js";
import type { ExprLowerer } from "./lower-expr.js";
import { I64, INT_NAMES, U32, sizeOf, valueTypeOf, type ValueType } from "./types.js";
import type { Value } from "./values.js";

/** sizeof(struct bpf_fib_lookup): the kernel reads (and writes) this many bytes of the params. */
const FIB_PARAMS_SIZE = 64;

/** Lowers a call of one of this file's helpers, or returns undefined when `name` is none of them. */
export function lowerHelperCall(x: ExprLowerer, name: string, args: Node[], node: CallExpression): Value | undefined {
  switch (name) {
    case "csumDiff":
      return csumDiff(x, args, node);
    case "csumFold":
      return csumFold(x, args, node);
    case "fibLookup":
      return fibLookup(x, args, node);
    default:
      return undefined;
  }
}

/** One side of csumDiff: `null` is (0, 0); otherwise the address of the value and its size. */
function side(x: ExprLowerer, arg: Node): { ptr: Operand; size: number } {
  if (arg.getKind() === SyntaxKind.NullKeyword) return { ptr: imm(0), size: 0 };
  const type = arg.getType();
  const t: ValueType | string = valueTypeOf(type.isNullable() ? type.getNonNullableType() : type, "a csumDiff operand");
  if (typeof t === "string") return x.f.fail(arg, Code.UnsupportedType, t);
  if (type.isNullable()) x.f.fail(arg, Code.Unsupported, "a csumDiff operand may be null only as the literal `null`", "check the reference for null first");
  return { ptr: reg(addressOf(x, arg, t)), size: sizeOf(t) };
}

/** csumDiff(from, to, seed?) → bpf_csum_diff(from, from_size, to, to_size, seed). */
function csumDiff(x: ExprLowerer, args: Node[], node: CallExpression): Value {
  if (args.length < 2 || args.length > 3) x.f.fail(node, Code.Unsupported, "csumDiff takes from, to and an optional seed");
  const from = side(x, args[0]!);
  const to = side(x, args[1]!);
  if (from.size === 0 && to.size === 0) x.f.fail(node, Code.Unsupported, "csumDiff needs at least one of from and to");
  const seed = args[2] ? rawU32(x, args[2]) : imm(0);
  const r = x.f.b.call({ kind: "helper", id: helperId("csum_diff") }, [from.ptr, imm(from.size), to.ptr, imm(to.size), seed])!;
  return { kind: "int", ty: I64, op: reg(r) };
}

/**
 * A checksum seed as 32 bits. Sums are taken over memory as it lies, so a network-order value
 * (a checksum field read as be16) is used as is, without the byte swap a conversion would need.
 */
function rawU32(x: ExprLowerer, node: Node): Operand {
  const v = x.lower(node, U32);
  if (v.kind === "int" && v.ty?.be) return x.convert({ kind: "int", ty: INT_NAMES[`u${v.ty.bits}`]!, op: v.op }, U32, node).op;
  return x.convert(v, U32, node).op;
}

/**
 * csumFold(sum): the low 32 bits of a csum_diff result folded to 16 (twice, as csum_fold does)
 * and complemented: the be16 to store in a checksum field, in the memory order it was summed in.
 */
function csumFold(x: ExprLowerer, args: Node[], node: CallExpression): Value {
  if (args.length !== 1) x.f.fail(node, Code.Unsupported, "csumFold takes the result of csumDiff");
  const b = x.f.b;
  const sum = x.convert(x.lower(args[0]!, I64), I64, args[0]!);
  let v = b.mov(sum.op, 32);
  for (let i = 0; i < 2; i++) v = b.alu("add", b.alu("and", v, imm(0xffff), 32), reg(b.alu("rsh", v, imm(16), 32)), 32);
  return { kind: "int", ty: INT_NAMES.be16!, op: reg(b.alu("xor", v, imm(0xffff), 32)) };
}

/** fibLookup(ctx, params, flags?) → bpf_fib_lookup(ctx, &params, sizeof(params), flags). */
function fibLookup(x: ExprLowerer, args: Node[], node: CallExpression): Value {
  if (args.length < 2 || args.length > 3) x.f.fail(node, Code.Unsupported, "fibLookup takes the XdpContext, a FibLookupParams and optional flags");
  const ctx = x.lower(args[0]!);
  if (ctx.kind !== "ctx") return x.f.fail(args[0]!, Code.UnsupportedType, "fibLookup's first argument is the program's XdpContext");
  const params = x.lower(args[1]!);
  if (params.kind !== "ptr" || sizeOf(params.to) !== FIB_PARAMS_SIZE) return x.f.fail(args[1]!, Code.UnsupportedType, "fibLookup's params are a FibLookupParams reference (64 bytes), e.g. a local object literal");
  if (params.space === "packet") x.f.fail(args[1]!, Code.Unsupported, "fibLookup writes its results into params, which cannot be in the packet", "copy the addresses into a FibLookupParams on the stack");
  const flags = args[2] ? x.convert(x.lower(args[2], U32), U32, args[2]).op : imm(0);
  const r = x.f.b.call({ kind: "helper", id: helperId("fib_lookup") }, [reg(ctx.reg), reg(x.address(params)), imm(FIB_PARAMS_SIZE), flags])!;
  return { kind: "int", ty: I64, op: reg(r) };
}
