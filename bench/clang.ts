// The clang side of the compile benchmark: finds clang-19 and compiles a C twin of an example
// (bench/c/X.c) the way libbpf projects do (`-O2 -g -target bpf -mcpu=v3`) into a temporary
// directory, timing the whole clang process. Unavailable (with the reason) where clang-19 or
// libbpf's headers are missing.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { performance } from "node:perf_hooks";

export type ClangOracle = { readonly ok: true; readonly clang: string; readonly args: readonly string[] } | { readonly ok: false; readonly why: string };

export interface ClangBuild {
  readonly object: string;
  /** Wall time of the clang process, spawn to exit. */
  readonly ms: number;
}

/** The multiarch include directory holding <asm/types.h> (e.g. /usr/include/x86_64-linux-gnu). */
function multiarchInclude(): string[] {
  const triple = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : process.arch;
  const dir = `/usr/include/${triple}-linux-gnu`;
  return existsSync(dir) ? [`-I${dir}`] : [];
}

export function clangOracle(): ClangOracle {
  const candidates = [
    ...(process.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, "clang-19")),
    "/usr/lib/llvm-19/bin/clang",
  ];
  const clang = candidates.find((p) => existsSync(p));
  if (!clang) return { ok: false, why: "clang-19 is not installed (apt-get install clang-19)" };
  if (!existsSync("/usr/include/bpf/bpf_helpers.h")) return { ok: false, why: "libbpf's headers are missing (apt-get install libbpf-dev)" };
  return { ok: true, clang, args: ["-O2", "-g", "-target", "bpf", "-mcpu=v3", ...multiarchInclude()] };
}

/** Compiles `source` to `outDir/<name>.o`; throws with clang's diagnostics when it fails. */
export function compileTwin(oracle: Extract<ClangOracle, { ok: true }>, source: string, outDir: string, name: string): ClangBuild {
  const object = join(outDir, `${name}.o`);
  const start = performance.now();
  try {
    execFileSync(oracle.clang, [...oracle.args, "-c", source, "-o", object], { stdio: "pipe" });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`clang failed on ${source}${stderr ? `:\n${stderr}` : ""}`);
  }
  return { object, ms: performance.now() - start };
}
