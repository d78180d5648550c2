// The one error type for malformed object files (ELF, BTF, .BTF.ext).
// Every reader throws only this for bad input, so callers print one line
// naming where in the file the problem is and what was expected there.

/** Where a problem sits: a section (by name, or "ELF header") and a byte offset inside it. */
export interface FormatLocation {
  readonly section: string;
  readonly offset: number;
}

export class ObjectFormatError extends Error {
  override readonly name = "ObjectFormatError";
  constructor(
    readonly location: FormatLocation,
    readonly problem: string,
  ) {
    super(`${location.section}+0x${location.offset.toString(16)}: ${problem}`);
  }
}

/** Throws an ObjectFormatError unless `cond` holds. */
export function expectFormat(cond: unknown, location: FormatLocation, problem: string): asserts cond {
  if (!cond) throw new ObjectFormatError(location, problem);
}
