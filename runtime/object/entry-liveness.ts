// Whether a function of a linked program may read a register as it was on entry: a path from
// its first instruction, inside its own body, reaches a read of the register before any write
// of it. Used to find an argument register (r1-r5) that no candidate callee of a lowered callx
// takes, so that it can serve as the compare ladder's scratch register.
//
// Conservative by construction (a "no" is a proof, a "yes" may be spurious): a bpf-to-bpf call
// reads what its callee may read on entry (the walk recurses; a call cycle counts as reading);
// every other call (helper, kfunc, callx) counts as reading all of r1-r5, since how many
// arguments it takes is not known here. Every call leaves r0-r5 written: the kernel's verifier
// refuses reads of r1-r5 after a call, so a lowered program cannot observe them. Paths leave
// the function only through exit (which reads r0); a jump out of the body counts as a read.

import type { Instruction, Reg } from "../isa/index.js";
import type { LinkedProgram } from "./link.js";
import { targetSlot } from "./splice.js";

const ARGS: readonly Reg[] = [1, 2, 3, 4, 5];

/** The registers an instruction reads (calls: all argument registers). */
function reads(insn: Instruction): readonly Reg[] {
  switch (insn.kind) {
    case "alu": {
      const src = insn.src.kind === "reg" ? [insn.src.reg] : [];
      return insn.op === "mov" ? src : [insn.dst, ...src];
    }
    case "neg":
    case "endian":
      return [insn.dst];
    case "movsx":
    case "ldx":
      return [insn.src];
    case "lddw":
      return [];
    case "st":
      return [insn.dst];
    case "stx":
      return [insn.dst, insn.src];
    case "atomic":
      return insn.op === "cmpxchg" ? [insn.dst, insn.src, 0] : [insn.dst, insn.src];
    case "ldabs":
      return [6];
    case "ldind":
      return [6, insn.src];
    case "jcond":
      return insn.src.kind === "reg" ? [insn.dst, insn.src.reg] : [insn.dst];
    case "call":
      return ARGS;
    case "callx":
      return [...ARGS, insn.reg];
    case "exit":
      return [0];
    case "ja":
    case "may_goto":
      return [];
  }
}

/** The registers an instruction writes (calls and legacy packet loads: r0-r5). */
function writes(insn: Instruction): readonly Reg[] {
  switch (insn.kind) {
    case "alu":
    case "neg":
    case "endian":
    case "movsx":
    case "ldx":
    case "lddw":
      return [insn.dst];
    case "atomic":
      return insn.op === "cmpxchg" ? [0] : insn.fetch ? [insn.src] : [];
    case "ldabs":
    case "ldind":
    case "call":
    case "callx":
      return [0, ...ARGS];
    case "st":
    case "stx":
    case "jcond":
    case "ja":
    case "exit":
    case "may_goto":
      return [];
  }
}

/** Whether the function starting at `entry` may read `reg` before writing it. */
export function mayReadOnEntry(prog: LinkedProgram, entry: number, reg: Reg, active: ReadonlySet<number> = new Set()): boolean {
  if (active.has(entry)) return true;
  const inside = new Set([...active, entry]);
  const starts = prog.functions.map((f) => f.slot).filter((s) => s > entry);
  const end = starts.length > 0 ? Math.min(...starts) : prog.insns.length;
  const seen = new Set<number>();
  const work = [entry];
  while (work.length > 0) {
    const slot = work.pop()!;
    if (seen.has(slot)) continue;
    seen.add(slot);
    const insn = prog.insns[slot];
    if (!insn || slot < entry || slot >= end) return true; // leaves the body: assume the worst
    if (insn.kind === "call" && insn.target === "local") {
      if (mayReadOnEntry(prog, targetSlot(insn, slot)!, reg, inside)) return true;
    } else if (reads(insn).includes(reg)) return true;
    if (writes(insn).includes(reg) || insn.kind === "exit") continue;
    const next = slot + (insn.kind === "lddw" ? 2 : 1);
    switch (insn.kind) {
      case "ja":
        work.push(targetSlot(insn, slot)!);
        break;
      case "jcond":
      case "may_goto":
        work.push(next, targetSlot(insn, slot)!);
        break;
      default:
        work.push(next);
    }
  }
  return false;
}
