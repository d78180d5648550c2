// The CLI's input files: every missing or unreadable file is reported under its own name (not
// under the command's object), a TypeScript source given where an object belongs is told to be
// built first, and a command given no --prog picks the object's only program.
import { readFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { CaptureFormatError, readCapture } from "../runtime/packet/capture/index.js";

/** A problem with one named input file (or with the choice of program in it). */
export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

const TS_SOURCE = /\.[cm]?ts$/;

/** Where `tsbpf build x.ts` writes without -o: x.o next to the source (x.mts and x.cts too). */
export function objectPathFor(source: string, outDir?: string): string {
  const name = `${basename(source, extname(source))}.o`;
  return join(outDir ?? dirname(source), name);
}

/** The reason of a failed fs call as strerror words ("no such file or directory"), if it is one. */
export function fsReason(e: unknown): string | undefined {
  if (!(e instanceof Error) || !("code" in e) || typeof e.code !== "string" || !("syscall" in e)) return undefined;
  const m = /^[A-Z0-9]+: ([^,]+)/.exec(e.message);
  return m ? m[1] : e.code;
}

/** The bytes of `file`, or an InputError naming it (`what` says which input it is: "--data-in"). */
export function readInputFile(file: string, what?: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    const reason = fsReason(e);
    if (reason === undefined) throw e;
    throw new InputError(file, `cannot read ${what ? `${what} ` : ""}file: ${reason}`);
  }
}

/** The bytes of a BPF object; a TypeScript source is refused with the build command to run first. */
export function readObjectInput(file: string): Uint8Array {
  if (TS_SOURCE.test(file)) throw new InputError(file, `this is TypeScript source, not a BPF object; build it first: tsbpf build ${file} (writes ${objectPathFor(file)})`);
  return readInputFile(file, "object");
}

/** The program to run: the one named, or the object's only one. */
export function chooseProgram(file: string, names: readonly string[], given: string | undefined): string {
  if (given !== undefined) return given;
  if (names.length === 1) return names[0]!;
  if (names.length === 0) throw new InputError(file, "the object has no programs");
  throw new InputError(file, `the object has ${names.length} programs (${names.join(", ")}); choose one with --prog NAME`);
}

/** The packets of a pcap or pcapng file; a malformed capture is reported under its own name. */
export function readCaptureInput(file: string): ReturnType<typeof readCapture> {
  const bytes = readInputFile(file, "--pcap");
  try {
    return readCapture(bytes);
  } catch (e) {
    if (e instanceof CaptureFormatError) throw new InputError(file, e.message);
    throw e;
  }
}
