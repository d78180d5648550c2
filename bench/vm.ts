// VM benchmark: ns/packet for every reference program on a representative frame, on the
// interpreter and on the compiled (WebAssembly) tier, beside the kernel's figure from
// `bpftool prog run ... repeat 1000000` (JIT). Per call = one runXdp (frame copied in, result
// built); in a loop = runXdp's repeat (the program run back to back on the same frame, as
// the kernel's repeat does), divided by the repeat count, which is what the kernel figure is.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Bench } from "tinybench";
import { loadObject } from "../runtime/vm/loader.js";
import { runXdp } from "../runtime/vm/xdp.js";
import { runXdpBatch } from "../runtime/vm/xdp-batch.js";
import { kernelNsPerRun, type KernelOracle } from "./kernel-oracle.js";

export interface VmBenchRow {
  readonly program: string;
  /** Interpreter, one runXdp per packet. */
  readonly vmNs: number;
  /** Compiled tier, one runXdp per packet. */
  readonly wasmNs: number;
  /** Interpreter and compiled tier, per run inside runXdp's repeat loop. */
  readonly vmLoopNs: number;
  readonly wasmLoopNs: number;
  /** Which tier actually ran under "wasm" (a program it does not handle runs in the interpreter). */
  readonly wasmTier: string;
  readonly kernelNs: number | undefined;
}

const LOOP = 2000;

async function meanNs(fn: () => void): Promise<number> {
  const bench = new Bench({ time: 200, warmup: true });
  bench.add("run", fn);
  await bench.run();
  const task = bench.tasks[0]!;
  const meanMs = task.result && "latency" in task.result ? task.result.latency.mean : Number.NaN;
  return meanMs * 1e6;
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
      const vmNs = await meanNs(() => runXdp(obj, name, frame, { clock: () => 0n, tier: "interp" }));
      const wasmNs = await meanNs(() => runXdp(obj, name, frame, { clock: () => 0n, tier: "wasm" }));
      const vmLoopNs = (await meanNs(() => runXdp(obj, name, frame, { clock: () => 0n, tier: "interp", repeat: LOOP / 10 }))) / (LOOP / 10);
      const wasmLoopNs = (await meanNs(() => runXdp(obj, name, frame, { clock: () => 0n, tier: "wasm", repeat: LOOP }))) / LOOP;
      const wasmTier = runXdp(obj, name, frame, { clock: () => 0n, tier: "wasm" }).tier;
      let kernelNs: number | undefined;
      // The kernel cannot run callx (opcode 0x8d); every other program gets its JIT figure.
      if (kernel.ok && file !== "callx.o") kernelNs = kernelNsPerRun(kernel.bpftool, path, name, frame, 1_000_000);
      rows.push({ program: `${file}:${name}`, vmNs, wasmNs, vmLoopNs, wasmLoopNs, wasmTier, kernelNs });
    }
  }
  return rows;
}

export interface VmBatchRow {
  readonly program: string;
  /** Interpreter and compiled tier, ns per packet of the batch. */
  readonly vmNs: number;
  readonly wasmNs: number;
  readonly kernelNs: number | undefined;
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
  const perPacket = (tier: "interp" | "wasm"): number => {
    runXdpBatch(obj, "xdp_udp53", frames.slice(0, 10_000), { clock: () => 0n, tier });
    const start = process.hrtime.bigint();
    runXdpBatch(obj, "xdp_udp53", frames, { clock: () => 0n, tier });
    return Number(process.hrtime.bigint() - start) / BATCH;
  };
  const vmNs = perPacket("interp");
  const wasmNs = perPacket("wasm");
  const frame = new Uint8Array(readFileSync(join(packets, `${FRAME}.bin`)));
  const kernelNs = kernel.ok ? kernelNsPerRun(kernel.bpftool, path, "xdp_udp53", frame, 1_000_000) : undefined;
  return [{ program: "xdp_udp53.o:xdp_udp53", vmNs, wasmNs, kernelNs, frames: BATCH }];
}
