// The speed anchor of ../shared/anchors: a 33-instruction Ethernet/IPv4/UDP parse path in
// ubpf's calling convention (r1 = packet, r2 = length), run by our interpreter through the
// raw runner, to set beside the README's figures for ubpf's C interpreter and JIT.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Bench } from "tinybench";
import { decodeProgram } from "../runtime/isa/decode.js";
import { rawRunner } from "../runtime/vm/raw.js";

export interface AnchorRow {
  readonly program: string;
  readonly r0: bigint;
  readonly vmNs: number;
}

/** Instructions from the anchor's hex text: one 8-byte instruction per line. */
export function anchorInstructions(hex: string) {
  const bytes = Uint8Array.from(hex.split(/\s+/).filter((b) => b !== "").map((b) => parseInt(b, 16)));
  return decodeProgram(bytes).map((s) => s.insn);
}

/** ipv4_udp_dns addressed to 10.0.0.1 (dport 53): the frame that takes the anchor's full 33-instruction path (r0 = 3). */
export function anchorFrame(referenceDir: string): Uint8Array {
  const path = join(referenceDir, "packets", "ipv4_udp_dns.bin");
  if (!existsSync(path)) return new Uint8Array(0);
  const frame = new Uint8Array(readFileSync(path));
  frame.set([10, 0, 0, 1], 30);
  return frame;
}

export async function benchAnchor(sharedDir: string, frame: Uint8Array): Promise<AnchorRow[]> {
  const path = join(sharedDir, "anchors", "xdp_parse.bpf.hex");
  if (!existsSync(path) || frame.length === 0) return [];
  const run = rawRunner(anchorInstructions(readFileSync(path, "utf8")), 4096);
  const r0 = run(frame);
  const bench = new Bench({ time: 500, warmup: true });
  bench.add("xdp_parse.bpf.hex", () => {
    run(frame);
  });
  await bench.run();
  const task = bench.tasks[0]!;
  const meanMs = task.result && "latency" in task.result ? task.result.latency.mean : Number.NaN;
  return [{ program: "anchors/xdp_parse.bpf.hex", r0, vmNs: meanMs * 1e6 }];
}
