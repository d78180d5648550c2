// LPM_TRIE against the kernel: random sequences of update (any/noexist/exist), delete,
// longest-prefix lookups, getnext and dumps over prefixes drawn from a few related addresses
// (so prefixes nest and branch), with tries that fill up (ENOSPC) and prefix lengths past the
// maximum (EINVAL). The VM's trie is the kernel's, so key walks and dumps are compared in order.
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import { createMap } from "../../../runtime/vm/maps/index.js";
import { kernelAccess } from "../../support/kernel.js";
import {
  type DiffSequence,
  type DiffStep,
  cmd,
  kernelDump,
  kernelStatus,
  kernelValue,
  runDifferential,
  status,
  UPDATE_FLAGS,
  vmDump,
  vmValue,
} from "./differential.js";
import { steps as step } from "./differential.js";
import { hex } from "./fixtures.js";
import { bpftoolSession, Rng } from "./kernel-oracle.js";

const k = kernelAccess();

function lpmKey(prefixlen: number, data: Uint8Array): Uint8Array {
  const key = new Uint8Array(4 + data.length);
  new DataView(key.buffer).setUint32(0, prefixlen, true);
  key.set(data, 4);
  return key;
}

/** A base address and variants of it with single bits flipped: prefixes that share leading bits. */
function addressPool(rng: Rng, dataSize: number): Uint8Array[] {
  const base = rng.bytes(dataSize);
  return [
    base,
    ...Array.from({ length: 4 }, () => {
      const v = base.slice();
      const bit = rng.int(dataSize * 8);
      v[bit >> 3]! ^= 0x80 >> (bit & 7);
      return v;
    }),
  ];
}

function lpmSequence(seed: number, dir: string): DiffSequence {
  const rng = new Rng(seed);
  const pin = `${dir}/t${seed}`;
  const dataSize = rng.pick([1, 2, 4]);
  const maxPrefix = dataSize * 8;
  const valueSize = rng.pick([4, 8]);
  const maxEntries = 2 + rng.int(7);
  const map = createMap({ name: "m", type: MapType.LPM_TRIE, keySize: 4 + dataSize, valueSize, maxEntries, flags: 1 });
  const pool = addressPool(rng, dataSize);
  const prefixlen = () => (rng.int(12) === 0 ? maxPrefix + 1 : rng.int(maxPrefix + 1));
  const dump: DiffStep = { label: "dump", cmd: cmd.dump(pin), model: () => vmDump(map, false), kernel: (r) => kernelDump(r, false) };
  const steps: DiffStep[] = [
    {
      label: `create LPM_TRIE key ${4 + dataSize} value ${valueSize} entries ${maxEntries}`,
      cmd: cmd.create(pin, "lpm_trie", 4 + dataSize, valueSize, maxEntries, 1),
      model: () => ({ errno: 0 }),
      kernel: kernelStatus,
    },
  ];
  for (let n = 8 + rng.int(13); n > 0; n--) {
    const key = lpmKey(prefixlen(), rng.pick(pool));
    const op = rng.int(20);
    if (op < 8) {
      const value = rng.bytes(valueSize);
      steps.push(step.update(pin, map, key, value, rng.pick(UPDATE_FLAGS), undefined));
    } else if (op < 11) {
      steps.push(step.delete(pin, map, key));
    } else if (op < 15) {
      // Lookups mostly with full-length addresses, some with shorter prefixes or other data.
      const data = rng.int(4) === 0 ? rng.bytes(dataSize) : rng.pick(pool);
      const query = lpmKey(rng.int(3) === 0 ? prefixlen() : maxPrefix, data);
      steps.push({ label: `lookup ${hex(query)}`, cmd: cmd.lookup(pin, query), model: () => vmValue(map.userLookup(query)), kernel: kernelValue });
    } else if (op < 18) {
      const probe = rng.int(5) === 0 ? undefined : key;
      steps.push(step.getnext(pin, map, probe, probe ? hex(probe) : "(none)"));
    } else {
      steps.push(dump);
    }
  }
  steps.push(dump);
  return { seed, steps };
}

describe.skipIf(!k)("LPM_TRIE against the kernel", () => {
  const session = bpftoolSession(k, "tsbpf-maps-lpm");

  it("200 random sequences give the kernel's return codes, matches, key walk and contents", async () => {
    const { steps } = await runDifferential(session.batch, Array.from({ length: 200 }, (_, seed) => lpmSequence(seed, session.dir)));
    expect(steps).toBeGreaterThan(200 * 10);
  });
});
