// Every example program is accepted by the bundled verifier; our processed-instruction counts
// equal the kernel's, which the test obtains by loading the same object in the running kernel
// (the real verifier) when it can.
import { afterAll, describe, expect, it } from "vitest";
import { KernelObject } from "../../runtime/kernel/index.js";
import { verifyObject } from "../../runtime/verifier/index.js";
import { compileExample, exampleFiles } from "../support/examples.js";
import { kernelAccess } from "../support/kernel.js";

const k = kernelAccess();
const rows: string[] = [];

describe("examples", () => {
  afterAll(() => console.log(["program                 ours  kernel", ...rows].join("\n")));

  it.each(exampleFiles())("%s is accepted", (file) => {
    const object = compileExample(file);
    const verdicts = verifyObject(object);
    expect(verdicts.length).toBeGreaterThan(0);
    let kernel: KernelObject | undefined;
    if (k) kernel = KernelObject.load(object, { name: file.replace(/\.ts$/, "") });
    try {
      for (const v of verdicts) {
        const theirs = kernel?.program(v.program).stats?.processedInsns;
        rows.push(`${v.program.padEnd(22)} ${String(v.processed).padStart(5)}  ${theirs === undefined ? "     -" : String(theirs).padStart(6)}`);
        expect(v.error ? `${v.error.message} at insn ${v.error.insn} (${v.error.text}) ${v.error.registers}` : "accepted").toBe("accepted");
        // Pruning as the kernel's (precision, liveness, checkpoints): the same processed count.
        if (theirs !== undefined) expect(v.processed).toBe(theirs);
      }
    } finally {
      kernel?.close();
    }
  });
});
