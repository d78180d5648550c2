// Kernel verdicts recorded as checked-in fixtures (test/fixtures/kernel/*.json), keyed by case
// name and stamped with the kernel release they came from. Suites that compare our verifier
// with the kernel use them three ways:
// - without a usable kernel (not root, no bpf()), the recorded verdict is the expectation;
// - with one, the live verdict is the expectation, and a live verdict that differs from its
//   recorded one is reported apart as drift (the kernel changed, not our verifier);
// - with TSBPF_RECORD_KERNEL=1 (as root), the live verdicts are written back, deliberately.
// A case without a recorded verdict fails, saying how to record it.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { release } from "node:os";
import { dirname, join, relative } from "node:path";
import { projectRoot } from "./shared.js";

export interface RecordedVerdict {
  /** "refused": the loader refused the object before the verifier ran (mutation corpus only). */
  readonly verdict: "accept" | "reject" | "refused";
  /** The kernel's complaint (rejections only). */
  readonly message?: string;
  /** Instructions processed, as the kernel's log or prog info reports them. */
  readonly processed?: number;
  /** The log's "stack depth" line ("8+16"), for suites that compare it. */
  readonly stackDepth?: string;
}

interface FixtureFile<T> {
  readonly kernel: { readonly release: string };
  readonly cases: Readonly<Record<string, T>>;
}

/** How a fixture compares and shows what it records (a verifier verdict unless told otherwise). */
export interface RecordKind<T> {
  readonly differ: (a: T, b: T) => boolean;
  readonly describe: (v: T) => string;
}

export const recordingKernel = process.env.TSBPF_RECORD_KERNEL === "1";
export const fixtureDir = join(projectRoot, "test", "fixtures", "kernel");

// Ids, fds and instruction numbers in messages are not part of the verdict.
const maskNumbers = (s: string): string => s.replace(/-?\d+/g, "N");

export const describeRecorded = (v: RecordedVerdict): string =>
  v.verdict === "accept" ? `accepted (${v.processed ?? "?"} insns${v.stackDepth !== undefined ? `, stack depth ${v.stackDepth}` : ""})` : v.verdict === "refused" ? `refused before verification: ${v.message ?? "?"}` : `rejected: ${v.message ?? "?"}${v.processed !== undefined ? ` (${v.processed} insns)` : ""}`;

/** Whether two verdicts of the kernel differ (verdict, complaint up to numbers, processed insns, stack depth). */
export function verdictsDiffer(a: RecordedVerdict, b: RecordedVerdict): boolean {
  return a.verdict !== b.verdict || maskNumbers(a.message ?? "") !== maskNumbers(b.message ?? "") || a.processed !== b.processed || a.stackDepth !== b.stackDepth;
}

const VERDICT: RecordKind<RecordedVerdict> = { differ: verdictsDiffer, describe: describeRecorded };

/** The recorded kernel results (verdicts by default) of one suite, with the live ones observed during this run. */
export class KernelFixture<T = RecordedVerdict> {
  readonly path: string;
  readonly release: string | undefined;
  private readonly recorded: Readonly<Record<string, T>>;
  private readonly live = new Map<string, T>();

  /**
   * `name` is the fixture's file name (without .json); `testFile` the suite to rerun to record
   * it; `caseNames` every case of the suite, or undefined when the cases are only known while
   * the suite runs (then recording replaces the whole file and nothing is reported stale).
   */
  constructor(
    name: string,
    readonly testFile: string,
    private readonly caseNames?: readonly string[],
    private readonly kind: RecordKind<T> = VERDICT as unknown as RecordKind<T>,
  ) {
    this.path = join(fixtureDir, `${name}.json`);
    const file = existsSync(this.path) ? (JSON.parse(readFileSync(this.path, "utf8")) as FixtureFile<T>) : undefined;
    this.release = file?.kernel.release;
    this.recorded = file?.cases ?? {};
  }

  get howToRecord(): string {
    return `record it as root on the kernel to compare with: TSBPF_RECORD_KERNEL=1 npx vitest run ${this.testFile}`;
  }

  /** The recorded verdict of a case; throws (naming the fixture and how to record) when there is none. */
  expected(name: string): T {
    const v = this.recorded[name];
    if (v === undefined) throw new Error(`no recorded kernel verdict for case '${name}' in ${relative(projectRoot, this.path)}: ${this.howToRecord}`);
    return v;
  }

  /** The recorded verdict of a case, or undefined. */
  lookup(name: string): T | undefined {
    return this.recorded[name];
  }

  observe(name: string, v: T): void {
    this.live.set(name, v);
  }

  /**
   * Cases whose live verdict differs from the recorded one, or that have none recorded: one
   * line each, naming the recorded release and the running one.
   */
  drift(): string[] {
    const running = release();
    const out: string[] = [];
    for (const [name, live] of this.live) {
      const rec = this.recorded[name];
      if (rec === undefined) out.push(`'${name}': no verdict recorded in ${relative(projectRoot, this.path)} (${this.howToRecord}); Linux ${running} says ${this.kind.describe(live)}`);
      else if (this.kind.differ(rec, live)) out.push(`'${name}': recorded on Linux ${this.release}: ${this.kind.describe(rec)}; running Linux ${running}: ${this.kind.describe(live)}`);
    }
    return out;
  }

  /** Recorded entries that name no case of the suite. */
  stale(): string[] {
    if (this.caseNames === undefined) return [];
    const names = new Set(this.caseNames);
    return Object.keys(this.recorded).filter((n) => !names.has(n));
  }

  /** Writes the live verdicts (TSBPF_RECORD_KERNEL=1): entries of cases gone are dropped. */
  save(): void {
    const running = release();
    const names = this.caseNames ?? [...this.live.keys()];
    const partial = names.some((n) => !this.live.has(n));
    if (partial && this.release !== undefined && this.release !== running) {
      throw new Error(`${relative(projectRoot, this.path)} was recorded on Linux ${this.release}, this is ${running}: record every case of the suite at once (no test filter)`);
    }
    const cases: Record<string, T> = {};
    for (const n of [...names].sort()) {
      const v = this.live.get(n) ?? this.recorded[n];
      if (v !== undefined) cases[n] = v;
    }
    mkdirSync(dirname(this.path), { recursive: true });
    // One case a line, so a re-recording shows in a diff as the cases that changed.
    const lines = Object.entries(cases).map(([n, v]) => `  ${JSON.stringify(n)}: ${JSON.stringify(v)}`);
    writeFileSync(this.path, `{\n "kernel": ${JSON.stringify({ release: running })},\n "cases": {\n${lines.join(",\n")}\n }\n}\n`);
  }
}
