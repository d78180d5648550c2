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
import { arbSourceMutation, mutateSource, type SourceMutation } from "../support/source-mutation.js";

const sources = exampleFiles().map((f) => readFileSync(join(examplesDir, f), "utf8"));
const snippets = ["const f = () => 1;", 'const s = "x";', "let q: u32 = 1.5;", "while (true) {}", "for (;;) { break; }", "x = x + 1;", "return;", "{", "}", "if (", "ctx.header<u8>(ctx.length);", "const z = new ArrayMap<u32, u32>(0);", "throw 1;", "switch (1) { case 1: break; }", "do { } while (false);", "let a: u8 = 300; a++;", "const o = { a: 1 };"];

const arbMutation = fc.record({
  source: fc.nat(),
  edit: arbSourceMutation(["delete", "duplicate", "swap", "truncate", "char", "insert"], [";", "(", ")", "{", "}", "<", ">", "!", "0", "x", " ", ".", "=", "?"]),
});

const mutate = (m: { source: number; edit: SourceMutation }): string => mutateSource(sources[m.source % sources.length]!, m.edit, snippets);

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
