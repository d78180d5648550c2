// Property tests of the compiled tier against the interpreter (fast-check): random programs of
// valid instructions (test/support/arbitrary-insn.ts) on a 64-byte input buffer, the verifier
// fuzz generator's random XDP objects (test/verifier/mutants/random-programs.ts) on random
// frames, and random mutants of the reference programs. Return value, memory or frame and map
// contents, and faults (kind, instruction, source line, message) must be identical.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Instruction } from "../../../runtime/isa/index.js";
import { loadObject } from "../../../runtime/vm/loader.js";
import type { ExecProgram } from "../../../runtime/vm/program.js";
import { runRaw, toExecProgram } from "../../../runtime/vm/raw.js";
import { HELPER_TAIL_CALL } from "../../../runtime/vm/interpreter.js";
import { planProgram } from "../../../runtime/vm/wasm/plan.js";
import { arbInstruction } from "../../support/arbitrary-insn.js";
import { referencePacket } from "../../support/reference-cases.js";
import { referenceObjects } from "../../support/shared.js";
import { Random } from "../../verifier/mutants/random.js";
import { randomProgram } from "../../verifier/mutants/random-programs.js";
import { randomFrame } from "../../verifier/mutants/vm-soundness.js";
import { bothTiers, dumpMaps, outcome } from "./compare.js";

const BUDGET = 2_000;
const mem = Uint8Array.from({ length: 64 }, (_, i) => i);

describe("compiled tier = interpreter on generated programs", () => {
  it("6,000 programs of random valid instructions (r0, memory, faults)", () => {
    const tiers = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(arbInstruction, { minLength: 1, maxLength: 24 }), (insns) => {
        const program: Instruction[] = [...insns, { kind: "exit" }];
        const run = (tier: "wasm" | "interp") => () => {
          const r = runRaw(program, mem, { budget: BUDGET, clock: () => 0n, tier });
          return { r0: r.r0, memory: r.memory, tier: r.tier };
        };
        const a = outcome(run("interp"));
        const b = outcome(run("wasm"));
        const tier = typeof planProgram(toExecProgram("program", program), HELPER_TAIL_CALL) === "string" ? "interp" : "wasm";
        tiers.set(tier, (tiers.get(tier) ?? 0) + 1);
        expect(a.error).toBeUndefined();
        if (b.tier !== undefined) expect(b.tier).toBe(tier);
        expect({ ...b, tier: undefined }).toEqual({ ...a, tier: undefined });
      }),
      { numRuns: 6_000, seed: 4242 },
    );
    console.log(`[wasm tier property] programs by tier: ${JSON.stringify(Object.fromEntries(tiers))}`);
    expect(tiers.get("wasm") ?? 0).toBeGreaterThan(4_500);
  }, 600_000);

  it("600 random XDP objects of the verifier fuzz generator on random frames (return, frame, maps, faults)", () => {
    let compiled = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), (seed) => {
        const rng = new Random(seed);
        const gen = randomProgram(rng, seed % 1000);
        const a = loadObject(gen.bytes, { cpus: 2 });
        const b = loadObject(gen.bytes, { cpus: 2 });
        const name = [...a.programs.keys()][0]!;
        for (let i = 0; i < 3; i++) {
          const frame = randomFrame(rng);
          const { interp, wasm } = bothTiers(a, b, name, frame, { budget: 100_000 });
          expect(interp.error).toBeUndefined();
          expect({ ...wasm, tier: undefined }).toEqual({ ...interp, tier: undefined });
          expect(dumpMaps(b)).toEqual(dumpMaps(a));
          if (wasm.tier === "wasm") compiled++;
        }
      }),
      { numRuns: 600, seed: 77 },
    );
    expect(compiled).toBeGreaterThan(600);
  }, 600_000);

  const objects = referenceObjects();
  it.skipIf(objects.length === 0)("5,000 mutants of the reference programs on reference frames", () => {
    const pairs = objects.map((p) => {
      const bytes = new Uint8Array(readFileSync(p));
      return [loadObject(bytes, { cpus: 2 }), loadObject(bytes, { cpus: 2 })] as const;
    });
    const targets = pairs.flatMap(([a, b]) => [...a.programs.keys()].map((name) => ({ a, b, name })));
    const frames = ["ipv4_udp_dns", "ipv4_tcp_syn", "ipv6_hbh_rh_udp_dns", "vlan100_ipv4_udp_dns", "arp_request", "eth_only_14b"].map(referencePacket);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(fc.tuple(fc.nat(), arbInstruction), { minLength: 1, maxLength: 3 }), (t, f, edits) => {
        const { a, b, name } = targets[t % targets.length]!;
        const mutate = (prog: ExecProgram): ExecProgram => {
          const code = [...prog.code];
          for (const [at, insn] of edits) {
            const slot = at % code.length;
            if (code[slot] === undefined || code[slot]!.kind === "lddw" || insn.kind === "lddw") continue;
            code[slot] = insn;
          }
          return { ...prog, name: `${prog.name}~`, code };
        };
        const ma = mutate(a.programs.get(name)!);
        const mb = mutate(b.programs.get(name)!);
        const oa = { ...a, programs: new Map(a.programs).set(ma.name, ma) };
        const ob = { ...b, programs: new Map(b.programs).set(mb.name, mb) };
        const { interp, wasm } = bothTiers(oa, ob, ma.name, frames[f % frames.length]!, { budget: BUDGET });
        expect({ ...wasm, tier: undefined }).toEqual({ ...interp, tier: undefined });
        expect(dumpMaps(b)).toEqual(dumpMaps(a));
      }),
      { numRuns: 5_000, seed: 909 },
    );
  }, 600_000);
});
