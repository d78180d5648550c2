// The bundled verifier on the clang-built reference objects: every loadable program is
// accepted, and our processed-instruction counts equal the kernel's
// (verifier.json, recorded on Linux 6.18). callx.o is accepted for the VM target and rejected
// for the kernel target with the kernel's own message.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyObject, type ProgramVerdict } from "../../runtime/verifier/index.js";
import { haveShared, referenceObjects, sharedDir } from "../support/shared.js";

interface KernelProgram {
  readonly program: string;
  readonly processed_insns: number;
  readonly stack_depth: string;
}
interface KernelObjectRecord {
  readonly object: string;
  readonly accepted: boolean;
  readonly expected_rejection?: string;
  readonly programs: readonly KernelProgram[];
}

const have = haveShared("reference/verifier.json");
const records: readonly KernelObjectRecord[] = have ? (JSON.parse(readFileSync(join(sharedDir, "reference", "verifier.json"), "utf8")) as { objects: KernelObjectRecord[] }).objects : [];
const rows: string[] = [];

const describeVerdict = (v: ProgramVerdict): string =>
  v.error ? `${v.error.message} at insn ${v.error.insn} (${v.error.text}) ${v.error.registers}${v.error.line ? ` ${v.error.line.file}:${v.error.line.line}` : ""}` : "accepted";

describe.skipIf(!have)("reference objects", () => {
  afterAll(() => {
    console.log(["program                 ours  kernel  stack(ours/kernel)", ...rows].join("\n"));
  });

  const loadable = referenceObjects().filter((f) => records.find((r) => r.object === basename(f))?.accepted);
  it("all 15 loadable objects are in verifier.json", () => {
    expect(loadable.length).toBe(15);
  });

  it.each(loadable.map((f) => basename(f)))("%s is accepted", (name) => {
    const record = records.find((r) => r.object === name)!;
    const verdicts = verifyObject(new Uint8Array(readFileSync(join(sharedDir, "reference", "obj", name))));
    expect(verdicts.map((v) => v.program).sort()).toEqual(record.programs.map((p) => p.program).sort());
    for (const v of verdicts) {
      const k = record.programs.find((p) => p.program === v.program)!;
      rows.push(`${v.program.padEnd(22)} ${String(v.processed).padStart(5)}  ${String(k.processed_insns).padStart(6)}  ${v.stackDepth.join("+")}/${k.stack_depth}`);
      expect(describeVerdict(v)).toBe("accepted");
      // Precision tracking, stack liveness and the kernel's checkpoint heuristics: the same
      // instructions walked, the same states pruned.
      expect(v.processed).toBe(k.processed_insns);
    }
  });

  it("callx.o: accepted for the VM, rejected for the kernel as the kernel rejects it", () => {
    const record = records.find((r) => r.object === "callx.o")!;
    expect(record.accepted).toBe(false);
    const bytes = new Uint8Array(readFileSync(join(sharedDir, "reference", "obj", "callx.o")));
    for (const v of verifyObject(bytes, { target: "vm" })) expect(describeVerdict(v)).toBe("accepted");
    const kernel = verifyObject(bytes, { target: "kernel" });
    expect(kernel.length).toBeGreaterThan(0);
    for (const v of kernel) {
      expect(v.accepted).toBe(false);
      expect(v.error!.message).toContain(record.expected_rejection!);
      expect(v.processed).toBe(record.programs.find((p) => p.program === v.program)!.processed_insns);
    }
  });
});
