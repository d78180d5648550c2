// The verifier's progress hook (VerifyOptions.onProgress): reports come from inside the walk,
// with the processed-instruction count, the stored states and the current instruction; a walk
// shorter than one interval reports nothing. (The CLI's printing is in cli.test.ts.)
import { describe, expect, test } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { verifyObject, type VerifyProgress } from "../../runtime/verifier/index.js";

const source = `import { XdpAction, type XdpContext, type u32 } from "tsbpf";

export const LICENSE = "GPL";

export function xdp_long(_ctx: XdpContext): XdpAction {
  let acc: u32 = 0;
  for (let i: u32 = 0; i < 1000000; i++) {
    acc = acc ^ (i * 3);
  }
  return acc == 7 ? XdpAction.DROP : XdpAction.PASS;
}
`;
const object = compileSource("long.ts", source).object;

describe("verification progress", () => {
  test("a report every 4096 processed insns with interval 0, counts growing", () => {
    const seen: VerifyProgress[] = [];
    const [v] = verifyObject(object, { maxInsns: 50_000, onProgress: (p) => seen.push(p), progressIntervalMs: 0 });
    expect(v!.error?.message).toBe("BPF program is too large. Processed 50001 insn");
    expect(seen.map((p) => p.processed)).toEqual(Array.from({ length: 12 }, (_, i) => 4096 * (i + 1)));
    for (const [i, p] of seen.entries()) {
      expect(p.program).toBe("xdp_long");
      expect(p.insn).toBeGreaterThanOrEqual(0);
      expect(p.insn).toBeLessThan(20);
      if (i > 0) {
        expect(p.states).toBeGreaterThan(seen[i - 1]!.states);
        expect(p.elapsedMs).toBeGreaterThanOrEqual(seen[i - 1]!.elapsedMs);
      }
    }
  });

  test("a walk shorter than the interval reports nothing", () => {
    const seen: VerifyProgress[] = [];
    verifyObject(object, { maxInsns: 50_000, onProgress: (p) => seen.push(p), progressIntervalMs: 3_600_000 });
    expect(seen).toEqual([]);
  });
});
