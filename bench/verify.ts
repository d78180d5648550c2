// Verifier benchmark: for every program of the reference objects and the examples, the
// bundled verifier's time (verifyProgram with the kernel's rules, tinybench mean) beside the
// kernel's, measured in the same run: the kernel's own "verification time" at log level 4
// (statistics only, as the selftest labels were taken; median of repeated loads through our
// loader), the wall time of that load (KernelObject.load: BTF, maps and BPF_PROG_LOAD), and the
// level 1|2|4 figure `bpftool -d prog loadall` prints. Processed insns of both verifiers too.
// Then the selftest corpus (SELFTESTS_CORPUS, default /work/cache/selftests/corpus, with its
// labels.json): our total and median per program against the kernel's verify_us, one cold
// pass as `report.js` runs it. A benchmark, not a test: it never fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { Bench } from "tinybench";
import { compileSource } from "../compiler/compile.js";
import { compareCorpus, loadLabels } from "./selftests/compare.js";
import { KernelObject } from "../runtime/kernel/index.js";
import { objectPrograms } from "../runtime/object/link.js";
import { mapDefinitions } from "../runtime/object/map-defs.js";
import { readObject } from "../runtime/object/object-file.js";
import { verifyProgram } from "../runtime/verifier/index.js";
import type { KernelOracle } from "./kernel-oracle.js";

export interface VerifyBenchRow {
  readonly program: string;
  readonly accepted: boolean;
  readonly oursUs: number;
  readonly oursProcessed: number;
  /** Median wall time of KernelObject.load for this program alone (BTF, maps, BPF_PROG_LOAD). */
  readonly kernelLoadUs: number | undefined;
  /** Median of the kernel's "verification time" at log level 4 over the same loads. */
  readonly kernelUs: number | undefined;
  /** The same minus a load of the object without programs: BPF_PROG_LOAD (verification and JIT) alone. */
  readonly kernelProgUs: number | undefined;
  /** The kernel's own "verification time N usec", at log level 1|2|4 (the level-2 log slows it). */
  readonly kernelVerifyUs: number | undefined;
  readonly kernelProcessed: number | undefined;
}

export interface VerifyBench {
  readonly rows: readonly VerifyBenchRow[];
  readonly notes: readonly string[];
}

const KERNEL_LOADS = 15;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split("\n")[0]!;

/** Per program: the kernel's verification time and processed insns, from libbpf's debug output of the load. */
function kernelStats(bpftool: string, bytes: Uint8Array): Map<string, { us: number; processed: number }> {
  const tmp = mkdtempSync(join(tmpdir(), "tsbpf-bench-verify-"));
  const pins = mkdtempSync("/sys/fs/bpf/tsbpf-bench-verify-");
  try {
    const file = join(tmp, "obj.o");
    writeFileSync(file, bytes);
    const run = spawnSync(bpftool, ["-d", "prog", "loadall", file, `${pins}/p`], { encoding: "utf8", maxBuffer: 256 << 20 });
    const out = new Map<string, { us: number; processed: number }>();
    let program: string | undefined;
    let us: number | undefined;
    for (const line of (run.stderr ?? "").split("\n")) {
      const begin = /prog '([^']+)': -- BEGIN PROG LOAD LOG --/.exec(line);
      if (begin) [program, us] = [begin[1], undefined];
      const t = /^verification time (\d+) usec/.exec(line);
      if (t) us = Number(t[1]);
      const p = /^processed (\d+) insns/.exec(line);
      if (p && program !== undefined && us !== undefined) out.set(program, { us, processed: Number(p[1]) });
    }
    return out;
  } finally {
    rmSync(pins, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Medians over repeated KernelObject.loads with only these programs (none: BTF and maps alone), at log level 4. */
function kernelLoads(bytes: Uint8Array, name: string, programs: readonly string[]): { loadUs: number; verifyUs: number | undefined } {
  const times: number[] = [];
  const verify: number[] = [];
  for (let i = 0; i < KERNEL_LOADS; i++) {
    const start = performance.now();
    const k = KernelObject.load(bytes, { name, programs, logLevel: 4 });
    times.push((performance.now() - start) * 1000);
    const t = programs[0] !== undefined ? /verification time (\d+) usec/.exec(k.program(programs[0]).log) : null;
    if (t) verify.push(Number(t[1]));
    k.close();
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { loadUs: median(times), verifyUs: verify.length > 0 ? median(verify) : undefined };
}

function sources(root: string, referenceDir: string): { name: string; bytes: Uint8Array }[] {
  const objDir = join(referenceDir, "obj");
  const refs = existsSync(objDir)
    ? readdirSync(objDir)
        .filter((f) => f.endsWith(".o"))
        .sort()
        .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(objDir, f))) }))
    : [];
  const examplesDir = join(root, "examples");
  const examples = readdirSync(examplesDir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort()
    .map((f) => ({ name: `examples/${f}`, bytes: compileSource(join(examplesDir, f), readFileSync(join(examplesDir, f), "utf8"), { displayName: `examples/${f}` }).object }));
  return [...refs, ...examples];
}

export async function benchVerify(root: string, referenceDir: string, kernel: KernelOracle): Promise<VerifyBench> {
  const rows: VerifyBenchRow[] = [];
  const notes: string[] = [];
  for (const src of sources(root, referenceDir)) {
    const obj = readObject(src.bytes);
    const maps = mapDefinitions(obj);
    const objectName = basename(src.name).replace(/\..*$/, "").replace(/-/g, "_");
    let stats = new Map<string, { us: number; processed: number }>();
    let baseUs: number | undefined;
    if (kernel.ok) {
      try {
        baseUs = kernelLoads(src.bytes, objectName, []).loadUs;
      } catch (e) {
        notes.push(`${src.name}: the kernel does not load its BTF and maps: ${message(e)}`);
      }
      try {
        stats = kernelStats(kernel.bpftool, src.bytes);
      } catch (e) {
        notes.push(`${src.name}: bpftool: ${message(e)}`);
      }
    }
    for (const fn of objectPrograms(obj)) {
      const verdict = verifyProgram(obj, maps, fn.name, { target: "kernel" });
      const bench = new Bench({ time: 100, warmup: true });
      bench.add(fn.name, () => {
        verifyProgram(obj, maps, fn.name, { target: "kernel" });
      });
      await bench.run();
      const task = bench.tasks[0]!;
      const meanMs = task.result && "latency" in task.result ? task.result.latency.mean : Number.NaN;
      let loadUs: number | undefined;
      let kernelUs: number | undefined;
      if (kernel.ok) {
        try {
          ({ loadUs, verifyUs: kernelUs } = kernelLoads(src.bytes, objectName, [fn.name]));
        } catch (e) {
          notes.push(`${src.name} ${fn.name}: the kernel does not load it: ${message(e)}`);
        }
      }
      const k = stats.get(fn.name);
      rows.push({ program: `${src.name}:${fn.name}`, accepted: verdict.accepted, oursUs: meanMs * 1000, oursProcessed: verdict.processed, kernelLoadUs: loadUs, kernelUs, kernelProgUs: loadUs !== undefined && baseUs !== undefined ? Math.max(0, loadUs - baseUs) : undefined, kernelVerifyUs: k?.us, kernelProcessed: k?.processed });
    }
  }
  return { rows, notes };
}

export function printVerifyBench(bench: VerifyBench, kernel: KernelOracle): void {
  const num = (v: number | undefined, digits = 0): string => (v === undefined || Number.isNaN(v) ? "-" : v.toFixed(digits));
  const ratio = (a: number, b: number | undefined): string => (b ? `${(a / b).toFixed(1)}x` : "-");
  console.log("\nbundled verifier vs the kernel's, per program (µs; processed insns)");
  if (!kernel.ok) console.log(`  kernel columns skipped: ${kernel.why}`);
  console.log("  ours: verifyProgram (target kernel: link, cfg and walk), tinybench mean");
  console.log(`  kv: the kernel's own "verification time" at log level 4 (statistics only, as the selftest labels), median of ${KERNEL_LOADS} loads`);
  console.log(`  load: KernelObject.load of the program alone (BTF, maps, BPF_PROG_LOAD), median of ${KERNEL_LOADS}; prog: load minus the same object loaded without programs = BPF_PROG_LOAD (verify + JIT)`);
  console.log("  kv-l2: \"verification time\" from bpftool -d (log level 1|2|4: the level-2 state log slows the kernel, so this overstates it)");
  console.log(`${"object:program".padEnd(44)} ${"verdict".padEnd(8)} ${"ours".padStart(8)} ${"kv".padStart(6)} ${"ours/kv".padStart(8)} ${"load".padStart(7)} ${"prog".padStart(7)} ${"kv-l2".padStart(7)} ${"insns ours/kernel".padStart(18)}`);
  for (const r of bench.rows) {
    console.log(
      `${r.program.padEnd(44)} ${(r.accepted ? "accepted" : "REJECTED").padEnd(8)} ${num(r.oursUs, 1).padStart(8)} ${num(r.kernelUs).padStart(6)} ${ratio(r.oursUs, r.kernelUs).padStart(8)} ${num(r.kernelLoadUs).padStart(7)} ${num(r.kernelProgUs).padStart(7)} ${num(r.kernelVerifyUs).padStart(7)} ${`${r.oursProcessed}/${num(r.kernelProcessed)}`.padStart(18)}`,
    );
  }
  const timed = bench.rows.filter((r) => r.kernelUs !== undefined && !Number.isNaN(r.oursUs));
  if (timed.length > 0) {
    const within = timed.filter((r) => r.oursUs <= r.kernelUs!).length;
    const worst = timed.reduce((a, r) => (r.oursUs / r.kernelUs! > a.oursUs / a.kernelUs! ? r : a));
    const sum = (f: (r: VerifyBenchRow) => number): number => timed.reduce((a, r) => a + f(r), 0);
    console.log(`  ours <= kernel (kv) on ${within}/${timed.length} programs; total ours ${num(sum((r) => r.oursUs))} µs vs kernel ${num(sum((r) => r.kernelUs!))} µs (${ratio(sum((r) => r.oursUs), sum((r) => r.kernelUs!))}); worst ${worst.program} ${ratio(worst.oursUs, worst.kernelUs)}`);
  }
  for (const n of bench.notes) console.log(`  note: ${n}`);
}

export interface CorpusBench {
  readonly programs: number;
  readonly oursTotalUs: number;
  readonly oursMedianUs: number;
  readonly kernelTotalUs: number;
  readonly kernelMedianUs: number;
  /** Programs over 1 s in our verifier that the kernel verifies in under 10 ms. */
  readonly slowOnes: readonly { readonly program: string; readonly oursUs: number; readonly kernelUs: number }[];
  readonly slowest: readonly { readonly program: string; readonly oursUs: number; readonly kernelUs: number }[];
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** One pass of our verifier over the selftest corpus (every labelled program), beside the kernel's verify_us. */
export function benchCorpus(corpusDir: string, labelsPath: string): CorpusBench | string {
  if (!existsSync(join(corpusDir, "xdp"))) return `no selftest corpus at ${corpusDir} (set SELFTESTS_CORPUS)`;
  if (!existsSync(labelsPath)) return `no labels at ${labelsPath} (set SELFTESTS_LABELS)`;
  const labels = loadLabels(labelsPath);
  const kernelUs = new Map(labels.programs.map((l) => [`${l.object}/${l.program}`, l.xdp.verify_us ?? undefined]));
  const rows = compareCorpus(corpusDir, labels)
    .map((r) => ({ program: `${r.object}/${r.program}`, oursUs: r.micros, kernelUs: kernelUs.get(`${r.object}/${r.program}`) }))
    .filter((r): r is { program: string; oursUs: number; kernelUs: number } => r.kernelUs !== undefined);
  return {
    programs: rows.length,
    oursTotalUs: rows.reduce((a, r) => a + r.oursUs, 0),
    oursMedianUs: median(rows.map((r) => r.oursUs)),
    kernelTotalUs: rows.reduce((a, r) => a + r.kernelUs, 0),
    kernelMedianUs: median(rows.map((r) => r.kernelUs)),
    slowOnes: rows.filter((r) => r.oursUs > 1e6 && r.kernelUs < 1e4),
    slowest: [...rows].sort((a, b) => b.oursUs - a.oursUs).slice(0, 5),
  };
}

export function printCorpusBench(bench: CorpusBench | string, corpusDir: string): void {
  console.log(`\nselftest corpus (${corpusDir}): bundled verifier vs the kernel's verify_us (labels, log level 4)`);
  if (typeof bench === "string") {
    console.log(`  skipped: ${bench}`);
    return;
  }
  const ms = (us: number): string => `${(us / 1000).toFixed(us < 10_000 ? 2 : 0)} ms`;
  const x = (a: number, b: number): string => `${(a / b).toFixed(1)}x`;
  console.log(`  ${bench.programs} programs with a kernel time; one pass in this process (verifyProgram incl. link and cfg)`);
  console.log(`  ${"".padEnd(8)} ${"ours".padStart(10)} ${"kernel".padStart(10)} ${"ours/kernel".padStart(12)}`);
  console.log(`  ${"total".padEnd(8)} ${ms(bench.oursTotalUs).padStart(10)} ${ms(bench.kernelTotalUs).padStart(10)} ${x(bench.oursTotalUs, bench.kernelTotalUs).padStart(12)}`);
  console.log(`  ${"median".padEnd(8)} ${`${bench.oursMedianUs.toFixed(0)} µs`.padStart(10)} ${`${bench.kernelMedianUs.toFixed(0)} µs`.padStart(10)} ${x(bench.oursMedianUs, bench.kernelMedianUs).padStart(12)}`);
  console.log(`  over 1 s where the kernel needs under 10 ms: ${bench.slowOnes.length}${bench.slowOnes.length ? ` (${bench.slowOnes.map((r) => `${r.program} ${ms(r.oursUs)} vs ${ms(r.kernelUs)}`).join(", ")})` : ""}`);
  console.log(`  slowest: ${bench.slowest.map((r) => `${r.program} ${ms(r.oursUs)} (kernel ${ms(r.kernelUs)})`).join(", ")}`);
}
