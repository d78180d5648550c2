// Lowers expressions and conditions to IR: integer arithmetic with the language's typing
// rules, comparisons and logic as control flow, packet headers with their bounds checks,
// struct fields and map values through references, globals, maps, helpers and calls.

import { Node, SyntaxKind, type CallExpression, type Expression } from "ts-morph";
import type { AluOp, JmpCond } from "../../runtime/isa/index.js";
import { imm, reg } from "../ir/builder.js";
import type { Block, Operand, VReg, Width } from "../ir/ir.js";
import { Code } from "../diagnostics/codes.js";
import { constantValue } from "./constants.js";
import type { FunctionLowerer } from "./lower-function.js";
import { Abandon, MAX_ARGS } from "./lower-function.js";
import { I64, INT_NAMES, U32, intTypeOf, sizeOf, typeName, valueTypeOf, type IntType, type ValueType } from "./types.js";
import { commonType, promote, swapConstant, wrapConstant, type Value } from "./values.js";
import { lowerMapCall, lowerRedirect, lowerXdpCall } from "./lower-calls.js";
import { lowerHelperCall } from "./lower-helpers.js";
import { helperId } from "../../runtime/isa/helper-ids.js";
import { moduleFunctionOf } from "./function-values.js";
import { isProgram, nameOf } from "./module.js";
import { declarationOf, declarationOnlyUse, isNamespaceMember } from "./imports.js";
import { lowerSubprogramCall, pointerArgument, reloadPacketBounds } from "./subprogram-args.js";
import { lowerIndexed, lowerTableCall, lowerTableElement } from "./lower-index.js";
import { copyBytes, lowerAssignCall, lowerCopyCall, sidesOf, sourceOf } from "./lower-copy.js";
import { sectionGlobalUse } from "./section-globals.js";
import { loadIntBytewise, needsBytewise, storeField } from "./layout.js";
import { checkOperands, checkSwapArgument, constantNetworkType, conversionError, lowerRaw } from "./byte-order.js";

const ARITH: Partial<Record<SyntaxKind, { op: AluOp; signedOp?: AluOp }>> = {
  [SyntaxKind.PlusToken]: { op: "add" },
  [SyntaxKind.MinusToken]: { op: "sub" },
  [SyntaxKind.AsteriskToken]: { op: "mul" },
  [SyntaxKind.SlashToken]: { op: "div", signedOp: "sdiv" },
  [SyntaxKind.PercentToken]: { op: "mod", signedOp: "smod" },
  [SyntaxKind.AmpersandToken]: { op: "and" },
  [SyntaxKind.BarToken]: { op: "or" },
  [SyntaxKind.CaretToken]: { op: "xor" },
  [SyntaxKind.LessThanLessThanToken]: { op: "lsh" },
  [SyntaxKind.GreaterThanGreaterThanToken]: { op: "rsh", signedOp: "arsh" },
  [SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: { op: "rsh" },
};

const COMPOUND: Partial<Record<SyntaxKind, SyntaxKind>> = {
  [SyntaxKind.PlusEqualsToken]: SyntaxKind.PlusToken,
  [SyntaxKind.MinusEqualsToken]: SyntaxKind.MinusToken,
  [SyntaxKind.AsteriskEqualsToken]: SyntaxKind.AsteriskToken,
  [SyntaxKind.SlashEqualsToken]: SyntaxKind.SlashToken,
  [SyntaxKind.PercentEqualsToken]: SyntaxKind.PercentToken,
  [SyntaxKind.AmpersandEqualsToken]: SyntaxKind.AmpersandToken,
  [SyntaxKind.BarEqualsToken]: SyntaxKind.BarToken,
  [SyntaxKind.CaretEqualsToken]: SyntaxKind.CaretToken,
  [SyntaxKind.LessThanLessThanEqualsToken]: SyntaxKind.LessThanLessThanToken,
  [SyntaxKind.GreaterThanGreaterThanEqualsToken]: SyntaxKind.GreaterThanGreaterThanToken,
  [SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken]: SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
};

const COMPARE: Partial<Record<SyntaxKind, { u: JmpCond; s: JmpCond }>> = {
  [SyntaxKind.EqualsEqualsEqualsToken]: { u: "jeq", s: "jeq" },
  [SyntaxKind.EqualsEqualsToken]: { u: "jeq", s: "jeq" },
  [SyntaxKind.ExclamationEqualsEqualsToken]: { u: "jne", s: "jne" },
  [SyntaxKind.ExclamationEqualsToken]: { u: "jne", s: "jne" },
  [SyntaxKind.LessThanToken]: { u: "jlt", s: "jslt" },
  [SyntaxKind.LessThanEqualsToken]: { u: "jle", s: "jsle" },
  [SyntaxKind.GreaterThanToken]: { u: "jgt", s: "jsgt" },
  [SyntaxKind.GreaterThanEqualsToken]: { u: "jge", s: "jsge" },
};

const NEGATE: Record<JmpCond, JmpCond> = { jeq: "jne", jne: "jeq", jlt: "jge", jge: "jlt", jle: "jgt", jgt: "jle", jslt: "jsge", jsge: "jslt", jsle: "jsgt", jsgt: "jsle", jset: "jset" };

/** Helpers without arguments: name → kernel helper id and result type. */
const SIMPLE_HELPERS: Readonly<Record<string, { id: number; ret: string }>> = {
  ktimeGetNs: { id: helperId("ktime_get_ns"), ret: "u64" },
  getPrandomU32: { id: helperId("get_prandom_u32"), ret: "u32" },
  getSmpProcessorId: { id: helperId("get_smp_processor_id"), ret: "u32" },
  ktimeGetBootNs: { id: helperId("ktime_get_boot_ns"), ret: "u64" },
};

const widthOf = (t: IntType | undefined): Width => (t && t.bits === 64 ? 64 : 32);

export class ExprLowerer {
  constructor(readonly f: FunctionLowerer) {}

  private get b() {
    return this.f.b;
  }

  /** A register holding the operand. */
  toReg(op: Operand, width: Width = 64): VReg {
    return op.kind === "reg" ? op.reg : this.b.mov(op, width);
  }

  /** The value as an integer of type `to`: truncated, sign- or zero-extended as needed. */
  convert(v: Value, to: IntType, node: Node): Value & { kind: "int" } {
    if (v.kind === "bool") return { kind: "int", ty: to, op: v.op };
    if (v.kind !== "int") this.f.fail(node, Code.UnsupportedType, `expected an integer (${to.name}) here`);
    const order = conversionError(v, to, node);
    if (order) this.f.fail(node, Code.ByteOrder, order.message, order.hint);
    if (v.op.kind === "imm") return { kind: "int", ty: to, op: imm(wrapConstant(v.op.value, to)) };
    const from = v.ty ?? to;
    const r = v.op.reg;
    if (to.bits === 64) {
      // 32-bit signed values are kept zero-extended; widening them sign-extends.
      if (from.signed && from.bits < 64) return { kind: "int", ty: to, op: reg(this.b.ext(r, 32, true, 64)) };
      return { kind: "int", ty: to, op: v.op };
    }
    if (to.bits === 32) {
      if (from.bits === 64) return { kind: "int", ty: to, op: reg(this.b.mov(v.op, 32)) };
      return { kind: "int", ty: to, op: v.op };
    }
    if (from.bits <= to.bits && from.signed === to.signed) return { kind: "int", ty: to, op: v.op };
    return { kind: "int", ty: to, op: reg(this.b.ext(r, to.bits as 8 | 16, to.signed, 32)) };
  }

  /** Lowers an expression; `want` types untyped literals. */
  lower(node: Node, want?: IntType): Value {
    const k = constantValue(node, this.f.module.constants);
    if (k !== undefined && !Node.isIdentifier(node)) return { kind: "int", ty: constantNetworkType(node), op: imm(k) };
    if (Node.isParenthesizedExpression(node) || Node.isNonNullExpression(node)) return this.lower(node.getExpression(), want);
    if (Node.isAsExpression(node)) {
      const t = intTypeOf(node.getType());
      const v = this.lower(node.getExpression(), t ?? want);
      return t && v.kind === "int" ? this.convert(v, t, node) : v;
    }
    if (node.getKind() === SyntaxKind.TrueKeyword) return { kind: "bool", op: imm(1) };
    if (node.getKind() === SyntaxKind.FalseKeyword) return { kind: "bool", op: imm(0) };
    if (node.getKind() === SyntaxKind.NullKeyword) return { kind: "int", ty: undefined, op: imm(0) };
    if (Node.isIdentifier(node)) return this.identifier(node);
    if (Node.isPropertyAccessExpression(node)) return this.property(node);
    if (Node.isElementAccessExpression(node)) return this.element(node);
    if (Node.isCallExpression(node)) return this.call(node);
    if (Node.isBinaryExpression(node)) return this.binary(node, want);
    if (Node.isPrefixUnaryExpression(node)) return this.prefix(node, want);
    if (Node.isPostfixUnaryExpression(node)) return this.increment(node.getOperand(), node.getOperatorToken() === SyntaxKind.PlusPlusToken ? 1 : -1, true);
    if (Node.isConditionalExpression(node)) return this.ternary(node, want);
    if (Node.isObjectLiteralExpression(node)) return this.objectLiteral(node);
    if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) this.f.fail(node, Code.StringNotSupported, "strings are not supported in BPF programs");
    if (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) this.f.fail(node, Code.Closure, "closures are not supported", "declare a function at module level");
    if (Node.isNewExpression(node) || Node.isArrayLiteralExpression(node)) {
      this.f.fail(node, Code.Unsupported, "dynamic allocation is not supported in BPF programs", "declare maps at module level; use a struct or FixedArray field for fixed-size data");
    }
    if (Node.isNumericLiteral(node)) this.f.fail(node, Code.FloatNotSupported, `'${node.getText()}' is not an integer; BPF has no floating point`);
    return this.f.fail(node, Code.Unsupported, `a ${node.getKindName()} is not supported in BPF programs`);
  }

  private identifier(node: Node): Value {
    const sym = node.getSymbol();
    const decl = sym?.getValueDeclaration() ?? sym?.getDeclarations()[0];
    const binding = decl ? this.f.bindings.get(decl.compilerNode) : undefined;
    if (decl && !binding) this.f.checkNotFailed(decl.compilerNode);
    if (binding) {
      switch (binding.kind) {
        case "var":
          return binding.ty === "bool" ? { kind: "bool", op: reg(binding.reg) } : { kind: "int", ty: binding.ty, op: reg(binding.reg) };
        case "ptr":
          return { kind: "ptr", to: binding.to, base: binding.base, off: binding.off, nullable: binding.nullable, space: binding.space };
        case "ctx":
          return { kind: "ctx", reg: binding.reg };
        case "const":
          return { kind: "int", ty: constantNetworkType(node), op: imm(binding.value) };
        case "fn":
          return { kind: "fn", sig: binding.sig, reg: binding.reg, name: binding.name };
        case "map":
          return binding;
        case "poison":
          return this.f.abandon();
      }
    }
    // Module-level names (of this module or imported) by their object-wide names; "" for none.
    const name = nameOf(this.f.module, node) ?? "";
    const fn = moduleFunctionOf(node);
    if (fn) {
      if (isProgram(this.f.module, fn)) this.f.fail(node, Code.Unsupported, `'${name}' is a program; programs are not function values`, "reach other programs by tail calls through a ProgArray");
      return { kind: "fn", sig: this.f.signatureOf(fn.getType(), node), reg: this.b.lddw({ kind: "func", name }), name };
    }
    if (this.f.module.functionTables.has(name)) this.f.fail(node, Code.Unsupported, `function table '${name}' can only be indexed, e.g. ${name}[i]`);
    const constant = constantValue(node, this.f.module.constants);
    if (constant !== undefined) {
      const decl = declarationOf(node);
      if (decl && this.f.module.booleans.has(decl.compilerNode)) return { kind: "bool", op: imm(constant) };
      return { kind: "int", ty: constantNetworkType(node), op: imm(constant) };
    }
    const global = this.f.module.globals.get(name);
    if (global?.named) this.f.fail(node, Code.BadGlobal, ...sectionGlobalUse(global));
    if (global) {
      const addr = this.b.lddw({ kind: "global", name, offset: 0 });
      if (global.type.kind !== "int") return { kind: "ptr", to: global.type, base: addr, off: 0, nullable: false, space: "map_value" };
      return this.loadInt(addr, 0, global.type);
    }
    // A map as a value: the argument of a function taking a map (inlined for it), or `m.method()`.
    const map = this.f.module.maps.get(name);
    if (map) return { kind: "map", decl: map, reg: this.b.lddw({ kind: "map", name }), nullable: false };
    const declOnly = declarationOnlyUse(node, this.f.libDir);
    if (declOnly) this.f.fail(node, Code.ImportWithoutSource, declOnly);
    return this.f.fail(node, Code.Unsupported, `'${node.getText()}' cannot be used here`);
  }

  /** A load of an integer of type `t` at base+off, sign-extended for signed narrow types. */
  loadInt(base: VReg, off: number, t: IntType): Value {
    const v = this.b.load(base, off, (t.bits / 8) as 1 | 2 | 4 | 8);
    if (t.signed && t.bits < 32) return { kind: "int", ty: t, op: reg(this.b.ext(v, t.bits as 8 | 16, true, 32)) };
    return { kind: "int", ty: t, op: reg(v) };
  }

  /** Reads what a reference points to: integers load, structs and arrays stay references. */
  deref(p: Value & { kind: "ptr" }, t: ValueType, off: number): Value {
    if (t.kind === "int") return needsBytewise(p.space, off, t.bits / 8) ? loadIntBytewise(this.b, p.base, off, t) : this.loadInt(p.base, off, t);
    if (t.kind === "bool") return { kind: "bool", op: reg(this.b.load(p.base, off, 1)) };
    return { kind: "ptr", to: t, base: p.base, off, nullable: false, space: p.space };
  }

  private property(node: import("ts-morph").PropertyAccessExpression): Value {
    if (isNamespaceMember(node)) return this.identifier(node);
    const name = node.getName();
    const target = node.getExpression();
    const table = Node.isIdentifier(target) ? this.f.module.functionTables.get(target.getText()) : undefined;
    if (table && name === "length") return { kind: "int", ty: undefined, op: imm(table.entries.length) };
    const obj = this.lower(target);
    if (obj.kind === "ctx") {
      const pkt = this.f.packet!;
      if (name === "length") return { kind: "int", ty: U32, op: reg(this.b.alu("sub", this.b.mov(reg(pkt.dataEnd), 32), reg(pkt.data), 32)) };
      const ctxField: Record<string, number> = { ingressIfindex: 12, rxQueueIndex: 16 };
      if (ctxField[name] !== undefined) return { kind: "int", ty: U32, op: reg(this.b.load(pkt.ctx, ctxField[name]!, 4)) };
      this.f.fail(node, Code.Unsupported, `XdpContext.${name} is not a field; call it as a method`);
    }
    if (obj.kind !== "ptr") return this.f.fail(node, Code.Unsupported, `'.${name}' needs a struct reference on its left`);
    const field = this.fieldOf(obj, name, node);
    return this.deref(obj, field.type, obj.off + field.offset);
  }

  fieldOf(p: Value & { kind: "ptr" }, name: string, node: Node): { type: ValueType; offset: number } {
    if (p.to.kind === "int" && name === "value") return { type: p.to, offset: 0 };
    if (p.to.kind !== "struct") return this.f.fail(node, Code.Unsupported, `'.${name}' on a reference to ${p.to.kind}`);
    const field = p.to.fields.find((f) => f.name === name);
    if (!field) return this.f.fail(node, Code.Unsupported, `${p.to.name || "the struct"} has no field '${name}'`);
    return field;
  }

  private element(node: import("ts-morph").ElementAccessExpression): Value {
    const table = Node.isIdentifier(node.getExpression()) ? this.f.module.functionTables.get(node.getExpression().getText()) : undefined;
    if (table) return lowerTableElement(this, table, node);
    const { obj, elem, off } = lowerIndexed(this, node);
    return this.deref(obj, elem, off);
  }

  /** The address a reference stands for, in one register. */
  address(p: Value & { kind: "ptr" }): VReg {
    if (p.off === 0) return p.base;
    return this.b.alu("add", this.b.mov(reg(p.base)), imm(p.off), 64);
  }

  private call(node: CallExpression): Value {
    const callee = node.getExpression();
    const name = callee.getText();
    const args = node.getArguments();
    if (Node.isIdentifier(callee) && this.f.isRefused(callee)) this.f.abandon();
    if (INT_NAMES[name] && args.length === 1 && Node.isIdentifier(callee)) {
      const t = INT_NAMES[name]!;
      return this.convert(this.lower(args[0]!, t), t, node);
    }
    if (["htons", "htonl", "htonll", "ntohs", "ntohl", "ntohll"].includes(name) && args.length === 1) return this.byteOrder(name, args[0]!);
    const fnName = moduleFunctionOf(callee) ? nameOf(this.f.module, callee) : undefined;
    if (name === "raw" && fnName === undefined) return lowerRaw(this, args, node);
    if (name === "redirect" && fnName === undefined) return lowerRedirect(this, args, node);
    if (Node.isIdentifier(callee) && fnName === undefined && !declarationOnlyUse(callee, this.f.libDir)) {
      const simple = SIMPLE_HELPERS[name];
      if (simple) {
        if (args.length !== 0) this.f.fail(node, Code.Unsupported, `${name} takes no arguments`);
        return { kind: "int", ty: INT_NAMES[simple.ret]!, op: reg(this.b.call({ kind: "helper", id: simple.id }, [])!) };
      }
      if (name === "atomicAdd") return this.atomicAdd(args, node);
      if (name === "copy") return lowerCopyCall(this, args, node);
      if (name === "assign") return lowerAssignCall(this, args, node);
      if (name === "tracePrintk") return this.tracePrintk(args, node);
      if (name === "bpfLoop") return this.bpfLoop(args, node);
      const helper = lowerHelperCall(this, name, args, node);
      if (helper) return helper;
    }
    if (Node.isPropertyAccessExpression(callee) && fnName === undefined) {
      const target = callee.getExpression();
      const map = this.f.module.maps.get(nameOf(this.f.module, target) ?? "");
      if (map) return lowerMapCall(this, map, callee.getName(), args, node);
      const obj = this.lower(target);
      if (obj.kind === "ctx") return lowerXdpCall(this, callee.getName(), node);
      if (obj.kind === "map") return lowerMapCall(this, obj.decl, callee.getName(), args, node, obj.reg);
      return this.f.fail(node, Code.Unsupported, `calling '${name}' is not supported`);
    }
    if (args.length > MAX_ARGS) this.f.fail(node, Code.TooManyArguments, `a call passes at most ${MAX_ARGS} arguments`);
    const fn = fnName !== undefined ? this.f.module.functions.get(fnName) : undefined;
    if (!fn) {
      // A function value: `h(x)`, `table[i](x)`, `(c ? f : g)(x)`.
      const tableCall = this.f.target === "kernel" ? lowerTableCall(this, callee, args, node) : undefined;
      if (tableCall) return tableCall;
      const v = this.lower(callee);
      if (v.kind !== "fn") return this.f.fail(node, Code.Unsupported, `'${name}' is not a function of this program`);
      return this.callValue(v, callee, args, node);
    }
    return this.callFunction(fnName!, args, node);
  }

  /** A direct call of module function `name`: inlined when small, else BPF_PSEUDO_CALL. */
  callFunction(name: string, args: readonly Node[], node: Node): Value {
    const fn = this.f.module.functions.get(name)!;
    if (isProgram(this.f.module, fn)) this.f.fail(node, Code.Unsupported, `'${name}' is a program and cannot be called`, "reach other programs by tail calls through a ProgArray");
    const params = fn.getParameters();
    if (this.f.shouldInline(fn, node)) {
      const values = args.map((a, i) => this.lower(a, params[i] ? intTypeOf(params[i]!.getType()) : undefined));
      return this.f.inline(fn, values, node);
    }
    return lowerSubprogramCall(this, name, fn, args, node);
  }

  /** Arguments lowered to operands for parameters of types `params` (integers converted, references as addresses). */
  arguments(args: readonly Node[], params: readonly import("ts-morph").Type[]): Operand[] {
    return args.map((a, i) => {
      const t = params[i];
      const pt = t ? intTypeOf(t) : undefined;
      const v = this.lower(a, pt);
      if (v.kind === "int") return pt ? this.convert(v, pt, a).op : v.op;
      if (v.kind === "bool") return v.op;
      if (v.kind === "fn") {
        const want = t ? this.f.signatureOf(t, a) : v.sig;
        if (want !== v.sig) this.f.fail(a, Code.UnsupportedType, `a function of type ${v.sig} is passed where ${want} is expected`, "every function reachable through one call must take and return the same types");
        return reg(v.reg);
      }
      return pointerArgument(this, v, a);
    });
  }

  /** The value a call returns in `r`, typed by the callee's return type. */
  result(ret: import("ts-morph").Type, r: VReg | undefined): Value {
    if (r === undefined || ret.isVoid()) return { kind: "void" };
    if (ret.isBoolean()) return { kind: "bool", op: reg(r) };
    return { kind: "int", ty: intTypeOf(ret) ?? U32, op: reg(r) };
  }

  /** Calls a function value: direct when its function is known here, else an indirect call on its register. */
  callValue(v: Value & { kind: "fn" }, callee: Node, args: readonly Node[], node: Node): Value {
    if (v.name !== undefined) return this.callFunction(v.name, args, node);
    const sig = this.f.signatureOf(callee.getType(), node);
    if (sig !== v.sig) this.f.fail(node, Code.UnsupportedType, `calling a ${v.sig} function as ${sig}`);
    const signature = callee.getType().getCallSignatures()[0]!;
    const ops = this.arguments(args, signature.getParameters().map((p) => p.getTypeAtLocation(node)));
    const ret = signature.getReturnType();
    const r = this.b.call({ kind: "indirect", reg: v.reg, sig: v.sig }, ops, !ret.isVoid());
    reloadPacketBounds(this.f, signature.getParameters().map((p) => p.getTypeAtLocation(node)));
    return this.result(ret, r);
  }

  /** bpfLoop(n, callback, ctx): helper 181 with the callback's address (a BPF_PSEUDO_FUNC lddw). */
  private bpfLoop(args: Node[], node: Node): Value {
    if (args.length !== 3) this.f.fail(node, Code.Unsupported, "bpfLoop takes a count, a callback and a context reference");
    const [countNode, fnNode, ctxNode] = args as [Node, Node, Node];
    const callback = Node.isIdentifier(fnNode) ? this.f.module.functions.get(nameOf(this.f.module, fnNode) ?? "") : undefined;
    if (!callback || isProgram(this.f.module, callback)) this.f.fail(fnNode, Code.Unsupported, "bpfLoop's callback must be a module-level function of this file that is not a program");
    if (callback.getParameters().length > 2) this.f.fail(fnNode, Code.Unsupported, "a bpfLoop callback takes (index, ctx)");
    const count = this.convert(this.lower(countNode, U32), U32, countNode);
    const ctx = this.lower(ctxNode);
    if (ctx.kind !== "ptr") this.f.fail(ctxNode, Code.UnsupportedType, "bpfLoop's context is a struct reference, e.g. an object literal on the stack");
    const fn = this.b.lddw({ kind: "func", name: nameOf(this.f.module, fnNode)! });
    const r = this.b.call({ kind: "helper", id: helperId("loop") }, [count.op, reg(fn), reg(this.address(ctx)), imm(0)])!;
    return { kind: "int", ty: I64, op: reg(r) };
  }

  /** tracePrintk("fmt", a, b, c): the format's bytes (NUL-terminated) on the stack, then helper 6. */
  private tracePrintk(args: Node[], node: Node): Value {
    const fmt = args[0];
    if (!fmt || !(Node.isStringLiteral(fmt) || Node.isNoSubstitutionTemplateLiteral(fmt))) return this.f.fail(node, Code.StringNotSupported, "tracePrintk's format must be a string literal");
    if (args.length > 4) this.f.fail(node, Code.TooManyArguments, "tracePrintk formats at most three values");
    const bytes = [...new TextEncoder().encode(fmt.getLiteralValue()), 0];
    const slot = this.b.slot(bytes.length, 8);
    const base = this.b.stackaddr(slot);
    for (let off = 0; off < bytes.length; ) {
      const size = ([8, 4, 2, 1] as const).find((n) => off % n === 0 && off + n <= bytes.length)!;
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i]!);
      this.b.store(base, off, size, imm(size === 8 ? BigInt.asIntN(64, v) : v));
      off += size;
    }
    const values = args.slice(1).map((a) => {
      const v = this.lower(a);
      if (v.kind === "int") return v.ty ? this.convert(v, v.ty.bits === 64 ? v.ty : v.ty.signed ? INT_NAMES.i64! : INT_NAMES.u64!, a).op : v.op;
      if (v.kind === "bool") return v.op;
      return this.f.fail(a, Code.UnsupportedType, "tracePrintk formats integers");
    });
    return { kind: "int", ty: I64, op: reg(this.b.call({ kind: "helper", id: helperId("trace_printk") }, [reg(base), imm(bytes.length), ...values])!) };
  }

  /** atomicAdd(field, delta): BPF_ATOMIC add on the field's memory (32 or 64 bit). */
  private atomicAdd(args: Node[], node: Node): Value {
    if (args.length !== 2) this.f.fail(node, Code.Unsupported, "atomicAdd takes a field and a delta");
    const target = args[0]!;
    if (!Node.isPropertyAccessExpression(target)) this.f.fail(target, Code.Unsupported, "atomicAdd's first argument must be a field behind a reference, e.g. `stats.value`");
    const obj = this.lower(target.getExpression());
    if (obj.kind !== "ptr") this.f.fail(target, Code.Unsupported, "atomicAdd needs a field behind a reference");
    const field = this.fieldOf(obj, target.getName(), target);
    if (field.type.kind !== "int" || field.type.bits < 32) this.f.fail(target, Code.UnsupportedType, "atomicAdd works on 32- and 64-bit integer fields");
    const delta = this.convert(this.lower(args[1]!, field.type), field.type, args[1]!);
    const value = this.toReg(delta.op, field.type.bits === 64 ? 64 : 32);
    this.b.emit({ op: "atomic_add", base: obj.base, off: obj.off + field.offset, size: (field.type.bits / 8) as 4 | 8, value, line: this.b.line });
    return { kind: "void" };
  }

  private byteOrder(name: string, arg: Node): Value {
    const bits = name.endsWith("ll") ? 64 : name.endsWith("s") ? 16 : 32;
    const to = INT_NAMES[name.startsWith("h") ? `be${bits}` : `u${bits}`]!;
    const from = INT_NAMES[name.startsWith("h") ? `u${bits}` : `be${bits}`]!;
    const v = this.lower(arg, from);
    checkSwapArgument(this, name, v, arg);
    if (v.kind !== "int") this.f.fail(arg, Code.UnsupportedType, `${name} takes an integer`);
    if (v.op.kind === "imm") return { kind: "int", ty: to, op: imm(swapConstant(wrapConstant(v.op.value, from), bits)) };
    return { kind: "int", ty: to, op: reg(this.b.bswap(v.op.reg, bits)) };
  }

  /** Two integer operands brought to their common type. */
  private operands(l: Node, r: Node, want: IntType | undefined): { a: Value & { kind: "int" }; b: Value & { kind: "int" }; ty: IntType | undefined } {
    const lv = this.lower(l, want);
    const rv = this.lower(r, lv.kind === "int" ? (lv.ty ?? want) : want);
    const toInt = (v: Value, n: Node): Value & { kind: "int" } => (v.kind === "bool" ? { kind: "int", ty: INT_NAMES.u8, op: v.op } : v.kind === "int" ? v : this.f.fail(n, Code.UnsupportedType, "expected an integer"));
    const a = toInt(lv, l);
    const b = toInt(rv, r);
    const parent = l.getParent()!;
    if (Node.isBinaryExpression(parent)) checkOperands(this, l, a, r, b, parent, parent.getOperatorToken().getText());
    const common = commonType(a.ty, b.ty ?? (a.ty ? undefined : want));
    if (typeof common === "string") this.f.fail(l.getParent()!, Code.MixedWidths, common);
    if (!common) return { a, b, ty: undefined };
    return { a: this.convert(a, common, l), b: this.convert(b, common, r), ty: common };
  }

  private binary(node: import("ts-morph").BinaryExpression, want: IntType | undefined): Value {
    const kind = node.getOperatorToken().getKind();
    if (kind === SyntaxKind.EqualsToken) return this.assign(node.getLeft(), node.getRight());
    const compound = COMPOUND[kind];
    if (compound !== undefined) return this.compoundAssign(node.getLeft(), compound, node.getRight(), node);
    if (COMPARE[kind] || kind === SyntaxKind.AmpersandAmpersandToken || kind === SyntaxKind.BarBarToken) return this.boolValue(node);
    const arith = ARITH[kind];
    if (!arith) return this.f.fail(node, Code.Unsupported, `operator '${node.getOperatorToken().getText()}' is not supported`);
    const { a, b, ty } = this.operands(node.getLeft(), node.getRight(), want);
    return this.arith(arith.op, arith.signedOp, a, b, ty, node);
  }

  arith(op: AluOp, signedOp: AluOp | undefined, a: Value & { kind: "int" }, b: Value & { kind: "int" }, ty: IntType | undefined, node: Node): Value {
    if (ty?.be && !["and", "or", "xor"].includes(op)) this.f.fail(node, Code.MixedWidths, `arithmetic on network-order ${ty.name} values`, `convert with ${ty.bits === 16 ? "ntohs" : ty.bits === 32 ? "ntohl" : "ntohll"} first`);
    const alu = ty?.signed && signedOp ? signedOp : op;
    if (!ty) {
      // Both untyped constants: fold.
      const folded = constantValue(node, this.f.module.constants);
      if (folded === undefined) this.f.fail(node, Code.NotConstant, "this constant expression does not fold (division by zero?)");
      return { kind: "int", ty: undefined, op: imm(folded) };
    }
    const width = widthOf(ty);
    const left = a.op.kind === "reg" ? a.op.reg : this.b.mov(a.op, width);
    const r = this.b.alu(alu, left, b.op, width);
    return { kind: "int", ty, op: reg(r) };
  }

  private prefix(node: import("ts-morph").PrefixUnaryExpression, want: IntType | undefined): Value {
    const t = node.getOperatorToken();
    if (t === SyntaxKind.PlusPlusToken || t === SyntaxKind.MinusMinusToken) return this.increment(node.getOperand(), t === SyntaxKind.PlusPlusToken ? 1 : -1, false);
    if (t === SyntaxKind.ExclamationToken) return this.boolValue(node);
    const v = this.lower(node.getOperand(), want);
    if (v.kind !== "int" || !v.ty) return this.f.fail(node, Code.UnsupportedType, "expected an integer");
    const ty = promote(v.ty);
    const x = this.convert(v, ty, node);
    const width = widthOf(ty);
    if (t === SyntaxKind.MinusToken) return { kind: "int", ty, op: reg(this.b.neg(this.toReg(x.op, width), width)) };
    if (t === SyntaxKind.TildeToken) return { kind: "int", ty, op: reg(this.b.alu("xor", this.b.mov(x.op, width), imm(-1), width)) };
    return x;
  }

  /** An lvalue: a local variable, a global, or a field/element behind a reference. */
  private lvalue(node: Node): { get(): Value; set(v: Value): void; type: IntType | "bool" } {
    if (Node.isIdentifier(node)) {
      const decl = node.getSymbol()?.getValueDeclaration();
      const binding = decl ? this.f.bindings.get(decl.compilerNode) : undefined;
      if (binding?.kind === "poison" || (!binding && this.f.isRefused(node))) this.f.abandon();
      if (binding?.kind === "var") {
        return {
          type: binding.ty,
          get: () => (binding.ty === "bool" ? { kind: "bool", op: reg(binding.reg) } : { kind: "int", ty: binding.ty, op: reg(binding.reg) }),
          set: (v) => {
            this.f.ranges.kill(decl!.compilerNode);
            const op = binding.ty === "bool" ? (v.kind === "bool" || v.kind === "int" ? v.op : imm(0)) : this.convert(v, binding.ty, node).op;
            this.b.mov(op, binding.ty !== "bool" && binding.ty.bits === 64 ? 64 : 32, binding.reg);
          },
        };
      }
      const global = this.f.module.globals.get(node.getText());
      if (global && !binding) {
        if (global.named) this.f.fail(node, Code.BadGlobal, ...sectionGlobalUse(global));
        if (global.section === ".rodata") this.f.fail(node, Code.BadGlobal, `'${global.name}' is a read-only config value`);
        const type = global.type;
        if (type.kind !== "int") return this.f.fail(node, Code.Unsupported, `'${global.name}' is a ${typeName(type)}; assign its fields or elements, or assign(${global.name}, src)`);
        const addr = this.b.lddw({ kind: "global", name: global.name, offset: 0 });
        return {
          type,
          get: () => this.loadInt(addr, 0, type),
          set: (v) => this.b.store(addr, 0, (type.bits / 8) as 1 | 2 | 4 | 8, this.convert(v, type, node).op),
        };
      }
      if (binding?.kind === "ptr") this.f.fail(node, Code.Unsupported, "references cannot be reassigned", "declare a new const for the new reference");
      return this.f.fail(node, Code.Unsupported, `'${node.getText()}' cannot be assigned`);
    }
    if (Node.isPropertyAccessExpression(node) || Node.isElementAccessExpression(node)) {
      let obj: Value = { kind: "void" };
      let field: { type: ValueType; offset: number };
      if (Node.isPropertyAccessExpression(node)) {
        obj = this.lower(node.getExpression());
        if (obj.kind !== "ptr") return this.f.fail(node, Code.Unsupported, "only fields behind a reference can be assigned");
        field = this.fieldOf(obj, node.getName(), node);
      }
      else {
        if (this.f.module.functionTables.has(node.getExpression().getText())) this.f.fail(node, Code.Unsupported, `function table '${node.getExpression().getText()}' is constant`);
        const indexed = lowerIndexed(this, node as import("ts-morph").ElementAccessExpression);
        obj = indexed.obj;
        field = { type: indexed.elem, offset: indexed.off - indexed.obj.off };
      }
      const ref = obj as Value & { kind: "ptr" };
      const t = field.type;
      if (t.kind !== "int" && t.kind !== "bool") this.f.fail(node, Code.Unsupported, "arithmetic assignment and ++/-- work on integer fields, not on a whole struct or array");
      const off = ref.off + field.offset;
      return {
        type: t.kind === "bool" ? "bool" : t,
        get: () => this.deref(ref, t, off),
        set: (v) => storeField(this.b, ref.space, ref.base, off, t.kind === "bool" ? 1 : ((t.bits / 8) as 1 | 2 | 4 | 8), t.kind === "bool" ? (v.kind === "bool" || v.kind === "int" ? v.op : imm(0)) : this.convert(v, t, node).op),
      };
    }
    return this.f.fail(node, Code.Unsupported, "this cannot be assigned");
  }

  private assign(left: Node, right: Node): Value {
    const decl = Node.isIdentifier(left) ? left.getSymbol()?.getValueDeclaration() : undefined;
    const binding = decl ? this.f.bindings.get(decl.compilerNode) : undefined;
    if (binding?.kind === "fn") {
      const v = this.lower(right);
      if (v.kind !== "fn") return this.f.fail(right, Code.UnsupportedType, "expected a function here");
      if (v.sig !== binding.sig) this.f.fail(left.getParent()!, Code.UnsupportedType, `a function of type ${v.sig} cannot be stored as ${binding.sig}`, "every function reachable through one call must take and return the same types");
      this.b.mov(reg(v.reg), 64, binding.reg);
      return v;
    }
    if (Node.isPropertyAccessExpression(left) || Node.isElementAccessExpression(left)) {
      // A struct or FixedArray field: the source's bytes copied over it.
      const t = valueTypeOf(left.getType(), "this field");
      if (typeof t !== "string" && (t.kind === "struct" || t.kind === "array")) {
        const dst = this.lower(left);
        if (dst.kind !== "ptr") return this.f.fail(left, Code.Unsupported, "this cannot be assigned");
        const src = sourceOf(this, right, dst.to);
        copyBytes(this, dst.base, dst.off, src.base, src.off, dst.to, sidesOf(dst, src));
        return { kind: "void" };
      }
    }
    const lv = this.lvalue(left);
    const v = this.lower(right, lv.type === "bool" ? undefined : lv.type);
    lv.set(v);
    return v;
  }

  private compoundAssign(left: Node, op: SyntaxKind, right: Node, node: Node): Value {
    const lv = this.lvalue(left);
    if (lv.type === "bool") this.f.fail(node, Code.Unsupported, "compound assignment on a boolean");
    const arith = ARITH[op]!;
    const current = lv.get() as Value & { kind: "int" };
    const rv = this.lower(right, lv.type);
    if (rv.kind !== "int") this.f.fail(right, Code.UnsupportedType, "expected an integer");
    const common = commonType(current.ty, rv.ty);
    if (typeof common === "string") this.f.fail(node, Code.MixedWidths, common);
    const ty = common ?? lv.type;
    const result = this.arith(arith.op, arith.signedOp, this.convert(current, ty, left), this.convert(rv, ty, right), ty, node);
    lv.set(result);
    return result;
  }

  private increment(target: Node, delta: 1 | -1, postfix: boolean): Value {
    const lv = this.lvalue(target);
    if (lv.type === "bool") this.f.fail(target, Code.Unsupported, "++/-- on a boolean");
    const old = lv.get() as Value & { kind: "int" };
    const ty = promote(lv.type);
    const before = postfix ? this.b.mov(this.convert(old, ty, target).op, widthOf(ty)) : undefined;
    const next = this.arith("add", undefined, this.convert(old, ty, target), { kind: "int", ty, op: imm(delta) }, ty, target);
    lv.set(next);
    return before !== undefined ? { kind: "int", ty, op: reg(before) } : next;
  }

  private ternary(node: import("ts-morph").ConditionalExpression, want: IntType | undefined): Value {
    const t = this.b.newBlock();
    const e = this.b.newBlock();
    const join = this.b.newBlock();
    const result = this.b.vreg();
    this.condition(node.getCondition(), t, e);
    this.b.enter(t);
    const tv = this.lower(node.getWhenTrue(), want);
    if (tv.kind === "fn") return this.ternaryFunction(node, tv, result, e, join);
    const ty = tv.kind === "int" ? (tv.ty ?? want) : undefined;
    if (tv.kind !== "int" && tv.kind !== "bool") this.f.fail(node, Code.Unsupported, "?: must produce integers or booleans");
    this.b.mov(ty ? this.convert(tv, ty, node).op : tv.op, 64, result);
    this.b.jmp(join);
    this.b.enter(e);
    const ev = this.lower(node.getWhenFalse(), ty ?? want);
    if (ev.kind !== "int" && ev.kind !== "bool") this.f.fail(node, Code.Unsupported, "?: must produce integers or booleans");
    const ety = ev.kind === "int" ? ev.ty : undefined;
    const common = commonType(ty, ety);
    if (typeof common === "string") this.f.fail(node, Code.MixedWidths, common);
    this.b.mov(common ? this.convert(ev, common, node).op : ev.op, 64, result);
    this.b.jmp(join);
    this.b.enter(join);
    return tv.kind === "bool" ? { kind: "bool", op: reg(result) } : { kind: "int", ty: common ?? ty ?? U32, op: reg(result) };
  }

  /** `c ? f : g` over function values: both sides must have the same signature. */
  private ternaryFunction(node: import("ts-morph").ConditionalExpression, tv: Value & { kind: "fn" }, result: VReg, e: Block, join: Block): Value {
    this.b.mov(reg(tv.reg), 64, result);
    this.b.jmp(join);
    this.b.enter(e);
    const ev = this.lower(node.getWhenFalse());
    if (ev.kind !== "fn") return this.f.fail(node.getWhenFalse(), Code.UnsupportedType, "both sides of this ?: must be functions");
    if (ev.sig !== tv.sig) this.f.fail(node, Code.UnsupportedType, `the two functions have different signatures: ${tv.sig} vs ${ev.sig}`, "every function reachable through one call must take and return the same types");
    this.b.mov(reg(ev.reg), 64, result);
    this.b.jmp(join);
    this.b.enter(join);
    return { kind: "fn", sig: tv.sig, reg: result, name: undefined };
  }

  private objectLiteral(node: import("ts-morph").ObjectLiteralExpression): Value {
    const first = node.getProperties()[0];
    // `{ ...ref, f: 1 }` without a declared type has the type of what it spreads.
    const spreadType = first && Node.isSpreadAssignment(first) ? first.getExpression().getType().getNonNullableType() : undefined;
    const t = valueTypeOf(node.getContextualType() ?? spreadType ?? node.getType(), "this object");
    if (typeof t === "string" || t.kind !== "struct") return this.f.fail(node, Code.UnsupportedType, typeof t === "string" ? t : "an object literal must have a struct type");
    // 8-byte aligned so the struct can be zeroed with aligned stores (the verifier rejects misaligned stack access).
    const slot = this.b.slot(t.size, Math.max(8, t.align));
    const base = this.b.stackaddr(slot);
    const props = node.getProperties();
    const padded = t.fields.reduce((n, f) => n + sizeOf(f.type), 0) !== t.size;
    // `{ ...src, … }` of a struct without padding starts as a word-wise copy of src; anything
    // else is zeroed first: padding inside map keys must be zero.
    const wholeCopy = !padded && props[0] !== undefined && Node.isSpreadAssignment(props[0]);
    // A struct without padding whose every field is given is fully written below: no zeroing.
    const named = new Set(props.flatMap((p) => (Node.isPropertyAssignment(p) ? [p.getName()] : [])));
    const everyField = !padded && t.fields.every((f) => named.has(f.name));
    for (let off = 0; off < t.size && !wholeCopy && !everyField; ) {
      const size = ([8, 4, 2, 1] as const).find((n) => off % n === 0 && off + n <= t.size)!;
      this.b.store(base, off, size, imm(0));
      off += size;
    }
    for (const prop of props) {
      if (Node.isSpreadAssignment(prop)) {
        const src = sourceOf(this, prop.getExpression(), t);
        // Field by field when there is padding, so the copy leaves it zero.
        if (!padded) copyBytes(this, base, 0, src.base, src.off, t, sidesOf("fresh", src));
        else for (const f of t.fields) copyBytes(this, base, f.offset, src.base, src.off + f.offset, f.type, sidesOf("fresh", src));
        continue;
      }
      if (!Node.isPropertyAssignment(prop)) this.f.fail(prop, Code.Unsupported, "only `name: value` and `...struct` properties are supported in object literals");
      const field = t.fields.find((f) => f.name === prop.getName());
      if (!field) this.f.fail(prop, Code.Unsupported, `${t.name || "the struct"} has no field '${prop.getName()}'`);
      if (field.type.kind !== "int" && field.type.kind !== "bool") {
        const src = sourceOf(this, prop.getInitializerOrThrow(), field.type);
        copyBytes(this, base, field.offset, src.base, src.off, field.type, sidesOf("fresh", src));
        continue;
      }
      const v = this.lower(prop.getInitializerOrThrow(), field.type.kind === "int" ? field.type : undefined);
      const op = field.type.kind === "int" ? this.convert(v, field.type, prop).op : v.kind === "bool" || v.kind === "int" ? v.op : imm(0);
      storeField(this.b, "stack", base, field.offset, field.type.kind === "int" ? ((field.type.bits / 8) as 1 | 2 | 4 | 8) : 1, op);
    }
    return { kind: "ptr", to: t, base, off: 0, nullable: false, space: "stack" };
  }

  /** A boolean value (0/1) from a condition. */
  private boolValue(node: Node): Value {
    const t = this.b.newBlock();
    const e = this.b.newBlock();
    const join = this.b.newBlock();
    const r = this.b.vreg();
    this.condition(node, t, e);
    this.b.enter(t);
    this.b.mov(imm(1), 64, r);
    this.b.jmp(join);
    this.b.enter(e);
    this.b.mov(imm(0), 64, r);
    this.b.jmp(join);
    this.b.enter(join);
    return { kind: "bool", op: reg(r) };
  }

  /** Lowers `node` as a branch: to `then` when true, to `otherwise` when false. */
  condition(node: Node, then: Block, otherwise: Block): void {
    if (Node.isParenthesizedExpression(node)) return this.condition(node.getExpression(), then, otherwise);
    if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.ExclamationToken) return this.condition(node.getOperand(), otherwise, then);
    if (Node.isBinaryExpression(node)) {
      const kind = node.getOperatorToken().getKind();
      if (kind === SyntaxKind.AmpersandAmpersandToken || kind === SyntaxKind.BarBarToken) {
        const mid = this.b.newBlock();
        if (kind === SyntaxKind.AmpersandAmpersandToken) this.condition(node.getLeft(), mid, otherwise);
        else this.condition(node.getLeft(), then, mid);
        this.b.enter(mid);
        this.condition(node.getRight(), then, otherwise);
        return;
      }
      const cmp = COMPARE[kind];
      if (cmp) return this.compare(node, cmp, then, otherwise);
    }
    const v = this.lower(node);
    if (v.kind === "int" && v.op.kind === "imm") return this.b.jmp(v.op.value !== 0n ? then : otherwise);
    if (v.kind === "ptr") return this.b.br("jne", 64, v.base, imm(0), then, otherwise);
    if (v.kind === "map") return this.b.br("jne", 64, v.reg, imm(0), then, otherwise);
    if (v.kind === "int" || v.kind === "bool") return this.b.br("jne", v.kind === "int" ? widthOf(v.ty) : 32, this.toReg(v.op), imm(0), then, otherwise);
    this.f.fail(node, Code.UnsupportedType, "this cannot be used as a condition");
  }

  private compare(node: import("ts-morph").BinaryExpression, cmp: { u: JmpCond; s: JmpCond }, then: Block, otherwise: Block): void {
    const left = node.getLeft();
    const right = node.getRight();
    if (right.getKind() === SyntaxKind.NullKeyword || left.getKind() === SyntaxKind.NullKeyword) {
      const p = this.lower(right.getKind() === SyntaxKind.NullKeyword ? left : right);
      if (p.kind !== "ptr" && p.kind !== "map") this.f.fail(node, Code.UnsupportedType, "only references can be compared with null");
      if (cmp.u !== "jeq" && cmp.u !== "jne") this.f.fail(node, Code.Unsupported, "references compare with null only by == and !=");
      return this.b.br(cmp.u, 64, p.kind === "map" ? p.reg : p.base, imm(0), then, otherwise);
    }
    const { a, b, ty } = this.operands(left, right, undefined);
    if (!ty) {
      const l = (a.op as { value: bigint }).value;
      const r = (b.op as { value: bigint }).value;
      const result = { jeq: l === r, jne: l !== r, jlt: l < r, jle: l <= r, jgt: l > r, jge: l >= r }[cmp.u as "jeq"];
      return this.b.jmp(result ? then : otherwise);
    }
    const cond = ty.signed ? cmp.s : cmp.u;
    const width = widthOf(ty);
    if (a.op.kind === "imm" && b.op.kind === "reg") {
      // Put the register on the left: swap the operands and mirror the condition.
      const mirror: Record<JmpCond, JmpCond> = { jeq: "jeq", jne: "jne", jlt: "jgt", jgt: "jlt", jle: "jge", jge: "jle", jslt: "jsgt", jsgt: "jslt", jsle: "jsge", jsge: "jsle", jset: "jset" };
      return this.b.br(mirror[cond], width, b.op.reg, a.op, then, otherwise);
    }
    this.b.br(cond, width, this.toReg(a.op, width), b.op, then, otherwise);
  }
}

export { NEGATE, I64 };
export type { Expression };
