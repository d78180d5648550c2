// The kernel's verdict on a program of an object, obtained by loading it in the running
// kernel through our own loader (runtime/kernel): accepted, rejected by the verifier (with
// its complaint and errno), or refused before verification for reasons that are not the
// verifier's (our linker or loader refuses the object, a map cannot be created, the kernel
// gives no verifier log). Only the first two enter agreement figures.
//
// Invariant: every fd a load makes is closed before the label is returned.

import { performance } from "node:perf_hooks";
import { BpfSyscallError, BtfLoadError, KernelObject, KernelUsageError, UnsupportedProgramError, VerifierRejection, verifierStats } from "../../../runtime/kernel/index.js";
import { ObjectFormatError } from "../../../runtime/object/format-error.js";

const LOADER_REFUSALS = [ObjectFormatError, UnsupportedProgramError, KernelUsageError, BpfSyscallError, BtfLoadError];

export type KernelLabel =
  | { readonly kind: "accepted"; readonly processed: number | undefined; readonly ms: number }
  | { readonly kind: "rejected"; readonly message: string; readonly errno: string; readonly ms: number }
  | { readonly kind: "refused"; readonly reason: string };

/** Loads only `program` (with the subprograms it calls) of the object and reports the verdict. */
export function kernelLabel(bytes: Uint8Array, program: string, objectName: string): KernelLabel {
  const start = performance.now();
  let obj: KernelObject | undefined;
  try {
    obj = KernelObject.load(bytes, { name: objectName, programs: [program] });
    const stats = obj.program(program).stats ?? verifierStats(obj.program(program).log);
    return { kind: "accepted", processed: stats?.processedInsns, ms: performance.now() - start };
  } catch (e) {
    if (e instanceof VerifierRejection) {
      if (e.log.trim() === "") return { kind: "refused", reason: `BPF_PROG_LOAD failed with ${e.cause.code} and no verifier log` };
      return { kind: "rejected", message: e.reason, errno: e.cause.code, ms: performance.now() - start };
    }
    if (LOADER_REFUSALS.some((k) => e instanceof k)) return { kind: "refused", reason: `${(e as Error).name}: ${(e as Error).message.split("\n")[0]}` };
    throw e;
  } finally {
    obj?.close();
  }
}
