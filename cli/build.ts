// `tsbpf build`: compiles (and verifies) one or many TypeScript programs in one process, so
// the compiler's start-up (the TypeScript checker, tsbpf's declarations) is paid once and not
// once per file. Objects go next to their sources (x.ts -> x.o), to -o FILE (one source), or
// into --out-dir DIR. A file that fails prints its diagnostics; the others are still built.
import { mkdirSync, writeFileSync } from "node:fs";
import { describeError } from "./errors.js";
import { InputError, objectPathFor, readInputFile } from "./inputs.js";
import { printProgress, progressIntervalMs } from "./verify.js";

export interface BuildCommand {
  readonly files: readonly string[];
  readonly output?: string;
  readonly outDir?: string;
  readonly target: "kernel" | "vm";
  readonly verify: boolean;
}

/** Where each source's object goes; an InputError when -o is ambiguous or two objects collide. */
export function outputPaths(cmd: BuildCommand): string[] {
  if (cmd.output !== undefined && cmd.outDir !== undefined) throw new InputError(cmd.output, "give -o FILE or --out-dir DIR, not both");
  if (cmd.output !== undefined && cmd.files.length > 1) throw new InputError(cmd.output, `-o names one object, but ${cmd.files.length} sources were given; use --out-dir DIR (or no option: each object next to its source)`);
  const outs = cmd.output !== undefined ? [cmd.output] : cmd.files.map((f) => objectPathFor(f, cmd.outDir));
  const seen = new Map<string, string>();
  cmd.files.forEach((f, i) => {
    const other = seen.get(outs[i]!);
    if (other !== undefined) throw new InputError(f, `${other} and ${f} would both be written to ${outs[i]}; build them into different directories`);
    seen.set(outs[i]!, f);
  });
  return outs;
}

/** Builds every file; returns the number that failed (their errors are printed on stderr). */
export async function buildCommand(cmd: BuildCommand): Promise<number> {
  let outs: string[];
  try {
    outs = outputPaths(cmd);
  } catch (e) {
    process.stderr.write(`tsbpf: error: ${describeError(cmd.files[0] ?? "", e)}\n`);
    return cmd.files.length;
  }
  // Loaded on demand: the compiler (and the TypeScript API under it) costs about a second
  // of start-up that the other commands do not need.
  const { buildSource } = await import("../compiler/build.js");
  const { CompileError, formatDiagnostic } = await import("../compiler/diagnostics/diagnostic.js");
  if (cmd.outDir !== undefined) mkdirSync(cmd.outDir, { recursive: true });
  let failed = 0;
  cmd.files.forEach((file, i) => {
    try {
      const text = Buffer.from(readInputFile(file, "source")).toString("utf8");
      // The kernel's rules, at build time: a verifier rejection is reported at the TypeScript line.
      const result = buildSource(file, text, { target: cmd.target, verify: cmd.verify, onProgress: printProgress, progressIntervalMs: progressIntervalMs() });
      if (result.warnings.length > 0) process.stderr.write(result.warnings.map(formatDiagnostic).join("\n") + "\n");
      writeFileSync(outs[i]!, result.object);
    } catch (e) {
      failed++;
      if (e instanceof CompileError) {
        process.stderr.write(e.diagnostics.map(formatDiagnostic).join("\n") + "\n");
        const errors = e.diagnostics.filter((d) => d.category === "error").length;
        process.stderr.write(`Found ${errors} error${errors === 1 ? "" : "s"}${cmd.files.length > 1 ? ` in ${file}` : ""}.\n`);
        return;
      }
      process.stderr.write(`tsbpf: error: ${describeError(file, e)}\n`);
    }
  });
  return failed;
}
