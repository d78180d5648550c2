// A verdict as text, the way `tsbpf verify` prints it and the test harness reports it:
// `PROG: accepted (processed N insns)`, or the rejection with its location (the source line
// from line_info, else the section and offset), the instruction, the registers and the hint.

import { SLOT_BYTES } from "../isa/index.js";
import { objectFunctions } from "../object/link.js";
import type { ObjectFile } from "../object/object-file.js";
import type { ProgramVerdict } from "./index.js";

/** `section+0xOFF` of instruction `insn` of program `program` (its function and the offset in its ELF section). */
function sectionOffset(obj: ObjectFile, v: ProgramVerdict, insn: number): string {
  // The linked layout puts the entry function first; subprograms follow, so only instructions
  // of the entry function map to its section by offset. Others are named by function.
  const fns = objectFunctions(obj);
  const entry = fns.find((f) => f.name === v.program && f.section === v.section);
  if (entry && insn < entry.slots) return `${entry.section}+0x${((entry.slot + insn) * SLOT_BYTES).toString(16)}`;
  return `${v.section} (subprogram) insn ${insn}`;
}

export function describeVerdict(obj: ObjectFile, v: ProgramVerdict): string {
  if (v.accepted) return `${v.program}: accepted (processed ${v.processed} insns)\n`;
  const e = v.error!;
  const where = e.line ? `${e.line.file}:${e.line.line}:${e.line.column}${e.line.source ? `: ${e.line.source.trim()}` : ""}` : `${sectionOffset(obj, v, e.insn)} insn ${e.insn}`;
  const lines = [`${v.program}: rejected: ${e.message}`, `  at ${where}`, `  insn ${e.insn}: ${e.text}`];
  if (e.registers) lines.push(`  ${e.registers}`);
  if (e.hint) lines.push(`  hint: ${e.hint}`);
  lines.push(`  (processed ${v.processed} insns)`);
  return lines.join("\n") + "\n";
}

