// The bundled verifier against the Linux verifier on a mutation corpus generated from the
// loadable reference objects and the examples (test/verifier/mutants): every mutant is
// loaded in the running kernel through our own loader during the test, and its verdict per
// program is compared with verifyObject(bytes, { target: "kernel" }). The summary (mutants
// per family, agreement overall and per family, disagreements with both messages) is
// printed; set TSBPF_MUTATION_REPORT=FILE to also write it to a file, and
// TSBPF_MUTATION_SEED=N to explore another corpus and program sample (the default is fixed).
//
// Without a usable kernel (not root, no bpf(), TSBPF_KERNEL=off) the kernel's verdicts come from
// test/fixtures/kernel/verifier-mutation.json, keyed by the sha256 of the object's bytes and the
// program, with the kernel release; with one, a live verdict that differs from the recorded one
// (or was never recorded) fails the drift test. TSBPF_RECORD_KERNEL=1 records (npm run fixtures).
//
// Fails on: an unmutated program either side rejects; any mutant the kernel rejects that we
// accept (an unsafe accept); the verifier throwing anything but ObjectFormatError; a program
// with no recorded verdict when the kernel cannot be used.
// Stricter-than-kernel verdicts are reported, not failed.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { release } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { KernelFixture, recordingKernel, type RecordedVerdict } from "../support/kernel-fixtures.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { haveShared } from "../support/shared.js";
import { agrees, compared, compareMutant, describeComparison, ourVerdicts, summarize, unsafeAccept, type Comparison, type KernelLabeller } from "./mutants/agreement.js";
import { FAMILIES } from "./mutants/candidate.js";
import { ObjectCode } from "./mutants/code-view.js";
import { buildCorpus, DEFAULT_CORPUS, type Mutant } from "./mutants/corpus.js";
import { kernelLabel, type KernelLabel } from "./mutants/kernel-label.js";
import { Random } from "./mutants/random.js";
import { randomProgram } from "./mutants/random-programs.js";
import { compiledExamples, loadableReferenceObjects, objectNameOf } from "./mutants/sources.js";

/** Programs of the fuzzer's generator compared with the kernel, and their seed (not the fuzz test's). */
const GENERATED = 1000;
const EXPLORE_SEED = process.env.TSBPF_MUTATION_SEED === undefined ? undefined : Number(process.env.TSBPF_MUTATION_SEED);
const GENERATED_SEED = EXPLORE_SEED ?? 0x6e6;

const shared = haveShared("reference/obj");
const live = shared && (await kernelBackendUsable());
if (recordingKernel && !live) throw new Error("TSBPF_RECORD_KERNEL=1 needs the running kernel (root, bpf())");
const sources = shared ? [...loadableReferenceObjects(), ...compiledExamples()] : [];
const TEST_FILE = "test/verifier/mutation-agreement.test.ts";

const toRecorded = (l: KernelLabel): RecordedVerdict =>
  l.kind === "accepted" ? { verdict: "accept", ...(l.processed !== undefined ? { processed: l.processed } : {}) } : l.kind === "rejected" ? { verdict: "reject", message: `${l.errno}: ${l.message}` } : { verdict: "refused", message: l.reason };
function fromRecorded(r: RecordedVerdict): KernelLabel {
  if (r.verdict === "accept") return { kind: "accepted", processed: r.processed, ms: 0 };
  if (r.verdict === "refused") return { kind: "refused", reason: r.message ?? "" };
  const [errno, ...rest] = (r.message ?? "").split(": ");
  return { kind: "rejected", errno: errno!, message: rest.join(": "), ms: 0 };
}

describe.skipIf(!shared)(`bundled verifier = Linux verifier on the mutation corpus (${live ? `the running kernel, Linux ${release()}` : "recorded kernel verdicts"})`, () => {
  const fixture = new KernelFixture("verifier-mutation", TEST_FILE);
  const missing = new Set<string>();
  /** The running kernel's verdict (noted for the drift test), or the recorded one. */
  const label: KernelLabeller = (bytes, program, objectName) => {
    const key = `${createHash("sha256").update(bytes).digest("hex").slice(0, 24)} ${program}`;
    if (live) {
      const l = kernelLabel(bytes, program, objectName);
      fixture.observe(key, toRecorded(l));
      return l;
    }
    const r = fixture.lookup(key);
    if (r === undefined) {
      missing.add(key);
      return { kind: "refused", reason: "no recorded kernel verdict" };
    }
    return fromRecorded(r);
  };
  const noneMissing = (): void => {
    const keys = [...missing];
    missing.clear();
    expect(keys.length, `${keys.length} (object sha256, program) pairs have no kernel verdict in verifier-mutation.json (recorded on Linux ${fixture.release ?? "?"}), e.g. ${keys.slice(0, 5).join("; ")}; ${fixture.howToRecord}`).toBe(0);
  };
  afterAll(() => {
    if (recordingKernel) fixture.save();
  });

  it("accepts every unmutated program, as the kernel does", () => {
    const problems: string[] = [];
    for (const s of sources) {
      const ours = ourVerdicts(s.bytes);
      for (const p of new ObjectCode(s.name, s.bytes).programs) {
        const k = label(s.bytes, p.name, objectNameOf(s.name));
        const o = ours instanceof Map ? ours.get(p.name) : ours;
        if (k.kind !== "accepted") problems.push(`${s.name} ${p.name}: the kernel says ${JSON.stringify(k)}`);
        if (o?.kind !== "accepted") problems.push(`${s.name} ${p.name}: we say ${JSON.stringify(o)}`);
      }
    }
    noneMissing();
    expect(problems).toEqual([]);
  });

  it("never accepts a mutant the kernel rejects (agreement reported)", () => {
    const started = performance.now();
    const corpus = buildCorpus(sources, EXPLORE_SEED === undefined ? DEFAULT_CORPUS : { ...DEFAULT_CORPUS, seed: EXPLORE_SEED });
    const comparisons: Comparison[] = corpus.flatMap((m) => compareMutant(m, label));
    const summary = summarize(comparisons);
    console.log(`${summary}\n\n(corpus built and compared in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    if (process.env.TSBPF_MUTATION_REPORT) writeFileSync(process.env.TSBPF_MUTATION_REPORT, `${summarize(comparisons, Number.MAX_SAFE_INTEGER)}\n`);

    noneMissing();
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
    const comparisons = programs.flatMap((m) => compareMutant(m, label));
    console.log(`${summarize(comparisons, 20, "generated programs", "programs")}\n\n(generated and compared in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    noneMissing();
    expect(comparisons.filter((c) => c.ours.kind === "crashed").map(describeComparison)).toEqual([]);
    expect(comparisons.filter(unsafeAccept).map(describeComparison)).toEqual([]);
    // Measured 99.8% at first (stricter packet ranges after `>=` checks), 100% after bbaee31.
    expect(comparisons.filter(agrees).length / comparisons.filter(compared).length).toBeGreaterThanOrEqual(0.98);
  }, 600_000);

  it.skipIf(!live || recordingKernel)("the running kernel gives the recorded verdicts (drift)", () => {
    expect(fixture.drift(), `kernel drift against the verdicts recorded on Linux ${fixture.release ?? "?"}, running Linux ${release()}; if the new verdicts are right, ${fixture.howToRecord}`).toEqual([]);
  });
});
