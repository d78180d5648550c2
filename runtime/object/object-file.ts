// An object file read into its three layers (the ELF container, the .BTF type graph and
// the .BTF.ext records) and written back from them. Pure and deterministic; every
// malformation is an ObjectFormatError.

import { decodeProgram, encodeProgram, InstructionDecodeError } from "../isa/index.js";
import { readBtf, type LoadedBtf } from "./btf/reader.js";
import { writeBtf, writeBtfAndExt } from "./btf/writer.js";
import { SHF_EXECINSTR, SHT_NOBITS } from "./elf/constants.js";
import { writeElf } from "./elf/writer.js";
import { readBtfExt } from "./btf/ext-reader.js";
import type { BtfExt } from "./btf/ext-types.js";
import { readElf } from "./elf/reader.js";
import { findSection } from "./elf/query.js";
import type { ElfFile, ElfSection } from "./elf/types.js";
import { ObjectFormatError } from "./format-error.js";

export interface ObjectFile {
  readonly elf: ElfFile;
  readonly btf?: LoadedBtf;
  readonly btfExt?: BtfExt;
}

export function readObject(bytes: Uint8Array): ObjectFile {
  const elf = readElf(bytes);
  // Code is whole instructions: the linker, the verifier and the loaders count slots of 8 bytes.
  for (const s of elf.sections) {
    if ((s.flags & SHF_EXECINSTR) !== 0n && s.type !== SHT_NOBITS && s.data.length % 8 !== 0) {
      throw new ObjectFormatError({ section: s.name, offset: s.data.length - (s.data.length % 8) }, `code section of ${s.data.length} bytes: not a whole number of 8-byte instructions`);
    }
  }
  const btfSection = findSection(elf, ".BTF")?.section;
  const extSection = findSection(elf, ".BTF.ext")?.section;
  if (!btfSection) {
    if (extSection) throw new ObjectFormatError({ section: ".BTF.ext", offset: 0 }, ".BTF.ext is present but .BTF, whose strings it uses, is not");
    return { elf };
  }
  const btf = readBtf(btfSection.data);
  if (!extSection) return { elf, btf };
  return { elf, btf, btfExt: readBtfExt(extSection.data, btf) };
}

/**
 * Writes an object back from its models: code sections re-encoded from their decoded
 * instructions, .BTF and .BTF.ext regenerated from the type graph and records, the ELF
 * container laid out anew. Code that does not decode is kept as it was.
 */
export function writeObject(obj: ObjectFile): Uint8Array {
  const regenerated = obj.btf ? (obj.btfExt ? writeBtfAndExt(obj.btf, obj.btfExt) : { btf: writeBtf(obj.btf), ext: undefined }) : undefined;
  const sections = obj.elf.sections.map((s): ElfSection => {
    if (regenerated && s.name === ".BTF") return withData(s, regenerated.btf);
    if (regenerated?.ext && s.name === ".BTF.ext") return withData(s, regenerated.ext);
    if ((s.flags & SHF_EXECINSTR) !== 0n && s.type !== SHT_NOBITS) {
      try {
        return withData(s, encodeProgram(decodeProgram(s.data).map((d) => d.insn)));
      } catch (e) {
        if (!(e instanceof InstructionDecodeError)) throw e;
      }
    }
    return s;
  });
  return writeElf({ ...obj.elf, sections });
}

function withData(s: ElfSection, data: Uint8Array): ElfSection {
  return { ...s, data, size: BigInt(data.length) };
}
