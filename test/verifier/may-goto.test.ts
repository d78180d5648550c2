// may_goto (BPF_JMP|BPF_JCOND, 0xe5): verdicts of small loop programs compared with the running
// kernel (kernel-compare.ts), and the loop budget at run time. Linux 6.18's x86 JIT makes
// may_goto *timed* (a count of 0xffff refreshed until 250 ms have passed), so the kernel's
// iteration count varies run to run; the VM keeps the interpreter's deterministic budget,
// BPF_MAX_LOOPS (8M) per function invocation. Both stop, and a second loop after an exhausted
// budget gets no iteration in either.
import { describe, expect, it } from "vitest";
import { KernelObject } from "../../runtime/kernel/index.js";
import { MapType } from "../../runtime/object/map-types.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { verifyObject } from "../../runtime/verifier/index.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { kernelAgreementSuite, type KernelCase } from "./kernel-compare.js";
import { buildRuleObject } from "./rule-object.js";

const ARR = { name: "arr", type: MapType.ARRAY, keySize: 4, valueSize: 64, maxEntries: 1 };
const LOOKUP = `
  *(u32 *)(r10 - 0x4) = 0x0
  r2 = r10
  r2 += -0x4
  r1 = 0x0 ll ; @arr
  call 0x1
  if r0 == 0x0 goto out`;

// r0 counts the iterations until the budget runs out.
const COUNT = `
  r0 = 0x0
loop:
  may_goto done
  r0 += 0x1
  goto loop
done:
  exit`;

const cases: Record<string, KernelCase> = {
  "counting loop bounded only by may_goto": { asm: COUNT },
  "may_goto loop in a subprogram": {
    asm: `
  call local -0x1 ; @sub
  exit`,
    subprogs: [{ name: "sub", asm: COUNT }],
  },
  "two may_goto loops in sequence": {
    asm: `
  r0 = 0x0
l1:
  may_goto m
  r0 += 0x1
  goto l1
m:
  r6 = 0x0
l2:
  may_goto done
  r6 += 0x2
  goto l2
done:
  exit`,
  },
  "bounded index stored through a map value inside the loop": {
    maps: [ARR],
    asm: `${LOOKUP}
  r1 = 0x0
loop:
  may_goto out
  if r1 > 0x3f goto out
  r2 = r0
  r2 += r1
  *(u8 *)(r2 + 0x0) = 0x1
  r1 += 0x1
  goto loop
out:
  r0 = 0x0
  exit`,
  },
  "index checked before the may_goto, used after it (the index is precise, so it is not widened)": {
    maps: [ARR],
    asm: `${LOOKUP}
  r1 = 0x0
loop:
  if r1 > 0x3f goto out
  may_goto out
  r2 = r0
  r2 += r1
  *(u8 *)(r2 + 0x0) = 0x1
  r1 += 0x1
  goto loop
out:
  r0 = 0x0
  exit`,
  },
  "unbounded index inside the loop": {
    maps: [ARR],
    asm: `${LOOKUP}
  r1 = 0x0
loop:
  may_goto out
  r2 = r0
  r2 += r1
  *(u8 *)(r2 + 0x0) = 0x1
  r1 += 0x1
  goto loop
out:
  r0 = 0x0
  exit`,
  },
  "register set only in the loop body read after it": {
    asm: `
loop:
  may_goto done
  r2 = 0x1
  goto loop
done:
  r0 = r2
  exit`,
  },
  "loop exit path leaves r0 unset": {
    asm: `
  r6 = 0x0
loop:
  may_goto done
  r6 += 0x1
  r0 = 0x0
  goto loop
done:
  exit`,
  },
  "may_goto to itself never leaves": {
    asm: `
  r0 = 0x0
loop:
  may_goto loop
  exit`,
  },
};

kernelAgreementSuite("may_goto verdicts agree with the kernel", cases, "verifier-may-goto", "test/verifier/may-goto.test.ts");

const usable = await kernelBackendUsable();

describe.skipIf(!usable)("may_goto's loop budget: VM and kernel", () => {
  const frame = new Uint8Array(64);
  it.each([
    ["main program", cases["counting loop bounded only by may_goto"]!],
    ["subprogram", cases["may_goto loop in a subprogram"]!],
    ["two loops", cases["two may_goto loops in sequence"]!],
  ])("%s: the loop stops in both (VM: BPF_MAX_LOOPS iterations)", (_name, c) => {
    const object = buildRuleObject(c);
    const kernel = KernelObject.load(object, { name: "mg" });
    try {
      const got = kernel.program("rule").testRun(frame, { cpu: 0 }).retval;
      const vm = runXdp(loadObject(object), "rule", frame, { budget: 100_000_000 }).retval;
      // The kernel counts at least one timed slice of BPF_MAX_TIMED_LOOPS (0xffff) iterations.
      expect(got).toBeGreaterThanOrEqual(0xffff);
      expect(vm).toBe(1 << 23);
    } finally {
      kernel.close();
    }
  });
});

// do_misc_fixups gives a subprogram with a may_goto a hidden loop counter below its stack (16
// bytes on x86-64, whose JIT times may_goto); the kernel's "stack depth" (log level 4) counts it.
describe.skipIf(!usable)("may_goto's hidden counter in the stack depth", () => {
  it.each([
    ["main program", cases["counting loop bounded only by may_goto"]!],
    ["subprogram", cases["may_goto loop in a subprogram"]!],
    ["stack and may_goto", cases["bounded index stored through a map value inside the loop"]!],
  ])("%s: our stack depths are the kernel's", (_name, c) => {
    const object = buildRuleObject(c);
    const kernel = KernelObject.load(object, { name: "mg", logLevel: 4 });
    try {
      const depth = /stack depth ([\d+]+)/.exec(kernel.program("rule").log)?.[1];
      const [ours] = verifyObject(object, { target: "kernel" });
      expect(ours!.accepted).toBe(true);
      expect(ours!.stackDepth.join("+")).toBe(depth);
    } finally {
      kernel.close();
    }
  });
});
