// The compare-with-the-kernel loop shared by the hand-written verifier suites (rules,
// adversarial): each program is verified by us AND loaded in the running kernel during the
// test, and the kernel's verdict is the expectation; without a usable kernel, the verdict
// recorded in test/fixtures/kernel/ is (a live one that differs from it fails as drift). For rejections our message must contain
// the kernel's complaint (its last message line; numbers, which may be ids or instruction
// counts, are compared as "N"). Every verdict pair is printed after the suite, with the
// agreement figure.
//
// A case may be marked `stricter` with the reason: a known place where we refuse what the
// kernel accepts (tolerated, never the other way round). Such a case passes only while the
// kernel still accepts and we still refuse, so the mark cannot outlive the difference. A case
// marked `otherReason` must get the kernel's verdict (a rejection) but may name another
// complaint, and passes only while the complaints differ.
import { release } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { KernelObject, VerifierRejection } from "../../runtime/kernel/index.js";
import { verifyObject } from "../../runtime/verifier/index.js";
import { kernelAccess } from "../support/kernel.js";
import { KernelFixture, recordingKernel, type RecordedVerdict } from "../support/kernel-fixtures.js";
import { buildRuleObject, type RuleProgram } from "./rule-object.js";

export type KernelCase = RuleProgram & {
  /** We are known to refuse this program although the kernel accepts it; why. */
  readonly stricter?: string;
  /** Both refuse, but we complain about an earlier instruction; why (the verdicts must still agree). */
  readonly otherReason?: string;
};

const maskNumbers = (s: string): string => s.replace(/-?\d+/g, "N");
// The complaint's last line, leaving out the state dumps that follow some messages.
const lastLine = (reason: string): string => reason.split("; ").filter((l) => l !== "" && !/^(cur|old) state:/.test(l)).slice(-1)[0] ?? reason;

interface KernelVerdict {
  readonly reason?: string;
  readonly processed?: number;
}

/** Loads `object` in the running kernel: its complaint, or undefined reason when accepted. */
function kernelVerdict(object: Uint8Array): KernelVerdict {
  try {
    const loaded = KernelObject.load(object, { name: "rule" });
    const processed = loaded.program("rule").stats?.processedInsns;
    loaded.close();
    return processed !== undefined ? { processed } : {};
  } catch (e) {
    if (!(e instanceof VerifierRejection)) throw e;
    // Some messages lack their newline, and run into the statistics line.
    const reason = /^\d+: \(/.test(lastLine(e.reason)) ? e.log.split("\n").filter((l) => l.trim() !== "").slice(-1)[0]!.replace(/processed \d+ insns.*$/, "") : e.reason;
    const m = /processed (\d+) insns/.exec(e.log);
    return m ? { reason, processed: Number(m[1]) } : { reason };
  }
}

const toRecorded = (k: KernelVerdict): RecordedVerdict => (k.reason !== undefined ? { verdict: "reject", message: k.reason, ...(k.processed !== undefined ? { processed: k.processed } : {}) } : { verdict: "accept", ...(k.processed !== undefined ? { processed: k.processed } : {}) });
const fromRecorded = (r: RecordedVerdict): KernelVerdict => ({ ...(r.verdict === "reject" ? { reason: r.message ?? "" } : {}), ...(r.processed !== undefined ? { processed: r.processed } : {}) });

/**
 * Declares one test per case comparing our verdict with the kernel's: the running kernel's
 * when it can be used, else the one recorded in test/fixtures/kernel/FIXTURE.json
 * (kernel-fixtures.ts). With a live kernel, one more test fails on drift: a live verdict that
 * differs from the recorded one, or a case never recorded.
 */
export function kernelAgreementSuite(title: string, cases: Readonly<Record<string, KernelCase>>, fixtureName: string, testFile: string): void {
  const k = kernelAccess();
  if (recordingKernel && !k) throw new Error("TSBPF_RECORD_KERNEL=1 needs the running kernel (root, bpftool, bpffs)");
  const fixture = new KernelFixture(fixtureName, testFile, Object.keys(cases));
  const source = k ? `the running kernel (Linux ${release()})` : `the verdicts recorded on Linux ${fixture.release ?? "?"} (${fixtureName}.json)`;
  const report: string[] = [];
  let agree = 0;
  let stricter = 0;
  describe(title, () => {
    afterAll(() => {
      const total = Object.keys(cases).length;
      console.log(`${title}: ${agree}/${total} verdicts agree with ${source}, ${stricter} known stricter\n${report.join("\n")}`);
      if (recordingKernel) fixture.save();
    });

    it.each(Object.keys(cases))("%s", (name) => {
      const c = cases[name]!;
      const object = buildRuleObject(c);
      const [ours] = verifyObject(object);
      let kernel: KernelVerdict;
      if (k) {
        kernel = kernelVerdict(object);
        fixture.observe(name, toRecorded(kernel));
      } else kernel = fromRecorded(fixture.expected(name));
      const oursText = ours!.error ? `rejected: ${ours!.error.message} (insn ${ours!.error.insn}: ${ours!.error.text}${ours!.error.registers ? `; ${ours!.error.registers}` : ""})` : `accepted (${ours!.processed} insns)`;
      const theirs = kernel.reason !== undefined ? `rejected: ${kernel.reason}` : `accepted (${kernel.processed} insns)`;
      report.push(`- ${name}${c.stricter ? " [known stricter]" : c.otherReason ? " [known other complaint]" : ""}\n    kernel: ${theirs}\n    ours:   ${oursText}`);
      if (c.stricter !== undefined) {
        expect(kernel.reason, `marked stricter (${c.stricter}) but the kernel says ${theirs}`).toBeUndefined();
        expect(ours!.accepted, `marked stricter (${c.stricter}) but we accept now`).toBe(false);
        stricter++;
        return;
      }
      expect(ours!.accepted, `kernel says ${theirs}; we say ${oursText}`).toBe(kernel.reason === undefined);
      if (kernel.reason !== undefined) {
        const same = maskNumbers(ours!.error!.message).includes(maskNumbers(lastLine(kernel.reason)));
        expect(same, c.otherReason !== undefined ? `marked otherReason (${c.otherReason}) but the complaints agree now` : `kernel says ${theirs}; we say ${oursText}`).toBe(c.otherReason === undefined);
      }
      agree++;
    });

    it.skipIf(!k || recordingKernel)(`the running kernel gives the verdicts recorded in ${fixtureName}.json (drift)`, () => {
      const drift = fixture.drift();
      expect(drift, `kernel drift against the verdicts recorded on Linux ${fixture.release ?? "?"}, running Linux ${release()}; if the new verdicts are right, ${fixture.howToRecord}`).toEqual([]);
    });

    it(`every verdict recorded in ${fixtureName}.json names a case`, () => {
      expect(fixture.stale(), `stale entries: ${fixture.howToRecord}`).toEqual([]);
    });
  });
}
