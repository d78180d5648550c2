// Replacing instructions of a linked program by longer sequences, with the program relocated
// around them: every jump (ja, gotol, conditional jumps, may_goto), every bpf-to-bpf call and
// every function-address lddw (BPF_PSEUDO_FUNC) keeps pointing at the same instruction, and
// function starts (func_info) and line_info records move with their instructions.
//
// Invariants: the result is a pure function of its inputs. An original slot maps to the first
// slot of whatever stands there afterwards (a replaced instruction to the start of its
// replacement), so a jump to a replaced instruction runs the whole replacement, and a
// replacement inherits the source line in effect at the instruction it replaces (no line_info
// record falls inside it). Offsets are relative to the slot after the instruction, as encoded;
// a `ja` that outgrows 16 bits becomes `gotol`; any other offset that outgrows its field is an
// error, never a silent wrap.

import { Pseudo, slotCount, type Instruction } from "../isa/index.js";
import type { LinkedProgram } from "./link.js";
import { jumpTarget } from "../isa/instruction.js";

/** Where an inserted jump, call or function address points. */
export type SpliceTarget =
  /** A slot of the program before splicing; it lands wherever that instruction ends up. */
  | { readonly kind: "original"; readonly slot: number }
  /** An item of the same replacement, by index. */
  | { readonly kind: "item"; readonly index: number };

export interface SpliceItem {
  /** Its offset field (jump offset, call imm, PSEUDO_FUNC lo) is overwritten when `target` is given. */
  readonly insn: Instruction;
  readonly target?: SpliceTarget;
}

/** The instruction at `slot` (of the original program) is replaced by `items`. */
export interface Splice {
  readonly slot: number;
  readonly items: readonly SpliceItem[];
}

export class SpliceError extends Error {
  override readonly name = "SpliceError";
}

const INT16 = { min: -0x8000, max: 0x7fff };
const INT32 = { min: -0x8000_0000, max: 0x7fff_ffff };
const fits = (v: number, r: { min: number; max: number }): boolean => v >= r.min && v <= r.max;

/** The slot an instruction at `slot` refers to, if it refers to one. */
export function targetSlot(insn: Instruction, slot: number): number | undefined {
  switch (insn.kind) {
    case "ja":
    case "jcond":
    case "may_goto":
      return jumpTarget(slot, insn.off);
    case "call":
      return insn.target === "local" ? jumpTarget(slot, insn.imm) : undefined;
    case "lddw":
      return insn.pseudo === Pseudo.FUNC ? jumpTarget(slot, insn.lo) : undefined;
    case "alu":
    case "neg":
    case "movsx":
    case "endian":
    case "ldx":
    case "st":
    case "stx":
    case "atomic":
    case "ldabs":
    case "ldind":
    case "callx":
    case "exit":
      return undefined;
  }
}

/** `insn` at `slot` pointed at `target` instead. */
function retarget(insn: Instruction, slot: number, target: number, where: string): Instruction {
  const rel = target - (slot + 1);
  const tooFar = (field: string): never => {
    throw new SpliceError(`${where}: after relocation the ${field} would be ${rel} slots, which does not fit`);
  };
  switch (insn.kind) {
    case "ja":
      if (fits(rel, INT16)) return { ...insn, off: rel };
      return fits(rel, INT32) ? { ...insn, long: true, off: rel } : tooFar("jump offset");
    case "jcond":
      return fits(rel, INT16) ? { ...insn, off: rel } : tooFar("16-bit jump offset");
    case "may_goto":
      return fits(rel, INT16) ? { ...insn, off: rel } : tooFar("16-bit may_goto offset");
    case "call":
      if (insn.target !== "local") break;
      return fits(rel, INT32) ? { ...insn, imm: rel } : tooFar("call offset");
    case "lddw":
      if (insn.pseudo !== Pseudo.FUNC) break;
      return fits(rel, INT32) ? { ...insn, lo: rel } : tooFar("function address offset");
    case "alu":
    case "neg":
    case "movsx":
    case "endian":
    case "ldx":
    case "st":
    case "stx":
    case "atomic":
    case "ldabs":
    case "ldind":
    case "callx":
    case "exit":
      break;
  }
  throw new SpliceError(`${where}: a ${insn.kind} instruction has no target to point anywhere`);
}

export function spliceProgram(prog: LinkedProgram, splices: readonly Splice[]): LinkedProgram {
  const old = prog.insns;
  const n = old.length;
  const bySlot = new Map<number, Splice>();
  for (const s of splices) {
    const insn = old[s.slot];
    if (!insn) throw new SpliceError(`${prog.name}: instruction ${s.slot}: no instruction starts there to replace`);
    if (bySlot.has(s.slot)) throw new SpliceError(`${prog.name}: instruction ${s.slot} is replaced twice`);
    if (s.items.length === 0) throw new SpliceError(`${prog.name}: instruction ${s.slot}: a replacement must not be empty`);
    bySlot.set(s.slot, s);
  }

  // Where each original slot (and the end, slot n) lands.
  const newStart: number[] = new Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; ) {
    const insn = old[i];
    const width = insn ? slotCount(insn) : 1;
    const splice = bySlot.get(i);
    const size = splice ? splice.items.reduce((a, it) => a + slotCount(it.insn), 0) : width;
    for (let k = 0; k < width && i + k < n; k++) newStart[i + k] = pos + Math.min(k, size - 1);
    pos += size;
    i += width;
  }
  newStart[n] = pos;

  const mapSlot = (slot: number, where: string): number => {
    const to = slot >= 0 && slot <= n ? newStart[slot] : undefined;
    if (to === undefined) throw new SpliceError(`${where}: refers to slot ${slot}, outside the program (${n} slots)`);
    return to;
  };

  const out: (Instruction | undefined)[] = new Array(pos).fill(undefined);
  for (let i = 0; i < n; i++) {
    const insn = old[i];
    if (!insn) continue;
    const here = newStart[i]!;
    const where = `${prog.name}: instruction ${i}`;
    const splice = bySlot.get(i);
    if (!splice) {
      const t = targetSlot(insn, i);
      out[here] = t === undefined ? insn : retarget(insn, here, mapSlot(t, where), where);
      continue;
    }
    const itemAt: number[] = [];
    let at = here;
    for (const it of splice.items) {
      itemAt.push(at);
      at += slotCount(it.insn);
    }
    splice.items.forEach((it, k) => {
      const itemWhere = `${where} (replacement item ${k})`;
      const slot = itemAt[k]!;
      if (!it.target) {
        out[slot] = it.insn;
        return;
      }
      let to: number;
      switch (it.target.kind) {
        case "original":
          to = mapSlot(it.target.slot, itemWhere);
          break;
        case "item": {
          const t = itemAt[it.target.index];
          if (t === undefined) throw new SpliceError(`${itemWhere}: refers to item ${it.target.index}, which the replacement does not have`);
          to = t;
          break;
        }
      }
      out[slot] = retarget(it.insn, slot, to, itemWhere);
    });
  }

  return {
    ...prog,
    insns: out,
    functions: prog.functions.map((f) => ({ ...f, slot: mapSlot(f.slot, `${prog.name}: function '${f.name}'`) })),
    lineInfo: prog.lineInfo.map((l) => ({ ...l, slot: mapSlot(l.slot, `${prog.name}: line_info record`) })),
  };
}
