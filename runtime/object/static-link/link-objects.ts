// The static linker: BPF ELF objects combined into one, with libbpf's linker semantics
// (`bpftool gen object OUT A B ...`): sections of the same name concatenated in input
// order (each input's part aligned), static symbols kept per object, global symbols
// resolved by name (strong over weak over extern, two strong definitions an error naming
// both objects, weak maps merged only when their definitions agree), relocations moved
// with their sections (and the immediates of relocations against section symbols moved
// by the target's offset, as libbpf does), license/version sections kept once when equal,
// BTF merged and deduplicated, .BTF.ext records moved with their code. Deterministic.

import type { BtfExt, ExtSection } from "../btf/ext-types.js";
import type { Btf, TypeId } from "../btf/types.js";
import { typeById } from "../btf/types.js";
import {
  ET_REL,
  REL_SIZE,
  SHF_EXECINSTR,
  SHF_INFO_LINK,
  SHN_ABS,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHT_NOBITS,
  SHT_NULL,
  SHT_REL,
  SHT_STRTAB,
  SHT_SYMTAB,
  STB_GLOBAL,
  STB_LOCAL,
  STB_WEAK,
  STT_FILE,
  STT_SECTION,
  SYM_SIZE,
} from "../elf/constants.js";
import type { ElfFile, ElfRelocation, ElfSection, ElfSymbol } from "../elf/types.js";
import { writeElf } from "../elf/writer.js";
import { writeBtf, writeBtfAndExt } from "../btf/writer.js";
import { mergeBtf, type BtfPiece } from "./btf-merge.js";
import { StaticLinkError } from "./errors.js";

/** What the linker reads of an object (an ObjectFile is one). */
export interface LinkObject {
  readonly elf: ElfFile;
  readonly btf?: Btf;
  readonly btfExt?: BtfExt;
}

export interface LinkInput {
  /** Shown in diagnostics (the file name). */
  readonly name: string;
  readonly obj: LinkObject;
  /** Input section name → output section name (the chain moves XDP programs into .text). */
  readonly renameSections?: ReadonlyMap<string, string>;
}

const outName = (input: LinkInput, name: string): string => input.renameSections?.get(name) ?? name;

/** Sections the linker regenerates or drops (debug info is not carried, as libbpf does not). */
function skipped(s: ElfSection): boolean {
  return s.type === SHT_NULL || s.type === SHT_SYMTAB || s.type === SHT_STRTAB || s.type === SHT_REL || s.name === ".BTF" || s.name === ".BTF.ext" || s.name.startsWith(".debug") || s.type === 0x6fff4c03 || s.size === 0n;
}

/** Sections kept once and required identical, as libbpf's linker does. */
const SINGLETON = new Set(["license", "version"]);

interface OutSection {
  section: ElfSection;
  chunks: Uint8Array[];
  size: number;
  align: number;
}

interface GlobalDef {
  outIndex: number;
  input: number;
  defined: boolean;
  weak: boolean;
  /** Output-numbered BTF type of the definition's VAR (maps), for the compatibility check. */
  varType?: TypeId;
}

const align = (n: number, a: number): number => (a <= 1 ? n : Math.ceil(n / a) * a);

/** Links the inputs into one relocatable object's bytes. */
export function linkObjects(inputs: readonly LinkInput[]): Uint8Array {
  if (inputs.length === 0) throw new StaticLinkError("no input objects");
  // 1. Lay out the output sections: each input's part at its aligned offset.
  const out = new Map<string, OutSection>();
  const base: Map<number, number>[] = []; // per input: input section index → offset in its output section
  const singletonFrom = new Map<string, number>();
  inputs.forEach((input, ii) => {
    const { name, obj } = input;
    const b = new Map<number, number>();
    obj.elf.sections.forEach((inSec, si) => {
      if (skipped(inSec)) return;
      const s = { ...inSec, name: outName(input, inSec.name) };
      const o = out.get(s.name);
      if (SINGLETON.has(s.name) && o) {
        const first = o.chunks[0]!;
        if (first.length !== s.data.length || first.some((x, i) => x !== s.data[i])) {
          throw new StaticLinkError(`${name}: section '${s.name}' differs from ${inputs[singletonFrom.get(s.name)!]!.name}'s; non-identical contents of '${s.name}' cannot be linked`);
        }
        b.set(si, 0);
        return;
      }
      if (o && (o.section.type !== s.type || o.section.flags !== s.flags)) {
        throw new StaticLinkError(`${name}: section '${s.name}' has type ${s.type}/flags 0x${s.flags.toString(16)}, other inputs 0x${o.section.flags.toString(16)}/${o.section.type}`);
      }
      const a = Math.max(1, Number(s.addralign));
      const sec = o ?? { section: s, chunks: [], size: 0, align: 1 };
      const at = align(sec.size, a);
      if (s.type !== SHT_NOBITS && at > sec.size) sec.chunks.push(new Uint8Array(at - sec.size));
      if (s.type !== SHT_NOBITS) sec.chunks.push(s.data);
      sec.size = at + Number(s.size);
      sec.align = Math.max(sec.align, a);
      b.set(si, at);
      if (!o) {
        out.set(s.name, sec);
        if (SINGLETON.has(s.name)) singletonFrom.set(s.name, ii);
      }
    });
    base.push(b);
  });

  // Output section table: null, .strtab, sections (each followed by its .rel), .symtab, .BTF, .BTF.ext.
  const names = [...out.keys()];
  const sections: ElfSection[] = [blank("", SHT_NULL, 1), blank(".strtab", SHT_STRTAB, 1)];
  const outIndex = new Map<string, number>();
  const datas = new Map<string, Uint8Array>();
  for (const n of names) {
    const o = out.get(n)!;
    const data = o.section.type === SHT_NOBITS ? new Uint8Array(0) : concat(o.chunks, o.size);
    datas.set(n, data);
    outIndex.set(n, sections.length);
    sections.push({ ...o.section, data, size: BigInt(o.size), addralign: BigInt(o.align), link: 0, info: 0 });
  }

  // 2. BTF: merged first, so map definitions can be compared by type.
  const sectionSizes = new Map(names.map((n) => [n, out.get(n)!.size]));
  const symbols: ElfSymbol[] = [{ name: "", value: 0n, size: 0n, bind: STB_LOCAL, type: 0, other: 0, shndx: SHN_UNDEF }];
  const locals: ElfSymbol[] = [];
  const globals: ElfSymbol[] = [];
  const globalDefs = new Map<string, GlobalDef>();
  const dropped: Set<TypeId>[] = inputs.map(() => new Set());
  // Resolve globals before BTF (the losers' VARs leave the DATASECs).
  const varOf = inputs.map(({ obj }) => varsByName(obj.btf));
  const winners: (GlobalDef | undefined)[][] = inputs.map(() => []);
  inputs.forEach(({ name, obj }, ii) => {
    obj.elf.symbols.forEach((sym, idx) => {
      if (idx === 0 || sym.bind === STB_LOCAL) return;
      const defined = sym.shndx !== SHN_UNDEF;
      const weak = sym.bind === STB_WEAK;
      const prev = globalDefs.get(sym.name);
      const secName = defined && sym.shndx < SHN_LORESERVE ? obj.elf.sections[sym.shndx]!.name : undefined;
      if (secName && SINGLETON.has(secName) && prev) {
        winners[ii]![idx] = prev;
        return;
      }
      if (!prev) {
        const g: GlobalDef = { outIndex: globals.length, input: ii, defined, weak };
        globals.push(placed(sym, ii));
        globalDefs.set(sym.name, g);
        winners[ii]![idx] = g;
        return;
      }
      winners[ii]![idx] = prev;
      if (!defined) return;
      const prevName = inputs[prev.input]!.name;
      if (prev.defined && !prev.weak && !weak) {
        throw new StaticLinkError(`global '${sym.name}' is defined in both ${prevName} and ${name} (two strong definitions; make one extern or __weak)`);
      }
      if (secName === ".maps" && prev.defined) {
        const a = varOf[prev.input]!.get(sym.name);
        const b = varOf[ii]!.get(sym.name);
        const sa = a === undefined ? "" : typeShape(inputs[prev.input]!.obj.btf!, a.type);
        const sb = b === undefined ? "" : typeShape(obj.btf!, b.type);
        if (sa !== sb) throw new StaticLinkError(`map '${sym.name}' is defined differently in ${prevName} and ${name}`);
      }
      const loserVar = (input: number): void => {
        const v = varOf[input]!.get(sym.name);
        if (v) dropped[input]!.add(v.id);
      };
      if (!prev.defined || (prev.weak && !weak)) {
        // This definition wins: the global now points here.
        if (prev.defined) loserVar(prev.input);
        globals[prev.outIndex] = placed(sym, ii);
        prev.defined = true;
        prev.weak = weak;
        prev.input = ii;
      } else {
        loserVar(ii);
      }
    });
  });

  function placed(sym: ElfSymbol, ii: number): ElfSymbol {
    if (sym.shndx === SHN_UNDEF || sym.shndx >= SHN_LORESERVE) return { ...sym };
    const secName = outName(inputs[ii]!, inputs[ii]!.obj.elf.sections[sym.shndx]!.name);
    const oi = outIndex.get(secName);
    if (oi === undefined) return { ...sym, shndx: SHN_UNDEF };
    return { ...sym, shndx: oi, value: sym.value + BigInt(base[ii]!.get(sym.shndx) ?? 0) };
  }

  const pieces: BtfPiece[] = inputs.map(({ obj }, ii) => ({
    btf: obj.btf ?? { types: [] },
    sectionBase: new Map([...base[ii]!].map(([si, off]) => [outName(inputs[ii]!, obj.elf.sections[si]!.name), off])),
    droppedVars: dropped[ii]!,
    // A kept-once section's variables come from its first input only.
    skipSections: new Set([...SINGLETON].filter((n) => singletonFrom.has(n) && singletonFrom.get(n) !== ii)),
  }));
  const anyBtf = inputs.some((i) => i.obj.btf);
  const merged = anyBtf ? mergeBtf(pieces, sectionSizes, names) : undefined;

  // 3. Local symbols: each input's FILE, its static symbols; one section symbol per output section.
  const sectionSym = new Map<number, number>(); // out section index → local position
  const localMap: Map<number, number>[] = inputs.map(() => new Map());
  inputs.forEach((input, ii) => {
    const { obj } = input;
    obj.elf.symbols.forEach((sym, idx) => {
      if (idx === 0 || sym.bind !== STB_LOCAL) return;
      if (sym.type === STT_SECTION) {
        const inName = obj.elf.sections[sym.shndx]?.name;
        const secName = inName === undefined ? undefined : outName(input, inName);
        const oi = secName === undefined ? undefined : outIndex.get(secName);
        if (oi === undefined) return;
        if (!sectionSym.has(oi)) {
          sectionSym.set(oi, locals.length);
          locals.push({ name: "", value: 0n, size: 0n, bind: STB_LOCAL, type: STT_SECTION, other: 0, shndx: oi });
        }
        localMap[ii]!.set(idx, sectionSym.get(oi)!);
        return;
      }
      if (sym.type !== STT_FILE && sym.shndx !== SHN_ABS && sym.shndx < SHN_LORESERVE && !outIndex.has(outName(input, obj.elf.sections[sym.shndx]?.name ?? "\0"))) return;
      localMap[ii]!.set(idx, locals.length);
      locals.push(sym.type === STT_FILE ? { ...sym } : placed(sym, ii));
    });
  });
  symbols.push(...locals, ...globals);
  const firstGlobal = 1 + locals.length;
  const symIndex = (ii: number, idx: number): number | undefined => {
    const l = localMap[ii]!.get(idx);
    if (l !== undefined) return 1 + l;
    const g = winners[ii]![idx];
    return g === undefined ? undefined : firstGlobal + g.outIndex;
  };

  // 4. Relocations moved with their sections.
  const relocations = new Map<number, ElfRelocation[]>();
  inputs.forEach((input, ii) => {
    const { name, obj } = input;
    for (const [target, rels] of obj.elf.relocations) {
      const t = { ...obj.elf.sections[target]!, name: outName(input, obj.elf.sections[target]!.name) };
      if (skipped(t) || SINGLETON.has(t.name)) continue;
      const oi = outIndex.get(t.name)!;
      const off = base[ii]!.get(target)!;
      const list = relocations.get(oi) ?? [];
      const data = datas.get(t.name)!;
      for (const r of rels) {
        const sym = obj.elf.symbols[r.symbol]!;
        const s = symIndex(ii, r.symbol);
        if (s === undefined) throw new StaticLinkError(`${name}: relocation at ${t.name}+0x${r.offset.toString(16)} refers to symbol #${r.symbol}, which has no place in the output`);
        const at = Number(r.offset) + off;
        if (sym.type === STT_SECTION) {
          if ((t.flags & SHF_EXECINSTR) === 0n) throw new StaticLinkError(`${name}: relocation against a section symbol in non-code section '${t.name}' is not supported (libbpf refuses it too)`);
          const symBase = base[ii]!.get(sym.shndx) ?? 0;
          const view = new DataView(data.buffer, data.byteOffset);
          const isCall = data[at] === 0x85;
          view.setInt32(at + 4, view.getInt32(at + 4, true) + (isCall ? symBase / 8 : symBase), true);
        }
        list.push({ offset: BigInt(at), type: r.type, symbol: s });
      }
      relocations.set(oi, list);
    }
  });
  const withRel: ElfSection[] = [];
  const finalIndex = new Map<number, number>();
  sections.forEach((s, i) => {
    finalIndex.set(i, withRel.length);
    withRel.push(s);
    if (relocations.has(i) && (relocations.get(i)!.length > 0)) withRel.push({ ...blank(`.rel${s.name}`, SHT_REL, 8), flags: SHF_INFO_LINK, entsize: BigInt(REL_SIZE), info: i });
  });
  const symtabIndex = withRel.length;
  withRel.push({ ...blank(".symtab", SHT_SYMTAB, 8), entsize: BigInt(SYM_SIZE), link: 1, info: firstGlobal });
  // Indices moved by the .rel sections: fix section links, symbols and the relocation map.
  for (const s of withRel) if (s.type === SHT_REL) ((s.info = finalIndex.get(s.info)!), (s.link = symtabIndex));
  for (const s of symbols) if (s.shndx !== SHN_UNDEF && s.shndx < SHN_LORESERVE) s.shndx = finalIndex.get(s.shndx)!;
  const finalRelocs = new Map<number, ElfRelocation[]>();
  for (const [i, l] of relocations) if (l.length > 0) finalRelocs.set(finalIndex.get(i)!, l);

  if (merged) {
    const ext = mergeExt(inputs, base, merged.idMaps, names);
    const hasExt = ext.funcInfo.length + ext.lineInfo.length + ext.coreRelos.length > 0;
    const bytes = hasExt ? writeBtfAndExt(merged.btf, ext) : { btf: writeBtf(merged.btf), ext: undefined };
    withRel.push({ ...blank(".BTF", 1, 4), data: bytes.btf, size: BigInt(bytes.btf.length) });
    if (bytes.ext) withRel.push({ ...blank(".BTF.ext", 1, 4), data: bytes.ext, size: BigInt(bytes.ext.length) });
  }
  return writeElf({
    header: { type: ET_REL, osabi: 0, abiversion: 0, flags: 0, entry: 0n, shstrndx: 1 },
    sections: withRel,
    symbols,
    relocations: finalRelocs,
  });
}

function mergeExt(inputs: readonly LinkInput[], base: readonly Map<number, number>[], idMaps: readonly ((id: TypeId) => TypeId)[], order: readonly string[]): BtfExt {
  const collect = <R extends { insnOff: number }>(pick: (e: BtfExt) => ExtSection<R>[], fix: (r: R, ii: number) => R): ExtSection<R>[] => {
    const by = new Map<string, R[]>();
    inputs.forEach((input, ii) => {
      const { obj } = input;
      if (!obj.btfExt) return;
      for (const sec of pick(obj.btfExt)) {
        const si = obj.elf.sections.findIndex((s) => s.name === sec.section);
        const off = base[ii]!.get(si) ?? 0;
        const to = outName(input, sec.section);
        const list = by.get(to) ?? [];
        for (const r of sec.records) list.push(fix({ ...r, insnOff: r.insnOff + off }, ii));
        by.set(to, list);
      }
    });
    // The kernel wants each section's records in instruction order (sort is stable).
    return order.filter((n) => by.has(n)).map((n) => ({ section: n, records: by.get(n)!.sort((a, b) => a.insnOff - b.insnOff) }));
  };
  return {
    funcInfo: collect((e) => e.funcInfo, (r, ii) => ({ ...r, typeId: idMaps[ii]!(r.typeId) })),
    lineInfo: collect((e) => e.lineInfo, (r) => r),
    coreRelos: collect((e) => e.coreRelos, (r, ii) => ({ ...r, typeId: idMaps[ii]!(r.typeId) })),
  };
}

function varsByName(btf: Btf | undefined): Map<string, { id: TypeId; type: TypeId }> {
  const m = new Map<string, { id: TypeId; type: TypeId }>();
  btf?.types.forEach((t, i) => {
    if (t.kind === "VAR" && !m.has(t.name)) m.set(t.name, { id: i + 1, type: t.type });
  });
  return m;
}

/** A type's structure as a string (names, kinds, sizes, array lengths), for comparing map definitions across objects. */
function typeShape(btf: Btf, id: TypeId, depth = 0): string {
  const t = typeById(btf, id);
  if (!t || depth > 8) return "void";
  switch (t.kind) {
    case "STRUCT":
    case "UNION":
      return `${t.kind} ${t.name}{${t.members.map((m) => `${m.name}@${m.bitsOffset}:${typeShape(btf, m.type, depth + 1)}`).join(";")}}`;
    case "PTR":
      return `*${typeShape(btf, t.type, depth + 1)}`;
    case "ARRAY":
      return `[${t.nelems}]${typeShape(btf, t.type, depth + 1)}`;
    case "TYPEDEF":
    case "CONST":
    case "VOLATILE":
    case "RESTRICT":
    case "TYPE_TAG":
      return typeShape(btf, t.type, depth + 1);
    case "INT":
      return `int${t.size}${t.encoding}`;
    default:
      return `${t.kind}${"name" in t ? t.name : ""}`;
  }
}

function blank(name: string, type: number, alignment: number): ElfSection {
  return { name, type, flags: 0n, addr: 0n, addralign: BigInt(alignment), entsize: 0n, link: 0, info: 0, data: new Uint8Array(0), size: 0n };
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) (out.set(c, at), (at += c.length));
  return out;
}
