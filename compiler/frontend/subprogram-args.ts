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
 * A call of subprogram `name` (not inlined): arguments in registers, map arguments by
 * specialisation (the callee `name__map` loads the map itself; the register gets 0), then the
 * packet bounds reloaded when the context was passed.
 */
export function lowerSubprogramCall(x: ExprLowerer, name: string, fn: FunctionDeclaration, args: readonly Node[], node: Node): Value {
  const params = fn.getParameters();
  const types = params.map((p) => p.getType());
  const maps = new Map<number, MapDecl>();
  const ops = args.map((a, i) => {
    if (!types[i] || !isMapType(types[i]!)) return x.arguments([a], [types[i]!])[0]!;
    const v = x.lower(a);
    if (v.kind !== "map") return x.f.fail(a, Code.UnsupportedType, "expected a map here");
    // An inner map (a map-in-map lookup) exists only at run time: nothing to specialise on.
    if (v.nullable) return x.f.fail(a, Code.UnsupportedType, `an inner map looked up at run time cannot be passed to @noinline '${fn.getName()}'`, "drop @noinline so the function is inlined for it");
    maps.set(i, v.decl);
    return imm(0);
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
