// The kernel commands of the CLI: `tsbpf load` (load and pin, like `bpftool prog loadall ...
// pinmaps`), `tsbpf run --kernel` (BPF_PROG_TEST_RUN, printing bpftool's line exactly as the
// VM's `tsbpf run` does), `tsbpf attach` / `tsbpf detach` (XDP through a pinned BPF link).
// Argument handling and printing only; the work is in runtime/kernel.
//
// Invariant: every command closes every fd it opened before returning, on success and on
// error; what must outlive the command (programs, maps, links) survives through pins.

import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BpfSyscallError, KernelObject, detachXdp, interfaceIndex, objectNameFromPath, pinName, type TestRunResult, type XdpMode } from "../runtime/kernel/index.js";
import { VmUsageError } from "../runtime/vm/errors.js";
import { XdpInputError } from "../runtime/vm/xdp.js";
import { chooseProgram, readInputFile, readObjectInput } from "./inputs.js";
import { replay, resultLines, type RunCommand } from "./run.js";

/** Where `tsbpf attach` pins the link when no --pin is given. */
export const defaultLinkPin = (dev: string): string => `/sys/fs/bpf/tsbpf/xdp-${dev}`;

const ETH_HLEN = 14;

function withObject<T>(file: string, programs: readonly string[] | undefined, body: (obj: KernelObject) => T): T {
  const obj = KernelObject.load(readObjectInput(file), { name: objectNameFromPath(file), ...(programs ? { programs } : {}) });
  // What the loader changed on purpose (callx lowered) goes to stderr: stdout keeps bpftool's format.
  for (const note of obj.notes) process.stderr.write(`tsbpf: note: ${note}\n`);
  try {
    return body(obj);
  } finally {
    obj.close();
  }
}

export interface LoadCommand {
  readonly file: string;
  readonly pin: string;
  readonly pinMaps?: string;
  readonly log: boolean;
}

export function loadCommand(cmd: LoadCommand): string {
  return withObject(cmd.file, undefined, (obj) => {
    const lines = obj.warnings.map((w) => `warning: ${w}`);
    for (const p of obj.programs.values()) {
      lines.push(`program ${p.name}: ${p.stats ? `verified, processed ${p.stats.processedInsns} insns` : "verified"}`);
      if (cmd.log) lines.push(...p.log.trimEnd().split("\n").map((l) => `  ${l}`));
    }
    for (const path of obj.pinAll(cmd.pin, cmd.pinMaps)) lines.push(`pinned ${path}`);
    return lines.join("\n") + "\n";
  });
}

/** `tsbpf run --kernel`: the same output as the VM's run, from BPF_PROG_TEST_RUN. */
export function kernelRunCommand(cmd: RunCommand): string {
  return withObject(cmd.file, undefined, (obj) => {
    const prog = obj.program(chooseProgram(cmd.file, [...obj.programs.keys()], cmd.prog));
    if (cmd.pcap !== undefined) return replay(cmd, (data) => prog.testRun(data, { cpu: cmd.cpu }).retval);
    if (cmd.dataIn === undefined) throw new VmUsageError("give --data-in FILE or --pcap FILE");
    const frame = readInputFile(cmd.dataIn, "--data-in");
    let result: TestRunResult;
    try {
      result = prog.testRun(frame, { repeat: cmd.repeat, cpu: cmd.cpu });
    } catch (e) {
      // The same words as the VM's refusal, now that the kernel has said it.
      if (e instanceof BpfSyscallError && e.code === "EINVAL" && frame.length < ETH_HLEN) {
        throw new XdpInputError("EINVAL", `frame of ${frame.length} bytes is shorter than an Ethernet header (${ETH_HLEN}); the kernel's test run refuses it with EINVAL`);
      }
      throw e;
    }
    if (cmd.dataOut !== undefined) writeFileSync(cmd.dataOut, result.packet);
    return resultLines(result.retval, result.duration, cmd.repeat);
  });
}

export interface AttachCommand {
  readonly file: string;
  /** The program; optional when the object has only one. */
  readonly prog?: string;
  readonly dev: string;
  readonly mode?: XdpMode;
  readonly pin?: string;
  readonly pinMaps?: string;
}

export function attachCommand(cmd: AttachCommand): string {
  const ifindex = interfaceIndex(cmd.dev);
  const pin = cmd.pin ?? defaultLinkPin(cmd.dev);
  return withObject(cmd.file, undefined, (obj) => {
    const prog = obj.program(chooseProgram(cmd.file, [...obj.programs.keys()], cmd.prog));
    const pinned: string[] = [];
    if (cmd.pinMaps !== undefined) {
      mkdirSync(cmd.pinMaps, { recursive: true });
      for (const m of obj.maps.values()) {
        const path = join(cmd.pinMaps, pinName(m.info().name));
        m.pin(path);
        pinned.push(path);
      }
    }
    mkdirSync(dirname(pin), { recursive: true });
    const link = prog.attachXdp(ifindex, cmd.mode);
    try {
      link.pin(pin);
      const id = link.info().id;
      return [`attached ${prog.name} (${basename(cmd.file)}) to ${cmd.dev} (ifindex ${ifindex}${cmd.mode ? `, ${cmd.mode} mode` : ""}), link id ${id}`, `pinned link ${pin}`, ...pinned.map((p) => `pinned map ${p}`)].join("\n") + "\n";
    } finally {
      // The pin keeps the link; an unpinned link detaches here.
      link.close();
    }
  });
}

export interface DetachCommand {
  readonly dev: string;
  readonly pin?: string;
}

export function detachCommand(cmd: DetachCommand): string {
  const r = detachXdp(cmd.dev, cmd.pin ?? defaultLinkPin(cmd.dev));
  return `detached XDP link ${r.linkIds.join(", ")} from ${cmd.dev}${r.unpinned ? `, removed ${r.unpinned}` : ""}\n`;
}
