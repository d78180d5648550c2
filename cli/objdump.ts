// `tsbpf objdump`: sections, symbols and disassembly of a BPF object, in the layout of
// `llvm-objdump-19 -h -t -dr -S --mcpu=v4`. Source lines come from .BTF.ext line_info
// (the text clang and tsbpf store there), not from DWARF, so they print without the
// source files at hand.

import { decodeAt, formatInstruction, formatBytes, InstructionDecodeError, SLOT_BYTES, type Instruction } from "../runtime/isa/index.js";
import { SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS, SHT_PROGBITS, STB_GLOBAL, STB_WEAK, STT_FILE, STT_FUNC, STT_OBJECT, STT_SECTION, SHN_ABS, SHN_COMMON, SHN_UNDEF } from "../runtime/object/elf/constants.js";
import { relocationTypeName, symbolDisplayName } from "../runtime/object/elf/query.js";
import type { ElfFile, ElfSection } from "../runtime/object/elf/types.js";
import type { BtfExt, LineInfoRecord } from "../runtime/object/btf/ext-types.js";
import { jumpTarget } from "../runtime/isa/instruction.js";

export interface ObjdumpOptions {
  readonly sectionHeaders: boolean;
  readonly symbols: boolean;
  readonly disassemble: boolean;
  readonly relocations: boolean;
  readonly source: boolean;
}

const hex16 = (v: bigint | number): string => BigInt(v).toString(16).padStart(16, "0");

export function renderObjdump(path: string, elf: ElfFile, ext: BtfExt | undefined, opt: ObjdumpOptions): string {
  const out: string[] = ["", `${path}:\tfile format elf64-bpf`, ""];
  if (opt.sectionHeaders) out.push(...sectionTable(elf), "");
  if (opt.symbols) out.push(...symbolTable(elf), "");
  if (opt.disassemble) {
    elf.sections.forEach((s, index) => {
      if (index === 0 || (s.flags & SHF_EXECINSTR) === 0n || s.data.length === 0) return;
      out.push(`Disassembly of section ${s.name}:`, "", ...disassembleSection(elf, index, ext, opt), "");
    });
  }
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\n") + "\n";
}

function sectionKind(s: ElfSection): string {
  const kinds: string[] = [];
  if ((s.flags & SHF_EXECINSTR) !== 0n) kinds.push("TEXT");
  if ((s.flags & SHF_ALLOC) !== 0n && (s.flags & SHF_EXECINSTR) === 0n && s.type === SHT_PROGBITS) kinds.push("DATA");
  if ((s.flags & SHF_ALLOC) !== 0n && s.type === SHT_NOBITS) kinds.push("BSS");
  if (s.name.startsWith(".debug") || s.name.startsWith(".zdebug") || s.name === ".gdb_index") kinds.push("DEBUG");
  return kinds.join(", ");
}

function sectionTable(elf: ElfFile): string[] {
  const width = Math.max(4, ...elf.sections.map((s) => s.name.length));
  const lines = ["Sections:", `Idx ${"Name".padEnd(width)} Size     VMA              Type`];
  elf.sections.forEach((s, i) => {
    lines.push(`${String(i).padStart(3)} ${s.name.padEnd(width)} ${s.size.toString(16).padStart(8, "0")} ${hex16(s.addr)} ${sectionKind(s)}`);
  });
  return lines;
}

function symbolTable(elf: ElfFile): string[] {
  const lines = ["SYMBOL TABLE:"];
  elf.symbols.forEach((sym, i) => {
    if (i === 0) return;
    const weak = sym.bind === STB_WEAK;
    const defined = sym.shndx !== SHN_UNDEF;
    const scope = defined && !weak ? (sym.bind === STB_GLOBAL ? "g" : "l") : " ";
    const debug = sym.type === STT_SECTION || sym.type === STT_FILE ? "d" : " ";
    const kind = sym.type === STT_FILE ? "f" : sym.type === STT_FUNC ? "F" : sym.type === STT_OBJECT ? "O" : " ";
    const where =
      sym.shndx === SHN_ABS ? "*ABS*" : sym.shndx === SHN_UNDEF ? "*UND*" : sym.shndx === SHN_COMMON ? "*COM*" : (elf.sections[sym.shndx]?.name ?? "*UNKNOWN*");
    const hidden = (sym.other & 3) === 2 ? ".hidden " : "";
    lines.push(`${hex16(sym.value)} ${scope}${weak ? "w" : " "}   ${debug}${kind} ${where}\t${hex16(sym.size)} ${hidden}${symbolDisplayName(elf, i)}`);
  });
  return lines;
}

interface Label {
  readonly value: bigint;
  readonly name: string;
}

/** Symbols that label code: everything in the section but section/file symbols; the section name when nothing sits at 0. */
function labelsOf(elf: ElfFile, index: number): Label[] {
  const labels = elf.symbols
    .filter((s, i) => i > 0 && s.shndx === index && s.type !== STT_SECTION && s.type !== STT_FILE)
    .map((s) => ({ value: s.value, name: s.name }))
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  if (!labels.some((l) => l.value === 0n)) labels.unshift({ value: 0n, name: elf.sections[index]!.name });
  return labels;
}

function annotation(labels: Label[], target: bigint): string {
  let best: Label | undefined;
  for (const l of labels) if (l.value <= target) best = l;
  if (!best) return "";
  const delta = target - best.value;
  return delta === 0n ? ` <${best.name}>` : ` <${best.name}+0x${delta.toString(16)}>`;
}

function disassembleSection(elf: ElfFile, index: number, ext: BtfExt | undefined, opt: ObjdumpOptions): string[] {
  const section = elf.sections[index]!;
  const code = section.data;
  const labels = labelsOf(elf, index);
  const relocs = opt.relocations ? [...(elf.relocations.get(index) ?? [])].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0)) : [];
  const lines = new Map<number, LineInfoRecord>();
  if (opt.source) for (const rec of ext?.lineInfo.find((l) => l.section === section.name)?.records ?? []) lines.set(rec.insnOff, rec);
  const out: string[] = [];
  const slots = Math.floor(code.length / SLOT_BYTES);
  let lastLine: LineInfoRecord | undefined;
  let relocAt = 0;
  for (let slot = 0; slot < slots; ) {
    const byteOff = BigInt(slot * SLOT_BYTES);
    for (const l of labels) {
      if (l.value === byteOff) {
        if (out.length > 0) out.push("");
        out.push(`${hex16(l.value)} <${l.name}>:`);
        lastLine = undefined;
      }
    }
    const line = lines.get(slot * SLOT_BYTES);
    if (line && line.line !== "" && (lastLine === undefined || lastLine.lineNumber !== line.lineNumber || lastLine.fileName !== line.fileName)) {
      out.push(`; ${line.line}`);
      lastLine = line;
    }
    let insn: Instruction | undefined;
    try {
      insn = decodeAt(code, slot);
    } catch (e) {
      if (!(e instanceof InstructionDecodeError)) throw e;
    }
    const n = insn?.kind === "lddw" ? 2 : 1;
    const bytes = code.subarray(slot * SLOT_BYTES, (slot + n) * SLOT_BYTES);
    let text = insn ? formatInstruction(insn) : "<unknown>";
    if (insn && (insn.kind === "ja" || insn.kind === "jcond" || insn.kind === "may_goto")) {
      text += annotation(labels, BigInt.asUintN(64, BigInt(jumpTarget(slot, insn.off) * SLOT_BYTES)));
    }
    out.push(`${String(slot).padStart(8)}:\t${formatBytes(bytes)}\t${text}`);
    const end = BigInt((slot + n) * SLOT_BYTES);
    while (relocAt < relocs.length && relocs[relocAt]!.offset < end) {
      const r = relocs[relocAt++]!;
      out.push(`\t\t${hex16(r.offset)}:  ${relocationTypeName(r.type)}\t${symbolDisplayName(elf, r.symbol)}`);
    }
    slot += n;
  }
  return out;
}
