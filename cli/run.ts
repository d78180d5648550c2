// `tsbpf run`: runs a program of an object in the VM the way `bpftool prog run` runs it in
// the kernel, printing the same line (`Return value: R, duration: Tns`, with " (average)"
// when repeating) so the two can be compared line for line, followed by the action's name
// (`XDP_DROP`) on a line of its own; or replays a capture and
// counts the packets that got each action. With --kernel the same is done in the running
// kernel through BPF_PROG_TEST_RUN (cli/kernel.ts), printing the same lines.
import { writeFileSync } from "node:fs";
import { loadObject } from "../runtime/vm/loader.js";
import { runXdp, xdpActionName } from "../runtime/vm/xdp.js";
import { runXdpBatch } from "../runtime/vm/xdp-batch.js";
import { VmUsageError } from "../runtime/vm/errors.js";
import { chooseProgram, readCaptureInput, readInputFile, readObjectInput } from "./inputs.js";
import { kernelRunCommand } from "./kernel.js";

export interface RunCommand {
  readonly file: string;
  /** The program; optional when the object has only one. */
  readonly prog?: string;
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
  /** VM tier: wasm (compiled) or interp (default: the VM's default tier). */
  readonly tier?: "wasm" | "interp";
}

export function runCommand(cmd: RunCommand): string {
  if (cmd.kernel) return kernelRunCommand(cmd);
  const obj = loadObject(readObjectInput(cmd.file), { cpus: cmd.cpus });
  const prog = chooseProgram(cmd.file, [...obj.programs.keys()], cmd.prog);
  if (cmd.pcap !== undefined) return replayBatch(cmd, obj, prog);
  if (cmd.dataIn === undefined) throw new VmUsageError("give --data-in FILE or --pcap FILE");
  const frame = readInputFile(cmd.dataIn, "--data-in");
  const start = process.hrtime.bigint();
  const result = runXdp(obj, prog, frame, { cpu: cmd.cpu, repeat: cmd.repeat, ...(cmd.tier ? { tier: cmd.tier } : {}) });
  const average = (process.hrtime.bigint() - start) / BigInt(cmd.repeat);
  if (cmd.dataOut !== undefined) writeFileSync(cmd.dataOut, result.packet);
  const trace = result.trace.map((t) => `trace: ${t}\n`).join("");
  return `${trace}${resultLines(result.retval, average, cmd.repeat)}`;
}

/** bpftool prog run's line, then the action's name. */
export function resultLines(retval: number, duration: bigint | number, repeat: number): string {
  return `Return value: ${retval}, duration${repeat > 1 ? " (average)" : ""}: ${duration}ns\n${xdpActionName(retval)}\n`;
}

/** Runs every packet of the capture (`run` gives the return value) and counts the actions. */
export function replay(cmd: RunCommand, run: (data: Uint8Array) => number): string {
  const packets = readCaptureInput(cmd.pcap!);
  const actions = new Map<string, number>();
  let short = 0;
  for (const p of packets) {
    if (p.data.length < 14) {
      short++;
      continue;
    }
    const action = xdpActionName(run(p.data));
    actions.set(action, (actions.get(action) ?? 0) + 1);
  }
  return replayLines({ packets: packets.length, actions, short, long: 0 });
}

/** The VM's replay: one batch (runXdpBatch), maps carried over from frame to frame. */
function replayBatch(cmd: RunCommand, obj: ReturnType<typeof loadObject>, prog: string): string {
  const packets = readCaptureInput(cmd.pcap!);
  const start = process.hrtime.bigint();
  const batch = runXdpBatch(obj, prog, packets.map((p) => p.data), { cpu: cmd.cpu, ...(cmd.tier ? { tier: cmd.tier } : {}) });
  const ns = Number(process.hrtime.bigint() - start);
  const short = batch.refused.filter((r) => r.errno === "EINVAL").length;
  return replayLines({ packets: packets.length, actions: batch.actions, short, long: batch.refused.length - short, ...(cmd.timing ? { ns } : {}) });
}

/** A replay's summary: packets, each action's count, the frames a test run refuses, and the time when asked. */
function replayLines(r: { packets: number; actions: ReadonlyMap<string, number>; short: number; long: number; ns?: number }): string {
  const lines = [`packets: ${r.packets}`];
  for (const [action, n] of [...r.actions].sort((a, b) => (a[0] < b[0] ? -1 : 1))) lines.push(`${action}: ${n}`);
  if (r.short > 0) lines.push(`refused (shorter than 14 bytes, EINVAL in the kernel): ${r.short}`);
  if (r.long > 0) lines.push(`refused (longer than a test run takes, ENOMEM in the kernel): ${r.long}`);
  if (r.ns !== undefined) lines.push(`time: ${(r.ns / 1e6).toFixed(1)} ms, ${Math.round(r.packets / (r.ns / 1e9))} packets/s`);
  return lines.join("\n") + "\n";
}
