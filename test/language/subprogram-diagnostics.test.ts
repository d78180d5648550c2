// What stays refused around calls is one diagnostic at the place to fix: an inner map passed
// to a @noinline function taking a map, a packet header indexed at run time by a @noinline
// callee, recursion through @inline or a map parameter, contradictory tags, a reference result. No follow-on errors after a failed declaration or
// an abandoned `return` (no false "can reach its end").
import { describe, expect, it } from "vitest";
import { Code } from "../../compiler/diagnostics/codes.js";
import { diagnoseWith } from "../support/diagnose.js";

const diagnose = diagnoseWith(`import { ArrayMap, ArrayOfMaps, XdpAction, u32, type XdpContext, type u64 } from "tsbpf";
import type { EthHdr, IPv4Hdr } from "tsbpf/net";
const a = new ArrayMap<u32, u64>(4);
const b = new ArrayMap<u32, u64>(4);
`);

const summary = (body: string) => diagnose(body).map((d) => ({ code: d.code, line: d.span?.line, message: d.message }));

describe("refused calls: one diagnostic each", () => {
  it("an inner map (looked up at run time) passed to a @noinline function taking a map", () => {
    expect(summary(`const outer = new ArrayOfMaps(2, a, { 0: a });
/** @noinline */
function bump(m: ArrayMap<u32, u64>, k: u32): void { const v = m.lookup(k); if (v) v.value += 1; }
export function prog(ctx: XdpContext): XdpAction { const m = outer.lookup(0); if (m) bump(m, 1); return XdpAction.PASS; }
`)).toEqual([{ code: Code.UnsupportedType, line: 8, message: "an inner map looked up at run time cannot be passed to @noinline 'bump'" }]);
  });

  it("a packet header passed to a @noinline function that indexes it at run time", () => {
    expect(summary(`/** @noinline */
function byte(eth: EthHdr, i: u32): u32 { if (i >= 6) return 0; return u32(eth.src[i]); }
export function prog(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return XdpAction.PASS;
  return byte(eth, ctx.length & 7) === 2 ? XdpAction.DROP : XdpAction.PASS;
}
`)).toEqual([{ code: Code.UnsupportedType, line: 10, message: "'byte' indexes 'eth' at run time, and this call passes a packet header: the index needs the packet's end, which a subprogram does not have" }]);
  });

  it("@inline recursion", () => {
    expect(summary(`/** @inline */
function f(n: u32): u32 { return n === 0 ? 0 : f(n - 1) + 1; }
export function prog(ctx: XdpContext): XdpAction { return f(ctx.length) === 3 ? XdpAction.DROP : XdpAction.PASS; }
`)).toEqual([{ code: Code.Recursion, line: 6, message: "'f' is marked @inline and calls itself; an inlined function cannot be recursive" }]);
  });

  it("recursion through a map parameter", () => {
    expect(summary(`function walk(m: ArrayMap<u32, u64>, k: u32): u32 { return k === 0 ? 0 : walk(m, k - 1); }
export function prog(ctx: XdpContext): XdpAction { return walk(a, 3) === 1 ? XdpAction.DROP : XdpAction.PASS; }
`)).toEqual([{ code: Code.Recursion, line: 5, message: "'walk' takes map 'm' (such functions are inlined) and calls itself; an inlined function cannot be recursive" }]);
  });

  it("both @inline and @noinline", () => {
    expect(summary(`/** @inline @noinline */
function g(n: u32): u32 { return n + 1; }
export function prog(ctx: XdpContext): XdpAction { return g(ctx.length) === 3 ? XdpAction.DROP : XdpAction.PASS; }
`)).toEqual([{ code: Code.Unsupported, line: 6, message: "function 'g' is marked both @inline and @noinline" }]);
  });

  it("a reference result from a subprogram", () => {
    expect(summary(`/** @noinline */
function ip(ctx: XdpContext): IPv4Hdr | null { return ctx.header<IPv4Hdr>(14); }
export function prog(ctx: XdpContext): XdpAction { return ip(ctx) ? XdpAction.DROP : XdpAction.PASS; }
`).map((d) => [d.code, d.line])).toEqual([[Code.UnsupportedType, 6]]);
  });

  it("a variable whose declaration failed is not reported again where it is used", () => {
    expect(summary(`export function prog(ctx: XdpContext): XdpAction {
  const f = () => 1;
  const g = f;
  return f() === 1 ? XdpAction.DROP : XdpAction.PASS;
}
`).map((d) => [d.code, d.line])).toEqual([[Code.Closure, 6]]);
  });

  it("an abandoned return is not also a missing return", () => {
    expect(summary(`export function prog(ctx: XdpContext): XdpAction {
  return (() => 1)() === 1 ? XdpAction.DROP : XdpAction.PASS;
}
`).map((d) => d.code)).toEqual([Code.Closure]);
  });
});
