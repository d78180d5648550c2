// Misuse of the helpers and map kinds of issue 5 comes back as diagnostics in tsc's format:
// TypeScript's checker catches wrong keys, values and missing null checks through lib's
// declarations; the compiler adds the rules the types cannot express (inner maps the kernel
// would refuse, nullable csum operands, fib params in the packet, missing type arguments).
import { describe, expect, it } from "vitest";
import { diagnoseWith, xdpProgram } from "../support/diagnose.js";
import { formatDiagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { Code } from "../../compiler/diagnostics/codes.js";

const header = `import { ArrayMap, ArrayOfMaps, DevMap, HashMap, HashOfMaps, PerfEventArray, QueueMap, XdpAction, csumDiff, fibLookup, type FibLookupParams, type XdpContext, type u8, type u16, type u32, type u64 } from "tsbpf";\n`;

const diagnose = diagnoseWith(header);

const program = xdpProgram;
const inner = "const a = new ArrayMap<u32, u64>(4);\n";

describe("diagnostics of helpers and map kinds", () => {
  const cases: [string, string, number, RegExp][] = [
    ["an inner array of another size", program("", `${inner}const b = new ArrayMap<u32, u64>(8);\nconst outer = new ArrayOfMaps(2, a, { 0: a, 1: b });`), Code.BadMapDeclaration, /'b' cannot go into 'outer': it has 8 entries, the template 4/],
    ["an inner map of another type", program("", `${inner}const h = new HashMap<u32, u64>(4);\nconst outer = new ArrayOfMaps<ArrayMap<u32, u64> | HashMap<u32, u64>>(2, a, { 1: h });`), Code.BadMapDeclaration, /it is a HASH map, the template a ARRAY/],
    ["an inner map declared after the outer one", program("", `const outer = new ArrayOfMaps(2, late);\nconst late = new ArrayMap<u32, u64>(4);`), 2448, /used before its declaration/],
    ["a slot past the outer array", program("", `${inner}const outer = new ArrayOfMaps(2, a, { 5: a });`), Code.BadMapDeclaration, /0 <= N < 2/],
    ["initial slots of a hash of maps with a wide key", program("", `${inner}const outer = new HashOfMaps<u64, ArrayMap<u32, u64>>(2, a, { 1: a });`), Code.BadMapDeclaration, /initial slots fill u32 keys, but the key of 'outer' has 8 bytes/],
    ["an inner map with another value type", program("", `${inner}const c = new ArrayMap<u32, u32>(4);\nconst outer = new ArrayOfMaps(2, a, { 1: c });`), 2322, /not assignable/],
    ["a redirect map as inner map", program("", `const d = new DevMap(4);\nconst outer = new ArrayOfMaps(2, d);`), 2345, /not assignable/],
    ["an inner map used without a null check", program("  const t = outer.lookup(0);\n  t.lookup(1);", `${inner}const outer = new ArrayOfMaps(2, a, { 0: a });`), 18047, /possibly 'null'/],
    ["a queue value of the wrong type", program("  q.push(ctx);", "const q = new QueueMap<u32>(4);"), 2345, /not assignable/],
    ["a nullable csumDiff operand", program("  const h = ctx.header<Hdr>(0);\n  csumDiff(null, h);", "interface Hdr { x: u32 }"), Code.Unsupported, /may be null only as the literal `null`/],
    ["fib params in the packet", program("  const p = ctx.header<FibLookupParams>(0);\n  if (!p) return XdpAction.DROP;\n  fibLookup(ctx, p);"), Code.Unsupported, /cannot be in the packet/],
    ["loadBytes without a type argument", program("  const b = ctx.loadBytes(14);"), Code.Unsupported, /loadBytes takes a type argument/],
    ["ctx.adjustMeta, which Linux 6.18.44 refuses for XDP", program("  ctx.adjustMeta(-8);"), Code.Unsupported, /Linux 6\.18\.44 does not let XDP programs call bpf_xdp_adjust_meta/],
    ["too many packet bytes after a perf record", program("  events.output(ctx, ctx.length, 1 << 21);", "const events = new PerfEventArray(4);"), Code.Unsupported, /at most 2\^20 - 1 packet bytes/],
  ];

  it.each(cases)("reports %s", (_name, source, code, message) => {
    const ds = diagnose(source);
    const d = ds.find((x) => x.code === code);
    expect(d, JSON.stringify(ds.map((x) => [x.code, x.message]))).toBeDefined();
    expect(d!.message).toMatch(message);
    const text = formatDiagnostic(d!);
    expect(text).toMatch(new RegExp(`^prog\\.ts:\\d+:\\d+ - error TS${code}: `));
    expect(text).toContain("~");
  });
});
