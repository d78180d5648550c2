// Property test: random byte changes and truncations of real .BTF and .BTF.ext
// sections. The readers either return or throw ObjectFormatError, never anything
// else; whatever they accept dumps without throwing and survives write -> read.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ObjectFormatError } from "../../runtime/object/format-error.js";
import { dumpBtf } from "../../runtime/object/btf/dump.js";
import { readBtfExt } from "../../runtime/object/btf/ext-reader.js";
import { readBtf } from "../../runtime/object/btf/reader.js";
import { writeBtf, writeBtfAndExt } from "../../runtime/object/btf/writer.js";
import { referenceObjects } from "../support/shared.js";
import { requireTool } from "../support/tools.js";
import { everyKind, everyKindExt, tempDir } from "./fixtures.js";
import { btfSections } from "./sections.js";

const BTF_RUNS = 12000;
const EXT_RUNS = 8000;

/** The corpus: every reference object's sections, plus a built BTF using every kind. */
const corpus: { btf: Uint8Array; ext: Uint8Array }[] = referenceObjects().map((o) => {
  const s = btfSections(o);
  return { btf: s.btf, ext: s.ext! };
});
{
  const btf = everyKind();
  corpus.push(writeBtfAndExt(btf, everyKindExt(btf)));
}

const INTERESTING_U32 = [0, 1, 2, 3, 4, 7, 8, 12, 16, 24, 0x7f, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

interface Edit {
  at: number;
  mode: "set" | "xor" | "u32";
  value: number;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  // A quarter of the edits land in the first 64 bytes: headers and the first types.
  at: fc.oneof({ arbitrary: fc.nat({ max: 63 }), weight: 1 }, { arbitrary: fc.nat({ max: 1 << 16 }), weight: 3 }),
  mode: fc.constantFrom("set" as const, "xor" as const, "u32" as const),
  value: fc.nat({ max: 0xff }),
});

const mutation = fc.record({
  pick: fc.nat(),
  edits: fc.array(edit, { minLength: 0, maxLength: 4 }),
  truncate: fc.option(fc.nat({ max: 1 << 16 }), { freq: 4 }),
});

function mutate(bytes: Uint8Array, m: { edits: Edit[]; truncate: number | null }): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (const e of m.edits) {
    if (out.length === 0) break;
    const at = e.at % out.length;
    if (e.mode === "set") out[at] = e.value;
    else if (e.mode === "xor") out[at]! ^= e.value || 0x80;
    else {
      const aligned = Math.min(at - (at % 4), out.length - 4);
      if (aligned >= 0) view.setUint32(aligned, INTERESTING_U32[e.value % INTERESTING_U32.length]!, true);
    }
  }
  return m.truncate === null ? out : out.subarray(0, m.truncate % (out.length + 1));
}

/** Runs `fn`; returns its result, or undefined if it threw ObjectFormatError. */
function acceptOrFormatError<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ObjectFormatError) {
      expect(e.message).not.toContain("\n");
      return undefined;
    }
    throw e;
  }
}

describe("fuzzed BTF input", () => {
  const dir = tempDir();

  test(`.BTF: ${BTF_RUNS} mutated sections read or fail with ObjectFormatError`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        const entry = corpus[m.pick % corpus.length]!;
        const btf = acceptOrFormatError(() => readBtf(mutate(entry.btf, m)));
        if (!btf) return;
        accepted++;
        expect(typeof dumpBtf(btf)).toBe("string");
        expect(readBtf(writeBtf(btf)).types).toEqual(btf.types);
        // The unchanged .BTF.ext against a changed .BTF: still only ObjectFormatError.
        acceptOrFormatError(() => readBtfExt(entry.ext, btf));
      }),
      { numRuns: BTF_RUNS },
    );
    // Mutations that change only string bytes or unused values leave valid BTF.
    expect(accepted).toBeGreaterThan(BTF_RUNS / 20);
  });

  test(`.BTF.ext: ${EXT_RUNS} mutated sections read or fail with ObjectFormatError`, () => {
    const loaded = corpus.map((c) => readBtf(c.btf));
    let accepted = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        const i = m.pick % corpus.length;
        const btf = loaded[i]!;
        const ext = acceptOrFormatError(() => readBtfExt(mutate(corpus[i]!.ext, m), btf));
        if (!ext) return;
        accepted++;
        const written = writeBtfAndExt(btf, ext);
        const again = readBtf(written.btf);
        expect(again.types).toEqual(btf.types);
        expect(readBtfExt(written.ext, again)).toEqual(ext);
      }),
      { numRuns: EXT_RUNS },
    );
    expect(accepted).toBeGreaterThan(EXT_RUNS / 20);
  });

  test("accepted mutations dump exactly like bpftool", () => {
    const bpftool = requireTool("bpftool");
    if (!bpftool) return;
    let compared = 0;
    let refused = 0;
    for (const [n, m] of fc.sample(mutation, { numRuns: 4000, seed: 7 }).entries()) {
      if (compared === 200) break;
      const bytes = mutate(corpus[m.pick % corpus.length]!.btf, m);
      const btf = acceptOrFormatError(() => readBtf(bytes));
      if (!btf) continue;
      const file = join(dir, `m${n}.btf`);
      writeFileSync(file, bytes);
      let expected: string;
      try {
        expected = execFileSync(bpftool, ["btf", "dump", "file", file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      } catch {
        refused++; // libbpf refused what we accept; nothing to compare
        continue;
      }
      expect(dumpBtf(btf)).toBe(expected);
      compared++;
    }
    expect(compared).toBe(200);
    expect(refused).toBeLessThan(compared);
  });
});
