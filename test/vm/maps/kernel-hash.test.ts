// HASH and PERCPU_HASH against the kernel: random sequences of update (any/noexist/exist),
// delete, lookup, first-key getnext and full dumps on small maps that fill up. The kernel walks
// hash maps in bucket order, so dumps are compared as sets and getnext by membership; every
// return code and value is compared exactly.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import { createMap, type HashMap, type PercpuHashMap } from "../../../runtime/vm/maps/index.js";
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
import { hex } from "./fixtures.js";
import { bpftoolSession, jsonBytes, type KernelResult, possibleCpus, Rng } from "./kernel-oracle.js";

const k = kernelAccess();
const CPUS = possibleCpus(readFileSync("/sys/devices/system/cpu/possible", "utf8"));

function hashSequence(seed: number, dir: string, percpu: boolean): DiffSequence {
  const rng = new Rng(seed);
  const pin = `${dir}/${percpu ? "p" : "h"}${seed}`;
  const keySize = rng.pick([1, 4, 6]);
  const valueSize = rng.pick([4, 8, 12]);
  const maxEntries = 1 + rng.int(5);
  const flags = rng.pick([0, 1]); // BPF_F_NO_PREALLOC or not
  const type = percpu ? MapType.PERCPU_HASH : MapType.HASH;
  const map = createMap({ name: "m", type, keySize, valueSize, maxEntries, flags }, { cpus: CPUS }) as HashMap | PercpuHashMap;
  const keys = distinctKeys(rng, maxEntries + 4, keySize);
  const absent = keys.pop()!;
  const steps: DiffStep[] = [
    {
      label: `create ${MapType[type]} key ${keySize} value ${valueSize} entries ${maxEntries} flags ${flags}`,
      cmd: cmd.create(pin, percpu ? "percpu_hash" : "hash", keySize, valueSize, maxEntries, flags),
      model: () => ({ errno: 0 }),
      kernel: kernelStatus,
    },
  ];
  for (let n = 8 + rng.int(11); n > 0; n--) {
    const key = rng.pick(keys);
    const op = rng.int(20);
    if (op < 10) {
      const value = rng.bytes(valueSize);
      steps.push(step.update(pin, map, key, value, rng.pick(UPDATE_FLAGS), percpu ? CPUS : undefined));
    } else if (op < 13) {
      steps.push(step.delete(pin, map, key));
    } else if (op < 15) {
      steps.push(step.lookup(pin, map, key, percpu ? { valueSize, cpus: CPUS } : undefined));
    } else if (op < 17) {
      steps.push(dumpStep(pin, map, percpu, valueSize));
    } else {
      // An absent key (or none) asks for the first key: some element, or ENOENT when empty.
      const probe = rng.int(2) ? undefined : absent;
      steps.push({
        label: `getnext ${probe ? hex(probe) : "(none)"}`,
        cmd: cmd.getnext(pin, probe),
        model: () => (map.size === 0 ? { errno: 2 } : { member: true }),
        kernel: (r) => (r.errno ? { errno: r.errno } : { member: map.userLookup(nextKeyOf(r)) instanceof Uint8Array }),
      });
    }
  }
  steps.push(dumpStep(pin, map, percpu, valueSize));
  return { seed, steps };
}

function dumpStep(pin: string, map: HashMap | PercpuHashMap, percpu: boolean, valueSize: number): DiffStep {
  return {
    label: "dump",
    cmd: cmd.dump(pin),
    model: () => vmDump(map, true, percpu ? { valueSize, cpus: CPUS } : undefined),
    kernel: (r) => kernelDump(r, true),
  };
}

function distinctKeys(rng: Rng, n: number, size: number): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  while (seen.size < n) {
    const key = rng.bytes(size);
    seen.set(hex(key), key);
  }
  return [...seen.values()];
}

function nextKeyOf(r: KernelResult): Uint8Array {
  return jsonBytes((r as { output: { next_key: string[] } }).output.next_key);
}


describe.skipIf(!k)("HASH and PERCPU_HASH against the kernel", () => {
  const session = bpftoolSession(k, "tsbpf-maps-hash");

  it("HASH: 200 random sequences give the kernel's return codes, values and contents", async () => {
    const { steps } = await runDifferential(session.batch, Array.from({ length: 200 }, (_, seed) => hashSequence(seed, session.dir, false)));
    expect(steps).toBeGreaterThan(200 * 10);
  });

  it("PERCPU_HASH: 60 random sequences, every CPU's value compared", async () => {
    await runDifferential(session.batch, Array.from({ length: 60 }, (_, seed) => hashSequence(1000 + seed, session.dir, true)));
  });
});
