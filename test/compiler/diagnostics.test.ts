// The compiler never crashes on bad programs: unsupported constructs and type errors come
// back as diagnostics in tsc's format (file:line:col, an error code, a code frame, a hint).
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { diagnoseWith, xdpProgram } from "../support/diagnose.js";
import { formatDiagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { Code } from "../../compiler/diagnostics/codes.js";

const header = `import { XdpAction, ArrayMap, type XdpContext, type u8, type u16, type u32, type u64 } from "tsbpf";\n`;

const diagnose = diagnoseWith(header);

const program = xdpProgram;

describe("compiler diagnostics", () => {
  const cases: [string, string, number, RegExp][] = [
    ["a closure", program("  const f = () => 1;"), Code.Closure, /closures are not supported/],
    ["a string", program('  const s = "x";'), Code.StringNotSupported, /strings are not supported/],
    ["a float", program("  const x: u32 = 1.5;"), Code.FloatNotSupported, /not an integer/],
    ["mixed widths", program("  const a: u32 = 1; const b: u64 = 2; const c = a + b;"), Code.MixedWidths, /mixing u32 and u64 needs an explicit conversion/],
    ["an unbounded loop", program("  while (true) { }"), Code.UnboundedLoop, /never ends/],
    ["recursion", program("  f(1);", "function f(n: u32): u32 { return n === 0 ? 0 : f(n - 1); }"), Code.Recursion, /calls itself/],
    ["six arguments", program("  g(1, 2, 3, 4, 5, 6);", "function g(a: u32, b: u32, c: u32, d: u32, e: u32, f: u32): u32 { return a; }"), Code.TooManyArguments, /at most 5/],
    ["a class", `class C { x = 1; }\n${program("")}`, Code.Unsupported, /classes are not supported/],
    ["no program", "const x = 1;\n", Code.NoPrograms, /defines no program/],
    ["a big stack", program("  const a: Big = { x0: 1 } as Big;", "interface Big { x0: u64; x1: u64; x2: u64; x3: u64; x4: u64; x5: u64; x6: u64; x7: u64; x8: u64; x9: u64; x10: u64; x11: u64; x12: u64; x13: u64; x14: u64; x15: u64; x16: u64; x17: u64; x18: u64; x19: u64; x20: u64; x21: u64; x22: u64; x23: u64; x24: u64; x25: u64; x26: u64; x27: u64; x28: u64; x29: u64; x30: u64; x31: u64; x32: u64; x33: u64; x34: u64; x35: u64; x36: u64; x37: u64; x38: u64; x39: u64; x40: u64; x41: u64; x42: u64; x43: u64; x44: u64; x45: u64; x46: u64; x47: u64; x48: u64; x49: u64; x50: u64; x51: u64; x52: u64; x53: u64; x54: u64; x55: u64; x56: u64; x57: u64; x58: u64; x59: u64; x60: u64; x61: u64; x62: u64; x63: u64; x64: u64 }"), Code.StackTooLarge, /bytes of stack/],
    ["an array literal", program("  const xs = [1, 2, 3];"), Code.Unsupported, /dynamic allocation/],
    ["allocation with new", program("  const m = new ArrayMap<u32, u32>(4);"), Code.Unsupported, /dynamic allocation/],
    ["JavaScript's library", program("  const m = new Map<u32, u32>();"), 2583, /Cannot find name 'Map'/],
    ["a TypeScript type error", program("  const a: u16 = 1; const b: u32 = a;"), 2322, /not assignable/],
    ["a missing null check", program("  const eth = ctx.header<Hdr>(0);\n  const p = eth.x;", "interface Hdr { x: u8 }"), 18047, /possibly 'null'/],
  ];

  it.each(cases)("reports %s", (_name, source, code, message) => {
    const ds = diagnose(source);
    expect(ds.length).toBeGreaterThan(0);
    const d = ds.find((x) => x.code === code);
    expect(d, JSON.stringify(ds.map((x) => [x.code, x.message]))).toBeDefined();
    expect(d!.message).toMatch(message);
    const text = formatDiagnostic(d!);
    expect(text).toMatch(new RegExp(`^prog\\.ts:\\d+:\\d+ - error TS${code}: `));
    expect(text).toContain("~");
  });

  it("is deterministic: the same source gives a byte-identical object", () => {
    const src = header + program("  const eth = ctx.header<Hdr>(0);\n  if (!eth) return XdpAction.DROP;", "interface Hdr { x: u8 }");
    const a = compileSource("/virtual/a.ts", src, { displayName: "a.ts" }).object;
    const b = compileSource("/virtual/a.ts", src, { displayName: "a.ts" }).object;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});
