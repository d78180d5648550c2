// `tsbpf verify` and the verify step of `tsbpf build` / `tsbpf run`: runs the bundled verifier
// on every program of an object and prints, per program, `PROG: accepted (processed N insns)`
// or the rejection with its location (the source line from line_info when there is one, else
// the section and offset of the instruction), the instruction and the registers involved.
import { readObject } from "../runtime/object/object-file.js";
import { describeVerdict } from "../runtime/verifier/report.js";
import { verifyObject, type ProgramVerdict, type Target, type VerifyProgress } from "../runtime/verifier/index.js";

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
  /** Progress of long verifications (see printProgress). */
  readonly onProgress?: (p: VerifyProgress) => void;
}

/** Milliseconds between progress lines: 1000, or TSBPF_PROGRESS_MS (tests use a shorter one). */
export function progressIntervalMs(): number {
  const v = Number(process.env.TSBPF_PROGRESS_MS);
  return Number.isFinite(v) && v > 0 ? v : 1000;
}

export interface VerifyReport {
  readonly text: string;
  readonly verdicts: readonly ProgramVerdict[];
  readonly accepted: boolean;
}

export function verifyBytes(bytes: Uint8Array, cmd: VerifyCommand): VerifyReport {
  const obj = readObject(bytes);
  const verdicts = verifyObject(obj, { target: cmd.target, ...(cmd.onProgress ? { onProgress: cmd.onProgress, progressIntervalMs: progressIntervalMs() } : {}) });
  const accepted = verdicts.every((v) => v.accepted);
  const text = cmd.json ? JSON.stringify(verdicts, null, 2) + "\n" : verdicts.map((v) => describeVerdict(obj, v)).join("");
  return { text, verdicts, accepted };
}

/** A verification running longer than a second reports on stderr about once a second. */
export function printProgress(p: VerifyProgress): void {
  process.stderr.write(`tsbpf: verifying ${p.program}: ${p.processed} insns processed, ${p.states} states stored, at insn ${p.insn} (${(p.elapsedMs / 1000).toFixed(1)} s)\n`);
}

export function parseTarget(text: string): Target {
  if (text !== "vm" && text !== "kernel") throw new Error(`--target takes vm or kernel, not '${text}'`);
  return text;
}
