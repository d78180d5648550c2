// The compiler never crashes: mutated example sources (deleted, duplicated and swapped
// lines, truncations, character edits, inserted unsupported constructs) produce an object
// or diagnostics — never any other exception.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { CompileError } from "../../compiler/diagnostics/diagnostic.js";
import { exampleFiles, examplesDir } from "../support/examples.js";

const sources = exampleFiles().map((f) => readFileSync(join(examplesDir, f), "utf8"));
const snippets = ["const f = () => 1;", 'const s = "x";', "let q: u32 = 1.5;", "while (true) {}", "for (;;) { break; }", "x = x + 1;", "return;", "{", "}", "if (", "ctx.header<u8>(ctx.length);", "const z = new ArrayMap<u32, u32>(0);", "throw 1;", "switch (1) { case 1: break; }", "do { } while (false);", "let a: u8 = 300; a++;", "const o = { a: 1 };"];

const arbMutation = fc.record({
  source: fc.nat(),
  kind: fc.constantFrom("delete", "duplicate", "swap", "truncate", "char", "insert"),
  a: fc.nat(),
  b: fc.nat(),
  ch: fc.constantFrom(";", "(", ")", "{", "}", "<", ">", "!", "0", "x", " ", ".", "=", "?"),
});

function mutate(m: { source: number; kind: string; a: number; b: number; ch: string }): string {
  const src = sources[m.source % sources.length]!;
  const lines = src.split("\n");
  const i = m.a % lines.length;
  const j = m.b % lines.length;
  switch (m.kind) {
    case "delete":
      lines.splice(i, 1);
      break;
    case "duplicate":
      lines.splice(i, 0, lines[i]!);
      break;
    case "swap":
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      break;
    case "truncate":
      return src.slice(0, m.a % (src.length + 1));
    case "char": {
      const at = m.a % (src.length + 1);
      return src.slice(0, at) + m.ch + src.slice(at + (m.b % 2));
    }
    case "insert":
      lines.splice(i, 0, snippets[m.b % snippets.length]!);
      break;
  }
  return lines.join("\n");
}

describe.skipIf(sources.length === 0)("compiler fuzz", () => {
  it("400 mutated examples give an object or diagnostics", () => {
    let diagnosed = 0;
    fc.assert(
      fc.property(arbMutation, (m) => {
        try {
          compileSource("/virtual/fuzz.ts", mutate(m), { displayName: "fuzz.ts" });
        } catch (e) {
          if (!(e instanceof CompileError)) throw e;
          expect(e.diagnostics.length).toBeGreaterThan(0);
          diagnosed++;
        }
      }),
      { numRuns: 400, seed: 55 },
    );
    expect(diagnosed).toBeGreaterThan(50);
  });
});
