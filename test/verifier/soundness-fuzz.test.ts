// Soundness of the bundled verifier against the VM: seeded random programs (templates biased
// to be plausibly valid, test/verifier/mutants/random-programs.ts) and random single-field
// mutants of the reference objects and examples are verified with target "vm"; every
// program the verifier accepts runs in the VM on several random frames (fresh maps each
// time), and none may fault on memory safety (out-of-bounds or invalid pointer access, a
// jump out of the program, a wrong helper argument). Budget exhaustion and helpers the VM
// lacks are counted, not failed. Needs no kernel.
import { describe, expect, it } from "vitest";
import { verifyObject } from "../../runtime/verifier/index.js";
import { haveShared } from "../support/shared.js";
import { ObjectCode } from "./mutants/code-view.js";
import { candidatesOf } from "./mutants/corpus.js";
import { randomFamily } from "./mutants/families-random.js";
import { Random } from "./mutants/random.js";
import { randomProgram } from "./mutants/random-programs.js";
import { compiledExamples, loadableReferenceObjects } from "./mutants/sources.js";
import { runOnRandomFrames } from "./mutants/vm-soundness.js";

const SEED = 0x5eed;
const GENERATED = 2500;
const MUTANTS_PER_OBJECT = 40;
const FRAMES = 6;

interface Tally {
  programs: number;
  accepted: number;
  runs: number;
  notRunnable: number;
  otherFaults: number;
  unsafe: string[];
  /** Rejected programs that do fault in the VM: evidence the generator and the detector can catch a bad accept. */
  rejectedFaulting: number;
}

function check(t: Tally, name: string, bytes: Uint8Array, rng: Random): void {
  t.programs++;
  let verdicts;
  try {
    verdicts = verifyObject(bytes, { target: "vm" });
  } catch (e) {
    // A malformed object is a rejection; anything else is a crash, which the verifier must not do.
    if ((e as Error).name === "ObjectFormatError") return;
    throw new Error(`${name}: the verifier crashed: ${(e as Error).stack ?? String(e)}`);
  }
  for (const v of verdicts) {
    if (!v.accepted) {
      if (runOnRandomFrames(bytes, v.program, rng, 2).unsafe.length > 0) t.rejectedFaulting++;
      continue;
    }
    t.accepted++;
    const out = runOnRandomFrames(bytes, v.program, rng, FRAMES);
    t.runs += out.runs;
    t.otherFaults += out.other.length;
    if (out.notRunnable) t.notRunnable++;
    for (const u of out.unsafe) t.unsafe.push(`${name} ${v.program}: ${u}`);
  }
}

const report = (what: string, t: Tally, ms: number): string =>
  `${what}: ${t.programs} programs, ${t.accepted} accepted, ${t.runs} VM runs, ${t.unsafe.length} memory-safety faults, ${t.otherFaults} other faults (budget etc.), ${t.notRunnable} not runnable in the VM; ${t.rejectedFaulting} rejected programs do fault in the VM; ${(ms / 1000).toFixed(1)} s`;

describe("verifier soundness: accepted programs never fault in the VM", () => {
  it(`${GENERATED} generated programs`, () => {
    const start = performance.now();
    const rng = new Random(SEED);
    const t: Tally = { programs: 0, accepted: 0, runs: 0, notRunnable: 0, otherFaults: 0, unsafe: [], rejectedFaulting: 0 };
    for (let i = 0; i < GENERATED; i++) {
      const p = randomProgram(rng, i);
      check(t, p.name, p.bytes, rng);
    }
    console.log(report("generated", t, performance.now() - start));
    // A fuzzer whose programs are all rejected tests nothing.
    expect(t.accepted).toBeGreaterThan(GENERATED / 4);
    expect(t.rejectedFaulting).toBeGreaterThan(0);
    expect(t.unsafe.slice(0, 20)).toEqual([]);
  }, 300_000);

  it.skipIf(!haveShared("reference/obj"))(`random mutants of the reference objects and examples (${MUTANTS_PER_OBJECT} per object)`, () => {
    const start = performance.now();
    const rng = new Random(SEED + 1);
    const t: Tally = { programs: 0, accepted: 0, runs: 0, notRunnable: 0, otherFaults: 0, unsafe: [], rejectedFaulting: 0 };
    for (const s of [...loadableReferenceObjects(), ...compiledExamples()]) {
      const code = new ObjectCode(s.name, s.bytes);
      for (const c of randomFamily(candidatesOf(code).sites, rng, MUTANTS_PER_OBJECT)) check(t, c.description, code.rewrite(c.edits), rng);
    }
    console.log(report("mutated", t, performance.now() - start));
    expect(t.accepted).toBeGreaterThan(0);
    expect(t.unsafe.slice(0, 20)).toEqual([]);
  }, 300_000);
});
