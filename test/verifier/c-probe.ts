// C probes for verifier suites: a C source compiled by clang-19 as libbpf projects do, verified
// by us and loaded in the running kernel through tsbpf's loader (KernelObject, which links kfunc
// externs and global subprograms' func_info the same way), the kernel's verdict being the
// expectation (and, when it accepts, its processed-instruction count). Without a usable kernel
// the verdict recorded in test/fixtures/kernel/FIXTURE.json (with its release) is the
// expectation; with one, a live verdict that differs from the recorded one fails as drift
// (kernel-fixtures.ts). `stricter` / `otherReason` mean what they mean in kernel-compare.ts.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { release, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KernelObject, VerifierRejection } from "../../runtime/kernel/index.js";
import { verifyObject } from "../../runtime/verifier/index.js";
import { kernelAccess } from "../support/kernel.js";
import { KernelFixture, recordingKernel, type RecordedVerdict } from "../support/kernel-fixtures.js";

export interface CProbe {
  /** Body after the common prelude (linux/bpf.h, bpf_helpers.h); one SEC("xdp") program named `prog`. */
  readonly c: string;
  readonly stricter?: string;
  readonly otherReason?: string;
  /** When the kernel accepts, also compare our stack depths with its "stack depth" (log level 4). */
  readonly stackDepth?: true;
}

const CLANG = "/usr/lib/llvm-19/bin/clang";
const PRELUDE = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
char _license[] SEC("license") = "GPL";
`;

const maskNumbers = (s: string): string => s.replace(/-?\d+/g, "N");

function compile(dir: string, name: string, c: string): Uint8Array {
  const src = join(dir, `${name}.c`);
  const obj = join(dir, `${name}.o`);
  writeFileSync(src, PRELUDE + c);
  execFileSync(existsSync(CLANG) ? CLANG : "clang-19", ["-O2", "-g", "--target=bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", src, "-o", obj], { stdio: "pipe" });
  return new Uint8Array(readFileSync(obj));
}

/** The kernel's "stack depth" line (per subprogram, "8+16"), from a load at log level 4. */
function kernelStackDepth(object: Uint8Array): string | undefined {
  const loaded = KernelObject.load(object, { name: "probe", logLevel: 4 });
  try {
    return /stack depth ([\d+]+)/.exec(loaded.program("prog").log)?.[1];
  } finally {
    loaded.close();
  }
}

interface ProbeVerdict {
  readonly reason?: string;
  readonly processed?: number;
  readonly stackDepth?: string;
}

const toRecorded = (v: ProbeVerdict): RecordedVerdict => ({
  verdict: v.reason === undefined ? "accept" : "reject",
  ...(v.reason !== undefined ? { message: v.reason } : {}),
  ...(v.processed !== undefined ? { processed: v.processed } : {}),
  ...(v.stackDepth !== undefined ? { stackDepth: v.stackDepth } : {}),
});
const fromRecorded = (r: RecordedVerdict): ProbeVerdict => ({
  ...(r.verdict === "reject" ? { reason: r.message ?? "" } : {}),
  ...(r.processed !== undefined ? { processed: r.processed } : {}),
  ...(r.stackDepth !== undefined ? { stackDepth: r.stackDepth } : {}),
});

function kernelVerdict(object: Uint8Array): ProbeVerdict {
  try {
    const loaded = KernelObject.load(object, { name: "probe" });
    const processed = loaded.program("prog").stats?.processedInsns;
    loaded.close();
    return { processed };
  } catch (e) {
    if (!(e instanceof VerifierRejection)) throw e;
    return { reason: e.reason };
  }
}

/**
 * One test per probe: our verdict against the kernel's (live, else recorded in
 * test/fixtures/kernel/FIXTURE.json); skipped without clang-19 and libbpf's headers.
 */
export function cProbeSuite(title: string, probes: Readonly<Record<string, CProbe>>, fixtureName: string, testFile: string): void {
  const k = kernelAccess();
  if (recordingKernel && !k) throw new Error("TSBPF_RECORD_KERNEL=1 needs the running kernel (root, bpftool, bpffs)");
  const fixture = new KernelFixture(fixtureName, testFile, Object.keys(probes));
  const clang = existsSync(CLANG) && existsSync("/usr/include/bpf/bpf_helpers.h");
  describe.skipIf(!clang)(title, () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-cprobe-"));
    const report: string[] = [];
    const source = k ? `the running kernel (Linux ${release()})` : `the verdicts recorded on Linux ${fixture.release ?? "?"} (${fixtureName}.json)`;
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
      console.log(`${title} (against ${source})\n${report.join("\n")}`);
      if (recordingKernel) fixture.save();
    });
    it.each(Object.keys(probes))("%s", (name) => {
      const p = probes[name]!;
      const object = compile(dir, name.replace(/\W+/g, "_"), p.c);
      const ours = verifyObject(object).find((v) => v.program === "prog")!;
      let kernel: ProbeVerdict;
      if (k) {
        const live = kernelVerdict(object);
        kernel = live.reason === undefined && p.stackDepth ? { ...live, stackDepth: kernelStackDepth(object) } : live;
        fixture.observe(name, toRecorded(kernel));
      } else kernel = fromRecorded(fixture.expected(name));
      const oursText = ours.error ? `rejected: ${ours.error.message}` : `accepted (${ours.processed} insns)`;
      const theirs = kernel.reason !== undefined ? `rejected: ${kernel.reason}` : `accepted (${kernel.processed} insns)`;
      report.push(`- ${name}\n    kernel: ${theirs}\n    ours:   ${oursText}`);
      if (p.stricter !== undefined) {
        expect(kernel.reason, `marked stricter (${p.stricter}) but the kernel says ${theirs}`).toBeUndefined();
        expect(ours.accepted, `marked stricter but we accept now`).toBe(false);
        return;
      }
      expect(ours.accepted, `kernel says ${theirs}; we say ${oursText}`).toBe(kernel.reason === undefined);
      // Accepted: the walk must match the kernel's, instruction for instruction (pruning,
      // iterator and loop convergence included).
      if (kernel.reason === undefined && kernel.processed !== undefined) expect(ours.processed, `processed insns: kernel ${kernel.processed}, ours ${ours.processed}`).toBe(kernel.processed);
      if (kernel.reason === undefined && p.stackDepth) expect(ours.stackDepth.join("+"), "stack depth").toBe(kernel.stackDepth);
      if (kernel.reason !== undefined) {
        const last = kernel.reason.split("; ").filter((l) => l !== "").slice(-1)[0]!;
        const same = maskNumbers(ours.error!.message).includes(maskNumbers(last));
        expect(same, p.otherReason ?? `kernel says ${theirs}; we say ${oursText}`).toBe(p.otherReason === undefined);
      }
    });

    it.skipIf(!k || recordingKernel)(`the running kernel gives the verdicts recorded in ${fixtureName}.json (drift)`, () => {
      expect(fixture.drift(), `kernel drift against the verdicts recorded on Linux ${fixture.release ?? "?"}, running Linux ${release()}; if the new verdicts are right, ${fixture.howToRecord}`).toEqual([]);
    });

    it(`every verdict recorded in ${fixtureName}.json names a probe`, () => {
      expect(fixture.stale(), `stale entries: ${fixture.howToRecord}`).toEqual([]);
    });
  });
}
