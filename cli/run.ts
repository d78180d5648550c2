// `tsbpf run`: runs a program of an object in the VM the way `bpftool prog run` runs it in
// the kernel, printing the same line (`Return value: R, duration: Tns`, with " (average)"
// when repeating) so the two can be compared line for line; or replays a capture and
// counts the packets that got each action. With --kernel the same is done in the running
// kernel through BPF_PROG_TEST_RUN (cli/kernel.ts), printing the same lines.
import { readFileSync, writeFileSync } from "node:fs";
import { loadObject } from "../runtime/vm/loader.js";
import { runXdp, xdpActionName } from "../runtime/vm/xdp.js";
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
  /** VM tier: wasm (compiled) or interp (default: the VM's default tier). */
  readonly tier?: "wasm" | "interp";
}

export function runCommand(cmd: RunCommand): string {
  if (cmd.kernel) return kernelRunCommand(cmd);
  const obj = loadObject(new Uint8Array(readFileSync(cmd.file)), { cpus: cmd.cpus });
  if (cmd.pcap !== undefined) return replay(cmd, obj);
  if (cmd.dataIn === undefined) throw new VmUsageError("give --data-in FILE or --pcap FILE");
  const frame = new Uint8Array(readFileSync(cmd.dataIn));
  const start = process.hrtime.bigint();
  const result = runXdp(obj, cmd.prog, frame, { cpu: cmd.cpu, repeat: cmd.repeat, ...(cmd.tier ? { tier: cmd.tier } : {}) });
  const average = (process.hrtime.bigint() - start) / BigInt(cmd.repeat);
  if (cmd.dataOut !== undefined) writeFileSync(cmd.dataOut, result.packet);
  const trace = result.trace.map((t) => `trace: ${t}\n`).join("");
  return `${trace}Return value: ${result.retval}, duration${cmd.repeat > 1 ? " (average)" : ""}: ${average}ns\n`;
}

function replay(cmd: RunCommand, obj: ReturnType<typeof loadObject>): string {
  const packets = readCapture(new Uint8Array(readFileSync(cmd.pcap!)));
  const counts = new Map<string, number>();
  let refused = 0;
  for (const p of packets) {
    if (p.data.length < 14) {
      refused++;
      continue;
    }
    const action = xdpActionName(runXdp(obj, cmd.prog, p.data, { cpu: cmd.cpu, ...(cmd.tier ? { tier: cmd.tier } : {}) }).retval);
    counts.set(action, (counts.get(action) ?? 0) + 1);
  }
  const lines = [`packets: ${packets.length}`];
  for (const [action, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) lines.push(`${action}: ${n}`);
  if (refused > 0) lines.push(`refused (shorter than 14 bytes, EINVAL in the kernel): ${refused}`);
  return lines.join("\n") + "\n";
}
