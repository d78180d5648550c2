// Errors of the VM. Loading fails with VmLoadError (the object cannot run here: an unknown
// helper, a bad relocation); running fails with VmFault, which names the instruction index,
// the program and, where line_info has it, the source line — never an untyped exception.

export class VmLoadError extends Error {
  override readonly name = "VmLoadError";
}

/** A request the VM cannot serve: an unknown program, an oversized frame, a bad option. */
export class VmUsageError extends Error {
  override readonly name = "VmUsageError";
}

export type FaultKind = "memory" | "budget" | "call" | "helper" | "instruction";

/** Where in a program a fault happened. */
export interface FaultSite {
  readonly program: string;
  readonly slot: number;
  /** Source line text from line_info, with file:line, when known. */
  readonly source?: string;
}

export class VmFault extends Error {
  override readonly name = "VmFault";
  constructor(
    readonly kind: FaultKind,
    readonly site: FaultSite,
    readonly problem: string,
  ) {
    super(`${site.program}: instruction ${site.slot}: ${problem}${site.source ? `\n  at ${site.source}` : ""}`);
  }
}

/** A fault raised below the interpreter (memory, helpers) before the site is known; the interpreter attaches the site. */
export class RawFault extends Error {
  override readonly name = "RawFault";
  constructor(
    readonly kind: FaultKind,
    readonly problem: string,
  ) {
    super(problem);
  }
}
