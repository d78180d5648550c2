// Verifier benchmark: for every program of the reference objects and the examples, the
// bundled verifier's time (verifyProgram with the kernel's rules, tinybench mean) beside the
// kernel's, measured in the same run: the wall time of loading just that program through our
// loader (KernelObject.load: BTF, maps and BPF_PROG_LOAD, which verifies), and the kernel's
// own "verification time" from the level-4 statistics that `bpftool -d prog loadall` prints.
// Processed-insns of both verifiers are shown too. A benchmark, not a test: it never fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { Bench } from "tinybench";
import { compileSource } from "../compiler/compile.js";
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

/** Median µs of KernelObject.load with only these programs (none: BTF and maps alone). */
function kernelLoadUs(bytes: Uint8Array, name: string, programs: readonly string[]): number {
  const times: number[] = [];
  for (let i = 0; i < KERNEL_LOADS; i++) {
    const start = performance.now();
    KernelObject.load(bytes, { name, programs }).close();
    times.push((performance.now() - start) * 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
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
        baseUs = kernelLoadUs(src.bytes, objectName, []);
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
      if (kernel.ok) {
        try {
          loadUs = kernelLoadUs(src.bytes, objectName, [fn.name]);
        } catch (e) {
          notes.push(`${src.name} ${fn.name}: the kernel does not load it: ${message(e)}`);
        }
      }
      const k = stats.get(fn.name);
      rows.push({ program: `${src.name}:${fn.name}`, accepted: verdict.accepted, oursUs: meanMs * 1000, oursProcessed: verdict.processed, kernelLoadUs: loadUs, kernelProgUs: loadUs !== undefined && baseUs !== undefined ? Math.max(0, loadUs - baseUs) : undefined, kernelVerifyUs: k?.us, kernelProcessed: k?.processed });
    }
  }
  return { rows, notes };
}

export function printVerifyBench(bench: VerifyBench, kernel: KernelOracle): void {
  const num = (v: number | undefined, digits = 0): string => (v === undefined || Number.isNaN(v) ? "-" : v.toFixed(digits));
  const ratio = (a: number, b: number | undefined): string => (b ? `${(a / b).toFixed(1)}x` : "-");
  console.log("\nbundled verifier vs the kernel's, per program (µs; processed insns)");
  if (!kernel.ok) console.log(`  kernel columns skipped: ${kernel.why}`);
  console.log("  ours: verifyProgram (target kernel), tinybench mean");
  console.log(`  load: KernelObject.load of the program alone (BTF, maps, BPF_PROG_LOAD), median of ${KERNEL_LOADS}; prog: load minus the same object loaded without programs = BPF_PROG_LOAD (verify + JIT, and our loader's 4 MiB log buffer)`);
  console.log("  kv-l2: the kernel's own \"verification time\" from bpftool -d (log level 1|2|4: the level-2 state log slows the kernel, so this overstates it)");
  console.log(`${"object:program".padEnd(44)} ${"verdict".padEnd(8)} ${"ours".padStart(8)} ${"load".padStart(7)} ${"prog".padStart(7)} ${"kv-l2".padStart(7)} ${"ours/prog".padStart(9)} ${"ours/kv".padStart(8)} ${"insns ours/kernel".padStart(18)}`);
  for (const r of bench.rows) {
    console.log(
      `${r.program.padEnd(44)} ${(r.accepted ? "accepted" : "REJECTED").padEnd(8)} ${num(r.oursUs, 1).padStart(8)} ${num(r.kernelLoadUs).padStart(7)} ${num(r.kernelProgUs).padStart(7)} ${num(r.kernelVerifyUs).padStart(7)} ${ratio(r.oursUs, r.kernelProgUs).padStart(9)} ${ratio(r.oursUs, r.kernelVerifyUs).padStart(8)} ${`${r.oursProcessed}/${num(r.kernelProcessed)}`.padStart(18)}`,
    );
  }
  for (const n of bench.notes) console.log(`  note: ${n}`);
}
