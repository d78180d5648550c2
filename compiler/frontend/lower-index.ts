// Lowering of indexing: FixedArray elements behind a reference (packet headers, stack structs,
// map values, globals) by constant or run-time index, and function tables.
//
// A run-time index must be provably inside the array (ranges.ts), or the access is diagnostic
// TS90106. The emitted code restates the proof in a form the kernel verifier tracks, because
// the verifier cannot see the author's check through copies and 32-bit compares: a power-of-two
// length masks the index (`and idx, N-1`, a no-op given the proof), any other length compares
// it unsigned and leaves on the (unreachable) other side. A packet element also gets its own
// `data_end` check, since the verifier forgets a packet pointer's checked range once a
// variable offset is added to it.

import { Node, type CallExpression, type ElementAccessExpression } from "ts-morph";
import { imm, reg } from "../ir/builder.js";
import type { VReg } from "../ir/ir.js";
import { Code } from "../diagnostics/codes.js";
import { constantValue } from "./constants.js";
import type { ExprLowerer } from "./lower-expr.js";
import type { FunctionTable } from "./function-values.js";
import { indexBound } from "./ranges.js";
import { intTypeOf, sizeOf, type ValueType } from "./types.js";
import type { Value } from "./values.js";

type Ptr = Value & { kind: "ptr" };

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/** The index of `node` as a 64-bit register holding a value the verifier knows is below `length`. */
function checkedIndex(x: ExprLowerer, node: Node, length: number, access: Node): VReg {
  const f = x.f;
  const declared = intTypeOf(node.getType());
  if (declared && (declared.signed || declared.be)) f.fail(node, Code.UnsupportedType, `index with an unsigned integer, not ${declared.name}`, "convert it, e.g. u32(i), after checking it is not negative");
  const bound = indexBound(f, node);
  if (bound === undefined || bound > BigInt(length)) {
    const mask = isPow2(length) ? `, or mask it: i & ${length - 1}` : "";
    f.fail(access, Code.IndexNotProven, `cannot prove this index is below ${length}, the array's length`, `check it first: \`if (i < ${length}) { … }\` or \`if (i >= ${length}) return …;\`${mask}`);
  }
  const v = x.lower(node);
  if (v.kind !== "int" || !v.ty) return f.fail(node, Code.UnsupportedType, "an index is an integer");
  if (v.ty.signed || v.ty.be) f.fail(node, Code.UnsupportedType, `index with an unsigned integer, not ${v.ty.name}`, "convert it, e.g. u32(i), after checking it is not negative");
  const b = f.b;
  // 32-bit values are kept zero-extended, so the register is the 64-bit index.
  const idx = b.mov(v.op, v.ty.bits === 64 ? 64 : 32);
  if (isPow2(length)) return b.alu("and", idx, imm(length - 1), 64);
  const ok = b.newBlock();
  const unreachable = b.newBlock();
  b.br("jlt", 64, idx, imm(length), ok, unreachable);
  b.enter(unreachable);
  b.ret(imm(0));
  b.enter(ok);
  return idx;
}

/** `base + idx * size` in a fresh register. */
function scaled(x: ExprLowerer, base: VReg, idx: VReg, size: number): VReg {
  const b = x.f.b;
  const by = isPow2(size) ? b.alu("lsh", idx, imm(Math.log2(size)), 64) : b.alu("mul", idx, imm(size), 64);
  return b.alu("add", b.mov(reg(base)), reg(by), 64);
}

/** `obj[i]` on a FixedArray behind a reference: the element's reference (base, offset) and type. */
export function lowerIndexed(x: ExprLowerer, node: ElementAccessExpression): { obj: Ptr; elem: ValueType; off: number } {
  const f = x.f;
  const obj = x.lower(node.getExpression());
  if (obj.kind !== "ptr" || obj.to.kind !== "array") return f.fail(node, Code.Unsupported, "indexing works on FixedArray fields and locals, and on function tables");
  const arr = obj.to;
  const size = sizeOf(arr.elem);
  const arg = node.getArgumentExpression()!;
  const counter = Node.isIdentifier(arg) ? arg.getSymbol()?.getValueDeclaration()?.compilerNode : undefined;
  const k = constantValue(arg, f.module.constants) ?? (counter ? f.unrolledCounters.get(counter) : undefined);
  if (k !== undefined) {
    if (k < 0n || k >= BigInt(arr.length)) f.fail(node, Code.IndexNotProven, `index ${k} is outside FixedArray of length ${arr.length}`);
    return { obj, elem: arr.elem, off: obj.off + Number(k) * size };
  }
  if (obj.space === "packet" && !f.packet) f.fail(node, Code.Unsupported, "a packet array indexed at run time must be in the program that owns the packet");
  const idx = checkedIndex(x, arg, arr.length, node);
  const base = scaled(x, obj.base, idx, size);
  if (obj.space === "packet") {
    // if (base + off + size > data_end) → unreachable (the header's own check covered it).
    const b = f.b;
    const end = b.alu("add", b.mov(reg(base)), imm(obj.off + size), 64);
    const ok = b.newBlock();
    const unreachable = b.newBlock();
    b.br("jgt", 64, end, reg(f.packet!.dataEnd), unreachable, ok);
    b.enter(unreachable);
    b.ret(imm(0));
    b.enter(ok);
  }
  return { obj: { ...obj, base, nullable: false }, elem: arr.elem, off: obj.off };
}

/** `T[i]` of a function table: the function value (a constant index names it; a run-time one selects it). */
export function lowerTableElement(x: ExprLowerer, table: FunctionTable, node: ElementAccessExpression): Value {
  const arg = node.getArgumentExpression()!;
  const k = constantValue(arg, x.f.module.constants);
  if (k !== undefined) {
    if (k < 0n || k >= BigInt(table.entries.length)) x.f.fail(node, Code.IndexNotProven, `index ${k} is outside table '${table.name}' of ${table.entries.length} functions`);
    const name = table.entries[Number(k)]!;
    return { kind: "fn", sig: table.sig, reg: x.f.b.lddw({ kind: "func", name }), name };
  }
  const idx = checkedIndex(x, arg, table.entries.length, node);
  const result = x.f.b.vreg();
  select(x, idx, table.entries.length, (j) => {
    x.f.b.emit({ op: "lddw", dst: result, ref: { kind: "func", name: table.entries[j]! }, line: x.f.b.line });
  });
  return { kind: "fn", sig: table.sig, reg: result, name: undefined };
}

/**
 * Runs `arm(j)` for the j that `idx` (< n, proven) holds: a compare ladder whose last arm needs
 * no compare, joining after.
 */
function select(x: ExprLowerer, idx: VReg, n: number, arm: (j: number) => void): void {
  const b = x.f.b;
  const join = b.newBlock();
  for (let j = 0; j < n; j++) {
    const body = b.newBlock();
    if (j < n - 1) {
      const next = b.newBlock();
      b.br("jeq", 64, idx, imm(j), body, next);
      b.enter(body);
      arm(j);
      if (!b.terminated) b.jmp(join);
      b.enter(next);
    } else {
      arm(j);
      if (!b.terminated) b.jmp(join);
    }
  }
  b.enter(join);
}

/**
 * For the kernel target, `T[i](args)` with a run-time i: a switch on i whose arms call the
 * table's functions directly (one ladder instead of selecting the address and then comparing it).
 * Undefined when the callee is not such an access.
 */
export function lowerTableCall(x: ExprLowerer, callee: Node, args: readonly Node[], node: CallExpression): Value | undefined {
  // `T[i]!(args)`, as `noUncheckedIndexedAccess` asks it to be written, is the same call.
  while (Node.isNonNullExpression(callee) || Node.isParenthesizedExpression(callee)) callee = callee.getExpression();
  if (!Node.isElementAccessExpression(callee)) return undefined;
  const table = x.f.module.functionTables.get(callee.getExpression().getText());
  const arg = callee.getArgumentExpression();
  if (!table || !Node.isIdentifier(callee.getExpression()) || !arg || constantValue(arg, x.f.module.constants) !== undefined) return undefined;
  const idx = checkedIndex(x, arg, table.entries.length, callee);
  const b = x.f.b;
  const result = b.vreg();
  let kind: Value["kind"] = "void";
  select(x, idx, table.entries.length, (j) => {
    const v = x.callFunction(table.entries[j]!, args, node);
    kind = v.kind;
    if (v.kind === "int" || v.kind === "bool") b.mov(v.op, 64, result);
  });
  const ret = node.getType();
  if (kind === "void") return { kind: "void" };
  return x.result(ret, result);
}
