// Map contents in one comparable shape for the VM (runtime/vm) and the kernel loader
// (runtime/kernel): entries in key order (hash and LPM sorted by key hex, as expected.json
// sorts them), values as hex, per-CPU values split per CPU, prog-array slots by program name.
import type { KernelMap, KernelObject } from "../../runtime/kernel/index.js";
import { MapType } from "../../runtime/object/map-types.js";
import type { VmObject } from "../../runtime/vm/loader.js";
import type { BpfMap } from "../../runtime/vm/maps/types.js";
import type { ExecProgram } from "../../runtime/vm/program.js";
import { hex } from "./reference-cases.js";

export interface DumpedEntry {
  readonly key: string;
  readonly value?: string;
  readonly value_prog?: string;
  readonly percpu_values?: readonly string[];
}

const PERCPU = new Set<number>([MapType.PERCPU_ARRAY, MapType.PERCPU_HASH, MapType.LRU_PERCPU_HASH]);

function sortIfKeyed(type: number, out: DumpedEntry[]): DumpedEntry[] {
  const sorted = type === MapType.HASH || type === MapType.LPM_TRIE || type === MapType.PERCPU_HASH || type === MapType.LRU_HASH;
  return sorted ? out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : out;
}

export function dumpVmMap(map: BpfMap, obj: VmObject): DumpedEntry[] {
  const out: DumpedEntry[] = [];
  for (let key = map.nextKey(undefined); typeof key !== "number"; key = map.nextKey(key)) {
    if (map.def.type === MapType.PROG_ARRAY) {
      const prog = map.getProgram?.(new DataView(key.buffer, key.byteOffset, 4).getUint32(0, true)) as ExecProgram | undefined;
      if (prog) out.push({ key: hex(key), value_prog: [...obj.programs].find(([, p]) => p === prog)![0] });
      continue;
    }
    const value = map.userLookup(key);
    if (typeof value === "number") continue;
    if (PERCPU.has(map.def.type)) {
      const stride = Math.ceil(map.def.valueSize / 8) * 8;
      out.push({ key: hex(key), percpu_values: Array.from({ length: obj.cpus }, (_, cpu) => hex(value.subarray(cpu * stride, cpu * stride + map.def.valueSize))) });
    } else {
      out.push({ key: hex(key), value: hex(value) });
    }
  }
  return sortIfKeyed(map.def.type, out);
}

export function dumpKernelMap(map: KernelMap, obj: KernelObject, cpus: number): DumpedEntry[] {
  const progById = new Map([...obj.programs.values()].map((p) => [p.info().id, p.name]));
  const out = map.entries().map(({ key, value }): DumpedEntry => {
    if (map.type === MapType.PROG_ARRAY) return { key: hex(key), value_prog: progById.get(new DataView(value.buffer).getUint32(0, true)) ?? "?" };
    if (map.perCpu) return { key: hex(key), percpu_values: Array.from({ length: cpus }, (_, cpu) => hex(map.cpuValue(value, cpu))) };
    return { key: hex(key), value: hex(value) };
  });
  return sortIfKeyed(map.type, out);
}
