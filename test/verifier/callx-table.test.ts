// callx through a stack table of function addresses (C's `fn_t t[2] = {f, g}; t[i](x)`), VM
// target: a variable-offset read is a function address when every 8-aligned slot it may hit
// holds one, so the callx is proven to reach only f or g. The kernel target keeps the kernel's
// reading (an unknown scalar; the kernel has no callx at all), see rules.test.ts.
import { describe, expect, it } from "vitest";
import { verifyObject } from "../../runtime/verifier/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { buildRuleObject, type RuleProgram } from "./rule-object.js";

const table = (second: string, shift: number): RuleProgram => ({
  asm: `  r6 = r1
  r1 = 0x0 ll ; @f
  *(u64 *)(r10 - 0x10) = r1
  ${second}
  *(u64 *)(r10 - 0x8) = r1
  w3 = *(u32 *)(r6 + 0x10)
  r3 &= 0x1
  r3 <<= ${shift}
  r4 = r10
  r4 += -0x10
  r4 += r3
  r2 = *(u64 *)(r4 + 0x0)
  r1 = 0x5
  callx r2
  exit`,
  subprogs: [
    { name: "f", asm: "  r0 = r1\n  exit" },
    { name: "g", asm: "  r0 = 0x2\n  exit" },
  ],
});

describe("callx through a stack table of functions", () => {
  it("is accepted for the VM when every slot holds a function address, and runs", () => {
    const bytes = buildRuleObject(table("r1 = 0x0 ll ; @g", 3));
    const [v] = verifyObject(bytes, { target: "vm" });
    expect(v!.error?.message).toBeUndefined();
    expect(v!.accepted).toBe(true);
    expect([2, 5]).toContain(runXdp(loadObject(bytes), "rule", new Uint8Array(60)).retval);
  });

  it("is rejected when one slot holds a number (it could be a helper id)", () => {
    const [v] = verifyObject(buildRuleObject(table("r1 = 0x7", 3)), { target: "vm" });
    expect(v!.error?.message).toBe("R2 type=scalar expected=func");
  });

  it("is rejected when the offset can land between two slots (stack reads are aligned first)", () => {
    const [v] = verifyObject(buildRuleObject(table("r1 = 0x0 ll ; @g", 2)), { target: "vm" });
    expect(v!.error?.message).toMatch(/^misaligned stack access/);
  });

  it("keeps the kernel's reading (a scalar) for the kernel target", () => {
    const [v] = verifyObject(buildRuleObject(table("r1 = 0x0 ll ; @g", 3)), { target: "kernel" });
    expect(v!.error?.message).toBe("unknown opcode 8d");
  });
});
