// runXdpBatch with tier "wasm" against tier "interp": the stateful reference programs over
// every reference frame three times (so map state carries from frame to frame) give the same
// retvals, refusals, trace, instruction count and maps, and the compiled tier really ran.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadObject } from "../../../runtime/vm/loader.js";
import { runXdpBatch } from "../../../runtime/vm/xdp-batch.js";
import { haveShared, referencePackets, sharedDir } from "../../support/shared.js";
import { dumpMaps } from "./compare.js";

const present = haveShared("reference/obj");
const STATEFUL = ["xdp_proto_count", "xdp_blocklist", "xdp_globals", "xdp_lpm", "xdp_atomics", "xdp_udp53"];

/** Every reference frame three times, interleaved, so map state matters for later frames. */
function frames(): Uint8Array[] {
  const one = referencePackets().map((p) => p.bytes);
  return [...one, ...one, ...one];
}

describe.skipIf(!present)("runXdpBatch on both tiers", () => {
  it.each(STATEFUL)("%s: same retvals, trace, instructions and maps", (name) => {
    const bytes = new Uint8Array(readFileSync(join(sharedDir, "reference", "obj", `${name}.o`)));
    const [interpObj, wasmObj] = [loadObject(bytes, { cpus: 2 }), loadObject(bytes, { cpus: 2 })];
    const input = frames();
    const interp = runXdpBatch(interpObj, name, input, { clock: () => 0n, tier: "interp" });
    const wasm = runXdpBatch(wasmObj, name, input, { clock: () => 0n, tier: "wasm" });
    expect(interp.tier).toBe("interp");
    expect(wasm.tier).toBe("wasm");
    expect([...wasm.retvals]).toEqual([...interp.retvals]);
    expect(wasm.refused).toEqual(interp.refused);
    expect(wasm.trace).toEqual(interp.trace);
    expect(wasm.instructions).toBe(interp.instructions);
    expect([...wasm.actions]).toEqual([...interp.actions]);
    expect(dumpMaps(wasmObj)).toEqual(dumpMaps(interpObj));
  });
});
