// `tsbpf verify` and the verify step of `tsbpf build` / `tsbpf run`: runs the bundled verifier
// on every program of an object and prints, per program, `PROG: accepted (processed N insns)`
// or the rejection with its location (the source line from line_info when there is one, else
// the section and offset of the instruction), the instruction and the registers involved.
import { readObject } from "../runtime/object/object-file.js";
import { describeVerdict } from "../runtime/verifier/report.js";
import { verifyObject, type ProgramVerdict, type Target } from "../runtime/verifier/index.js";

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

export function verifyBytes(bytes: Uint8Array, cmd: VerifyCommand): VerifyReport {
  const obj = readObject(bytes);
  const verdicts = verifyObject(obj, { target: cmd.target });
  const accepted = verdicts.every((v) => v.accepted);
  const text = cmd.json ? JSON.stringify(verdicts, null, 2) + "\n" : verdicts.map((v) => describeVerdict(obj, v)).join("");
  return { text, verdicts, accepted };
}

export function parseTarget(text: string): Target {
  if (text !== "vm" && text !== "kernel") throw new Error(`--target takes vm or kernel, not '${text}'`);
  return text;
}
