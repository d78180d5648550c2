// The VM as a test suite uses it (`tsbpf/vm`): an object is verified by the bundled verifier
// (target "vm", the Linux rules for a privileged loader) before any of its programs can run,
// as the kernel would verify it before running it. A rejection is a VerificationError whose
// message is `tsbpf verify`'s text (kernel wording, source line, registers, hint).
// The VM and the verifier stay independent of each other; this module composes them.

import { readObject } from "../object/object-file.js";
import { verifyObject, type ProgramVerdict } from "../verifier/index.js";
import { describeVerdict } from "../verifier/report.js";
import { loadObject, type VmLoadOptions, type VmObject } from "../vm/loader.js";

export class VerificationError extends Error {
  override readonly name = "VerificationError";
  constructor(
    readonly verdicts: readonly ProgramVerdict[],
    text: string,
  ) {
    super(`the bundled verifier rejects ${verdicts.map((v) => `'${v.program}'`).join(", ")}:\n${text.trimEnd()}`);
  }
}

export interface VerifiedLoadOptions extends VmLoadOptions {
  /** Verify before loading (default true); false runs unverified code, as `--no-verify` does. */
  readonly verify?: boolean;
}

/** Verifies every program of the object, then loads it into a fresh VM. */
export function loadVerified(bytes: Uint8Array, options: VerifiedLoadOptions = {}): VmObject {
  const obj = readObject(bytes);
  if (options.verify !== false) {
    const rejected = verifyObject(obj, { target: "vm" }).filter((v) => !v.accepted);
    if (rejected.length > 0) throw new VerificationError(rejected, rejected.map((v) => describeVerdict(obj, v)).join(""));
  }
  return loadObject(obj, options);
}

export { runXdp, type RunOptions, type XdpResult } from "../vm/xdp.js";
export { runXdpBatch, type XdpBatchResult } from "../vm/xdp-batch.js";
export type { VmObject } from "../vm/loader.js";
export type { Tier } from "../vm/wasm/tier.js";
export { VmFault } from "../vm/errors.js";
