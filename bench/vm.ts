// VM benchmark: interpreter ns/packet for every reference program on a representative frame,
// beside the kernel's figure from `bpftool prog run ... repeat 1000000` (JIT), as a ratio.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Bench } from "tinybench";
import { loadObject } from "../runtime/vm/loader.js";
import { runXdp } from "../runtime/vm/xdp.js";
import { runXdpBatch } from "../runtime/vm/xdp-batch.js";
import { kernelNsPerRun, type KernelOracle } from "./kernel-oracle.js";

export interface VmBenchRow {
  readonly program: string;
  readonly vmNs: number;
  readonly kernelNs: number | undefined;
}

const FRAME = "ipv4_udp_dns";

export async function benchVm(referenceDir: string, kernel: KernelOracle): Promise<VmBenchRow[]> {
  const objDir = join(referenceDir, "obj");
  if (!existsSync(objDir)) return [];
  const frame = new Uint8Array(readFileSync(join(referenceDir, "packets", `${FRAME}.bin`)));
  const rows: VmBenchRow[] = [];
  for (const file of readdirSync(objDir).filter((f) => f.endsWith(".o")).sort()) {
    const path = join(objDir, file);
    const obj = loadObject(new Uint8Array(readFileSync(path)), { cpus: 2 });
    for (const name of obj.programs.keys()) {
      const bench = new Bench({ time: 200, warmup: true });
      bench.add(name, () => {
        runXdp(obj, name, frame, { clock: () => 0n });
      });
      await bench.run();
      const task = bench.tasks[0]!;
      const meanMs = task.result && "latency" in task.result ? task.result.latency.mean : Number.NaN;
      let kernelNs: number | undefined;
      // The kernel cannot run callx (opcode 0x8d); every other program gets its JIT figure.
      if (kernel.ok && file !== "callx.o") kernelNs = kernelNsPerRun(kernel.bpftool, path, name, frame, 1_000_000);
      rows.push({ program: `${file}:${name}`, vmNs: meanMs * 1e6, kernelNs });
    }
  }
  return rows;
}

export interface VmBatchRow extends VmBenchRow {
  readonly frames: number;
}

const BATCH = 200_000;

/** xdp_udp53 over a batch of reference frames (runXdpBatch, as `tsbpf run --pcap` replays): ns per packet. */
export async function benchVmBatch(referenceDir: string, kernel: KernelOracle): Promise<VmBatchRow[]> {
  const path = join(referenceDir, "obj", "xdp_udp53.o");
  if (!existsSync(path)) return [];
  const packets = join(referenceDir, "packets");
  const distinct = readdirSync(packets)
    .filter((f) => f.endsWith(".bin"))
    .sort()
    .map((f) => new Uint8Array(readFileSync(join(packets, f))));
  const frames = Array.from({ length: BATCH }, (_, i) => distinct[i % distinct.length]!);
  const obj = loadObject(new Uint8Array(readFileSync(path)));
  runXdpBatch(obj, "xdp_udp53", frames.slice(0, 10_000), { clock: () => 0n });
  const start = process.hrtime.bigint();
  runXdpBatch(obj, "xdp_udp53", frames, { clock: () => 0n });
  const vmNs = Number(process.hrtime.bigint() - start) / BATCH;
  const frame = new Uint8Array(readFileSync(join(packets, `${FRAME}.bin`)));
  const kernelNs = kernel.ok ? kernelNsPerRun(kernel.bpftool, path, "xdp_udp53", frame, 1_000_000) : undefined;
  return [{ program: "xdp_udp53.o:xdp_udp53", vmNs, kernelNs, frames: BATCH }];
}
