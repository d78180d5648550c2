// Parses `llvm-readelf-19 -S -s -r --wide` output into plain records, and
// renders our model the same way, so tests compare the two field by field.
// Invariant: only the columns llvm-readelf prints are produced; numbers stay
// as the lowercase hex / decimal text it prints, so a mismatch reads like the tool's output.
import { layoutElf } from "../../runtime/object/elf/writer.js";
import {
  relocationTypeName,
  sectionTypeName,
  symbolBindName,
  symbolDisplayName,
  symbolTypeName,
} from "../../runtime/object/elf/query.js";
import { SHN_ABS, SHN_UNDEF, SHT_REL, SYMBOL_VISIBILITY_NAMES } from "../../runtime/object/elf/constants.js";
import type { ElfFile } from "../../runtime/object/elf/types.js";

export interface SectionRow {
  index: number;
  name: string;
  type: string;
  offset: string;
  size: string;
  entsize: string;
  flags: string;
  link: number;
  info: number;
  align: number;
}
export interface SymbolRow {
  index: number;
  value: string;
  size: string;
  type: string;
  bind: string;
  vis: string;
  ndx: string;
  name: string;
}
export interface RelocationRow {
  offset: string;
  info: string;
  type: string;
  symbolValue: string;
  symbolName: string;
}
export interface ReadelfDump {
  sections: SectionRow[];
  symbols: SymbolRow[];
  /** Keyed by relocation section name; `offset` is its file offset in hex. */
  relocations: Map<string, { offset: string; rows: RelocationRow[] }>;
}

const FLAG_LETTERS: [bigint, string][] = [
  [0x1n, "W"],
  [0x2n, "A"],
  [0x4n, "X"],
  [0x10n, "M"],
  [0x20n, "S"],
  [0x40n, "I"],
  [0x80n, "L"],
  [0x100n, "O"],
  [0x200n, "G"],
  [0x400n, "T"],
  [0x800n, "C"],
  [0x80000000n, "E"],
];

const sortLetters = (s: string): string => [...s].sort().join("");
const hex = (v: bigint | number, width: number): string => v.toString(16).padStart(width, "0");

export function parseReadelf(text: string): ReadelfDump {
  const dump: ReadelfDump = { sections: [], symbols: [], relocations: new Map() };
  let rows: RelocationRow[] | undefined;
  for (const line of text.split("\n")) {
    const sec = /^\s*\[\s*(\d+)\]\s(.*)$/.exec(line);
    if (sec) {
      const tokens = sec[2]!.trim().split(/\s+/);
      const addr = tokens.findIndex((t) => /^[0-9a-f]{16}$/.test(t));
      const head = tokens.slice(0, addr);
      const tail = tokens.slice(addr + 1);
      const hasFlags = tail.length === 7;
      dump.sections.push({
        index: Number(sec[1]),
        name: head.length === 2 ? head[0]! : "",
        type: head[head.length - 1]!,
        offset: tail[0]!,
        size: tail[1]!,
        entsize: tail[2]!,
        flags: hasFlags ? sortLetters(tail[3]!) : "",
        link: Number(tail[hasFlags ? 4 : 3]),
        info: Number(tail[hasFlags ? 5 : 4]),
        align: Number(tail[hasFlags ? 6 : 5]),
      });
      continue;
    }
    const relHead = /^Relocation section '(.*)' at offset 0x([0-9a-f]+) contains/.exec(line);
    if (relHead) {
      rows = [];
      dump.relocations.set(relHead[1]!, { offset: relHead[2]!, rows });
      continue;
    }
    const rel = /^([0-9a-f]{16})\s+([0-9a-f]{16})\s+(\S+)\s*([0-9a-f]{16})?\s*(.*)$/.exec(line);
    if (rel && rows) {
      rows.push({ offset: rel[1]!, info: rel[2]!, type: rel[3]!, symbolValue: rel[4] ?? "", symbolName: rel[5]!.trim() });
      continue;
    }
    const sym = /^\s*(\d+):\s+([0-9a-f]{16})\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s?(.*)$/.exec(line);
    if (sym) {
      rows = undefined;
      dump.symbols.push({
        index: Number(sym[1]),
        value: sym[2]!,
        size: sym[3]!,
        type: sym[4]!,
        bind: sym[5]!,
        vis: sym[6]!,
        ndx: sym[7]!,
        name: sym[8]!,
      });
    }
  }
  return dump;
}

/** Our model rendered as the rows llvm-readelf would print for it once written. */
export function renderModel(file: ElfFile): ReadelfDump {
  const layout = layoutElf(file);
  const sections: SectionRow[] = file.sections.map((s, i) => ({
    index: i,
    name: s.name,
    type: sectionTypeName(s.type),
    offset: hex(layout.offsets[i]!, 6),
    size: hex(layout.sizes[i]!, 6),
    entsize: hex(s.entsize, 2),
    flags: sortLetters(FLAG_LETTERS.filter(([bit]) => (s.flags & bit) !== 0n).map(([, l]) => l).join("")),
    link: s.link,
    info: s.info,
    align: Number(s.addralign),
  }));
  const symbols: SymbolRow[] = file.symbols.map((s, i) => ({
    index: i,
    value: hex(s.value, 16),
    size: s.size.toString(),
    type: symbolTypeName(s.type),
    bind: symbolBindName(s.bind),
    vis: SYMBOL_VISIBILITY_NAMES.get(s.other & 3)!,
    ndx: s.shndx === SHN_UNDEF ? "UND" : s.shndx === SHN_ABS ? "ABS" : String(s.shndx),
    name: symbolDisplayName(file, i),
  }));
  const relocations: ReadelfDump["relocations"] = new Map();
  file.sections.forEach((s, i) => {
    const entries = file.relocations.get(s.info);
    if (s.type !== SHT_REL || !entries) return;
    relocations.set(s.name, {
      offset: layout.offsets[i]!.toString(16),
      rows: entries.map((r) => ({
        offset: hex(r.offset, 16),
        info: hex((BigInt(r.symbol) << 32n) | BigInt(r.type), 16),
        type: relocationTypeName(r.type),
        symbolValue: r.symbol === 0 ? "" : hex(file.symbols[r.symbol]!.value, 16),
        symbolName: r.symbol === 0 ? "" : symbolDisplayName(file, r.symbol),
      })),
    });
  });
  return { sections, symbols, relocations };
}
