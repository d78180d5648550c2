// The front end under mutation, around the constructs that used to crash, hang or cascade:
// labels with break/continue label, folded boolean and ?: constants, enum-typed variables,
// scalar headers, `while (true)` left by returns, async functions, deep nesting and very long
// lines. Every mutated source gives an object or diagnostics of which one at least is located
// (every tsbpf diagnostic is), never another exception, and never takes long.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { CompileError } from "../../compiler/diagnostics/diagnostic.js";
import { arbSourceMutation, mutateSource, type SourceMutation } from "../support/source-mutation.js";

const BASE = `import { XdpAction, htons, type XdpContext, type u8, type be16, type u32 } from "tsbpf";
export const LICENSE = "GPL";
const DENY = true;
const HIT = DENY ? XdpAction.DROP : XdpAction.PASS;
const enum Mode { OFF = 0, ON = 1 }
function step(n: u32): u32 {
  let i: u32 = 0;
  while (true) {
    if (i * i >= n) return i;
    i++;
  }
}
export function prog(ctx: XdpContext): XdpAction {
  let action: XdpAction = XdpAction.PASS;
  let mode: Mode = Mode.ON;
  out: {
    const proto = ctx.header<be16>(12);
    if (!proto) break out;
    if (proto.value !== htons(0x0800)) break out;
    const ttl = ctx.header<u8>(22);
    if (!ttl) break out;
    scan: for (let i: u32 = 0; i < 4; i++) {
      for (let j: u32 = 0; j < 4; j++) {
        const b = ctx.header<u8>(30 + i * 4 + j);
        if (!b) break scan;
        if (b.value === 0xff) continue scan;
        if (b.value === ttl.value && mode === Mode.ON) action = HIT;
      }
    }
  }
  if (step(ctx.length) > 6) return XdpAction.TX;
  return action;
}
`;

const SNIPPETS = [
  "out: { break out; }",
  "lbl: while (true) { break lbl; }",
  "continue scan;",
  "break out;",
  "while (true) { if (ctx.length > 1) return XdpAction.DROP; }",
  "let k: u32 = 0; while (true) { k++; if (k === 0) return XdpAction.DROP; }",
  "async function later(): Promise<u32> { return 1; }",
  "function* gen() { yield 1; }",
  "const FLAG = !DENY && 3 > 2;",
  "const BAD = DENY ? 1.5 : 2;",
  "let e: XdpAction = HIT;",
  "const w = ctx.header<u32>(26); if (w && w.value === 1) return XdpAction.TX;",
  "const q = ctx.header<u8>(14); if (q === 6) return XdpAction.DROP;",
  `const deep: u32 = ${"(".repeat(300)}1${")".repeat(300)};`,
  `${"if (ctx.length > 1) {".repeat(260)}${"}".repeat(260)}`,
  `${" ".repeat(1100)}if (ctx.length > 100) return XdpAction.DROP;`,
  "await 1;",
  "let z: u32 = 1.5; z++;",
];

const arbMutation = arbSourceMutation(["delete", "duplicate", "swap", "char", "insert", "insert", "insert"], [";", "(", ")", "{", "}", ":", "!", "0", "x", " ", "?", "*"]);

const mutate = (m: SourceMutation): string => mutateSource(BASE, m, SNIPPETS);

describe("front-end fuzz", () => {
  it("the base program compiles", () => {
    expect(compileSource("/virtual/base.ts", BASE, { displayName: "base.ts" }).object.length).toBeGreaterThan(0);
  });

  it("150 mutations give an object or located diagnostics, each within 20 s", () => {
    let diagnosed = 0;
    let compiled = 0;
    fc.assert(
      fc.property(arbMutation, (m) => {
        const source = mutate(m);
        const start = performance.now();
        try {
          compileSource("/virtual/fuzz.ts", source, { displayName: "fuzz.ts" });
          compiled++;
        } catch (e) {
          if (!(e instanceof CompileError)) throw e;
          expect(e.diagnostics.length).toBeGreaterThan(0);
          expect(e.diagnostics.some((d) => d.span !== undefined)).toBe(true);
          for (const d of e.diagnostics) if (d.code >= 90000) expect(d.span, d.message).toBeDefined();
          diagnosed++;
        }
        expect(performance.now() - start).toBeLessThan(20_000);
      }),
      { numRuns: 150, seed: 11 },
    );
    expect(diagnosed).toBeGreaterThan(30);
    expect(compiled).toBeGreaterThan(10);
  });
});
