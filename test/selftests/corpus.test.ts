// The bundled verifier on the selftest corpus: Linux's verifier selftests compiled as XDP
// programs (scripts/selftests/build-corpus.sh, cached outside the work tree), every labelable
// program compared with the kernel's verdict recorded in test/fixtures/kernel/
// selftests-labels.json (with the release that gave it). Asserts at least 99% agreement, no
// unsafe accept and a verdict for every program within a time limit per program; lists every
// disagreement; and checks the disagreements against the reasoned list in
// known-disagreements.json exactly (a new one fails, a fixed one must leave the list), whose
// table in docs/verifier.md is generated from it. As root the corpus is relabelled live and a
// label that differs from the recorded one fails as drift.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelable, loadLabels, summarize, type ProgramLabel, type ProgramResult } from "../../bench/selftests/compare.js";
import { knownTable, readKnown, type KnownDisagreement } from "../../bench/selftests/known.js";
import { corpusObjects, labelObject, objectSha256, writeLabels } from "../../bench/selftests/labeller.js";
import { comparePrograms } from "../../bench/selftests/pool.js";
import { kernelAccess } from "../support/kernel.js";
import { fixtureDir, verdictsDiffer, describeRecorded, type RecordedVerdict } from "../support/kernel-fixtures.js";
import { projectRoot } from "../support/shared.js";

const LABELS = join(fixtureDir, "selftests-labels.json");
const KNOWN = join(projectRoot, "test", "selftests", "known-disagreements.json");
const DOC = join(projectRoot, "docs", "verifier.md");
/** How long one program may take (TSBPF_SELFTEST_PROGRAM_MS). The slowest took 16 s alone, 40 s on a busy machine. */
const PER_PROGRAM_MS = Number(process.env.TSBPF_SELFTEST_PROGRAM_MS ?? 120_000);
const RELABEL = "TSBPF_RECORD_KERNEL=1 npx vitest run test/selftests/corpus.test.ts (or npm run fixtures)";

/** The built corpus, or why there is none (the build is npm test's pretest, as root). */
function corpusDir(): string | undefined {
  try {
    return execFileSync("bash", [join(projectRoot, "scripts", "selftests", "build-corpus.sh"), "--where"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch {
    const why = "the selftest corpus is not built (scripts/selftests/build-corpus.sh; npm test's pretest builds it)";
    if (process.env.CI === "true" && typeof process.getuid === "function" && process.getuid() === 0) throw new Error(`under CI as root: ${why}`);
    console.warn(`[tsbpf tests] skipping the selftest corpus: ${why}`);
    return undefined;
  }
}

const corpus = corpusDir();
const k = corpus ? kernelAccess() : undefined;
const recording = process.env.TSBPF_RECORD_KERNEL === "1";
if (recording) {
  if (!corpus || !k) throw new Error("TSBPF_RECORD_KERNEL=1 needs the built corpus and the running kernel (root)");
  console.log(writeLabels(corpus, LABELS));
}
const labels = loadLabels(LABELS);
const fixtureRelease = labels.meta.kernel.release;
const key = (x: { object: string; program: string }): string => `${x.object}/${x.program}`;
const toRecorded = (l: ProgramLabel): RecordedVerdict => ({ verdict: l.xdp.verdict === "accept" ? "accept" : "reject", ...(l.xdp.message !== undefined ? { message: l.xdp.message } : {}), ...(l.xdp.processed != null ? { processed: l.xdp.processed } : {}) });

describe.skipIf(!corpus)(`selftest corpus: the bundled verifier against Linux ${fixtureRelease}'s recorded labels`, () => {
  let results: ProgramResult[] = [];
  let seconds = 0;
  const disagreements = (): ProgramResult[] => results.filter((r) => r.outcome !== "agree");
  const line = (r: ProgramResult): string => `${r.outcome}\t${key(r)}\tkernel=${r.kernel}${r.kernelMessage ? ` (${r.kernelMessage})` : ""}\tours=${r.detail ?? "accept"}`;

  beforeAll(async () => {
    const t0 = Date.now();
    results = await comparePrograms(corpus!, labelable(labels), { perProgramMs: PER_PROGRAM_MS });
    seconds = (Date.now() - t0) / 1000;
  }, 3_600_000);

  afterAll(() => {
    if (results.length === 0) return;
    const s = summarize(results);
    const slow = [...results].sort((a, b) => b.micros - a.micros).slice(0, 5);
    console.log(
      [
        `selftest corpus, labels of Linux ${fixtureRelease}: ${s.total} programs, agree ${s.agree} (${((100 * s.agree) / s.total).toFixed(1)}%), unsafe ${s.unsafe}, stricter ${s.stricter}, unsupported ${s.unsupported}, error ${s.error}, timeout ${s.timeout}`,
        `compared in ${seconds.toFixed(1)} s; slowest: ${slow.map((r) => `${key(r)} ${(r.micros / 1e6).toFixed(1)} s`).join(", ")}`,
        `disagreements (${disagreements().length}):`,
        ...disagreements().map(line),
      ].join("\n"),
    );
  });

  it("the corpus is the one labelled (same object bytes)", () => {
    const built = corpusObjects(corpus!);
    const recorded = Object.keys(labels.objects ?? {});
    expect(built, `objects built vs labelled; relabel: ${RELABEL}`).toEqual(recorded);
    const changed = built.filter((o) => objectSha256(corpus!, o) !== labels.objects![o]!.xdp_sha256);
    expect(changed, `these objects differ from the ones labelled on Linux ${fixtureRelease} (another compiler or kernel BTF?); relabel as root: ${RELABEL}`).toEqual([]);
  });

  it(`every program gets a verdict within ${PER_PROGRAM_MS / 1000} s (no crash, no timeout)`, () => {
    expect(results.filter((r) => r.outcome === "error" || r.outcome === "timeout").map(line)).toEqual([]);
  });

  it("no unsafe accept (we accept what the kernel rejects)", () => {
    expect(results.filter((r) => r.outcome === "unsafe").map(line)).toEqual([]);
  });

  it("at least 99% of the verdicts agree", () => {
    const s = summarize(results);
    expect(s.agree / s.total, `agree ${s.agree}/${s.total}`).toBeGreaterThanOrEqual(0.99);
  });

  it("the disagreements are exactly the known ones (test/selftests/known-disagreements.json)", () => {
    const known = new Map(readKnown(KNOWN).map((k) => [k.program, k] as const));
    const found = new Map(disagreements().map((r) => [key(r), r] as const));
    const fresh = [...found.values()].filter((r) => known.get(key(r))?.outcome !== r.outcome).map(line);
    const fixed = [...known.values()].filter((k) => found.get(k.program)?.outcome !== k.outcome).map((k: KnownDisagreement) => `${k.program} (${k.outcome}) now: ${found.get(k.program)?.outcome ?? "agree"}`);
    expect({ new: fresh, fixedOrChanged: fixed }, "new disagreements need a fix or an entry with a reason; fixed ones must be removed (then regenerate the docs table: npm run docs:selftests)").toEqual({ new: [], fixedOrChanged: [] });
  });

  it("docs/verifier.md's table of known disagreements is generated from the list", () => {
    expect(readFileSync(DOC, "utf8"), "regenerate it: npm run docs:selftests").toContain(knownTable(readKnown(KNOWN)));
  });
});

// Live labels, as root: drift is the kernel changing, not our verifier.
describe.skipIf(!corpus || !k || recording)("selftest corpus: the running kernel gives the recorded labels", () => {
  it(`labels of Linux ${release()} = labels recorded on Linux ${fixtureRelease} (drift)`, () => {
    const t0 = Date.now();
    const recorded = new Map(labels.programs.map((l) => [key(l), l] as const));
    const drift: string[] = [];
    for (const object of corpusObjects(corpus!)) {
      for (const live of labelObject(corpus!, object)) {
        const rec = recorded.get(key(live));
        if (!rec) drift.push(`${key(live)}: not in the recorded labels; Linux ${release()} says ${live.xdp.verdict}`);
        else if (rec.xdp.verdict !== live.xdp.verdict || (live.xdp.verdict !== "unlabelable" && verdictsDiffer(toRecorded(rec), toRecorded(live)))) {
          drift.push(`${key(live)}: recorded on Linux ${fixtureRelease}: ${rec.xdp.verdict === "unlabelable" ? "unlabelable" : describeRecorded(toRecorded(rec))}; running Linux ${release()}: ${live.xdp.verdict === "unlabelable" ? "unlabelable" : describeRecorded(toRecorded(live))}`);
        }
      }
    }
    console.log(`relabelled the selftest corpus live in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(drift, `kernel drift; if the new labels are right, relabel: ${RELABEL}`).toEqual([]);
  }, 600_000);
});
