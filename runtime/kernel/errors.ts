// Errors of the kernel backend, each worded so a person can act on it: a refused bpf(2)
// command with its errno (and, for EPERM, which privileges are missing), a verifier
// rejection with the failing instruction, its disassembly and its source line, a program
// the kernel cannot run at all (indirect calls), and misuse of the API or CLI.

export const PERMISSION_HINT = "loading BPF programs needs root or CAP_BPF (+CAP_PERFMON, CAP_NET_ADMIN for XDP)";

const EPERM = 1;

export class BpfSyscallError extends Error {
  override readonly name = "BpfSyscallError";
  constructor(
    /** The bpf command, e.g. "BPF_PROG_LOAD". */
    readonly command: string,
    readonly errno: number,
    /** The errno's name, e.g. "EPERM". */
    readonly code: string,
    readonly description: string,
  ) {
    super(`${command} failed: ${code} (${description})${errno === EPERM ? `: ${PERMISSION_HINT}` : ""}`);
  }
}

/** Where a verifier rejection points: instruction index, its text and its source line. */
export interface RejectedInstruction {
  readonly index: number;
  readonly text: string;
  readonly source?: string;
}

export class VerifierRejection extends Error {
  override readonly name = "VerifierRejection";
  constructor(
    readonly program: string,
    override readonly cause: BpfSyscallError,
    /** The kernel's complaint: the last message line of the log. */
    readonly reason: string,
    readonly log: string,
    readonly at: RejectedInstruction | undefined,
  ) {
    const where = at ? `\n  at instruction ${at.index}: ${at.text}${at.source ? `\n  source: ${at.source}` : ""}` : "";
    super(`the kernel's verifier rejected program '${program}' (${cause.code}): ${reason}${where}`);
  }
}

/** A program the kernel cannot load whatever the verifier thinks, found before loading. */
export class UnsupportedProgramError extends Error {
  override readonly name = "UnsupportedProgramError";
}

/** Misuse: an unknown program or map, a section the backend does not load, a bad option. */
export class KernelUsageError extends Error {
  override readonly name = "KernelUsageError";
}
