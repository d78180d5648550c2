// LRU_HASH and LRU_PERCPU_HASH against the kernel (bpftool pinned to CPU 0). The kernel's LRU is
// approximate (per-CPU free lists refilled in batches, eviction by reference bits), so:
//  - while a map cannot need an eviction (few keys, max_entries well above them), every return
//    code, value and the contents must equal the kernel's exactly;
//  - past max_entries only what both guarantee is checked, on each side: a key just written
//    is there, and a dump never holds more than max_entries elements.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import { createMap, type LruHashMap, type LruPercpuHashMap } from "../../../runtime/vm/maps/index.js";
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
import { bpftoolSession, possibleCpus, Rng } from "./kernel-oracle.js";

const k = kernelAccess();
const CPUS = possibleCpus(readFileSync("/sys/devices/system/cpu/possible", "utf8"));


function keyPool(rng: Rng, n: number): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  while (seen.size < n) {
    const key = rng.bytes(4);
    seen.set(hex(key), key);
  }
  return [...seen.values()];
}

/** Sequences on 6 keys in maps of 16 or 24 entries: no eviction can happen on either side. */
function lruSequence(seed: number, dir: string, percpu: boolean): DiffSequence {
  const rng = new Rng(seed);
  const pin = `${dir}/${percpu ? "p" : "l"}${seed}`;
  const valueSize = rng.pick([4, 8]);
  const maxEntries = rng.pick([16, 24]);
  const flags = rng.pick([0, 2]); // BPF_F_NO_COMMON_LRU or not
  const type = percpu ? MapType.LRU_PERCPU_HASH : MapType.LRU_HASH;
  const map = createMap({ name: "m", type, keySize: 4, valueSize, maxEntries, flags }, { cpus: CPUS }) as LruHashMap | LruPercpuHashMap;
  const keys = keyPool(rng, 6);
  const shape = percpu ? { valueSize, cpus: CPUS } : undefined;
  const dump: DiffStep = { label: "dump", cmd: cmd.dump(pin), model: () => vmDump(map, true, shape), kernel: (r) => kernelDump(r, true) };
  const steps: DiffStep[] = [
    {
      label: `create ${MapType[type]} value ${valueSize} entries ${maxEntries} flags ${flags}`,
      cmd: cmd.create(pin, percpu ? "lru_percpu_hash" : "lru_hash", 4, valueSize, maxEntries, flags),
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
    } else if (op < 16) {
      steps.push(step.lookup(pin, map, key, percpu ? { valueSize, cpus: CPUS } : undefined));
    } else {
      steps.push(dump);
    }
  }
  steps.push(dump);
  return { seed, steps };
}

interface OverflowOp {
  readonly kind: "update" | "lookup" | "delete" | "dump";
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** 40 operations over 24 keys in an 8-entry LRU_HASH: the map overflows again and again. */
function overflowOps(seed: number): OverflowOp[] {
  const rng = new Rng(seed);
  const keys = keyPool(rng, 24);
  const ops: OverflowOp[] = [];
  for (let n = 0; n < 40; n++) {
    const key = rng.pick(keys);
    const value = rng.bytes(4);
    const r = rng.int(10);
    if (r < 6) ops.push({ kind: "update", key, value }, { kind: "lookup", key, value });
    else if (r < 8) ops.push({ kind: "delete", key, value });
    else ops.push({ kind: "dump", key, value });
  }
  return ops;
}

describe.skipIf(!k)("LRU_HASH and LRU_PERCPU_HASH against the kernel", () => {
  const session = bpftoolSession(k, "tsbpf-maps-lru", true);

  it("LRU_HASH: 200 random sequences without eviction equal the kernel exactly", async () => {
    const { steps } = await runDifferential(session.batch, Array.from({ length: 200 }, (_, seed) => lruSequence(seed, session.dir, false)));
    expect(steps).toBeGreaterThan(200 * 10);
  });

  it("LRU_PERCPU_HASH: 60 random sequences without eviction equal the kernel exactly", async () => {
    await runDifferential(session.batch, Array.from({ length: 60 }, (_, seed) => lruSequence(7000 + seed, session.dir, true)));
  });

  it("past max_entries, kernel and VM both keep the key just written and never exceed max_entries", async () => {
    const MAX = 8;
    const sequences = Array.from({ length: 40 }, (_, seed) => overflowOps(9000 + seed));
    const lists = sequences.map((ops, s) => {
      const pin = `${session.dir}/o${s}`;
      return [
        cmd.create(pin, "lru_hash", 4, 4, MAX),
        ...ops.map((op) =>
          op.kind === "update"
            ? cmd.update(pin, op.key, op.value, "any")
            : op.kind === "lookup"
              ? cmd.lookup(pin, op.key)
              : op.kind === "delete"
                ? cmd.delete(pin, op.key)
                : cmd.dump(pin),
        ),
      ];
    });
    const results = await session.batch.runLanes(lists);
    let evictedSomewhere = false;
    sequences.forEach((ops, s) => {
      const map = createMap({ name: "m", type: MapType.LRU_HASH, keySize: 4, valueSize: 4, maxEntries: MAX, flags: 0 }, { cpus: CPUS });
      ops.forEach((op, i) => {
        const r = results[s]![i + 1]!;
        const where = `sequence ${s}, op ${i} (${op.kind} ${hex(op.key)})`;
        if (op.kind === "update") {
          expect(r.errno, `kernel: ${where}`).toBe(0);
          expect(map.userUpdate(op.key, op.value, 0), `VM: ${where}`).toBe(0);
        } else if (op.kind === "lookup") {
          expect(kernelValue(r), `kernel: ${where}`).toEqual({ value: hex(op.value) });
          expect(vmValue(map.userLookup(op.key)), `VM: ${where}`).toEqual({ value: hex(op.value) });
        } else if (op.kind === "delete") {
          expect([0, 2], `kernel: ${where}`).toContain(r.errno);
          expect([0, -2], `VM: ${where}`).toContain(map.userDelete(op.key));
        } else {
          const kernelCount = (kernelDump(r, true).entries as unknown[]).length;
          expect(kernelCount, `kernel: ${where}`).toBeLessThanOrEqual(MAX);
          expect(map.size, `VM: ${where}`).toBeLessThanOrEqual(MAX);
          if (kernelCount < map.size || map.size === MAX) evictedSomewhere = true;
        }
      });
    });
    expect(evictedSomewhere).toBe(true);
  });
});
