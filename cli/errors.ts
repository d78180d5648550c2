// One-line descriptions of the errors tsbpf reports to people, in the style of clang's
// `file: error: where: what`. An error we do not recognise is a bug and keeps its stack.
import { AssemblyError, InstructionDecodeError } from "../runtime/isa/index.js";
import { ObjectFormatError } from "../runtime/object/format-error.js";
import { VmFault, VmLoadError, VmUsageError } from "../runtime/vm/errors.js";
import { CaptureFormatError } from "../runtime/packet/capture/index.js";
import { XdpInputError } from "../runtime/vm/xdp.js";
import { VerifierRefusal } from "./verify.js";
import { StaticLinkError } from "../runtime/object/static-link/errors.js";
import { InputError, fsReason } from "./inputs.js";
import { BpfSyscallError, BtfLoadError, KernelUsageError, UnsupportedProgramError, VerifierRejection } from "../runtime/kernel/index.js";

export function describeError(file: string, e: unknown): string {
  if (e instanceof ObjectFormatError || e instanceof InstructionDecodeError) return `${file}: ${e.message}`;
  if (e instanceof AssemblyError) return `${file}:${e.message}`;
  if (e instanceof VmLoadError || e instanceof VmFault || e instanceof XdpInputError || e instanceof VmUsageError || e instanceof CaptureFormatError) return `${file}: ${e.message}`;
  if (e instanceof BpfSyscallError || e instanceof VerifierRejection || e instanceof UnsupportedProgramError || e instanceof KernelUsageError || e instanceof BtfLoadError) return `${file}: ${e.message}`;
  if (e instanceof VerifierRefusal) return `${file}: ${e.message}`;
  if (e instanceof StaticLinkError) return `${file}: ${e.message}`;
  if (e instanceof InputError) return `${e.file}: ${e.message}`;
  // Any other file the command opened (an output it writes …) is named itself, not the object.
  if (e instanceof Error && "path" in e && fsReason(e) !== undefined) return `${String(e.path)}: ${fsReason(e)}${"syscall" in e ? ` (${String(e.syscall)})` : ""}`;
  throw e;
}
