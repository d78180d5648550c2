// runXdpBatch and `tsbpf run --pcap`: many frames through one machine must give what one
// run per frame gives (retvals, maps carried over), and the counts the kernel gives when
// BPF_PROG_TEST_RUN runs the same frames in order on one loaded program (`--kernel --pcap`).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writePcap } from "../../runtime/packet/capture/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { runXdpBatch } from "../../runtime/harness/index.js";
import { tsbpf } from "../support/cli.js";
import { kernelAccess } from "../support/kernel.js";
import { haveShared, referencePackets, sharedDir } from "../support/shared.js";

const present = haveShared("reference/obj");
const STATEFUL = ["xdp_proto_count", "xdp_blocklist", "xdp_globals", "xdp_lpm", "xdp_atomics"];

/** Every reference frame three times, interleaved, so map state matters for later frames. */
function frames(): Uint8Array[] {
  const one = referencePackets().map((p) => p.bytes);
  return [...one, ...one, ...one];
}

describe.skipIf(!present)("batches of frames", () => {
  const objPath = (name: string): string => join(sharedDir, "reference", "obj", `${name}.o`);

  it.each(STATEFUL)("%s: runXdpBatch gives the retvals and maps of one runXdp per frame", (name) => {
    const bytes = new Uint8Array(readFileSync(objPath(name)));
    const [batchObj, singleObj] = [loadObject(bytes, { cpus: 2 }), loadObject(bytes, { cpus: 2 })];
    const input = frames();
    const batch = runXdpBatch(batchObj, name, input, { clock: () => 0n });
    const refused = new Set(batch.refused.map((r) => r.index));
    input.forEach((frame, i) => {
      if (frame.length < 14) {
        expect(refused.has(i)).toBe(true);
        return;
      }
      expect(batch.retvals[i], `frame ${i}`).toBe(runXdp(singleObj, name, frame, { clock: () => 0n }).retval);
    });
    for (const [mapName, map] of batchObj.maps) {
      const other = singleObj.maps.get(mapName)!;
      if (map.def.keySize !== 4 || map.def.type !== 2) continue;
      for (let k = 0; k < map.def.maxEntries; k++) {
        const key = new Uint8Array(new Uint32Array([k]).buffer);
        expect(map.userLookup(key), `${mapName}[${k}]`).toEqual(other.userLookup(key));
      }
    }
  });

  const k = kernelAccess();
  it.skipIf(!k).each(STATEFUL)("%s: tsbpf run --pcap counts what the kernel counts over the same frames", (name) => {
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-batch-"));
    const file = join(dir, "frames.pcap");
    writeFileSync(file, writePcap(frames().map((data, i) => ({ timestampNs: BigInt(i), data }))));
    const vm = tsbpf(["run", objPath(name), "--prog", name, "--pcap", file]);
    const kernel = tsbpf(["run", objPath(name), "--prog", name, "--pcap", file, "--kernel"]);
    expect(kernel.status, kernel.stderr).toBe(0);
    expect(vm.status, vm.stderr).toBe(0);
    expect(vm.stdout).toBe(kernel.stdout);
  });
});
