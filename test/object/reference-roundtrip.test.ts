// Read then write back every clang-19 reference object through the models (instructions
// decoded and re-encoded, BTF and .BTF.ext regenerated, ELF laid out anew): code and data
// bytes, disassembly and BTF dump equal the original's, and in fact every byte does.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { dumpBtf } from "../../runtime/object/btf/index.js";
import { SHF_ALLOC, SHF_EXECINSTR } from "../../runtime/object/elf/constants.js";
import { readObject, writeObject } from "../../runtime/object/object-file.js";
import { renderObjdump } from "../../cli/objdump.js";
import { referenceObjects } from "../support/shared.js";

const objects = referenceObjects();
const full = { sectionHeaders: true, symbols: true, disassemble: true, relocations: true, source: true };

describe.skipIf(objects.length === 0)("reference objects: read → write back", () => {
  it.each(objects.map((o) => [basename(o), o]))("%s", (name, path) => {
    const original = new Uint8Array(readFileSync(path));
    const before = readObject(original);
    const written = writeObject(before);
    const after = readObject(written);

    for (const [i, s] of before.elf.sections.entries()) {
      if ((s.flags & (SHF_ALLOC | SHF_EXECINSTR)) === 0n) continue;
      const t = after.elf.sections[i]!;
      expect(t.name).toBe(s.name);
      expect(t.size).toBe(s.size);
      expect(Buffer.from(t.data).equals(Buffer.from(s.data))).toBe(true);
    }
    expect(renderObjdump(name, after.elf, after.btfExt, full)).toBe(renderObjdump(name, before.elf, before.btfExt, full));
    expect(dumpBtf(after.btf!)).toBe(dumpBtf(before.btf!));
    expect(after.btfExt).toEqual(before.btfExt);
    expect(Buffer.from(written).equals(Buffer.from(original))).toBe(true);
  });
});
