// Chain benchmark: what the `tsbpf link --chain` rootlet costs per chained program. Chains of
// 1, 2, 4, 8 and 10 trivial XDP_PASS programs (one tsbpf-built object holding them) against one such
// program alone, in the kernel (BPF_PROG_TEST_RUN's own timer, repeat 1e6, best of 5) and in
// the VM (tinybench), and beside a clang-built C twin of each chain (the kernel's cost of a
// BPF-to-BPF call on this machine), and with the bodies inlined (--inline). Per chained
// program = (chain − single) / N.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bench } from "tinybench";
import { buildSource } from "../compiler/build.js";
import { KernelObject, testRunXdp } from "../runtime/kernel/index.js";
import { readObject } from "../runtime/object/object-file.js";
import { linkChain } from "../runtime/object/static-link/chain.js";
import { loadObject } from "../runtime/vm/loader.js";
import { runXdp } from "../runtime/vm/xdp.js";
import { clangOracle, compileTwin } from "./clang.js";
import type { KernelOracle } from "./kernel-oracle.js";

export interface ChainBenchRow {
  readonly programs: number;
  readonly kernelNs: number | undefined;
  readonly vmNs: number;
  /** The C twin: a clang-built root calling N noinline functions the same way. */
  readonly clangNs?: number | undefined;
  /** The rootlet with the bodies inlined (--inline). */
  readonly inlineKernelNs?: number | undefined;
  readonly inlineVmNs?: number | undefined;
}

export const CHAIN_SIZES = [1, 2, 4, 8, 10] as const;

const FRAME = new Uint8Array(64).fill(0xab);

function passSource(names: readonly string[]): string {
  return `import { XdpAction, type XdpContext } from "tsbpf";\nexport const LICENSE = "GPL";\n${names.map((n) => `export function ${n}(_ctx: XdpContext): XdpAction {\n  return XdpAction.PASS;\n}\n`).join("")}`;
}

function kernelNs(bytes: Uint8Array, program: string): number {
  const obj = KernelObject.load(bytes);
  try {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 5; i++) best = Math.min(best, testRunXdp(obj.program(program).fd, FRAME, { repeat: 1_000_000 }).duration);
    return best;
  } finally {
    obj.close();
  }
}

async function vmNs(bytes: Uint8Array, program: string): Promise<number> {
  const obj = loadObject(readObject(bytes));
  const bench = new Bench({ time: 200, warmup: true });
  bench.add(program, () => {
    runXdp(obj, program, FRAME, { clock: () => 0n });
  });
  await bench.run();
  const r = bench.tasks[0]!.result;
  return r && "latency" in r ? r.latency.mean * 1e6 : Number.NaN;
}

/** C twin of a chain of n: root() calls n noinline XDP_PASS functions, returning the first other action. */
function twinSource(n: number): string {
  const fns = Array.from({ length: n }, (_v, i) => `static __attribute__((noinline)) int p${i}(struct xdp_md *ctx) { return ctx ? XDP_PASS : XDP_DROP; }\n`).join("");
  const calls = Array.from({ length: n }, (_v, i) => `  r = p${i}(ctx); if (r != XDP_PASS) return r;\n`).join("");
  return `#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n${fns}SEC("xdp") int root(struct xdp_md *ctx) {\n  int r;\n${calls}  return XDP_PASS;\n}\nchar LICENSE[] SEC("license") = "GPL";\n`;
}

/** Row 0 is the single program (programs = 0: no rootlet). */
export async function benchChain(kernel: KernelOracle): Promise<ChainBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-chain-bench-"));
  try {
    const names = Array.from({ length: Math.max(...CHAIN_SIZES) }, (_v, i) => `xdp_pass_${i}`);
    const path = join(dir, "pass.ts");
    const objOf = (n: number): Uint8Array => buildSource(path, passSource(names.slice(0, n)), { verify: false }).object;
    const single = objOf(1);
    writeFileSync(join(dir, "single.o"), single);
    await vmNs(single, names[0]!); // warms the interpreter up before the figures
    const rows: ChainBenchRow[] = [{ programs: 0, kernelNs: kernel.ok ? kernelNs(single, names[0]!) : undefined, vmNs: await vmNs(single, names[0]!) }];
    const clang = clangOracle();
    for (const n of CHAIN_SIZES) {
      const { bytes } = linkChain([{ name: `pass${n}.o`, obj: readObject(objOf(n)) }], { name: "chain" });
      let clangNs: number | undefined;
      if (kernel.ok && clang.ok) {
        writeFileSync(join(dir, `twin${n}.c`), twinSource(n));
        clangNs = kernelNs(new Uint8Array(readFileSync(compileTwin(clang, join(dir, `twin${n}.c`), dir, `twin${n}`).object)), "root");
      }
      const inlined = linkChain([{ name: `pass${n}.o`, obj: readObject(objOf(n)) }], { name: "chain", inline: true }).bytes;
      rows.push({
        programs: n,
        kernelNs: kernel.ok ? kernelNs(bytes, "chain") : undefined,
        vmNs: await vmNs(bytes, "chain"),
        clangNs,
        inlineKernelNs: kernel.ok ? kernelNs(inlined, "chain") : undefined,
        inlineVmNs: await vmNs(inlined, "chain"),
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printChainBench(rows: readonly ChainBenchRow[]): void {
  const single = rows[0]!;
  const f = (v: number | undefined, d = 1): string => (v === undefined || Number.isNaN(v) ? "-" : v.toFixed(d));
  console.log("\nXDP chain rootlet (tsbpf link --chain) over trivial XDP_PASS programs, ns per packet");
  console.log(`${"programs".padEnd(10)} ${"kernel ns".padStart(10)} ${"per prog".padStart(9)} ${"C twin ns".padStart(10)} ${"per prog".padStart(9)} ${"VM ns".padStart(10)} ${"per prog".padStart(9)} ${"inline ns".padStart(10)} ${"per prog".padStart(9)} ${"inl. VM".padStart(10)} ${"per prog".padStart(9)}`);
  for (const r of rows) {
    const per = (a: number | undefined, b: number | undefined): number | undefined => (r.programs === 0 || a === undefined || b === undefined ? undefined : (a - b) / r.programs);
    console.log(`${(r.programs === 0 ? "alone" : String(r.programs)).padEnd(10)} ${f(r.kernelNs).padStart(10)} ${f(per(r.kernelNs, single.kernelNs), 2).padStart(9)} ${f(r.clangNs).padStart(10)} ${f(per(r.clangNs, single.kernelNs), 2).padStart(9)} ${f(r.vmNs).padStart(10)} ${f(per(r.vmNs, single.vmNs), 1).padStart(9)} ${f(r.inlineKernelNs).padStart(10)} ${f(per(r.inlineKernelNs, single.kernelNs), 2).padStart(9)} ${f(r.inlineVmNs).padStart(10)} ${f(per(r.inlineVmNs, single.vmNs), 1).padStart(9)}`);
  }
}
