// Differential testing of the VM's maps against the kernel: a sequence is a map creation plus
// random operations, each step carrying its bpftool command, how to apply it to the VM map and
// how to read the kernel's answer, both as a plain observation ({errno} or data) to compare.
// Many sequences run as one long bpftool batch (each on its own pinned map), so the cost is
// one process per failing command. A mismatch reports the seed and the steps that led to it.
import { expect } from "vitest";
import type { BpfMap } from "../../../runtime/vm/maps/index.js";
import { hex } from "./fixtures.js";
import { type BpftoolBatch, byteArgs, jsonBytes, type KernelResult } from "./kernel-oracle.js";

export type Observation = Readonly<Record<string, unknown>>;

export interface DiffStep {
  readonly label: string;
  /** The bpftool words (after `bpftool -j`). */
  readonly cmd: readonly string[];
  /** Applies the step to the VM map; what the VM answers. */
  readonly model: () => Observation;
  /** What the kernel answered (called after `model`, so it may consult the VM map's state). */
  readonly kernel: (r: KernelResult) => Observation;
}

const GROUP = 10;

export interface DiffSequence {
  readonly seed: number;
  readonly steps: readonly DiffStep[];
}

/** Runs all sequences through the kernel (several bpftool processes at a time) and the VM. */
export async function runDifferential(batch: BpftoolBatch, sequences: readonly DiffSequence[]): Promise<{ steps: number }> {
  // Consecutive sequences share a command list, so a batch spans several of them.
  const groups: DiffSequence[][] = [];
  sequences.forEach((s, i) => (i % GROUP === 0 ? groups.push([s]) : groups[groups.length - 1]!.push(s)));
  const results = (await batch.runLanes(groups.map((g) => g.flatMap((s) => s.steps.map((st) => st.cmd))))).flat();
  let i = 0;
  for (const seq of sequences) {
    const trace: string[] = [];
    for (const step of seq.steps) {
      const r = results[i++]!;
      trace.push(step.label);
      const want = step.model();
      const got = step.kernel(r);
      expect(got, `seed ${seq.seed}, kernel vs VM after:\n  ${trace.join("\n  ")}`).toEqual(want);
    }
  }
  return { steps: i };
}

/** An errno observation from a VM return value (0 or a negative errno). */
export const status = (ret: number): Observation => ({ errno: ret === 0 ? 0 : -ret });
/** An errno observation from a kernel result. */
export const kernelStatus = (r: KernelResult): Observation => ({ errno: r.errno });

/** A value-or-errno observation from the VM (bytes, or a negative errno). */
export function vmValue(v: Uint8Array | number): Observation {
  return typeof v === "number" ? { errno: -v } : { value: hex(v) };
}

/** The kernel's `map lookup` / `pop` / `peek` answer in the same shape. */
export function kernelValue(r: KernelResult): Observation {
  if (r.errno !== 0) return { errno: r.errno };
  return { value: hex(jsonBytes((r as { output: { value: string[] } }).output.value)) };
}

/** Per-CPU values: each CPU's value_size bytes of the VM's padded slots. */
export function vmPercpuValue(v: Uint8Array | number, valueSize: number, cpus: number): Observation {
  if (typeof v === "number") return { errno: -v };
  const stride = Math.ceil(valueSize / 8) * 8;
  return { values: Array.from({ length: cpus }, (_, c) => hex(v.subarray(c * stride, c * stride + valueSize))) };
}

export function kernelPercpuValue(r: KernelResult): Observation {
  if (r.errno !== 0) return { errno: r.errno };
  const values = (r as { output: { values: { value: string[] }[] } }).output.values;
  return { values: values.map((v) => hex(jsonBytes(v.value))) };
}

/** `map getnext`: the next key, or the errno. */
export function vmNextKey(v: Uint8Array | number): Observation {
  return typeof v === "number" ? { errno: -v } : { next: hex(v) };
}

export function kernelNextKey(r: KernelResult): Observation {
  if (r.errno !== 0) return { errno: r.errno };
  return { next: hex(jsonBytes((r as { output: { next_key: string[] } }).output.next_key)) };
}

/** `map dump` of the VM map: key/value pairs in walk order (optionally sorted by key). */
export function vmDump(map: BpfMap, sorted: boolean, percpu?: { valueSize: number; cpus: number }): Observation {
  const entries = [...map.entries()].map((e) => ({
    key: hex(e.key),
    ...(percpu ? vmPercpuValue(e.value, percpu.valueSize, percpu.cpus) : { value: hex(e.value) }),
  }));
  if (sorted) entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { errno: 0, entries };
}

export function kernelDump(r: KernelResult, sorted: boolean): Observation {
  if (r.errno !== 0) return { errno: r.errno };
  const list = (r as { output: { key: string[]; value?: string[]; values?: { value: string[] }[] }[] }).output;
  const entries = list.map((e) => ({
    key: hex(jsonBytes(e.key)),
    ...(e.values ? { values: e.values.map((v) => hex(jsonBytes(v.value))) } : { value: hex(jsonBytes(e.value!)) }),
  }));
  if (sorted) entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { errno: 0, entries };
}

/** bpftool's words for the common element commands on the map pinned at `pin`. */
export const cmd = {
  create: (pin: string, type: string, key: number, value: number, entries: number, flags = 0): string[] => [
    "map",
    "create",
    pin,
    "type",
    type,
    "key",
    String(key),
    "value",
    String(value),
    "entries",
    String(entries),
    "name",
    "m",
    ...(flags ? ["flags", String(flags)] : []),
  ],
  update: (pin: string, key: Uint8Array, value: Uint8Array, flag: string): string[] => [
    "map",
    "update",
    "pinned",
    pin,
    ...(key.length ? ["key", ...byteArgs(key)] : []),
    "value",
    ...byteArgs(value),
    flag,
  ],
  lookup: (pin: string, key: Uint8Array): string[] => ["map", "lookup", "pinned", pin, "key", ...byteArgs(key)],
  delete: (pin: string, key: Uint8Array): string[] => ["map", "delete", "pinned", pin, "key", ...byteArgs(key)],
  getnext: (pin: string, key: Uint8Array | undefined): string[] => ["map", "getnext", "pinned", pin, ...(key ? ["key", ...byteArgs(key)] : [])],
  dump: (pin: string): string[] => ["map", "dump", "pinned", pin],
};

/** bpftool's update flag words and their values. */
export const UPDATE_FLAGS: readonly (readonly [string, number])[] = [
  ["any", 0],
  ["noexist", 1],
  ["exist", 2],
];

/** Every possible CPU's slot holding `value`, as bpftool writes one value to a per-CPU map. */
export function replicate(value: Uint8Array, cpus: number): Uint8Array {
  const stride = Math.ceil(value.length / 8) * 8;
  const out = new Uint8Array(stride * cpus);
  for (let c = 0; c < cpus; c++) out.set(value, c * stride);
  return out;
}

/** The update/delete/lookup steps every keyed map's sequences use. `cpus` set: a per-CPU map. */
export const steps = {
  update(pin: string, map: BpfMap, key: Uint8Array, value: Uint8Array, flags: readonly [string, number], cpus?: number, label = hex(key)): DiffStep {
    const [word, flag] = flags;
    const userValue = cpus ? replicate(value, cpus) : value;
    return { label: `update ${label} = ${hex(value)} ${word}`, cmd: cmd.update(pin, key, value, word), model: () => status(map.userUpdate(key, userValue, flag)), kernel: kernelStatus };
  },
  delete(pin: string, map: BpfMap, key: Uint8Array, label = hex(key)): DiffStep {
    return { label: `delete ${label}`, cmd: cmd.delete(pin, key), model: () => status(map.userDelete(key)), kernel: kernelStatus };
  },
  lookup(pin: string, map: BpfMap, key: Uint8Array, percpu?: { valueSize: number; cpus: number }, label = hex(key)): DiffStep {
    return {
      label: `lookup ${label}`,
      cmd: cmd.lookup(pin, key),
      model: () => (percpu ? vmPercpuValue(map.userLookup(key), percpu.valueSize, percpu.cpus) : vmValue(map.userLookup(key))),
      kernel: percpu ? kernelPercpuValue : kernelValue,
    };
  },
  /** `map getnext` from `probe` (the first key when undefined). */
  getnext(pin: string, map: BpfMap, probe: Uint8Array | undefined, label: string): DiffStep {
    return { label: `getnext ${label}`, cmd: cmd.getnext(pin, probe), model: () => vmNextKey(map.nextKey(probe)), kernel: kernelNextKey };
  },
};
