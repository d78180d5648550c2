// `tsbpf run`: runs a program of an object in the VM the way `bpftool prog run` runs it in
// the kernel, printing the same line (`Return value: R, duration: Tns`, with " (average)"
// when repeating) so the two can be compared line for line; or replays a capture and
// counts the packets that got each action. With --kernel the same is done in the running
// kernel through BPF_PROG_TEST_RUN (cli/kernel.ts), printing the same lines.
import { readFileSync, writeFileSync } from "node:fs";
import { loadObject } from "../runtime/vm/loader.js";
import { runXdp } from "../runtime/vm/xdp.js";
import { runXdpBatch } from "../runtime/vm/xdp-batch.js";
import { VmUsageError } from "../runtime/vm/errors.js";
import { readCapture } from "../runtime/packet/capture/index.js";
import { kernelRunCommand } from "./kernel.js";

export interface RunCommand {
  readonly file: string;
  readonly prog: string;
  /** Run in the running kernel (BPF_PROG_TEST_RUN) instead of the VM. */
  readonly kernel?: boolean;
  readonly dataIn?: string;
  readonly dataOut?: string;
  readonly repeat: number;
  readonly pcap?: string;
  /** VM: the CPU the program runs on (default 0); kernel: pin the thread to it when given. */
  readonly cpu?: number;
  readonly cpus: number;
  /** --pcap: also print the replay's time and packets per second. */
  readonly timing?: boolean;
}

export function runCommand(cmd: RunCommand): string {
  if (cmd.kernel) return kernelRunCommand(cmd);
  const obj = loadObject(new Uint8Array(readFileSync(cmd.file)), { cpus: cmd.cpus });
  if (cmd.pcap !== undefined) return replay(cmd, obj);
  if (cmd.dataIn === undefined) throw new VmUsageError("give --data-in FILE or --pcap FILE");
  const frame = new Uint8Array(readFileSync(cmd.dataIn));
  const start = process.hrtime.bigint();
  const result = runXdp(obj, cmd.prog, frame, { cpu: cmd.cpu, repeat: cmd.repeat });
  const average = (process.hrtime.bigint() - start) / BigInt(cmd.repeat);
  if (cmd.dataOut !== undefined) writeFileSync(cmd.dataOut, result.packet);
  const trace = result.trace.map((t) => `trace: ${t}\n`).join("");
  return `${trace}Return value: ${result.retval}, duration${cmd.repeat > 1 ? " (average)" : ""}: ${average}ns\n`;
}

function replay(cmd: RunCommand, obj: ReturnType<typeof loadObject>): string {
  const packets = readCapture(new Uint8Array(readFileSync(cmd.pcap!)));
  const start = process.hrtime.bigint();
  const batch = runXdpBatch(obj, cmd.prog, packets.map((p) => p.data), { cpu: cmd.cpu });
  const ns = Number(process.hrtime.bigint() - start);
  const lines = [`packets: ${packets.length}`];
  for (const [action, n] of [...batch.actions].sort((a, b) => (a[0] < b[0] ? -1 : 1))) lines.push(`${action}: ${n}`);
  const short = batch.refused.filter((r) => r.errno === "EINVAL").length;
  const long = batch.refused.length - short;
  if (short > 0) lines.push(`refused (shorter than 14 bytes, EINVAL in the kernel): ${short}`);
  if (long > 0) lines.push(`refused (longer than a test run takes, ENOMEM in the kernel): ${long}`);
  if (cmd.timing) lines.push(`time: ${(ns / 1e6).toFixed(1)} ms, ${Math.round(packets.length / (ns / 1e9))} packets/s`);
  return lines.join("\n") + "\n";
}
