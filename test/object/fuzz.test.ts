// Bad input never crashes: random byte flips, truncations and splices of the reference
// objects go through the whole reading path (ELF, BTF, .BTF.ext, disassembly, BTF dump).
// Each either works or fails with one located ObjectFormatError; the CLI prints such a
// failure as one line with exit status 1, never a stack trace. Two classes that used to crash
// the linker get their own cases through verify and the VM's loader too: code sections whose
// size is not a whole number of instructions, and call relocations against any symbol.
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
import { verifyObject } from "../../runtime/verifier/index.js";
import { VmLoadError } from "../../runtime/vm/errors.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { codeRelocationSymbols, codeSections, symbolCount, withSectionSize, withU32 } from "../support/elf-patch.js";
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

/** Reads, verifies and loads into the VM: each step works or fails with one located ObjectFormatError (the VM may also refuse with VmLoadError). */
function linkEverything(bytes: Uint8Array): "ok" | string {
  try {
    readEverything(bytes);
    verifyObject(bytes, { target: "vm" });
    loadObject(bytes, { cpus: 1 });
    return "ok";
  } catch (e) {
    if (e instanceof VmLoadError) return e.message;
    if (!(e instanceof ObjectFormatError)) throw e;
    expect(e.message).toMatch(/^[^\n]+\+0x[0-9a-f]+: [^\n]+$/);
    return e.message;
  }
}

describe.skipIf(originals.length === 0)("code sections and call relocations through the linker", () => {
  it("a code section of any size that is not a multiple of 8: one located error", () => {
    let cases = 0;
    for (const bytes of originals) {
      for (const s of codeSections(bytes)) {
        for (const delta of [-7, -5, -3, -1, 1, 2, 3, 4, 5, 6, 7]) {
          if (s.size + delta <= 0) continue;
          const r = linkEverything(withSectionSize(bytes, s.index, s.size + delta));
          // Growing past the next section may be caught earlier (as overlapping data), never later.
          expect(r).not.toBe("ok");
          cases++;
        }
      }
    }
    console.log(`[fuzz] ${cases} code sections with a partial instruction, each refused`);
    expect(cases).toBeGreaterThan(100);
  });

  it("2,000 code relocations against any symbol index: works or one located error", () => {
    const withRelocs = originals.filter((b) => codeRelocationSymbols(b).length > 0);
    expect(withRelocs.length).toBeGreaterThan(0);
    let refused = 0;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (which, reloc, symbol) => {
        const bytes = withRelocs[which % withRelocs.length]!;
        const sites = codeRelocationSymbols(bytes);
        const r = linkEverything(withU32(bytes, sites[reloc % sites.length]!, symbol % (symbolCount(bytes) + 3)));
        if (r !== "ok") refused++;
      }),
      { numRuns: 2_000, seed: 6956 },
    );
    console.log(`[fuzz] ${refused} of 2000 objects with a retargeted code relocation refused`);
    expect(refused).toBeGreaterThan(0);
  });

  it("the CLI: callx.o with a 57-byte xdp section, xdp_calls.o calling the FILE symbol: one line, exit status 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-fuzz-"));
    const byName = (n: string): Uint8Array => originals[referenceObjects().findIndex((p) => p.endsWith(`/${n}`))]!;
    const callx = byName("callx.o");
    const xdp = codeSections(callx).find((s) => s.name === "xdp")!;
    expect(xdp.size).toBe(56);
    const calls = byName("xdp_calls.o");
    // The u32 at file offset 6956: the symbol index of the call relocation in .relxdp (symbol 1 is the FILE symbol).
    expect(codeRelocationSymbols(calls)).toContain(6956);
    const frame = join(dir, "frame.bin");
    writeFileSync(frame, new Uint8Array(64));
    const cases: [string, Uint8Array, string, RegExp][] = [
      ["partial.o", withSectionSize(callx, xdp.index, 57), "xdp_callx", /xdp\+0x38: code section of 57 bytes: not a whole number of 8-byte instructions$/],
      ["file-call.o", withU32(calls, 6956, 1), "xdp_calls", /xdp\+0x88: call relocated against symbol #1 'xdp_calls\.c', which is not in a code section$/],
    ];
    for (const [name, bytes, prog, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      for (const args of [["verify", file], ["run", file, "--prog", prog, "--data-in", frame], ["load", file, "--pin", join(dir, "pins")]]) {
        const r = tsbpf(args);
        expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(1);
        expect(r.stderr.split("\n").filter((l) => l !== "")).toHaveLength(1);
        expect(r.stderr.trim()).toMatch(new RegExp(`^tsbpf: error: ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: `));
        expect(r.stderr.trim()).toMatch(message);
      }
    }
  });
});
