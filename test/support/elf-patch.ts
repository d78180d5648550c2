// Raw edits of an ELF64 little-endian object for the corruption tests: where each section
// header and each relocation of a code section lies in the file, so a test can change a
// section's size or a relocation's symbol index in place (what a hand-corrupted file does).
export interface RawSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: bigint;
  /** File offset of the section's header. */
  readonly header: number;
  readonly offset: number;
  readonly size: number;
  readonly info: number;
}

const SHT_REL = 9;
const SHF_EXECINSTR = 4n;

export function rawSections(b: Uint8Array): RawSection[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(v.getBigUint64(0x28, true));
  const entsize = v.getUint16(0x3a, true);
  const count = v.getUint16(0x3c, true);
  const strndx = v.getUint16(0x3e, true);
  const strtab = Number(v.getBigUint64(shoff + strndx * entsize + 0x18, true));
  return Array.from({ length: count }, (_, index) => {
    const header = shoff + index * entsize;
    const nameAt = strtab + v.getUint32(header, true);
    const name = new TextDecoder().decode(b.subarray(nameAt, b.indexOf(0, nameAt)));
    return { index, name, type: v.getUint32(header + 4, true), flags: v.getBigUint64(header + 8, true), header, offset: Number(v.getBigUint64(header + 0x18, true)), size: Number(v.getBigUint64(header + 0x20, true)), info: v.getUint32(header + 0x2c, true) };
  });
}

/** Code sections (SHF_EXECINSTR) with some bytes. */
export const codeSections = (b: Uint8Array): RawSection[] => rawSections(b).filter((s) => (s.flags & SHF_EXECINSTR) !== 0n && s.size > 0);

/** A copy of `b` with section `index`'s sh_size set to `size`. */
export function withSectionSize(b: Uint8Array, index: number, size: number): Uint8Array {
  const out = b.slice();
  new DataView(out.buffer).setBigUint64(rawSections(b)[index]!.header + 0x20, BigInt(size), true);
  return out;
}

/** File offsets of the symbol index (the high half of r_info) of every relocation applying to a code section. */
export function codeRelocationSymbols(b: Uint8Array): number[] {
  const sections = rawSections(b);
  return sections
    .filter((s) => s.type === SHT_REL && (sections[s.info]?.flags ?? 0n) & SHF_EXECINSTR)
    .flatMap((s) => Array.from({ length: Math.floor(s.size / 16) }, (_, i) => s.offset + i * 16 + 12));
}

/** A copy of `b` with the u32 at `at` set to `value`. */
export function withU32(b: Uint8Array, at: number, value: number): Uint8Array {
  const out = b.slice();
  new DataView(out.buffer).setUint32(at, value >>> 0, true);
  return out;
}

/** The number of symbols in .symtab. */
export function symbolCount(b: Uint8Array): number {
  const s = rawSections(b).find((x) => x.name === ".symtab");
  return s ? Math.floor(s.size / 24) : 0;
}
