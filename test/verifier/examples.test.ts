// Every example program is accepted by the bundled verifier; our processed-instruction counts
// equal the kernel's, which the test obtains by loading the same object in the running kernel
// (the real verdict) when it can, and otherwise from test/fixtures/kernel/verifier-examples.json
// (recorded with the kernel release; a live count that differs from its record fails as drift).
import { afterAll, describe, expect, it } from "vitest";
import { KernelObject } from "../../runtime/kernel/index.js";
import { verifyObject } from "../../runtime/verifier/index.js";
import { compileExample, exampleFiles } from "../support/examples.js";
import { kernelAccess } from "../support/kernel.js";
import { KernelFixture, recordingKernel } from "../support/kernel-fixtures.js";

const k = kernelAccess();
if (recordingKernel && !k) throw new Error("TSBPF_RECORD_KERNEL=1 needs the running kernel (root, bpftool, bpffs)");
const rows: string[] = [];
// Keyed by example file and program; the case list is only known once the examples compile.
const fixture = new KernelFixture("verifier-examples", "test/verifier/examples.test.ts");

describe("examples", () => {
  afterAll(() => {
    console.log([`program                 ours  kernel (${k ? "live" : `recorded on Linux ${fixture.release ?? "?"}`})`, ...rows].join("\n"));
    if (recordingKernel) fixture.save();
  });

  it.each(exampleFiles())("%s is accepted", (file) => {
    const object = compileExample(file);
    const verdicts = verifyObject(object);
    expect(verdicts.length).toBeGreaterThan(0);
    let kernel: KernelObject | undefined;
    if (k) kernel = KernelObject.load(object, { name: file.replace(/\.ts$/, "") });
    try {
      for (const v of verdicts) {
        const key = `${file}/${v.program}`;
        let theirs: number | undefined;
        if (kernel) {
          theirs = kernel.program(v.program).stats?.processedInsns;
          fixture.observe(key, { verdict: "accept", ...(theirs !== undefined ? { processed: theirs } : {}) });
        } else theirs = fixture.expected(key).processed;
        rows.push(`${v.program.padEnd(22)} ${String(v.processed).padStart(5)}  ${theirs === undefined ? "     -" : String(theirs).padStart(6)}`);
        expect(v.error ? `${v.error.message} at insn ${v.error.insn} (${v.error.text}) ${v.error.registers}` : "accepted").toBe("accepted");
        // Pruning as the kernel's (precision, liveness, checkpoints): the same processed count.
        expect(v.processed, `processed insns of ${key}`).toBe(theirs);
      }
    } finally {
      kernel?.close();
    }
  });

  it.skipIf(!k || recordingKernel)("the running kernel gives the counts recorded in verifier-examples.json (drift)", () => {
    expect(fixture.drift(), `kernel drift against Linux ${fixture.release ?? "?"}; if the new counts are right, ${fixture.howToRecord}`).toEqual([]);
  });
});
