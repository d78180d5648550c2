// Static linking of one program, as libbpf does before BPF_PROG_LOAD: the entry function
// followed by every subprogram it reaches (calls and function addresses), call offsets and
// function addresses rewritten for the new layout, map references turned into map-index
// pseudo loads (src 5 / 6 with the value offset), kfunc calls against `__ksym` externs given
// the kernel FUNC's BTF id (module index 0, vmlinux), and func_info / line_info carried over.
// The result is what both the VM and the kernel loader consume.

import { decodeProgram, InstructionDecodeError, Pseudo, SLOT_BYTES, type Instruction } from "../isa/index.js";
import type { LineInfoRecord } from "./btf/ext-types.js";
import { R_BPF_64_32, R_BPF_64_64, SHF_EXECINSTR, SHN_UNDEF, STB_GLOBAL, STB_WEAK, STT_FUNC, STT_SECTION } from "./elf/constants.js";
import type { ElfRelocation } from "./elf/types.js";
import { ObjectFormatError } from "./format-error.js";
import type { KfuncProto } from "./kernel-btf.js";
import { kfuncTable, type KfuncTable } from "./kfuncs.js";
import type { MapDefinition } from "./map-defs.js";
import type { ObjectFile } from "./object-file.js";
import { jumpTarget } from "../isa/instruction.js";

/** A function symbol of an executable section. */
export interface ObjectFunction {
  readonly name: string;
  readonly section: string;
  readonly sectionIndex: number;
  /** First slot in the section, and slot count. */
  readonly slot: number;
  readonly slots: number;
  readonly global: boolean;
}

export interface LinkedProgram {
  readonly name: string;
  readonly section: string;
  readonly insns: readonly (Instruction | undefined)[];
  readonly functions: readonly { readonly name: string; readonly slot: number; readonly funcTypeId?: number }[];
  readonly lineInfo: readonly (LineInfoRecord & { readonly slot: number })[];
  /** The kfunc calls: slot, extern name and the kernel's prototype (absent when unknown to the table). */
  readonly kfuncs?: readonly LinkedKfunc[];
}

export interface LinkedKfunc {
  readonly slot: number;
  readonly name: string;
  readonly proto?: KfuncProto;
  /** In the kernel's kfunc id sets for XDP (or for every program type). */
  readonly xdpAllowed: boolean;
  /** KF_SLEEPABLE: refused to programs that cannot sleep, as XDP. */
  readonly sleepable: boolean;
}

/** libbpf's POISON_CALL_KFUNC_BASE: an unresolved weak kfunc call becomes a call of this invalid helper id plus the extern's index. */
export const POISON_CALL_KFUNC_BASE = 2002000000;

const loc = (section: string, slot: number): { section: string; offset: number } => ({ section, offset: slot * SLOT_BYTES });

/** Every function of the object's code sections, by section then address. */
export function objectFunctions(obj: ObjectFile): ObjectFunction[] {
  const out: ObjectFunction[] = [];
  obj.elf.sections.forEach((s, index) => {
    if ((s.flags & SHF_EXECINSTR) === 0n || s.data.length === 0) return;
    const syms = obj.elf.symbols.filter((sym) => sym.shndx === index && sym.type === STT_FUNC).sort((a, b) => Number(a.value - b.value));
    for (const sym of syms) {
      const slot = Number(sym.value) / SLOT_BYTES;
      const slots = Number(sym.size) / SLOT_BYTES;
      if (!Number.isInteger(slot) || !Number.isInteger(slots) || slots === 0 || (slot + slots) * SLOT_BYTES > s.data.length) {
        throw new ObjectFormatError(loc(s.name, Math.floor(slot)), `function '${sym.name}' (value ${sym.value}, size ${sym.size}) does not fit its section in whole instructions`);
      }
      out.push({ name: sym.name, section: s.name, sectionIndex: index, slot, slots, global: sym.bind === STB_GLOBAL });
    }
  });
  return out;
}

/** The programs of an object: global functions in sections other than .text, as libbpf finds them. */
export function objectPrograms(obj: ObjectFile): ObjectFunction[] {
  return objectFunctions(obj).filter((f) => f.section !== ".text" && f.global);
}

/**
 * What linking needs from an object, independent of the program linked: its function table,
 * the functions by start, each code section's relocations by slot and each function's decoded
 * code. Computed once per object (the object is never mutated after reading) and kept in a
 * WeakMap keyed by it, so linking every program of an object does not redo it.
 */
interface LinkTables {
  readonly functions: readonly ObjectFunction[];
  /** The first function starting at (section, slot), keyed by sectionIndex * 2^32 + slot. */
  readonly byStart: Map<number, ObjectFunction>;
  readonly relocs: Map<number, Map<number, ElfRelocation>>;
  readonly decoded: Map<ObjectFunction, Map<number, Instruction>>;
  /** Each function's func_info type id (null: none) and line_info records, in .BTF.ext order. */
  readonly funcTypeIds: Map<ObjectFunction, number | null>;
  readonly lineRecords: Map<ObjectFunction, readonly LineInfoRecord[]>;
  /** Whether each section's line_info records are in ascending offset order (then searched by bisection). */
  readonly lineSorted: Map<string, boolean>;
}

const tablesOf = new WeakMap<ObjectFile, LinkTables>();

const startKey = (sectionIndex: number, slot: number): number => sectionIndex * 0x1_0000_0000 + slot;

function linkTables(obj: ObjectFile): LinkTables {
  let t = tablesOf.get(obj);
  if (t) return t;
  const functions = objectFunctions(obj);
  const byStart = new Map<number, ObjectFunction>();
  for (const f of functions) {
    const k = startKey(f.sectionIndex, f.slot);
    if (!byStart.has(k)) byStart.set(k, f);
  }
  t = { functions, byStart, relocs: new Map(), decoded: new Map(), funcTypeIds: new Map(), lineRecords: new Map(), lineSorted: new Map() };
  tablesOf.set(obj, t);
  return t;
}

/** The function's decoded instructions by slot in its section (decode errors are not cached). */
function decodedCode(obj: ObjectFile, t: LinkTables, fn: ObjectFunction): Map<number, Instruction> {
  let insns = t.decoded.get(fn);
  if (insns) return insns;
  const s = obj.elf.sections[fn.sectionIndex]!;
  insns = new Map();
  try {
    for (const { slot, insn } of decodeProgram(s.data.subarray(fn.slot * SLOT_BYTES, (fn.slot + fn.slots) * SLOT_BYTES))) insns.set(fn.slot + slot, insn);
  } catch (e) {
    if (e instanceof InstructionDecodeError) throw new ObjectFormatError(loc(s.name, fn.slot + e.slot), e.problem);
    throw e;
  }
  t.decoded.set(fn, insns);
  return insns;
}

function sectionRelocs(obj: ObjectFile, t: LinkTables, sectionIndex: number): Map<number, ElfRelocation> {
  let relocs = t.relocs.get(sectionIndex);
  if (relocs) return relocs;
  relocs = new Map();
  for (const r of obj.elf.relocations.get(sectionIndex) ?? []) relocs.set(Number(r.offset) / SLOT_BYTES, r);
  t.relocs.set(sectionIndex, relocs);
  return relocs;
}

function funcTypeId(obj: ObjectFile, t: LinkTables, fn: ObjectFunction): number | undefined {
  let id = t.funcTypeIds.get(fn);
  if (id === undefined) {
    const rec = obj.btfExt?.funcInfo.find((f) => f.section === fn.section)?.records.find((r) => r.insnOff === fn.slot * SLOT_BYTES);
    t.funcTypeIds.set(fn, (id = rec ? rec.typeId : null));
  }
  return id ?? undefined;
}

/** The line_info records inside the function, in their .BTF.ext order. */
function lineRecordsOf(obj: ObjectFile, t: LinkTables, fn: ObjectFunction): readonly LineInfoRecord[] {
  let out = t.lineRecords.get(fn);
  if (out) return out;
  const records = obj.btfExt?.lineInfo.find((l) => l.section === fn.section)?.records ?? [];
  const lo = fn.slot * SLOT_BYTES;
  const hi = (fn.slot + fn.slots) * SLOT_BYTES;
  let sorted = t.lineSorted.get(fn.section);
  if (sorted === undefined) {
    sorted = records.every((r, i) => i === 0 || records[i - 1]!.insnOff <= r.insnOff);
    t.lineSorted.set(fn.section, sorted);
  }
  out = sorted ? records.slice(lowerBound(records, lo), lowerBound(records, hi)) : records.filter((r) => r.insnOff >= lo && r.insnOff < hi);
  t.lineRecords.set(fn, out);
  return out;
}

/** First index whose insnOff is at least `off` (records in ascending order). */
function lowerBound(records: readonly LineInfoRecord[], off: number): number {
  let a = 0;
  let b = records.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (records[m]!.insnOff < off) a = m + 1;
    else b = m;
  }
  return a;
}

/**
 * `kfuncs` resolves kfunc externs (default: the running kernel's BTF, else the bundled
 * snapshot); it is only consulted when the program calls a kfunc.
 */
export function linkProgram(obj: ObjectFile, programName: string, maps: readonly MapDefinition[], kfuncs?: KfuncTable | (() => KfuncTable)): LinkedProgram {
  const tables = linkTables(obj);
  const entry = tables.functions.find((f) => f.name === programName && f.section !== ".text");
  if (!entry) throw new ObjectFormatError({ section: ".symtab", offset: 0 }, `no program named '${programName}'`);
  // Only the functions the program places are decoded (a section may hold many programs, and
  // the kernel never sees the others).
  const functionAt = (sectionIndex: number, slot: number): ObjectFunction | undefined => tables.byStart.get(startKey(sectionIndex, slot));

  // Layout: entry first, then subprograms in the order they are first reached.
  const placed: { fn: ObjectFunction; at: number }[] = [{ fn: entry, at: 0 }];
  let total = entry.slots;
  const placeOf = (fn: ObjectFunction): number => {
    const p = placed.find((x) => x.fn === fn);
    if (p) return p.at;
    placed.push({ fn, at: total });
    total += fn.slots;
    return total - fn.slots;
  };

  let table: KfuncTable | undefined;
  const kfuncsOf = (): KfuncTable => (table ??= typeof kfuncs === "function" ? kfuncs() : (kfuncs ?? kfuncTable()));
  const linkedKfuncs: LinkedKfunc[] = [];
  const out: (Instruction | undefined)[] = [];
  for (let i = 0; i < placed.length; i++) {
    const { fn, at } = placed[i]!;
    const insns = decodedCode(obj, tables, fn);
    const relocs = sectionRelocs(obj, tables, fn.sectionIndex);
    for (let k = 0; k < fn.slots; k++) {
      const slot = fn.slot + k;
      const insn = insns.get(slot);
      const here = at + k;
      const reloc = relocs.get(slot);
      const where = loc(fn.section, slot);
      if (insn === undefined) {
        out[here] = undefined;
        continue;
      }
      // clang emits a call to an extern as a local call (src 1) relocated against the undefined
      // symbol; libbpf makes it a kfunc call (src 2).
      const externCall = insn.kind === "call" && insn.target !== "helper" && reloc !== undefined && obj.elf.symbols[reloc.symbol]?.shndx === SHN_UNDEF;
      if (insn.kind === "call" && reloc && (externCall || insn.target === "kfunc")) {
        const sym = obj.elf.symbols[reloc.symbol]!;
        if (reloc.type !== R_BPF_64_32 || sym.shndx !== SHN_UNDEF) throw new ObjectFormatError(where, `kfunc call relocated against '${sym.name}', which is not an extern (__ksym) function`);
        const t = kfuncsOf();
        const proto = t.lookup(sym.name);
        const flags = { xdpAllowed: t.xdpAllowed(sym.name), sleepable: t.sleepable(sym.name) };
        if (proto) {
          out[here] = { ...insn, target: "kfunc", imm: proto.id, off: 0 };
          linkedKfuncs.push({ slot: here, name: sym.name, proto, ...flags });
        } else if (!t.complete) {
          // Unknown to the snapshot: it lists every kfunc XDP may call, so the kernel refuses it.
          out[here] = { ...insn, target: "kfunc", imm: 0, off: 0 };
          linkedKfuncs.push({ slot: here, name: sym.name, ...flags });
        } else if (sym.bind === STB_WEAK) {
          // libbpf's poison_kfunc_call: an invalid helper call, refused only if reached.
          out[here] = { kind: "call", target: "helper", imm: POISON_CALL_KFUNC_BASE + reloc.symbol, off: 0 };
        } else {
          throw new ObjectFormatError(where, `extern (func ksym) '${sym.name}': not found in kernel or module BTFs`);
        }
        continue;
      }
      if (insn.kind === "call" && insn.target === "local") {
        const target = callTarget(obj, fn, slot, insn.imm, reloc, where);
        const callee = functionAt(target.sectionIndex, target.slot);
        if (!callee) throw new ObjectFormatError(where, `call target (instruction ${target.slot} of ${obj.elf.sections[target.sectionIndex]!.name}) is not the start of a function`);
        out[here] = { ...insn, imm: placeOf(callee) - (here + 1) };
        continue;
      }
      if (insn.kind === "lddw" && reloc) {
        out[here] = relocateLddw(obj, insn, reloc, where, maps, (sectionIndex, targetSlot) => {
          const callee = functionAt(sectionIndex, targetSlot);
          if (!callee) throw new ObjectFormatError(where, `function address (instruction ${targetSlot}) is not the start of a function`);
          return placeOf(callee) - (here + 1);
        });
        continue;
      }
      if (reloc && reloc.type !== 0) throw new ObjectFormatError(where, `relocation of type ${reloc.type} on a ${insn.kind} instruction is not supported`);
      out[here] = insn;
    }
  }

  return {
    name: entry.name,
    section: entry.section,
    insns: out,
    functions: placed.map(({ fn, at }) => {
      const typeId = funcTypeId(obj, tables, fn);
      return { name: fn.name, slot: at, ...(typeId !== undefined ? { funcTypeId: typeId } : {}) };
    }),
    lineInfo: placed.flatMap(({ fn, at }) => lineRecordsOf(obj, tables, fn).map((r) => ({ ...r, slot: at + r.insnOff / SLOT_BYTES - fn.slot }))),
    ...(linkedKfuncs.length > 0 ? { kfuncs: linkedKfuncs } : {}),
  };
}

function callTarget(obj: ObjectFile, fn: ObjectFunction, slot: number, imm: number, reloc: ElfRelocation | undefined, where: { section: string; offset: number }): { sectionIndex: number; slot: number } {
  if (!reloc) return { sectionIndex: fn.sectionIndex, slot: jumpTarget(slot, imm) };
  if (reloc.type !== R_BPF_64_32) throw new ObjectFormatError(where, `call relocated with type ${reloc.type}, expected R_BPF_64_32`);
  const sym = obj.elf.symbols[reloc.symbol];
  const section = sym === undefined ? undefined : obj.elf.sections[sym.shndx];
  if (!sym || !section || (section.flags & SHF_EXECINSTR) === 0n) {
    throw new ObjectFormatError(where, `call relocated against symbol #${reloc.symbol}${sym ? ` '${sym.name}'` : ""}, which is not in a code section`);
  }
  // libbpf: callee instruction = symbol value / 8 + imm + 1.
  return { sectionIndex: sym.shndx, slot: Number(sym.value) / SLOT_BYTES + imm + 1 };
}

function relocateLddw(
  obj: ObjectFile,
  insn: Extract<Instruction, { kind: "lddw" }>,
  reloc: ElfRelocation,
  where: { section: string; offset: number },
  maps: readonly MapDefinition[],
  funcOffset: (sectionIndex: number, slot: number) => number,
): Instruction {
  if (reloc.type !== R_BPF_64_64) throw new ObjectFormatError(where, `lddw relocated with type ${reloc.type}, expected R_BPF_64_64`);
  const sym = obj.elf.symbols[reloc.symbol]!;
  const section = obj.elf.sections[sym.shndx];
  if (!section) throw new ObjectFormatError(where, `lddw refers to symbol '${sym.name}', which is not defined in this object`);
  if ((section.flags & SHF_EXECINSTR) !== 0n) {
    const byte = Number(sym.value) + insn.lo;
    return { ...insn, pseudo: Pseudo.FUNC, lo: funcOffset(sym.shndx, byte / SLOT_BYTES), hi: 0 };
  }
  if (section.name === ".maps" || section.name === "maps") {
    const index = maps.findIndex((m) => m.dataSection === undefined && m.name === sym.name);
    if (index < 0) throw new ObjectFormatError(where, `lddw refers to '${sym.name}' in ${section.name}, which is not a map definition`);
    return { ...insn, pseudo: Pseudo.MAP_IDX, lo: index, hi: 0 };
  }
  const index = maps.findIndex((m) => m.dataSection === section.name);
  if (index < 0) throw new ObjectFormatError(where, `lddw refers to '${sym.name || section.name}' in section ${section.name}, which is neither a map nor global data`);
  const offset = (sym.type === STT_SECTION ? 0 : Number(sym.value)) + insn.lo;
  return { ...insn, pseudo: Pseudo.MAP_IDX_VALUE, lo: index, hi: offset };
}
