// An object's code as the mutation generator sees it: every code section decoded to slots,
// its functions (programs and subprograms), what each relocated lddw refers to (a map, a
// global-data variable, a function), the local call graph, and `rewrite(edits)`, which puts
// changed instructions back and writes a new object with runtime/object's writer.
//
// Invariants: an edit replaces one instruction by one of the same slot count, so every
// relocation, func_info and line_info record stays valid; the input object is never changed.

import { decodeProgram, encodeProgram, SLOT_BYTES, slotCount, type Instruction } from "../../../runtime/isa/index.js";
import { R_BPF_64_32, SHF_EXECINSTR, STT_SECTION } from "../../../runtime/object/elf/constants.js";
import type { ElfRelocation } from "../../../runtime/object/elf/types.js";
import { objectFunctions } from "../../../runtime/object/link.js";
import { mapDefinitions, type MapDefinition } from "../../../runtime/object/map-defs.js";
import { readObject, writeObject, type ObjectFile } from "../../../runtime/object/object-file.js";

export interface CodeFunction {
  readonly name: string;
  readonly sectionIndex: number;
  readonly section: string;
  /** First slot in the section and slot count. */
  readonly slot: number;
  readonly slots: number;
  /** A program entry (global function outside .text), as libbpf finds programs. */
  readonly isProgram: boolean;
}

/** What a relocated lddw loads. */
export type SymbolRef =
  | { readonly kind: "map"; readonly map: number }
  | { readonly kind: "data"; readonly map: number; readonly offset: number; readonly readonly: boolean }
  | { readonly kind: "func" }
  | { readonly kind: "other" };

export interface Edit {
  readonly sectionIndex: number;
  readonly slot: number;
  readonly insn: Instruction;
}

export class ObjectCode {
  readonly obj: ObjectFile;
  readonly maps: readonly MapDefinition[];
  readonly functions: readonly CodeFunction[];
  private readonly code = new Map<number, (Instruction | undefined)[]>();
  private readonly relocs = new Map<number, Map<number, ElfRelocation>>();

  constructor(
    /** A display name: the object's file name. */
    readonly name: string,
    readonly bytes: Uint8Array,
  ) {
    this.obj = readObject(bytes);
    this.maps = mapDefinitions(this.obj);
    this.obj.elf.sections.forEach((s, index) => {
      if ((s.flags & SHF_EXECINSTR) === 0n || s.data.length === 0) return;
      const insns: (Instruction | undefined)[] = new Array(s.data.length / SLOT_BYTES).fill(undefined);
      for (const { slot, insn } of decodeProgram(s.data)) insns[slot] = insn;
      this.code.set(index, insns);
      const r = new Map<number, ElfRelocation>();
      for (const rel of this.obj.elf.relocations.get(index) ?? []) r.set(Number(rel.offset) / SLOT_BYTES, rel);
      this.relocs.set(index, r);
    });
    this.functions = objectFunctions(this.obj).map((f) => ({
      name: f.name,
      sectionIndex: f.sectionIndex,
      section: f.section,
      slot: f.slot,
      slots: f.slots,
      isProgram: f.section !== ".text" && f.global,
    }));
  }

  get programs(): readonly CodeFunction[] {
    return this.functions.filter((f) => f.isProgram);
  }

  insn(sectionIndex: number, slot: number): Instruction | undefined {
    return this.code.get(sectionIndex)?.[slot];
  }

  /** The slots of a function that start an instruction, in order. */
  slotsOf(fn: CodeFunction): number[] {
    const out: number[] = [];
    for (let s = fn.slot; s < fn.slot + fn.slots; s++) if (this.insn(fn.sectionIndex, s)) out.push(s);
    return out;
  }

  hasReloc(sectionIndex: number, slot: number): boolean {
    return this.relocs.get(sectionIndex)?.has(slot) ?? false;
  }

  /** What the relocated lddw at this slot loads, or undefined for an lddw without relocation. */
  symbolRef(sectionIndex: number, slot: number): SymbolRef | undefined {
    const rel = this.relocs.get(sectionIndex)?.get(slot);
    const insn = this.insn(sectionIndex, slot);
    if (!rel || insn?.kind !== "lddw") return undefined;
    const sym = this.obj.elf.symbols[rel.symbol];
    const section = sym ? this.obj.elf.sections[sym.shndx] : undefined;
    if (!sym || !section) return { kind: "other" };
    if ((section.flags & SHF_EXECINSTR) !== 0n) return { kind: "func" };
    if (section.name === ".maps" || section.name === "maps") {
      const map = this.maps.findIndex((m) => m.dataSection === undefined && m.name === sym.name);
      return map < 0 ? { kind: "other" } : { kind: "map", map };
    }
    const map = this.maps.findIndex((m) => m.dataSection === section.name);
    if (map < 0) return { kind: "other" };
    const offset = (sym.type === STT_SECTION ? 0 : Number(sym.value)) + insn.lo;
    return { kind: "data", map, offset, readonly: this.maps[map]!.frozen === true };
  }

  /** The function a local call at this slot enters (libbpf's rule for relocated calls). */
  callTarget(sectionIndex: number, slot: number): CodeFunction | undefined {
    const insn = this.insn(sectionIndex, slot);
    if (insn?.kind !== "call" || insn.target !== "local") return undefined;
    const rel = this.relocs.get(sectionIndex)?.get(slot);
    let target: { sectionIndex: number; slot: number };
    if (rel && rel.type === R_BPF_64_32) {
      const sym = this.obj.elf.symbols[rel.symbol]!;
      target = { sectionIndex: sym.shndx, slot: Number(sym.value) / SLOT_BYTES + insn.imm + 1 };
    } else target = { sectionIndex, slot: slot + 1 + insn.imm };
    return this.functions.find((f) => f.sectionIndex === target.sectionIndex && f.slot === target.slot);
  }

  /** The function containing a slot. */
  functionAt(sectionIndex: number, slot: number): CodeFunction | undefined {
    return this.functions.find((f) => f.sectionIndex === sectionIndex && slot >= f.slot && slot < f.slot + f.slots);
  }

  /** The programs whose linked code contains `fn` (itself or any caller chain). */
  programsReaching(fn: CodeFunction): CodeFunction[] {
    return this.programs.filter((p) => this.reachable(p).has(fn));
  }

  /** Every function reachable from `entry` by local calls, entry included. */
  reachable(entry: CodeFunction): Set<CodeFunction> {
    const seen = new Set<CodeFunction>([entry]);
    const work = [entry];
    while (work.length > 0) {
      const f = work.pop()!;
      for (const s of this.slotsOf(f)) {
        const callee = this.callTarget(f.sectionIndex, s);
        if (callee && !seen.has(callee)) {
          seen.add(callee);
          work.push(callee);
        }
      }
    }
    return seen;
  }

  /** A new object with these instructions replaced (each by one of the same slot count). */
  rewrite(edits: readonly Edit[]): Uint8Array {
    const changed = new Map<number, (Instruction | undefined)[]>();
    for (const e of edits) {
      const original = this.insn(e.sectionIndex, e.slot);
      if (!original) throw new RangeError(`${this.name}: no instruction at slot ${e.slot} of section ${e.sectionIndex}`);
      if (slotCount(original) !== slotCount(e.insn)) throw new RangeError(`${this.name}: edit at slot ${e.slot} changes the slot count`);
      let insns = changed.get(e.sectionIndex);
      if (!insns) changed.set(e.sectionIndex, (insns = [...this.code.get(e.sectionIndex)!]));
      insns[e.slot] = e.insn;
    }
    const sections = this.obj.elf.sections.map((s, index) => {
      const insns = changed.get(index);
      if (!insns) return s;
      const data = encodeProgram(insns.filter((i): i is Instruction => i !== undefined));
      return { ...s, data, size: BigInt(data.length) };
    });
    return writeObject({ ...this.obj, elf: { ...this.obj.elf, sections } });
  }
}
