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
  console.log("VM interpreter vs kernel, ns per packet on ipv4_udp_dns");
  console.log(`${pad("program", 36)} ${"VM ns".padStart(10)} ${"kernel ns".padStart(10)} ${"VM/kernel".padStart(10)}`);
  for (const r of await benchVm(referenceDir, kernel)) {
    const ratio = r.kernelNs ? `${(r.vmNs / r.kernelNs).toFixed(0)}x` : "-";
    console.log(`${pad(r.program, 36)} ${num(r.vmNs).padStart(10)} ${num(r.kernelNs).padStart(10)} ${ratio.padStart(10)}`);
  }
  // The anchor of ../shared/anchors: ubpf's C interpreter takes about 250 ns per run (its README).
  for (const r of benchAnchor(sharedDir, anchorFrame(referenceDir))) {
    console.log(`${pad(r.program, 36)} ${num(r.vmNs).padStart(10)} ${"-".padStart(10)} ${"-".padStart(10)}   (r0 ${r.r0}; ubpf interpreter ~250 ns)`);
  }
  for (const r of await benchVmBatch(referenceDir, kernel)) {
    console.log(`${pad(`${r.program} batch x${r.frames}`, 36)} ${num(r.vmNs).padStart(10)} ${num(r.kernelNs).padStart(10)} ${(r.kernelNs ? `${(r.vmNs / r.kernelNs).toFixed(0)}x` : "-").padStart(10)}   (${Math.round(1e9 / r.vmNs)} packets/s)`);
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
