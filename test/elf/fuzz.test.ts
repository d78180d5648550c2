// Property tests over mangled objects (reference objects plus the buildElf
// fixture): random byte flips (biased toward the ELF header and the section
// header table), random truncations and random splices of one object into
// another; code section sizes that are not whole instructions; code relocations pointing at
// any symbol index. readElf must return or throw ObjectFormatError — nothing else; a
// model it returns must write (or be refused with ObjectFormatError), and the
// written file must read back and rewrite to the same bytes.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, test } from "vitest";
import { buildElf } from "../../runtime/object/elf/build.js";
import { ObjectFormatError } from "../../runtime/object/format-error.js";
import { readElf } from "../../runtime/object/elf/reader.js";
import { writeElf } from "../../runtime/object/elf/writer.js";
import type { ElfFile } from "../../runtime/object/elf/types.js";
import { codeRelocationSymbols, codeSections, symbolCount, withSectionSize, withU32 } from "../support/elf-patch.js";
import { referenceObjects } from "../support/shared.js";
import { sampleSpec } from "./fixture.js";

const corpus: Uint8Array[] = [
  writeElf(buildElf(sampleSpec)),
  ...referenceObjects().map((p) => new Uint8Array(readFileSync(p))),
];
if (corpus.length === 1) console.warn("[tsbpf tests] ELF fuzzing uses only the built fixture: no reference objects in ../shared");

/**
 * Runs `f`, returning undefined when it throws a one-line ObjectFormatError;
 * any other exception propagates.
 */
function unlessFormatError<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ObjectFormatError)) throw e;
    if (/[\n\r]/.test(e.message)) throw new Error(`multi-line message: ${JSON.stringify(e.message)}`);
    return undefined;
  }
}

function check(bytes: Uint8Array): void {
  const file: ElfFile | undefined = unlessFormatError(() => readElf(bytes));
  if (!file) return;
  const written = unlessFormatError(() => writeElf(file));
  if (!written) return;
  const rewritten = writeElf(readElf(written));
  if (!Buffer.from(rewritten).equals(Buffer.from(written))) throw new Error("write(read(written)) differs from written");
}

const sectionTableStart = (b: Uint8Array): number => {
  const shoff = new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(40, true);
  return shoff < BigInt(b.length) ? Number(shoff) : 0;
};

/** A position in `b`: in the ELF header, in the section header table, or anywhere. */
function position(b: Uint8Array, region: number, r: number): number {
  if (region === 0) return r % 64;
  if (region === 1) {
    const start = sectionTableStart(b);
    return start + (r % (b.length - start));
  }
  return r % b.length;
}

const object = fc.nat({ max: corpus.length - 1 });
const edit = fc.record({ region: fc.nat({ max: 2 }), at: fc.nat(), value: fc.nat({ max: 255 }), xor: fc.boolean() });

describe("readElf never fails except with ObjectFormatError", () => {
  test("random byte flips (6,000 cases)", () => {
    fc.assert(
      fc.property(object, fc.array(edit, { minLength: 1, maxLength: 6 }), (which, edits) => {
        const bytes = corpus[which]!.slice();
        for (const e of edits) {
          const at = position(bytes, e.region, e.at);
          bytes[at] = e.xor ? bytes[at]! ^ (1 << e.value % 8) : e.value;
        }
        check(bytes);
      }),
      { numRuns: 6000 },
    );
  });

  test("random truncations (2,000 cases)", () => {
    fc.assert(
      fc.property(object, fc.nat(), (which, keep) => {
        const source = corpus[which]!;
        check(source.slice(0, keep % (source.length + 1)));
      }),
      { numRuns: 2000 },
    );
  });

  test("code sections of any size (2,000 cases)", () => {
    const withCode = corpus.filter((b) => codeSections(b).length > 0);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: -64, max: 64 }), (which, section, delta) => {
        const bytes = withCode[which % withCode.length]!;
        const sections = codeSections(bytes);
        const s = sections[section % sections.length]!;
        check(withSectionSize(bytes, s.index, Math.max(0, s.size + delta)));
      }),
      { numRuns: 2000 },
    );
  });

  test("code relocations against any symbol index (2,000 cases)", () => {
    const withRelocs = corpus.filter((b) => codeRelocationSymbols(b).length > 0);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (which, reloc, symbol) => {
        const bytes = withRelocs[which % withRelocs.length]!;
        const sites = codeRelocationSymbols(bytes);
        check(withU32(bytes, sites[reloc % sites.length]!, symbol % (symbolCount(bytes) + 3)));
      }),
      { numRuns: 2000 },
    );
  });

  test("random splices of one object into another (3,000 cases)", () => {
    fc.assert(
      fc.property(
        object,
        object,
        fc.record({ at: fc.nat(), removed: fc.nat({ max: 512 }), from: fc.nat(), length: fc.nat({ max: 512 }) }),
        (target, donor, s) => {
          const base = corpus[target]!;
          const other = corpus[donor]!;
          const at = s.at % (base.length + 1);
          const from = s.from % (other.length + 1);
          const piece = other.subarray(from, from + s.length);
          const bytes = new Uint8Array(at + piece.length + Math.max(0, base.length - at - s.removed));
          bytes.set(base.subarray(0, at), 0);
          bytes.set(piece, at);
          bytes.set(base.subarray(at + s.removed), at + piece.length);
          check(bytes);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
