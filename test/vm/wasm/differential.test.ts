// The compiled tier (WebAssembly) against the interpreter on every program we can run: the
// reference objects (every program on every packet of the shared corpus, packets fed in order
// so map state carries over, and every expected.json case with its prog-array setup) and the
// examples (every program on the corpus and examples/packets). Return value, frame, redirect,
// trace, instruction count or fault, and every map after each packet must be identical, and
// each of these programs must actually run compiled (no fallback to the interpreter).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadObject, type VmObject } from "../../../runtime/vm/loader.js";
import { compileExample, exampleFiles, examplesDir } from "../../support/examples.js";
import { expectedCases, referenceObjectPath, referencePacket } from "../../support/reference-cases.js";
import { haveShared, referenceObjects, referencePackets } from "../../support/shared.js";
import { bothTiers, dumpMaps } from "./compare.js";

const CPUS = 2;
const u32le = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);
const corpus = haveShared("reference/packets") ? referencePackets() : [];
const examplePackets = readdirSync(join(examplesDir, "packets"))
  .filter((f) => f.endsWith(".bin"))
  .map((f) => ({ name: `examples/${f}`, bytes: new Uint8Array(readFileSync(join(examplesDir, "packets", f))) }));

/** Runs every program of the object bytes over the packets on both tiers; returns how many runs went to the interpreter. */
function compareObject(bytes: Uint8Array, packets: readonly { name: string; bytes: Uint8Array }[], setup?: (o: VmObject) => void): number {
  let fallbacks = 0;
  const probe = loadObject(bytes, { cpus: CPUS });
  for (const program of probe.programs.keys()) {
    const a = loadObject(bytes, { cpus: CPUS });
    const b = loadObject(bytes, { cpus: CPUS });
    setup?.(a);
    setup?.(b);
    for (const p of packets) {
      const { interp, wasm } = bothTiers(a, b, program, p.bytes);
      expect({ program, packet: p.name, ...wasm, tier: undefined }).toEqual({ program, packet: p.name, ...interp, tier: undefined });
      expect(dumpMaps(b)).toEqual(dumpMaps(a));
      if (wasm.tier === "interp") fallbacks++;
    }
  }
  return fallbacks;
}

describe("compiled tier = interpreter", () => {
  const objects = referenceObjects();
  it.skipIf(objects.length === 0 || corpus.length === 0).each(objects.map((o) => [o.split("/").pop()!, o] as const))("reference %s on the packet corpus", (_name, path) => {
    expect(compareObject(new Uint8Array(readFileSync(path)), corpus)).toBe(0);
  });

  const cases = haveShared("reference/expected.json") ? expectedCases() : [];
  it.skipIf(cases.length === 0)("every expected.json case (with its prog-array setup)", () => {
    for (const c of cases) {
      const bytes = new Uint8Array(readFileSync(referenceObjectPath(c.object)));
      const setup = (o: VmObject): void => {
        for (const [mapName, slots] of Object.entries(c.setup?.prog_array ?? {})) {
          for (const [index, progName] of Object.entries(slots)) o.maps.get(mapName)!.userUpdate(u32le(Number(index)), o.programs.get(progName)!, 0);
        }
      };
      const a = loadObject(bytes, { cpus: CPUS });
      const b = loadObject(bytes, { cpus: CPUS });
      setup(a);
      setup(b);
      for (const name of c.packets) {
        const { interp, wasm } = bothTiers(a, b, c.program, referencePacket(name));
        expect({ case: c.object, name, ...wasm, tier: undefined }).toEqual({ case: c.object, name, ...interp, tier: undefined });
        expect(wasm.tier === undefined || wasm.tier === "wasm").toBe(true);
      }
      expect(dumpMaps(b)).toEqual(dumpMaps(a));
    }
  });

  it.each(exampleFiles().map((f) => [f] as const))("examples/%s on the packet corpus", (file) => {
    expect(compareObject(compileExample(file), [...corpus, ...examplePackets])).toBe(0);
  });

  it("budget exhaustion faults at the same instruction with the same count", () => {
    const bytes = compileExample(exampleFiles()[0]!);
    const probe = loadObject(bytes);
    const program = [...probe.programs.keys()][0]!;
    const frame = examplePackets[0]!.bytes;
    let faults = 0;
    for (let budget = 1; budget <= 40; budget++) {
      const { interp, wasm } = bothTiers(loadObject(bytes), loadObject(bytes), program, frame, { budget });
      expect({ ...wasm, tier: undefined }).toEqual({ ...interp, tier: undefined });
      if (wasm.fault?.kind === "budget") faults++;
    }
    expect(faults).toBeGreaterThan(10);
  });
});
