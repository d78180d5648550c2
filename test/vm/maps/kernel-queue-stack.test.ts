// QUEUE and STACK against the kernel: random sequences of pushes (BPF_ANY, BPF_EXIST which
// overwrites the oldest element when full, BPF_NOEXIST which is invalid), pops and peeks on
// small maps that fill up and run empty. Every return code and value is compared exactly.
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import { createMap } from "../../../runtime/vm/maps/index.js";
import { kernelAccess } from "../../support/kernel.js";
import { type DiffSequence, type DiffStep, cmd, kernelStatus, kernelValue, runDifferential, status, UPDATE_FLAGS, vmValue } from "./differential.js";
import { hex } from "./fixtures.js";
import { bpftoolSession, Rng } from "./kernel-oracle.js";

const k = kernelAccess();

function queueSequence(seed: number, dir: string, type: MapType.QUEUE | MapType.STACK): DiffSequence {
  const rng = new Rng(seed);
  const name = type === MapType.QUEUE ? "queue" : "stack";
  const pin = `${dir}/${name}${seed}`;
  const valueSize = rng.pick([4, 8, 5]);
  const maxEntries = 1 + rng.int(4);
  const map = createMap({ name: "m", type, keySize: 0, valueSize, maxEntries, flags: 0 });
  const steps: DiffStep[] = [
    {
      label: `create ${name} value ${valueSize} entries ${maxEntries}`,
      cmd: cmd.create(pin, name, 0, valueSize, maxEntries),
      model: () => ({ errno: 0 }),
      kernel: kernelStatus,
    },
  ];
  for (let n = 8 + rng.int(13); n > 0; n--) {
    const op = rng.int(10);
    if (op < 5) {
      const value = rng.bytes(valueSize);
      // Mostly BPF_ANY and BPF_EXIST; BPF_NOEXIST is always EINVAL.
      const [word, flag] = rng.int(6) === 0 ? UPDATE_FLAGS[1]! : rng.pick([UPDATE_FLAGS[0]!, UPDATE_FLAGS[2]!]);
      steps.push({
        label: `push ${hex(value)} ${word}`,
        cmd: cmd.update(pin, new Uint8Array(0), value, word),
        model: () => status(map.userUpdate(undefined, value, flag)),
        kernel: kernelStatus,
      });
    } else if (op < 8) {
      steps.push({ label: "pop", cmd: ["map", "pop", "pinned", pin], model: () => vmValue(map.userLookupAndDelete(undefined)), kernel: kernelValue });
    } else {
      steps.push({ label: "peek", cmd: ["map", "peek", "pinned", pin], model: () => vmValue(map.userLookup(undefined)), kernel: kernelValue });
    }
  }
  return { seed, steps };
}

describe.skipIf(!k)("QUEUE and STACK against the kernel", () => {
  const session = bpftoolSession(k, "tsbpf-maps-queue");

  it("QUEUE: 200 random sequences give the kernel's return codes and values", async () => {
    const { steps } = await runDifferential(session.batch, Array.from({ length: 200 }, (_, seed) => queueSequence(seed, session.dir, MapType.QUEUE)));
    expect(steps).toBeGreaterThan(200 * 10);
  });

  it("STACK: 200 random sequences give the kernel's return codes and values", async () => {
    await runDifferential(session.batch, Array.from({ length: 200 }, (_, seed) => queueSequence(3000 + seed, session.dir, MapType.STACK)));
  });
});
