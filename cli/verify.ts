// `tsbpf verify` and the verify step of `tsbpf build` / `tsbpf run`: runs the bundled verifier
// on every program of an object and prints, per program, `PROG: accepted (processed N insns)`
// or the rejection with its location (the source line from line_info when there is one, else
// the section and offset of the instruction), the instruction and the registers involved.
import { SLOT_BYTES } from "../runtime/isa/index.js";
import { objectFunctions } from "../runtime/object/link.js";
import { readObject, type ObjectFile } from "../runtime/object/object-file.js";
import { verifyObject, type ProgramVerdict, type Target } from "../runtime/verifier/index.js";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import { Code } from "../compiler/diagnostics/codes.js";

/** `tsbpf run` refuses a program the verifier rejects; the message is the verdict text. */
export class VerifierRefusal extends Error {
  override readonly name = "VerifierRefusal";
  constructor(verdict: string) {
    super(`the bundled verifier rejects the program (run with --no-verify to run it anyway):\n${verdict.trimEnd()}`);
  }
}

export interface VerifyCommand {
  readonly target: Target;
  readonly json: boolean;
}

export interface VerifyReport {
  readonly text: string;
  readonly verdicts: readonly ProgramVerdict[];
  readonly accepted: boolean;
}

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

export function verifyBytes(bytes: Uint8Array, cmd: VerifyCommand): VerifyReport {
  const obj = readObject(bytes);
  const verdicts = verifyObject(obj, { target: cmd.target });
  const accepted = verdicts.every((v) => v.accepted);
  const text = cmd.json ? JSON.stringify(verdicts, null, 2) + "\n" : verdicts.map((v) => describeVerdict(obj, v)).join("");
  return { text, verdicts, accepted };
}

/**
 * A rejection as a compiler diagnostic at the TypeScript line the instruction came from
 * (line_info), for `tsbpf build`.
 */
export function verdictDiagnostic(v: ProgramVerdict): Diagnostic {
  const e = v.error!;
  const message = `the verifier rejects program '${v.program}': ${e.message} (instruction ${e.insn}: ${e.text}${e.registers ? `; ${e.registers}` : ""})`;
  const hint = e.hint ? `${e.hint} (or build with --no-verify to skip this check)` : "tsbpf's verifier applies the rules Linux applies when it loads the program; make the code prove what the message asks for (a bounds check against the packet end, a null check of a map lookup, a smaller loop ...), or build with --no-verify to skip this check";
  if (!e.line) return { code: Code.VerifierRejected, category: "error", message, hint };
  const source = e.line.source;
  return {
    code: Code.VerifierRejected,
    category: "error",
    message,
    hint,
    span: { file: e.line.file, line: e.line.line, column: e.line.column, length: Math.max(1, source.length - Math.max(0, e.line.column - 1)), lineText: source },
  };
}

export function parseTarget(text: string): Target {
  if (text !== "vm" && text !== "kernel") throw new Error(`--target takes vm or kernel, not '${text}'`);
  return text;
}
