// Reading the verifier's log: the statistics line ("processed N insns (limit ...)
// max_states_per_insn ... total_states ... peak_states ... mark_read ..."), and for a
// rejection the kernel's complaint and the instruction it was looking at (the last
// "N: (op) ..." line before the complaint), which we show with our disassembly and the
// source line from line_info.
//
// Invariants: pure text processing; a log without a statistics line gives undefined
// statistics, a rejection without an instruction line gives no location.

import { formatInstruction, Pseudo, type Instruction } from "../isa/index.js";
import type { LinkedProgram } from "../object/link.js";
import type { RejectedInstruction } from "./errors.js";

export interface VerifierStats {
  readonly processedInsns: number;
  readonly maxStatesPerInsn: number;
  readonly totalStates: number;
  readonly peakStates: number;
}

const STATS = /processed (\d+) insns \(limit \d+\) max_states_per_insn (\d+) total_states (\d+) peak_states (\d+)/;
const INSN_LINE = /^(\d+): \([0-9a-f]{2}\)/;

export function verifierStats(log: string): VerifierStats | undefined {
  const m = STATS.exec(log);
  return m ? { processedInsns: Number(m[1]), maxStatesPerInsn: Number(m[2]), totalStates: Number(m[3]), peakStates: Number(m[4]) } : undefined;
}

/** The complaint: message lines after the last instruction line, without the statistics. */
export function rejectionReason(log: string): string {
  const lines = log.split("\n").map((l) => l.trimEnd());
  let last = -1;
  lines.forEach((l, i) => {
    if (INSN_LINE.test(l)) last = i;
  });
  const tail = lines.slice(last + 1).filter((l) => l !== "" && !STATS.test(l) && !/^verification time|^stack depth|^-- END PROG LOAD LOG --/.test(l) && !/^\d+: R\d/.test(l) && !l.startsWith(";"));
  return tail.join("; ") || lines.filter((l) => l !== "" && !STATS.test(l)).slice(-1)[0] || "no verifier log";
}

/** The index of the instruction the verifier was at when it gave up. */
export function rejectedIndex(log: string): number | undefined {
  let index: number | undefined;
  for (const l of log.split("\n")) {
    const m = INSN_LINE.exec(l);
    if (m) index = Number(m[1]);
  }
  return index;
}

function describe(insn: Instruction, mapNames: readonly string[]): string {
  const text = formatInstruction(insn, { callKinds: true });
  if (insn.kind === "lddw" && (insn.pseudo === Pseudo.MAP_IDX || insn.pseudo === Pseudo.MAP_IDX_VALUE)) {
    const name = mapNames[insn.lo] ?? `map #${insn.lo}`;
    return `${text}  ; ${insn.pseudo === Pseudo.MAP_IDX ? `map '${name}'` : `&'${name}' + ${insn.hi}`}`;
  }
  return text;
}

/** The rejected instruction with its text and source line, from the linked program. */
export function locateRejection(log: string, linked: LinkedProgram, mapNames: readonly string[]): RejectedInstruction | undefined {
  const index = rejectedIndex(log);
  if (index === undefined) return undefined;
  const insn = linked.insns[index];
  const text = insn ? describe(insn, mapNames) : "(not an instruction boundary)";
  let line: LinkedProgram["lineInfo"][number] | undefined;
  for (const l of linked.lineInfo) if (l.slot <= index && (!line || l.slot >= line.slot)) line = l;
  const source = line ? `${line.fileName}:${line.lineNumber}:${line.column}: ${line.line.trim()}` : undefined;
  return { index, text, ...(source ? { source } : {}) };
}
