// ARRAY and PERCPU_ARRAY against the kernel: random sequences of update (any/noexist/exist),
// lookup, delete, getnext and dumps, with indexes inside and past max_entries. Arrays walk in
// index order, so getnext and dumps are compared exactly, as are all return codes and values.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import { createMap, type ArrayMap, type PercpuArrayMap } from "../../../runtime/vm/maps/index.js";
import { kernelAccess } from "../../support/kernel.js";
import {
  type DiffSequence,
  type DiffStep,
  cmd,
  kernelDump,
  kernelPercpuValue,
  kernelStatus,
  kernelValue,
  runDifferential,
  status,
  UPDATE_FLAGS,
  vmDump,
  vmPercpuValue,
  vmValue,
} from "./differential.js";
import { steps as step } from "./differential.js";
import { hex, u32 } from "./fixtures.js";
import { bpftoolSession, possibleCpus, Rng } from "./kernel-oracle.js";

const k = kernelAccess();
const CPUS = possibleCpus(readFileSync("/sys/devices/system/cpu/possible", "utf8"));

function arraySequence(seed: number, dir: string, percpu: boolean): DiffSequence {
  const rng = new Rng(seed);
  const pin = `${dir}/${percpu ? "p" : "a"}${seed}`;
  const valueSize = rng.pick([4, 8, 13]);
  const maxEntries = 1 + rng.int(6);
  const flags = percpu ? 0 : rng.pick([0, 0x400]); // BPF_F_MMAPABLE changes nothing visible
  const type = percpu ? MapType.PERCPU_ARRAY : MapType.ARRAY;
  const map = createMap({ name: "m", type, keySize: 4, valueSize, maxEntries, flags }, { cpus: CPUS }) as ArrayMap | PercpuArrayMap;
  const percpuShape = percpu ? { valueSize, cpus: CPUS } : undefined;
  const dump: DiffStep = { label: "dump", cmd: cmd.dump(pin), model: () => vmDump(map, false, percpuShape), kernel: (r) => kernelDump(r, false) };
  const steps: DiffStep[] = [
    {
      label: `create ${MapType[type]} value ${valueSize} entries ${maxEntries} flags ${flags}`,
      cmd: cmd.create(pin, percpu ? "percpu_array" : "array", 4, valueSize, maxEntries, flags),
      model: () => ({ errno: 0 }),
      kernel: kernelStatus,
    },
  ];
  for (let n = 8 + rng.int(11); n > 0; n--) {
    // Mostly valid indexes, sometimes one past the end or far out.
    const index = rng.int(5) === 0 ? rng.pick([maxEntries, maxEntries + 1, 0xffff_ffff]) : rng.int(maxEntries);
    const key = u32(index);
    const op = rng.int(20);
    if (op < 9) {
      const value = rng.bytes(valueSize);
      steps.push(step.update(pin, map, key, value, rng.pick(UPDATE_FLAGS), percpu ? CPUS : undefined, String(index)));
    } else if (op < 12) {
      steps.push(step.lookup(pin, map, key, percpu ? { valueSize, cpus: CPUS } : undefined, String(index)));
    } else if (op < 13) {
      steps.push(step.delete(pin, map, key, String(index)));
    } else if (op < 17) {
      const probe = rng.int(4) === 0 ? undefined : key;
      steps.push(step.getnext(pin, map, probe, probe ? String(index) : "(none)"));
    } else {
      steps.push(dump);
    }
  }
  steps.push(dump);
  return { seed, steps };
}


describe.skipIf(!k)("ARRAY and PERCPU_ARRAY against the kernel", () => {
  const session = bpftoolSession(k, "tsbpf-maps-array");

  it("ARRAY: 200 random sequences give the kernel's return codes, values, key walk and contents", async () => {
    const { steps } = await runDifferential(session.batch, Array.from({ length: 200 }, (_, seed) => arraySequence(seed, session.dir, false)));
    expect(steps).toBeGreaterThan(200 * 10);
  });

  it("PERCPU_ARRAY: 60 random sequences, every CPU's value compared", async () => {
    await runDifferential(session.batch, Array.from({ length: 60 }, (_, seed) => arraySequence(5000 + seed, session.dir, true)));
  });
});
