// Diagnostics at the cause and only there: a refused declaration or statement poisons what
// uses it (no follow-on TS90003 "cannot be used here", no TS90302 for a return that was
// refused), the end of a function is blamed only when a path reaches it, async functions and
// generators are refused once at the function, nesting too deep for the parser is a located
// TS90004 (never a stack overflow), statements past column 1023 keep their line in line_info,
// and compile-time evaluation of a counting loop is bounded.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { Code } from "../../compiler/diagnostics/codes.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { diagnoseWith, xdpProgram } from "../support/diagnose.js";
import { bpftool, bpftoolJson, kernelAccess, pinDir } from "../support/kernel.js";

const header = `import { XdpAction, ArrayMap, type XdpContext, type u8, type be16, type u32, type u64 } from "tsbpf";\n`;
const diagnose = diagnoseWith(header);
const summary = (ds: readonly { code: number; message: string; span?: { line: number } }[]): string => JSON.stringify(ds.map((d) => [d.code, d.span?.line, d.message]));

describe("one diagnostic per cause", () => {
  const cases: [string, string, number, number][] = [
    // [name, source, the code, its line in the source (header is line 1)]
    ["a refused initialiser, then the variable used, assigned and incremented", xdpProgram("  let x: u32 = 1.5;\n  x = x + 1;\n  x++;\n  if (x > 3) return XdpAction.DROP;"), Code.FloatNotSupported, 4],
    ["a refused return value at the end of a function", xdpProgram("  const n = last(ctx.length);", "function last(n: u32): u32 {\n  return [n, 1][0]!;\n}"), Code.Unsupported, 3],
    ["a refused module constant, then used", `const LIMIT = 1.5;\n${xdpProgram("  if (ctx.length > LIMIT) return XdpAction.DROP;")}`, Code.NotConstant, 2],
    ["a refused map, then used", `const m = new ArrayMap<u32, u32>(ctx0());\nfunction ctx0(): u32 { return 4; }\n${xdpProgram("  const v = m.lookup(0);\n  if (v) v.value++;")}`, Code.BadMapDeclaration, 2],
    ["an async function, then called", xdpProgram("  f(1);", "async function f(x: u32): Promise<u32> { return x; }"), Code.Unsupported, 2],
    ["a generator (TypeScript's own complaint about IterableIterator has no location)", xdpProgram("", "function* g() { yield 1; }"), Code.Unsupported, 2],
    ["an async arrow function", xdpProgram("  const f = async () => 1;"), Code.Unsupported, 4],
    ["header<boolean>, refused at the call, then tested", xdpProgram("  const f = ctx.header<boolean>(14);\n  if (f) return XdpAction.DROP;"), Code.UnsupportedType, 4],
    ["a refused statement in a function inlined at two calls", xdpProgram("  const a = f(1);\n  const b = f(2);", "function f(n: u32): u32 { const s = [n]; return n; }"), Code.Unsupported, 2],
    ["an async program", "export async function prog(ctx: XdpContext): Promise<XdpAction> { return XdpAction.PASS; }\n", Code.Unsupported, 2],
  ];

  it.each(cases)("%s", (_name, source, code, line) => {
    const ds = diagnose(source);
    expect(ds.length, summary(ds)).toBe(1);
    expect(ds[0]!.code, summary(ds)).toBe(code);
    expect(ds[0]!.span?.line, summary(ds)).toBe(line);
  });
});

describe("a missing return only where a path reaches the end", () => {
  const compiles: [string, string][] = [
    ["while (true) left only by returns", "export function prog(ctx: XdpContext): XdpAction {\n  let i: u32 = 0;\n  while (true) {\n    i++;\n    if (i > ctx.length) return XdpAction.DROP;\n  }\n}\n"],
    ["for (;;) left by a return in a nested block", "export function prog(ctx: XdpContext): XdpAction {\n  for (let i: u32 = 0; ; i++) {\n    { if (i === 40) return XdpAction.PASS; }\n  }\n}\n"],
    ["if/else that both return", "export function prog(ctx: XdpContext): XdpAction {\n  if (ctx.length > 60) { return XdpAction.DROP; } else { return XdpAction.PASS; }\n}\n"],
    ["a switch whose default returns", "export function prog(ctx: XdpContext): XdpAction {\n  switch (ctx.length) {\n    case 60: return XdpAction.DROP;\n    default: return XdpAction.PASS;\n  }\n}\n"],
    ["an inlined helper that loops until it returns", "function find(n: u32): u32 {\n  let i: u32 = 0;\n  while (true) { if (i * i >= n) return i; i++; }\n}\nexport function prog(ctx: XdpContext): XdpAction {\n  return find(ctx.length) > 7 ? XdpAction.DROP : XdpAction.PASS;\n}\n"],
  ];
  it.each(compiles)("%s compiles", (_name, source) => {
    expect(summary(diagnose(source))).toBe("[]");
  });
});

describe("front-end constructs from xdp-filter", () => {
  it("folds boolean, comparison, logical and ?: module constants as TypeScript evaluates them", () => {
    const constants = "const DENY = true;\nconst FIVE = 5;\nconst ZERO = 0;\nconst OR = ZERO || FIVE;\nconst AND = FIVE && ZERO;\nconst HIT = DENY ? XdpAction.DROP : XdpAction.PASS;\nconst CMP = FIVE > 3 && !DENY;\n";
    // The expected values: JavaScript's own evaluation of the same initialisers (XdpAction.DROP is 1, PASS 2).
    const js = new Function(`${constants.replace("XdpAction.DROP", "1").replace("XdpAction.PASS", "2")}return [OR, AND, HIT, CMP];`)() as [number, number, number, boolean];
    const [OR, AND, HIT, CMP] = js;
    const source = `${constants}let out: u32 = 0;\n${xdpProgram(
      "  out = OR * 1000 + AND * 100 + HIT * 10 + (CMP ? 1 : 0);\n  if (DENY) return HIT;",
    )}`;
    const { object } = compileSource("/virtual/fold.ts", header + source, { displayName: "fold.ts" });
    const vm = loadObject(object);
    expect(runXdp(vm, "prog", new Uint8Array(64)).retval).toBe(HIT);
    const word = vm.maps.get(".bss")!.userLookup(new Uint8Array(4)) as Uint8Array;
    expect(new DataView(word.buffer, word.byteOffset).getUint32(0, true)).toBe(OR * 1000 + AND * 100 + HIT * 10 + (CMP ? 1 : 0));
  });

  it("types an enum variable as C does: u32 when no member is negative, i32 when one is", () => {
    const source = `const enum Sign { NEG = -1, ZERO = 0, POS = 1 }\n${xdpProgram("  let a: XdpAction = XdpAction.PASS;\n  let s: Sign = Sign.NEG;\n  if (ctx.length > 100) a = XdpAction.DROP;\n  if (s < 0) return a;")}`;
    const { object } = compileSource("/virtual/enum.ts", header + source, { displayName: "enum.ts" });
    const vm = loadObject(object);
    // s < 0 holds only when Sign is signed (as C's enum with a negative member is int).
    expect(runXdp(vm, "prog", new Uint8Array(64)).retval).toBe(2);
    expect(runXdp(vm, "prog", new Uint8Array(128)).retval).toBe(1);
  });

  it("refuses break to a label that names no loop for continue, at the continue", () => {
    const ds = diagnose(xdpProgram("  out: {\n    for (let i: u32 = 0; i < 4; i++) { if (i === ctx.length) continue out; }\n  }"));
    // TypeScript refuses it first (TS1115), at the continue.
    expect(ds.map((d) => [d.code, d.span?.line])).toEqual([[1115, 5]]);
  });

  it("a scalar header is a { value } reference: comparing it as a number is a type error at the comparison", () => {
    const ds = diagnose(xdpProgram("  const p = ctx.header<u8>(14);\n  if (!p) return XdpAction.PASS;\n  if (p === 6) return XdpAction.DROP;"));
    expect(ds.map((d) => [d.code, d.span?.line])).toEqual([[2367, 6]]);
  });
});

describe("bounds on the compiler itself", () => {
  const nested = (n: number): string => `export function prog(ctx: XdpContext): XdpAction {\n${"  if (ctx.length > 1) {\n".repeat(n)}  return XdpAction.DROP;\n${"  }\n".repeat(n)}  return XdpAction.PASS;\n}\n`;

  it("254 nested ifs compile; 1,000 are TS90004 at the bracket past clang's limit of 256", () => {
    expect(summary(diagnose(nested(254)))).toBe("[]");
    const ds = diagnose(nested(1000));
    // The function's brace is the first bracket; the 256th if's parenthesis is the 257th open one.
    expect(ds.map((d) => [d.code, d.span?.line, d.span?.column])).toEqual([[Code.TooDeep, 258, 6]]);
  });

  it("5,000 nested parentheses are TS90004 at the 257th", () => {
    const ds = diagnose(`export function prog(ctx: XdpContext): XdpAction {\n  const x: u32 = ${"(".repeat(5000)}ctx.length${")".repeat(5000)};\n  return x > 5 ? XdpAction.DROP : XdpAction.PASS;\n}\n`);
    expect(ds.map((d) => [d.code, d.span?.line, d.span?.column])).toEqual([[Code.TooDeep, 3, 18 + 255]]);
  });

  it("an else-if chain too long for TypeScript's parser is TS90004 at its end, and the next compile works", () => {
    const chain = Array.from({ length: 6000 }, (_, i) => `  ${i ? "else " : ""}if (n === ${i}) return XdpAction.DROP;\n`).join("");
    const ds = diagnose(`export function prog(ctx: XdpContext): XdpAction {\n  const n = ctx.length;\n${chain}  return XdpAction.PASS;\n}\n`);
    expect(ds.length, summary(ds)).toBe(1);
    expect(ds[0]!.code).toBe(Code.TooDeep);
    expect(ds[0]!.span!.line).toBeGreaterThan(3000);
    expect(summary(diagnose(nested(3)))).toBe("[]");
  });

  it("a counting loop is not unrolled at compile time (was over 400 s)", () => {
    const start = performance.now();
    compileSource("/virtual/count.ts", header + "export function prog(ctx: XdpContext): XdpAction {\n  let i: u32 = 0;\n  while (true) { i++; if (i === 0) return XdpAction.DROP; }\n}\n", { displayName: "count.ts" });
    expect(performance.now() - start).toBeLessThan(20_000);
  });
});

const k = kernelAccess();

describe.skipIf(!k)("a statement past column 1023", () => {
  it("keeps its line in line_info, with the column clamped to 1023 (line_col's 10 bits), in the kernel", () => {
    const source = `${header}export function prog(ctx: XdpContext): XdpAction {\n${" ".repeat(1100)}if (ctx.length > 100) return XdpAction.DROP;\n  return XdpAction.PASS;\n}\n`;
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-col-"));
    const pins = pinDir("tsbpf-col");
    try {
      writeFileSync(join(dir, "col.o"), compileSource("/virtual/col.ts", source, { displayName: "col.ts" }).object);
      bpftool(k!, ["prog", "load", join(dir, "col.o"), `${pins.dir}/p`]);
      const xlated = bpftoolJson<{ src?: string; line_num?: number; line_col?: number }[]>(k!, ["prog", "dump", "xlated", "pinned", `${pins.dir}/p`, "linum"]);
      const lines = xlated.filter((i) => i.src !== undefined).map((i) => [i.line_num, i.line_col, i.src]);
      expect(lines).toContainEqual([3, 1023, "if (ctx.length > 100) return XdpAction.DROP;"]);
      expect(lines).toContainEqual([4, 3, "return XdpAction.PASS;"]);
    } finally {
      pins.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
