// `npm run bench`: tsbpf's benchmarks, side by side with the kernel in the same run.
// A benchmark, not a test: it prints figures and ratios and never fails on them.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchCompile, printCompileBench } from "./compile.js";
import { kernelOracle } from "./kernel-oracle.js";
import { benchCorpus, benchVerify, printCorpusBench, printVerifyBench } from "./verify.js";
import { benchVm, benchVmBatch } from "./vm.js";
import { anchorFrame, benchAnchor } from "./anchor.js";
import { benchChain, printChainBench } from "./chain.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const sharedDir = process.env.TSBPF_SHARED ?? join(root, "..", "shared");
const referenceDir = join(sharedDir, "reference");
const corpusDir = process.env.SELFTESTS_CORPUS ?? "/work/cache/selftests/corpus";
const labelsPath = process.env.SELFTESTS_LABELS ?? join(sharedDir, "selftests", "labels.json");

const pad = (s: string, n: number): string => s.padEnd(n);
const num = (v: number | undefined, digits = 0): string => (v === undefined || Number.isNaN(v) ? "-" : v.toFixed(digits));

async function main(): Promise<void> {
  const kernel = kernelOracle();
  console.log(`tsbpf bench — kernel oracle: ${kernel.ok ? "bpftool prog run (JIT), repeat 1000000" : `unavailable (${kernel.why})`}\n`);
  console.log("VM (interpreter, compiled WebAssembly tier) vs kernel, ns per packet on ipv4_udp_dns");
  console.log("  call = one runXdp per packet; loop = per run inside runXdp's repeat (what the kernel's repeat figure measures)");
  const h = ["interp call", "wasm call", "interp loop", "wasm loop", "kernel", "interp/k", "wasm/k"];
  console.log(`${pad("program", 36)} ${h.map((x) => x.padStart(11)).join(" ")}`);
  const ratio = (a: number, k: number | undefined): string => (k ? `${(a / k).toFixed(1)}x` : "-");
  for (const r of await benchVm(referenceDir, kernel)) {
    const cols = [num(r.vmNs), num(r.wasmNs), num(r.vmLoopNs), num(r.wasmLoopNs), num(r.kernelNs), ratio(r.vmLoopNs, r.kernelNs), ratio(r.wasmLoopNs, r.kernelNs)];
    console.log(`${pad(r.program, 36)} ${cols.map((x) => x.padStart(11)).join(" ")}${r.wasmTier === "wasm" ? "" : "  (wasm tier fell back to the interpreter)"}`);
  }
  // The anchor of ../shared/anchors: ubpf's C interpreter takes about 250 ns per run (its README).
  for (const r of benchAnchor(sharedDir, anchorFrame(referenceDir))) {
    console.log(`${pad(r.program, 36)} ${num(r.vmNs).padStart(10)} ${"-".padStart(10)} ${"-".padStart(10)}   (r0 ${r.r0}; ubpf interpreter ~250 ns)`);
  }
  for (const r of await benchVmBatch(referenceDir, kernel)) {
    for (const [tier, ns] of [["interp", r.vmNs], ["wasm", r.wasmNs]] as const) {
      console.log(`${pad(`${r.program} batch x${r.frames} ${tier}`, 36)} ${num(ns).padStart(10)} ${num(r.kernelNs).padStart(10)} ${(r.kernelNs ? `${(ns / r.kernelNs).toFixed(0)}x` : "-").padStart(10)}   (${Math.round(1e9 / ns)} packets/s)`);
    }
  }
  printCompileBench(benchCompile(root, kernel), kernel);
  printVerifyBench(await benchVerify(root, referenceDir, kernel), kernel);
  printCorpusBench(benchCorpus(corpusDir, labelsPath), corpusDir);
  printChainBench(await benchChain(kernel));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
