// What may cross a call into a subprogram, and when a call must be inlined instead. tsbpf's
// subprograms are static BPF functions, which Linux verifies in the caller's state: the
// context, packet references, map values and references to the caller's stack pass as they
// are (the callee reads data/data_end from the context itself to check packet bounds). A
// function taking a map is inlined at each call (as C's macros over maps are) or, when
// @noinline, compiled once per combination of maps passed (`bump__a`, which loads its map
// itself); `@inline` forces inlining (C's __always_inline), `@noinline` keeps a subprogram.

import { Node, type FunctionDeclaration, type Type } from "ts-morph";
import { imm, reg } from "../ir/builder.js";
import type { Operand } from "../ir/ir.js";
import { Code } from "../diagnostics/codes.js";
import type { ExprLowerer } from "./lower-expr.js";
import type { FunctionLowerer } from "./lower-function.js";
import type { MapDecl } from "./module.js";
import { intTypeOf } from "./types.js";
import type { Value } from "./values.js";

const MAP_TYPES = new Set(["ArrayMap", "PerCpuArrayMap", "HashMap", "PerCpuHashMap", "LruHashMap", "LpmTrieMap", "DevMap", "RingBuf", "ProgArray", "QueueMap", "StackMap", "CpuMap", "XskMap", "PerfEventArray", "ArrayOfMaps", "HashOfMaps"]);

/** The program context types (XdpContext, XdpFragsContext). */
export function isContextType(t: Type): boolean {
  const name = t.getSymbol()?.getName();
  return name === "XdpContext" || name === "XdpFragsContext";
}

/** Whether `t` is one of tsbpf's map classes. */
export function isMapType(t: Type): boolean {
  return MAP_TYPES.has(t.getSymbol()?.getName() ?? "");
}

const tagged = (fn: FunctionDeclaration, tag: string): boolean => fn.getJsDocs().some((d) => d.getTags().some((t) => t.getTagName() === tag));

/**
 * Whether a call at `node` must inline `callee` (true), must not (false), or is left to the
 * size heuristic (undefined). A contradiction is a diagnostic.
 */
export function inlineRequirement(callee: FunctionDeclaration, node: Node, f: FunctionLowerer, recursive: boolean): boolean | undefined {
  const name = callee.getName() ?? "default";
  const inline = tagged(callee, "inline");
  const noinline = tagged(callee, "noinline");
  const mapParam = callee.getParameters().find((p) => isMapType(p.getType()));
  if (inline && noinline) f.fail(callee, Code.Unsupported, `function '${name}' is marked both @inline and @noinline`, "keep one of the two tags");
  if ((inline || (mapParam && !noinline)) && recursive) {
    f.fail(node, Code.Recursion, `'${name}' ${inline ? "is marked @inline" : `takes map '${mapParam!.getName()}' (such functions are inlined)`} and calls itself; an inlined function cannot be recursive`, "BPF forbids recursion; rewrite it as a bounded loop");
  }
  if (noinline) return false;
  if (inline || mapParam) return true;
  return undefined;
}

/**
 * The operand passing `v` (the argument `a`) to a subprogram parameter that is not an integer,
 * boolean or function: the context and references pass as pointers. Anything else is refused
 * with the reason.
 */
export function pointerArgument(x: ExprLowerer, v: Value, a: Node): Operand {
  switch (v.kind) {
    case "ctx":
      return reg(v.reg);
    case "ptr":
      return reg(x.address(v));
    case "map":
      return x.f.fail(a, Code.UnsupportedType, "a map can only be passed to a function that is inlined; this call is to a subprogram", "call the function directly by name (functions taking maps are inlined at each call)");
    case "void":
      return x.f.fail(a, Code.UnsupportedType, "this expression has no value to pass");
    default:
      return x.f.fail(a, Code.UnsupportedType, `a ${v.kind} cannot be passed here`);
  }
}

/**
 * After a call that passed the context, the callee may have moved the packet (adjustHead/Tail),
 * which leaves every packet pointer stale: the caller reloads data/data_end, as after the helper.
 */
export function reloadPacketBounds(f: FunctionLowerer, params: readonly Type[]): void {
  const pkt = f.packet;
  if (!pkt || !params.some(isContextType)) return;
  f.b.emit({ op: "load", dst: pkt.data, base: pkt.ctx, off: 0, size: 4, line: f.b.line });
  f.b.emit({ op: "load", dst: pkt.dataEnd, base: pkt.ctx, off: 4, size: 4, line: f.b.line });
}

/**
 * A call of subprogram `name` (not inlined by the size heuristic): arguments in registers, map
 * arguments by specialisation (the callee `name__map` loads the map itself; the register gets
 * 0), then the packet bounds reloaded when the context was passed. A packet header passed to a
 * parameter the callee indexes at run time needs data_end there, which only inlining gives it:
 * such a call is inlined (or, for @noinline, one diagnostic).
 */
export function lowerSubprogramCall(x: ExprLowerer, name: string, fn: FunctionDeclaration, args: readonly Node[], node: Node): Value {
  const params = fn.getParameters();
  const types = params.map((p) => p.getType());
  const values = args.map((a, i) => x.lower(a, types[i] ? intTypeOf(types[i]!) : undefined));
  const indexed = runtimeIndexedParams(fn);
  const packetArg = values.findIndex((v, i) => v.kind === "ptr" && v.space === "packet" && indexed.has(i));
  if (packetArg >= 0) {
    const param = params[packetArg]!.getName();
    if (tagged(fn, "noinline") || x.f.isRecursive(fn)) {
      return x.f.fail(args[packetArg]!, Code.UnsupportedType, `'${fn.getName()}' indexes '${param}' at run time, and this call passes a packet header: the index needs the packet's end, which a subprogram does not have`, "drop @noinline so it is inlined here, or pass the context and take the header with ctx.header inside");
    }
    return x.f.inline(fn, values, node);
  }
  const maps = new Map<number, MapDecl>();
  const ops = values.map((v, i): Operand => {
    const a = args[i]!;
    const t = types[i];
    if (t && isMapType(t)) {
      if (v.kind !== "map") return x.f.fail(a, Code.UnsupportedType, "expected a map here");
      // An inner map (a map-in-map lookup) exists only at run time: nothing to specialise on.
      if (v.nullable) return x.f.fail(a, Code.UnsupportedType, `an inner map looked up at run time cannot be passed to @noinline '${fn.getName()}'`, "drop @noinline so the function is inlined for it");
      maps.set(i, v.decl);
      return imm(0);
    }
    const pt = t ? intTypeOf(t) : undefined;
    if (v.kind === "int") return pt ? x.convert(v, pt, a).op : v.op;
    if (v.kind === "bool") return v.op;
    if (v.kind === "fn") {
      const want = t ? x.f.signatureOf(t, a) : v.sig;
      if (want !== v.sig) x.f.fail(a, Code.UnsupportedType, `a function of type ${v.sig} is passed where ${want} is expected`, "every function reachable through one call must take and return the same types");
      return reg(v.reg);
    }
    return pointerArgument(x, v, a);
  });
  let callee = name;
  if (maps.size > 0) {
    callee = `${name}__${[...maps.values()].map((m) => m.name).join("__")}`;
    if (!x.f.module.specialisations.has(callee)) x.f.module.specialisations.set(callee, { fn, maps });
  }
  const r = x.f.b.call({ kind: "func", name: callee }, ops, !fn.getReturnType().isVoid());
  reloadPacketBounds(x.f, types);
  return x.result(fn.getReturnType(), r);
}

/** The parameters `fn` indexes with a run-time index (`p.arr[i]`, `p[i]`), by position. */
function runtimeIndexedParams(fn: FunctionDeclaration): Set<number> {
  const params = fn.getParameters().map((p) => p.compilerNode as object);
  const out = new Set<number>();
  fn.getBody()?.forEachDescendant((d) => {
    if (!Node.isElementAccessExpression(d)) return;
    const arg = d.getArgumentExpression();
    if (!arg || Node.isNumericLiteral(arg)) return;
    let root: Node = d.getExpression();
    while (Node.isPropertyAccessExpression(root) || Node.isElementAccessExpression(root) || Node.isNonNullExpression(root) || Node.isParenthesizedExpression(root)) root = root.getExpression();
    const decl = Node.isIdentifier(root) ? root.getSymbol()?.getValueDeclaration() : undefined;
    const at = decl ? params.indexOf(decl.compilerNode) : -1;
    if (at >= 0) out.add(at);
  });
  return out;
}
