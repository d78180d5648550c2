// `npm run bench:size`: only the code-size figures of the compile benchmark (no timing): for
// every program with a C twin (examples/ with bench/c/, bench/twins/), emitted slots and the
// kernel verifier's processed insns, tsbpf against clang-19, with issue 12's medians. Fast
// enough to run after every compiler change.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compileSource } from "../compiler/compile.js";
import { clangOracle, compileTwin } from "./clang.js";
import { kernelProcessed, linkedSlots, sizeSummary, type CompileBenchRow } from "./compile.js";
import { kernelOracle } from "./kernel-oracle.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function pairs(): { name: string; ts: string; c: string }[] {
  const list = (dir: string): string[] => readdirSync(join(root, dir)).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).sort();
  return [
    ...list("examples").map((f) => ({ name: f.slice(0, -3), ts: join(root, "examples", f), c: join(root, "bench", "c", `${f.slice(0, -3)}.c`) })),
    ...list(join("bench", "twins")).map((f) => ({ name: `twins/${f.slice(0, -3)}`, ts: join(root, "bench", "twins", f), c: join(root, "bench", "twins", `${f.slice(0, -3)}.c`) })),
  ];
}

function main(): void {
  const clang = clangOracle();
  if (!clang.ok) throw new Error(clang.why);
  const kernel = kernelOracle();
  const tmp = mkdtempSync(join(tmpdir(), "tsbpf-bench-size-"));
  const rows: CompileBenchRow[] = [];
  try {
    for (const p of pairs()) {
      const file = p.name.replace("/", "-");
      const ours = join(tmp, `${file}.tsbpf.o`);
      const object = compileSource(p.ts, readFileSync(p.ts, "utf8"), { displayName: p.name }).object;
      writeFileSync(ours, object);
      const theirs = compileTwin(clang, p.c, tmp, `${file}.clang`).object;
      const cSlots = linkedSlots(new Uint8Array(readFileSync(theirs)));
      const kOurs = kernel.ok ? kernelProcessed(kernel.bpftool, ours) : undefined;
      const kTheirs = kernel.ok ? kernelProcessed(kernel.bpftool, theirs) : undefined;
      for (const [program, slots] of linkedSlots(object)) {
        const row = { example: p.name, program, tsbpfInsns: slots, clangInsns: cSlots.get(program), kernelTsbpf: kOurs?.get(program), kernelClang: kTheirs?.get(program), coldMs: 0, warmMs: 0, clangMs: 0 };
        rows.push(row);
        const kr = row.kernelTsbpf && row.kernelClang ? (row.kernelTsbpf / row.kernelClang).toFixed(2) : "-";
        console.log(`${`${p.name}/${program}`.padEnd(44)} ${String(slots).padStart(5)} ${String(row.clangInsns ?? "-").padStart(5)} ${(row.clangInsns ? (slots / row.clangInsns).toFixed(2) : "-").padStart(6)}x   kernel ${String(row.kernelTsbpf ?? "-").padStart(7)} ${String(row.kernelClang ?? "-").padStart(7)} ${kr.padStart(6)}x`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const s = sizeSummary(rows);
  if (s) console.log(`\n${s.programs} programs: slots median ${s.slotsMedian.toFixed(3)}x, worst ${s.slotsWorst.toFixed(2)}x (${s.worst}); kernel processed median ${s.processedMedian.toFixed(3)}x over ${s.processedPrograms}`);
}

main();
