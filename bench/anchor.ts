// The speed anchor of ../shared/anchors: a 33-instruction Ethernet/IPv4/UDP parse path in
// ubpf's calling convention (r1 = packet, r2 = length), run by our interpreter through the
// raw runner, to set beside the README's figures for ubpf's C interpreter and JIT.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
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

export function benchAnchor(sharedDir: string, frame: Uint8Array): AnchorRow[] {
  const path = join(sharedDir, "anchors", "xdp_parse.bpf.hex");
  if (!existsSync(path) || frame.length === 0) return [];
  const run = rawRunner(anchorInstructions(readFileSync(path, "utf8")), 4096);
  const r0 = run(frame);
  // Timed loops rather than per-call timers, whose own cost would swamp a few hundred ns:
  // warm up, then the median of five loops of 200,000 runs.
  const loop = (n: number): number => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) run(frame);
    return Number(process.hrtime.bigint() - start) / n;
  };
  loop(200_000);
  const samples = Array.from({ length: 5 }, () => loop(200_000)).sort((a, b) => a - b);
  const vmNs = samples[2]!;
  return [{ program: "anchors/xdp_parse.bpf.hex", r0, vmNs }];
}
