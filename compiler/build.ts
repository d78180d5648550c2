// Building as `tsbpf build` does: compile a TypeScript program, then verify every program of
// the object with the bundled verifier for the same target, so a program the kernel would
// refuse fails the build at its TypeScript line (TS90501) instead of at load time.

import { readFileSync } from "node:fs";
import { verifyObject, type ProgramVerdict, type VerifyProgress } from "../runtime/verifier/index.js";
import { compileSource, type CompileOptions, type CompileResult } from "./compile.js";
import { Code } from "./diagnostics/codes.js";
import { CompileError, type Diagnostic } from "./diagnostics/diagnostic.js";

export interface BuildOptions extends CompileOptions {
  /** Run the bundled verifier on the object (default true). */
  readonly verify?: boolean;
  /** Progress of a long verification (about once a second after the first second). */
  readonly onProgress?: (p: VerifyProgress) => void;
  /** Milliseconds between progress reports (default 1000). */
  readonly progressIntervalMs?: number;
}

/** Compiles and (by default) verifies; type, language and verifier errors are a CompileError. */
export function buildSource(path: string, sourceText: string, options: BuildOptions = {}): CompileResult {
  const result = compileSource(path, sourceText, options);
  if (options.verify === false) return result;
  const rejected = verifyObject(result.object, { target: options.target ?? "kernel", ...(options.onProgress ? { onProgress: options.onProgress, ...(options.progressIntervalMs ? { progressIntervalMs: options.progressIntervalMs } : {}) } : {}) }).filter((v) => !v.accepted);
  if (rejected.length > 0) throw new CompileError(rejected.map(verdictDiagnostic));
  return result;
}

/** `buildSource` on a file: the object's bytes. */
export function buildFile(path: string, options: BuildOptions = {}): Uint8Array {
  return buildSource(path, readFileSync(path, "utf8"), options).object;
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


export { CompileError, formatDiagnostic, type Diagnostic } from "./diagnostics/diagnostic.js";
