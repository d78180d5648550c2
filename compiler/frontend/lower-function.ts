// Lowers one TypeScript function to IR: bindings for parameters and locals, statements
// (blocks, variables, if/else, loops with break/continue, switch, return) and conditions
// as control flow. Expressions are lowered by lower-expr.ts. Unsupported constructs are
// diagnostics at their source range; lowering goes on to report more.

import { Node, SyntaxKind, type FunctionDeclaration, type Statement } from "ts-morph";
import { IrBuilder, imm, reg } from "../ir/builder.js";
import type { Block, IrFunction, VReg } from "../ir/ir.js";
import { Code } from "../diagnostics/codes.js";
import type { DiagnosticSink } from "./diagnostics.js";
import type { MapDecl, ModuleInfo } from "./module.js";
import { INT_NAMES, intTypeOf, valueTypeOf, type IntType } from "./types.js";
import type { Binding, Value } from "./values.js";
import { ExprLowerer } from "./lower-expr.js";
import { moduleFunctionOf, signatureKey } from "./function-values.js";
import { inlineRequirement, isContextType } from "./subprogram-args.js";
import { checkOperands } from "./byte-order.js";
import { declarationOf } from "./imports.js";
import { RangeFacts, alwaysExits, assignedIn, impliedFacts, indexBound } from "./ranges.js";
import type { CodeTarget } from "../ir/passes/indirect-calls.js";
import { canLeaveLoop, jumpTarget, unlabel, type JumpTarget } from "./jump-targets.js";
import { reachable } from "../ir/reachable.js";
import { unrollCount } from "./unroll.js";

/** Raised to abandon the current statement after a diagnostic; lowering resumes at the next one. */
export class Abandon extends Error {}

export const MAX_ARGS = 5;

export class FunctionLowerer {
  readonly b: IrBuilder;
  readonly bindings = new Map<object, Binding>();
  /** Counters of loops being unrolled (unroll.ts), by declaration: their value in the round being lowered. */
  readonly unrolledCounters = new Map<object, bigint>();
  readonly expr: ExprLowerer;
  private readonly loops: JumpTarget[] = [];
  private readonly inlineFrames: { join: Block; result: VReg; returnType: IntType | "bool" | "void"; fn: FunctionDeclaration }[] = [];
  /** Program entry: the ctx register and the frame's data/data_end, loaded at entry. */
  packet: { ctx: VReg; data: VReg; dataEnd: VReg } | undefined;
  /** VRegs that hold a pointer known not to be null when set (for jump threading). */
  readonly nonNull = new Set<VReg>();
  /** What dominating checks say about unsigned locals (for run-time array indices). */
  readonly ranges = new RangeFacts();
  readonly returnType: IntType | "bool" | "void";
  /** Declarations whose initialisation failed (already a diagnostic). */
  private readonly failed = new Set<object>();

  constructor(
    readonly fn: FunctionDeclaration,
    readonly section: string | undefined,
    readonly module: ModuleInfo,
    readonly sink: DiagnosticSink,
    readonly fileName: string,
    /** Where indirect calls will run: "kernel" (ladders of direct calls) or "vm" (callx). */
    readonly target: CodeTarget = "kernel",
    /** tsbpf's lib/ directory: its declarations are not a package without source. */
    readonly libDir: string = "",
    /** For a specialised subprogram: its name and the maps its map parameters stand for. */
    readonly specialisation?: { readonly name: string; readonly maps: ReadonlyMap<number, MapDecl> },
  ) {
    const params = fn.getParameters();
    this.b = new IrBuilder(specialisation?.name ?? module.names.get(fn.compilerNode) ?? fn.getName()!, section, params.length);
    this.expr = new ExprLowerer(this);
    const ret = fn.getReturnType();
    this.returnType = ret.isVoid() ? "void" : ret.isBoolean() ? "bool" : (intTypeOf(ret) ?? (ret.getSymbol()?.getName() === "XdpAction" || ret.isEnum() || ret.isEnumLiteral() ? INT_ACTION : "void"));
    if (params.length > MAX_ARGS) this.fail(fn, Code.TooManyArguments, `function '${fn.getName()}' takes ${params.length} parameters; BPF passes at most ${MAX_ARGS}`, "group arguments in a struct and pass a reference to it");
  }

  fail(node: Node, code: number, message: string, hint?: string): never {
    this.sink.error(node, code, message, hint);
    throw new Abandon(message);
  }

  /** Abandons the statement without a diagnostic: it uses something already reported (a poisoned value). */
  abandon(): never {
    throw new Abandon("uses a value whose declaration was refused");
  }

  /** Marks the source line of `node` for the instructions that follow. */
  at(node: Node): void {
    const sf = node.getSourceFile();
    const { line, column } = sf.getLineAndColumnAtPos(node.getStart());
    const text = sf.getFullText().split(/\r?\n/)[line - 1] ?? "";
    this.b.at({ file: this.module.fileNames.get(sf.getFilePath()) ?? this.fileName, line, column, text });
  }

  lower(): IrFunction {
    const fn = this.fn;
    this.at(fn);
    fn.getParameters().forEach((p, i) => {
      const t = p.getType();
      const key = p.compilerNode;
      if (isContextType(t)) {
        // A subprogram taking the context (static: the verifier follows the caller's ctx into
        // it) reads the packet bounds from it at entry, as the program does.
        const ctx: VReg = this.b.fn.params[i]!;
        const data = this.b.load(ctx, 0, 4);
        const dataEnd = this.b.load(ctx, 4, 4);
        this.packet = { ctx, data, dataEnd };
        this.nonNull.add(data);
        this.bindings.set(key, { kind: "ctx", reg: ctx });
        return;
      }
      const map = this.specialisation?.maps.get(i);
      if (map) return this.bindings.set(key, { kind: "map", decl: map, reg: this.b.lddw({ kind: "map", name: map.name }), nullable: false });
      const int = intTypeOf(t);
      if (int) return this.bindings.set(key, { kind: "var", ty: int, reg: this.b.fn.params[i]! });
      if (t.isBoolean()) return this.bindings.set(key, { kind: "var", ty: "bool", reg: this.b.fn.params[i]! });
      if (t.getCallSignatures().length > 0) {
        const sig = this.signatureOf(t, p);
        return this.bindings.set(key, { kind: "fn", sig, reg: this.b.fn.params[i]!, name: undefined });
      }
      const nullable = t.isNullable();
      const vt = valueTypeOf(nullable ? t.getNonNullableType() : t, `parameter '${p.getName()}'`);
      if (typeof vt === "string") {
        this.bindings.set(key, { kind: "poison" });
        return this.sink.error(p, Code.UnsupportedType, vt);
      }
      this.bindings.set(key, { kind: "ptr", to: vt, base: this.b.fn.params[i]!, off: 0, nullable, space: "unknown" });
    });
    const body = fn.getBody();
    if (body && Node.isBlock(body)) for (const stmt of body.getStatements()) this.statement(stmt as Statement);
    if (!this.b.terminated) {
      if (this.returnType !== "void" && reachable(this.b.fn, this.b.block)) this.sink.error(fn, Code.MissingReturn, `function '${fn.getName()}' can reach its end without returning a value`);
      this.b.ret(imm(0));
    }
    return this.b.fn;
  }

  statement(stmt: Node): void {
    try {
      this.at(stmt);
      this.statementInner(stmt);
    } catch (e) {
      if (!(e instanceof Abandon)) throw e;
      // The path through the refused statement ends here, so nothing after it is blamed on it
      // (no "can reach its end without returning" for a return that was refused). The object
      // is never written once a diagnostic is out.
      if (!this.b.terminated) this.b.ret(imm(0));
    }
  }

  /** Lowers `stmt` in a scope of its own: range facts learnt inside end with it. */
  private scoped(stmt: Node, facts: readonly { decl: object; below: bigint }[] = []): void {
    const mark = this.ranges.mark();
    this.ranges.add(facts);
    try {
      this.statement(stmt);
    } finally {
      this.ranges.restore(mark);
    }
  }

  private statementInner(stmt: Node): void {
    if (Node.isBlock(stmt)) {
      const mark = this.ranges.mark();
      for (const s of stmt.getStatements()) this.statement(s);
      this.ranges.restore(mark);
      return;
    }
    if (Node.isVariableStatement(stmt)) {
      for (const d of stmt.getDeclarations()) this.variable(d, stmt.getDeclarationKind() === "const");
      return;
    }
    if (Node.isExpressionStatement(stmt)) {
      this.expr.lower(stmt.getExpression());
      return;
    }
    if (Node.isReturnStatement(stmt)) return this.returnStatement(stmt);
    if (Node.isIfStatement(stmt)) {
      const then = this.b.newBlock();
      const join = this.b.newBlock();
      const otherwise = stmt.getElseStatement() ? this.b.newBlock() : join;
      this.expr.condition(stmt.getExpression(), then, otherwise);
      const cond = stmt.getExpression();
      this.b.enter(then);
      this.scoped(stmt.getThenStatement(), impliedFacts(this, cond, true));
      if (!this.b.terminated) this.b.jmp(join);
      const elseStmt = stmt.getElseStatement();
      if (elseStmt) {
        this.b.enter(otherwise);
        this.scoped(elseStmt, impliedFacts(this, cond, false));
        if (!this.b.terminated) this.b.jmp(join);
      }
      this.b.enter(join);
      // `if (i >= N) return;`: what the condition's other outcome says holds for the rest of the block.
      if (alwaysExits(stmt.getThenStatement())) this.ranges.add(impliedFacts(this, cond, false));
      else if (elseStmt && alwaysExits(elseStmt)) this.ranges.add(impliedFacts(this, cond, true));
      return;
    }
    if (Node.isForStatement(stmt) || Node.isWhileStatement(stmt) || Node.isDoStatement(stmt)) return this.loop(stmt, []);
    if (Node.isLabeledStatement(stmt)) return this.labeled(stmt);
    if (Node.isBreakStatement(stmt) || Node.isContinueStatement(stmt)) {
      const to = jumpTarget(this.loops, stmt);
      if (typeof to === "string") this.fail(stmt, Code.Unsupported, to);
      this.b.jmp(to);
      return;
    }
    if (Node.isSwitchStatement(stmt)) return this.switchStatement(stmt);
    if (Node.isEmptyStatement(stmt)) return;
    if (Node.isFunctionDeclaration(stmt)) this.fail(stmt, Code.Closure, "nested functions (closures) are not supported", "move the function to module level");
    this.fail(stmt, Code.Unsupported, `a ${stmt.getKindName()} is not supported in BPF programs`);
  }

  private variable(d: import("ts-morph").VariableDeclaration, isConst: boolean): void {
    try {
      this.variableInner(d, isConst);
    } catch (e) {
      // Its uses would only repeat the diagnostic in other words: they are abandoned silently.
      if (e instanceof Abandon) {
        this.failed.add(d.compilerNode);
        this.bindings.set(d.compilerNode, { kind: "poison" });
      }
      throw e;
    }
  }

  /** Whether `node` names a module-level declaration the module scan refused (already a diagnostic). */
  isRefused(node: Node): boolean {
    const decl = declarationOf(node);
    return decl !== undefined && this.module.failed.has(decl.compilerNode);
  }

  /** Abandons lowering at a use of a variable whose declaration already failed (no second diagnostic). */
  checkNotFailed(decl: object): void {
    if (this.failed.has(decl) || this.module.failed.has(decl)) throw new Abandon("a variable whose declaration failed");
  }

  /** `label: stmt`: a labelled loop takes the label for break/continue; any other statement is left by `break label`. */
  private labeled(stmt: import("ts-morph").LabeledStatement): void {
    const { labels, inner } = unlabel(stmt);
    if (Node.isForStatement(inner) || Node.isWhileStatement(inner) || Node.isDoStatement(inner)) return this.loop(inner, labels);
    const exit = this.b.newBlock();
    this.loops.push({ kind: "block", breakTo: exit, continueTo: undefined, labels });
    try {
      this.scoped(inner);
    } finally {
      this.loops.pop();
    }
    if (!this.b.terminated) this.b.jmp(exit);
    this.b.enter(exit);
  }

  private variableInner(d: import("ts-morph").VariableDeclaration, isConst: boolean): void {
    const nameNode = d.getNameNode();
    if (!Node.isIdentifier(nameNode)) this.fail(d, Code.Unsupported, "destructuring is not supported");
    const init = d.getInitializer();
    const declared = d.getTypeNode() ? intTypeOf(d.getType()) : undefined;
    if (!init) {
      const t = declared ?? (d.getType().isBoolean() ? undefined : undefined);
      if (!t && !d.getType().isBoolean()) this.fail(d, Code.UnsupportedType, `variable '${d.getName()}' needs an integer type and an initial value`);
      const regNo = this.b.mov(imm(0));
      this.bindings.set(d.compilerNode, { kind: "var", ty: t ?? "bool", reg: regNo });
      return;
    }
    const value = this.expr.lower(init, declared);
    this.bind(d, value, declared, isConst);
    // `const i = n % 4`: the initialiser's bound holds until the variable is assigned. (Only
    // forms that can say more than the variable's own type are worth asking the checker about.)
    const conversion = Node.isCallExpression(init) && Node.isIdentifier(init.getExpression()) && INT_NAMES[init.getExpression().getText()] !== undefined;
    const informative = conversion || Node.isBinaryExpression(init) || Node.isIdentifier(init) || Node.isParenthesizedExpression(init) || Node.isNumericLiteral(init);
    const bound = informative && this.bindings.get(d.compilerNode)?.kind === "var" ? indexBound(this, init) : undefined;
    if (bound !== undefined) this.ranges.add([{ decl: d.compilerNode, below: bound }]);
  }

  /** Binds a declaration to a value: pointers keep base+offset, integers get their own register. */
  bind(d: Node, value: Value, declared: IntType | undefined, isConst: boolean): void {
    switch (value.kind) {
      case "ptr":
        this.bindings.set(d.compilerNode, { kind: "ptr", to: value.to, base: value.base, off: value.off, nullable: value.nullable, space: value.space });
        return;
      case "ctx":
        this.bindings.set(d.compilerNode, { kind: "ctx", reg: value.reg });
        return;
      case "map":
        this.bindings.set(d.compilerNode, value);
        return;
      case "bool":
        this.bindings.set(d.compilerNode, { kind: "var", ty: "bool", reg: this.b.mov(value.op) });
        return;
      case "fn": {
        const declaredSig = this.signatureOf(d.getType(), d);
        if (declaredSig !== value.sig) this.fail(d, Code.UnsupportedType, `a function of type ${value.sig} cannot be stored as ${declaredSig}`, "every function reachable through one call must take and return the same types");
        // A const keeps its known target (calls through it go direct); a let may change.
        this.bindings.set(d.compilerNode, { kind: "fn", sig: value.sig, reg: isConst ? value.reg : this.b.mov(reg(value.reg)), name: isConst ? value.name : undefined });
        return;
      }
      case "void":
        this.fail(d, Code.UnsupportedType, "a void value cannot be stored");
        return;
      case "int": {
        const ty = declared ?? value.ty;
        if (!ty) {
          if (isConst && value.op.kind === "imm") {
            this.bindings.set(d.compilerNode, { kind: "const", value: value.op.value });
            return;
          }
          this.fail(d, Code.UnsupportedType, "this variable needs an integer type", "annotate it, e.g. `let n: u32 = 0`");
        }
        const converted = this.expr.convert(value, ty, d);
        this.bindings.set(d.compilerNode, { kind: "var", ty, reg: this.b.mov(converted.op, ty.bits === 64 ? 64 : 32) });
      }
    }
  }

  /** The signature key of a function type; a diagnostic at `node` when it cannot be a function value. */
  signatureOf(t: import("ts-morph").Type, node: Node): string {
    const k = signatureKey(t, node);
    if (typeof k !== "string") this.fail(node, Code.UnsupportedType, k.error);
    return k;
  }

  private returnStatement(stmt: import("ts-morph").ReturnStatement): void {
    const frame = this.inlineFrames[this.inlineFrames.length - 1];
    const returnType = frame ? frame.returnType : this.returnType;
    // Inside an inlined call, `return` sets the call's result and continues after the call.
    const finish = (op: import("../ir/ir.js").Operand): void => {
      if (!frame) return this.b.ret(op);
      this.b.mov(op, 64, frame.result);
      this.b.jmp(frame.join);
    };
    const e = stmt.getExpression();
    if (!e) return finish(imm(0));
    const want = returnType === "void" || returnType === "bool" ? undefined : returnType;
    const v = this.expr.lower(e, want);
    if (v.kind === "int") return finish(want ? this.expr.convert(v, want, e).op : v.op);
    if (v.kind === "bool") return finish(v.op);
    if (v.kind === "void") return finish(imm(0));
    this.fail(e, Code.UnsupportedType, "functions return integers or booleans, not references", "return a value, or write through a reference parameter");
  }

  /**
   * Lowers a call to `callee` in place: its parameters bound to the argument values, its body
   * lowered here, each `return` jumping to the code after the call with the result.
   */
  inline(callee: FunctionDeclaration, args: readonly Value[], node: Node): Value {
    const ret = callee.getReturnType();
    const returnType: IntType | "bool" | "void" = ret.isVoid() ? "void" : ret.isBoolean() ? "bool" : (intTypeOf(ret) ?? INT_ACTION);
    const frame = { join: this.b.newBlock(), result: this.b.vreg(), returnType, fn: callee };
    callee.getParameters().forEach((p, i) => {
      const v = args[i]!;
      const t = intTypeOf(p.getType());
      // Parameters are locals of the inlined body: integers get their own register.
      if (v.kind === "int" && t) this.bindings.set(p.compilerNode, { kind: "var", ty: t, reg: this.b.mov(this.expr.convert(v, t, node).op, t.bits === 64 ? 64 : 32) });
      else this.bind(p, v, t, false);
    });
    this.inlineFrames.push(frame);
    const savedLoops = this.loops.splice(0);
    const mark = this.ranges.mark();
    try {
      const body = callee.getBody();
      if (body && Node.isBlock(body)) for (const stmt of body.getStatements()) this.statement(stmt);
    } finally {
      this.ranges.restore(mark);
      this.inlineFrames.pop();
      this.loops.push(...savedLoops);
    }
    if (!this.b.terminated) {
      if (returnType !== "void" && reachable(this.b.fn, this.b.block)) this.sink.error(callee, Code.MissingReturn, `function '${callee.getName()}' can reach its end without returning a value`);
      this.b.mov(imm(0), 64, frame.result);
      this.b.jmp(frame.join);
    }
    this.b.enter(frame.join);
    this.at(node);
    if (returnType === "void") return { kind: "void" };
    if (returnType === "bool") return { kind: "bool", op: reg(frame.result) };
    return { kind: "int", ty: returnType, op: reg(frame.result) };
  }

  /** Whether a call to `callee` here would be recursive (it is this function or being inlined). */
  isRecursive(callee: FunctionDeclaration): boolean {
    return callee === this.fn || this.inlineFrames.some((f) => f.fn === callee);
  }

  /** Whether a call to `callee` is inlined: small, loop-free, not recursive, not marked @noinline. */
  shouldInline(callee: FunctionDeclaration, node: Node): boolean {
    const recursive = this.isRecursive(callee);
    const forced = inlineRequirement(callee, node, this, recursive);
    if (forced !== undefined) return forced;
    if (recursive) return false;
    let statements = 0;
    let loops = false;
    callee.getBody()?.forEachDescendant((d) => {
      if (Node.isStatement(d)) statements++;
      if (Node.isIterationStatement(d)) loops = true;
    });
    if (loops || statements > 12) return false;
    // Called from several places, only a tiny body pays for being copied into each.
    const callSites = this.module.sources.flatMap((s) => s.getDescendantsOfKind(SyntaxKind.CallExpression)).filter((c) => moduleFunctionOf(c.getExpression()) === callee).length;
    return callSites <= 1 || statements <= 3;
  }

  private loop(stmt: Node, labels: readonly string[]): void {
    const head = this.b.newBlock();
    let body = this.b.newBlock();
    const step = this.b.newBlock();
    const exit = this.b.newBlock();
    let cond: Node | undefined;
    let incr: Node | undefined;
    let bodyStmt: Node;
    let checkFirst = true;
    if (Node.isForStatement(stmt)) {
      const init = stmt.getInitializer();
      if (init && Node.isVariableDeclarationList(init)) for (const d of init.getDeclarations()) this.variable(d, false);
      else if (init) this.expr.lower(init);
      cond = stmt.getCondition();
      incr = stmt.getIncrementor();
      bodyStmt = stmt.getStatement();
    } else if (Node.isWhileStatement(stmt)) {
      cond = stmt.getExpression();
      bodyStmt = stmt.getStatement();
    } else {
      const d = stmt as import("ts-morph").DoStatement;
      cond = d.getExpression();
      bodyStmt = d.getStatement();
      checkFirst = false;
    }
    // The back edge brings every variable the loop assigns around: facts about them end here.
    for (const d of assignedIn(stmt)) this.ranges.kill(d);
    const literalTrue = !cond || cond.getKind() === SyntaxKind.TrueKeyword;
    if (literalTrue && !canLeaveLoop(bodyStmt)) {
      this.fail(stmt, Code.UnboundedLoop, "this loop never ends: its condition is always true and it has no break", "give it a bounded condition; use bpf_loop for counts known only at run time");
    }
    const unrolled = Node.isForStatement(stmt) ? unrollCount(stmt) : undefined;
    if (unrolled) {
      // A constant trip count (unroll.ts): the body once per round with the counter a constant.
      const facts = cond ? impliedFacts(this, cond, true) : [];
      for (const [k, value] of unrolled.values.entries()) {
        const next = this.b.newBlock();
        // The counter keeps its type and register (set to this round's value) and is known constant to indexing.
        const counter = this.bindings.get(unrolled.counter.compilerNode);
        if (counter?.kind === "var") this.b.mov(imm(value), counter.ty !== "bool" && counter.ty.bits === 64 ? 64 : 32, counter.reg);
        this.unrolledCounters.set(unrolled.counter.compilerNode, value);
        this.b.jmp(body);
        this.b.enter(body);
        this.loops.push({ kind: "loop", breakTo: exit, continueTo: next, labels });
        this.scoped(bodyStmt, facts);
        this.loops.pop();
        if (!this.b.terminated) this.b.jmp(next);
        this.b.enter(next);
        // An error in the body is reported once, not once per copy.
        if (this.sink.failed) break;
        if (k + 1 < unrolled.values.length) body = this.b.newBlock();
      }
      this.unrolledCounters.delete(unrolled.counter.compilerNode);
      this.b.jmp(exit);
      this.b.enter(exit);
      return;
    }
    this.b.jmp(checkFirst ? head : body);
    this.b.enter(head);
    if (cond && !literalTrue) this.expr.condition(cond, body, exit);
    else this.b.jmp(body);
    this.b.enter(body);
    this.loops.push({ kind: "loop", breakTo: exit, continueTo: step, labels });
    this.scoped(bodyStmt, cond && checkFirst ? impliedFacts(this, cond, true) : []);
    this.loops.pop();
    if (!this.b.terminated) this.b.jmp(step);
    this.b.enter(step);
    if (incr) {
      this.at(incr);
      this.expr.lower(incr);
    }
    this.b.jmp(head);
    this.b.enter(exit);
  }

  private switchStatement(stmt: import("ts-morph").SwitchStatement): void {
    const subject = this.expr.lower(stmt.getExpression());
    if (subject.kind !== "int") this.fail(stmt.getExpression(), Code.UnsupportedType, "switch works on integers");
    const s = subject.op.kind === "reg" ? subject.op.reg : this.b.mov(subject.op);
    const exit = this.b.newBlock();
    const clauses = stmt.getClauses();
    const bodies = clauses.map(() => this.b.newBlock());
    let defaultBody: Block = exit;
    clauses.forEach((c, i) => {
      if (Node.isDefaultClause(c)) {
        defaultBody = bodies[i]!;
        return;
      }
      const caseValue = this.expr.lower(c.getExpression(), subject.ty);
      if (caseValue.kind !== "int" || caseValue.op.kind !== "imm") this.fail(c.getExpression(), Code.NotConstant, "case labels must be constants");
      checkOperands(this.expr, stmt.getExpression(), subject, c.getExpression(), caseValue, c.getExpression(), "case");
      const next = this.b.newBlock();
      this.b.br("jeq", subject.ty && subject.ty.bits < 64 ? 32 : 64, s, caseValue.op, bodies[i]!, next);
      this.b.enter(next);
    });
    this.b.jmp(defaultBody);
    this.loops.push({ kind: "switch", breakTo: exit, continueTo: undefined, labels: [] });
    clauses.forEach((c, i) => {
      this.b.enter(bodies[i]!);
      const mark = this.ranges.mark();
      for (const s2 of c.getStatements()) this.statement(s2);
      this.ranges.restore(mark);
      if (!this.b.terminated) this.b.jmp(bodies[i + 1] ?? exit);
    });
    this.loops.pop();
    this.b.enter(exit);
  }
}

/** XdpAction values are u32 results. */
const INT_ACTION: IntType = { kind: "int", bits: 32, signed: false, be: false, name: "u32" };

export { reg };
