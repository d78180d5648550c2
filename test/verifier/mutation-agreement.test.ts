// The bundled verifier against the Linux verifier on a mutation corpus generated from the
// loadable reference objects and the examples (test/verifier/mutants): every mutant is
// loaded in the running kernel through our own loader during the test, and its verdict per
// program is compared with verifyObject(bytes, { target: "kernel" }). The summary (mutants
// per family, agreement overall and per family, disagreements with both messages) is
// printed; set TSBPF_MUTATION_REPORT=FILE to also write it to a file, and
// TSBPF_MUTATION_SEED=N to explore another corpus and program sample (the default is fixed).
//
// Fails on: an unmutated program either side rejects; any mutant the kernel rejects that we
// accept (an unsafe accept); the verifier throwing anything but ObjectFormatError.
// Stricter-than-kernel verdicts are reported, not failed.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { kernelBackendUsable } from "../support/kernel.js";
import { haveShared } from "../support/shared.js";
import { agrees, compared, compareMutant, describeComparison, ourVerdicts, summarize, unsafeAccept, type Comparison } from "./mutants/agreement.js";
import { FAMILIES } from "./mutants/candidate.js";
import { ObjectCode } from "./mutants/code-view.js";
import { buildCorpus, DEFAULT_CORPUS, type Mutant } from "./mutants/corpus.js";
import { kernelLabel } from "./mutants/kernel-label.js";
import { Random } from "./mutants/random.js";
import { randomProgram } from "./mutants/random-programs.js";
import { compiledExamples, loadableReferenceObjects, objectNameOf } from "./mutants/sources.js";

/** Programs of the fuzzer's generator compared with the kernel, and their seed (not the fuzz test's). */
const GENERATED = 1000;
const EXPLORE_SEED = process.env.TSBPF_MUTATION_SEED === undefined ? undefined : Number(process.env.TSBPF_MUTATION_SEED);
const GENERATED_SEED = EXPLORE_SEED ?? 0x6e6;

const usable = haveShared("reference/obj") && (await kernelBackendUsable());
const sources = usable ? [...loadableReferenceObjects(), ...compiledExamples()] : [];

describe.skipIf(!usable)("bundled verifier = Linux verifier on the mutation corpus", () => {
  it("accepts every unmutated program, as the kernel does", () => {
    const problems: string[] = [];
    for (const s of sources) {
      const ours = ourVerdicts(s.bytes);
      for (const p of new ObjectCode(s.name, s.bytes).programs) {
        const k = kernelLabel(s.bytes, p.name, objectNameOf(s.name));
        const o = ours instanceof Map ? ours.get(p.name) : ours;
        if (k.kind !== "accepted") problems.push(`${s.name} ${p.name}: the kernel says ${JSON.stringify(k)}`);
        if (o?.kind !== "accepted") problems.push(`${s.name} ${p.name}: we say ${JSON.stringify(o)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("never accepts a mutant the kernel rejects (agreement reported)", () => {
    const started = performance.now();
    const corpus = buildCorpus(sources, EXPLORE_SEED === undefined ? DEFAULT_CORPUS : { ...DEFAULT_CORPUS, seed: EXPLORE_SEED });
    const comparisons: Comparison[] = corpus.flatMap(compareMutant);
    const summary = summarize(comparisons);
    console.log(`${summary}\n\n(corpus built and compared in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    if (process.env.TSBPF_MUTATION_REPORT) writeFileSync(process.env.TSBPF_MUTATION_REPORT, `${summarize(comparisons, Number.MAX_SAFE_INTEGER)}\n`);

    // The generator covers every family, and the kernel gives a verifier verdict to almost all.
    const families = new Set(corpus.map((m) => m.family));
    expect(FAMILIES.filter((f) => f !== "generated" && !families.has(f))).toEqual([]);
    expect(comparisons.filter(compared).length).toBeGreaterThan(0.95 * comparisons.length);

    expect(comparisons.filter((c) => c.ours.kind === "crashed").map(describeComparison)).toEqual([]);
    expect(comparisons.filter(unsafeAccept).map(describeComparison)).toEqual([]);
    // Stricter-than-kernel verdicts are allowed but must stay rare. Measured when this was
    // written: 97.4% with the first verifier (it refused XDP programs returning pointers,
    // which Linux accepts from root), 99.9% once that was fixed (one stricter verdict left).
    // 98% keeps the margin for new families and examples, not for a verifier that rejects
    // a whole class of valid programs.
    expect(comparisons.filter(agrees).length / comparisons.filter(compared).length).toBeGreaterThanOrEqual(0.98);
  }, 600_000);

  it(`never accepts a generated program the kernel rejects (${GENERATED} programs of the soundness fuzzer's generator)`, () => {
    const started = performance.now();
    const rng = new Random(GENERATED_SEED);
    const programs: Mutant[] = Array.from({ length: GENERATED }, (_, i) => {
      const p = randomProgram(rng, i);
      return { id: i, family: "generated", source: `${p.name}.o`, description: `${p.name} (${p.templates.join(", ")})`, bytes: p.bytes, programs: ["fuzz"] };
    });
    const comparisons = programs.flatMap(compareMutant);
    console.log(`${summarize(comparisons, 20, "generated programs", "programs")}\n\n(generated and compared in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    expect(comparisons.filter((c) => c.ours.kind === "crashed").map(describeComparison)).toEqual([]);
    expect(comparisons.filter(unsafeAccept).map(describeComparison)).toEqual([]);
    // Measured 99.8% at first (stricter packet ranges after `>=` checks), 100% after bbaee31.
    expect(comparisons.filter(agrees).length / comparisons.filter(compared).length).toBeGreaterThanOrEqual(0.98);
  }, 600_000);
});
