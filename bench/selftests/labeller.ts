// Kernel labels for the selftest corpus: runs the corpus's labeller (scripts/selftests/label.c,
// built by scripts/selftests/build-corpus.sh against libbpf of the same package; root) on
// objects of CORPUS/xdp and returns one label per program in the format compare.ts reads.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import type { KernelVerdict, Labels, ProgramLabel } from "./compare.js";

interface LabellerLine {
  readonly program: string;
  readonly verdict: KernelVerdict;
  readonly message?: string;
  readonly processed?: number;
  readonly verify_us?: number;
}

/** The objects of the corpus (names without .o), sorted. */
export function corpusObjects(corpusDir: string): string[] {
  return readdirSync(join(corpusDir, "xdp"))
    .filter((f) => f.endsWith(".o"))
    .map((f) => f.replace(/\.o$/, ""))
    .sort();
}

export function objectSha256(corpusDir: string, object: string): string {
  return createHash("sha256").update(readFileSync(join(corpusDir, "xdp", `${object}.o`))).digest("hex");
}

/** Labels every program of one object with the running kernel. */
export function labelObject(corpusDir: string, object: string): ProgramLabel[] {
  const out = execFileSync(join(corpusDir, "label"), [join(corpusDir, "xdp", `${object}.o`)], { encoding: "utf8", maxBuffer: 64 << 20, timeout: 600_000 });
  return out
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const { program, verdict, message, processed, verify_us } = JSON.parse(l) as LabellerLine;
      return { object, program, xdp: { verdict, ...(message !== undefined ? { message } : {}), ...(processed !== undefined ? { processed } : {}), ...(verify_us !== undefined ? { verify_us } : {}) } };
    });
}

/** The SOURCE stamp the build script leaves: package, clang, kernel. */
export function corpusSource(corpusDir: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(join(corpusDir, "SOURCE"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("\t") as [string, string]),
  );
}

/**
 * Labels the whole corpus with the running kernel and writes the labels to `out`, stamped with
 * the kernel release, the corpus's package and clang, and each object's sha256; one object or
 * program a line, so a relabel shows in a diff as the programs that changed. Returns a summary.
 */
export function writeLabels(corpus: string, out: string): string {
  const started = Date.now();
  const source = corpusSource(corpus);
  const objects: Record<string, { xdp_sha256: string }> = {};
  const programs: ProgramLabel[] = [];
  for (const object of corpusObjects(corpus)) {
    objects[object] = { xdp_sha256: objectSha256(corpus, object) };
    programs.push(...labelObject(corpus, object));
  }
  const count = (v: string): number => programs.filter((l) => l.xdp.verdict === v).length;
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const labels: Labels = {
    meta: {
      kernel: { release: release() },
      source: source.package,
      clang: source.clang,
      mcpu: "v3",
      labeller: "scripts/selftests/label.c (libbpf of the same package): one program autoloaded per load, log level 1|4, prog_flags 0",
      label_seconds: seconds,
      xdp: { accept: count("accept"), reject: count("reject"), unlabelable: count("unlabelable") },
    },
    objects,
    programs,
  };
  // One object or program a line, so a relabel shows in a diff as the programs that changed.
  const lines = (entries: string[]): string => entries.map((e) => `  ${e}`).join(",\n");
  writeFileSync(
    out,
    `{\n "meta": ${JSON.stringify(labels.meta)},\n "objects": {\n${lines(Object.entries(objects).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`))}\n },\n "programs": [\n${lines(programs.map((p) => JSON.stringify(p)))}\n ]\n}\n`,
  );
  return `labelled ${programs.length} programs in ${seconds} s on Linux ${release()}: ${count("accept")} accept, ${count("reject")} reject, ${count("unlabelable")} unlabelable`;
}
