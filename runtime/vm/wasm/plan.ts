// Decides whether a linked program can go to the compiled tier and how it splits: function
// starts (slot 0, every local call target, every function address loaded by lddw), each
// function's slot range and its basic-block leaders. A program the compiled tier cannot run
// exactly as the interpreter does gets a reason instead, and runs in the interpreter whole.

import { Pseudo } from "../../isa/index.js";
import type { FaultKind } from "../errors.js";
import type { ExecProgram } from "../program.js";
import { CACHE_MAPS } from "./layout.js";
import { WRITE_R10_PROBLEM, writesR10 } from "../decoded.js";
import { branchTarget, jumpTarget } from "../../isa/instruction.js";

export interface FunctionPlan {
  readonly start: number;
  /** One past the last slot. */
  readonly end: number;
  /** Block leaders inside [start, end), sorted, the first being start. */
  readonly leaders: readonly number[];
}

/** A fault the interpreter raises when it executes this instruction (or takes this jump), whatever the state. */
export interface StaticFault {
  readonly kind: FaultKind;
  readonly problem: string;
}

export interface ProgramPlan {
  readonly functions: readonly FunctionPlan[];
  /** By slot: instructions that fault when executed (for jumps: when taken; for calls: after the depth check). */
  readonly faults: ReadonlyMap<number, StaticFault>;
  /** Whether the program calls bpf_tail_call (its prog arrays must be compilable too). */
  readonly tailCalls: boolean;
}

/** The plan, or why the program stays in the interpreter. */
export function planProgram(program: ExecProgram, tailCallHelper: number): ProgramPlan | string {
  const code = program.code;
  if (code.length === 0 || code[0] === undefined) return "the program is empty";
  const starts = new Set<number>([0]);
  const faults = new Map<number, StaticFault>();
  const valid = (t: number): boolean => t >= 0 && t < code.length && code[t] !== undefined;
  let tailCalls = false;
  // The interpreter's messages for instructions that always fault, raised when they run.
  for (let pc = 0; pc < code.length; pc++) {
    const insn = code[pc];
    if (!insn) continue;
    if (writesR10(insn)) {
      // Decoded as a fault by the interpreter, whatever else the instruction is.
      faults.set(pc, { kind: "instruction", problem: WRITE_R10_PROBLEM });
      continue;
    }
    switch (insn.kind) {
      case "ldabs":
      case "ldind":
        faults.set(pc, { kind: "instruction", problem: "legacy packet access (LD_ABS/LD_IND) is for socket filters; XDP programs cannot use it" });
        break;
      case "call":
        if (insn.target === "kfunc") faults.set(pc, { kind: "call", problem: `kfunc calls (BTF id ${insn.imm}) are not supported by the VM` });
        if (insn.target === "local") {
          const t = jumpTarget(pc, insn.imm);
          if (valid(t)) starts.add(t);
          else faults.set(pc, { kind: "call", problem: `call target ${t} is not an instruction of ${program.name}` });
        }
        if (insn.target === "helper" && insn.imm === tailCallHelper) tailCalls = true;
        break;
      case "lddw":
        if (insn.pseudo === Pseudo.FUNC) starts.add(jumpTarget(pc, insn.lo));
        else if (insn.pseudo === Pseudo.MAP_IDX || insn.pseudo === Pseudo.MAP_IDX_VALUE) {
          if (!program.maps[insn.lo]) faults.set(pc, { kind: "instruction", problem: `map index ${insn.lo} is not in the program's map table` });
          else if (insn.lo >= CACHE_MAPS) return `instruction ${pc}: map index ${insn.lo} beyond the compiled tier's ${CACHE_MAPS}`;
        } else if (insn.pseudo !== Pseudo.IMM64) faults.set(pc, { kind: "instruction", problem: `lddw with pseudo source ${insn.pseudo} must be resolved by the loader` });
        break;
      default: {
        const t = branchTarget(pc, insn);
        if (t === undefined || valid(t)) break;
        const off = t - pc - 1;
        faults.set(pc, {
          kind: "instruction",
          problem: t < 0 || t >= code.length ? `jump by ${off} to instruction ${t}, outside the program (${code.length} slots)` : `jump by ${off} into the middle of the lddw at instruction ${t - 1}`,
        });
      }
    }
  }
  const sorted = [...starts].sort((a, b) => a - b);
  for (const s of sorted) if (s < 0 || s >= code.length || code[s] === undefined) return `function start ${s} is not an instruction`;
  const functions: FunctionPlan[] = [];
  for (let k = 0; k < sorted.length; k++) {
    const start = sorted[k]!;
    const end = sorted[k + 1] ?? code.length;
    const leaders = new Set<number>([start]);
    for (let pc = start; pc < end; pc++) {
      const insn = code[pc];
      if (!insn) continue;
      const t = branchTarget(pc, insn);
      if (t === undefined || faults.has(pc)) continue;
      if (t < start || t >= end) return `instruction ${pc}: jump to ${t} leaves its function`;
      leaders.add(t);
    }
    functions.push({ start, end, leaders: [...leaders].sort((a, b) => a - b) });
  }
  return { functions, faults, tailCalls };
}
