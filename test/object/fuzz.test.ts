// Bad input never crashes: random byte flips, truncations and splices of the reference
// objects go through the whole reading path (ELF, BTF, .BTF.ext, disassembly, BTF dump).
// Each either works or fails with one located ObjectFormatError; the CLI prints such a
// failure as one line with exit status 1, never a stack trace.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dumpBtf } from "../../runtime/object/btf/index.js";
import { layoutElf } from "../../runtime/object/elf/writer.js";
import { readElf } from "../../runtime/object/elf/reader.js";
import { ObjectFormatError } from "../../runtime/object/format-error.js";
import { readObject } from "../../runtime/object/object-file.js";
import { renderObjdump } from "../../cli/objdump.js";
import { referenceObjects } from "../support/shared.js";
import { tsbpf } from "../support/cli.js";

const originals = referenceObjects().map((p) => new Uint8Array(readFileSync(p)));
const full = { sectionHeaders: true, symbols: true, disassemble: true, relocations: true, source: true };

/** Byte ranges of the parsed structure in each original: ELF header, section table, and the sections we decode. */
const hotRanges = originals.map((bytes) => {
  const elf = readElf(bytes);
  const layout = layoutElf(elf);
  const ranges: [number, number][] = [[0, 64], [layout.shoff, layout.fileSize]];
  elf.sections.forEach((s, i) => {
    if ([".BTF", ".BTF.ext", ".symtab", ".strtab"].includes(s.name) || s.name.startsWith(".rel") || (s.flags & 4n) !== 0n) {
      ranges.push([Number(layout.offsets[i]), Number(layout.offsets[i]! + BigInt(s.data.length))]);
    }
  });
  return ranges.filter(([a, b]) => b > a);
});

/** A corruption of one reference object: flips (mostly inside parsed structure), a truncation, or both. */
const arbCorruption = fc
  .record({
    which: fc.nat(),
    flips: fc.array(fc.record({ hot: fc.boolean(), range: fc.nat(), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 0, maxLength: 6 }),
    // One case in five is truncated: a cut almost always breaks the section table at the end.
    cut: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.nat(), weight: 1 }),
  })
  .filter((c) => c.flips.length > 0 || c.cut !== undefined)
  .map(({ which, flips, cut }) => {
    const index = which % originals.length;
    const src = originals[index]!;
    const bytes = src.slice(0, cut === undefined ? src.length : cut % (src.length + 1));
    for (const f of flips) {
      if (bytes.length === 0) break;
      const ranges = hotRanges[index]!;
      const [a, b] = ranges[f.range % ranges.length]!;
      const at = f.hot ? a + (f.at % (b - a)) : f.at;
      bytes[at % bytes.length]! ^= f.xor;
    }
    return bytes;
  });

function readEverything(bytes: Uint8Array): string {
  const obj = readObject(bytes);
  return renderObjdump("fuzz.o", obj.elf, obj.btfExt, full) + (obj.btf ? dumpBtf(obj.btf) : "");
}

describe.skipIf(originals.length === 0)("fuzzing the object reader", () => {
  it("12,000 corrupted objects: output or one located ObjectFormatError", () => {
    let rejected = 0;
    fc.assert(
      fc.property(arbCorruption, (bytes) => {
        try {
          readEverything(bytes);
        } catch (e) {
          if (!(e instanceof ObjectFormatError)) throw e;
          expect(e.message).toMatch(/^[^\n]+\+0x[0-9a-f]+: [^\n]+$/);
          rejected++;
        }
      }),
      { numRuns: 12_000, seed: 4242 },
    );
    // Most single-byte flips land in DWARF or padding and are harmless; enough must hit parsed structure.
    console.log(`[fuzz] ${rejected} of 12000 corrupted objects rejected`);
    expect(rejected).toBeGreaterThan(3_000);
    expect(rejected).toBeLessThan(11_000);
  });

  it("the CLI reports corrupt objects in one line with exit status 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-fuzz-"));
    const samples = fc.sample(arbCorruption, { numRuns: 400, seed: 7 });
    let shown = 0;
    for (const bytes of samples) {
      let bad = false;
      try {
        readEverything(bytes);
      } catch {
        bad = true;
      }
      if (!bad || shown >= 12) continue;
      const file = join(dir, `bad${shown++}.o`);
      writeFileSync(file, bytes);
      for (const cmd of ["objdump", "btf"]) {
        const r = tsbpf([cmd, file]);
        if (r.status === 0) continue; // `btf` may not touch the broken part
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`^tsbpf: error: ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: [^\\n]+\\n$`));
      }
    }
    expect(shown).toBe(12);
  });
});
