// What may cross a call into a subprogram, and when a call must be inlined instead. tsbpf's
// subprograms are static BPF functions, which Linux verifies in the caller's state: the
// context, packet references, map values and references to the caller's stack pass as they
// are (the callee reads data/data_end from the context itself to check packet bounds). A map
// has no run-time value a callee could be specialised on, so a function taking a map is
// inlined at each call (as C's macros over maps are); `@inline` forces inlining (C's
// __always_inline) and `@noinline` keeps a subprogram.

import { Node, type FunctionDeclaration, type Type } from "ts-morph";
import { reg } from "../ir/builder.js";
import type { Operand } from "../ir/ir.js";
import { Code } from "../diagnostics/codes.js";
import type { ExprLowerer } from "./lower-expr.js";
import type { FunctionLowerer } from "./lower-function.js";
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
  if (mapParam && noinline) {
    f.fail(mapParam, Code.UnsupportedType, `function '${name}' takes map '${mapParam.getName()}', so it is inlined at each call (specialised to the map passed); it cannot be @noinline`, "remove @noinline, or move the map use to the caller and pass the looked-up value");
  }
  if ((inline || mapParam) && recursive) {
    f.fail(node, Code.Recursion, `'${name}' ${inline ? "is marked @inline" : `takes map '${mapParam!.getName()}' (such functions are inlined)`} and calls itself; an inlined function cannot be recursive`, "BPF forbids recursion; rewrite it as a bounded loop");
  }
  if (inline || mapParam) return true;
  if (noinline) return false;
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
