// Every rejection family the rules test settles against the kernel also says what proof is
// missing: the hint carries the numbers of the kernel's message (bytes proven, bytes needed,
// value size) so the author knows which check to write.
import { describe, expect, it } from "vitest";
import { MapType } from "../../runtime/object/map-types.js";
import { verifyObject } from "../../runtime/verifier/index.js";
import { hintFor } from "../../runtime/verifier/hints.js";
import { buildRuleObject, type RuleProgram } from "./rule-object.js";

const PKT = "  w2 = *(u32 *)(r1 + 0x0)\n  w3 = *(u32 *)(r1 + 0x4)";
const ARRAY = { name: "arr", type: MapType.HASH, keySize: 4, valueSize: 8, maxEntries: 4 };
const LOOKUP = "  *(u32 *)(r10 - 0x4) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @arr\n  call 0x1";

const cases: [string, RuleProgram, RegExp][] = [
  ["packet read past the check", { asm: `${PKT}\n  r4 = r2\n  r4 += 0xe\n  if r4 > r3 goto out\n  w0 = *(u8 *)(r2 + 0xe)\nout:\n  w0 = 0x2\n  exit` }, /prove 14 byte\(s\).*needs 15.*plus 15 with data_end/],
  ["lookup result used without a null check", { maps: [ARRAY], asm: `${LOOKUP}\n  r1 = *(u64 *)(r0 + 0x0)\n  r0 = 0x2\n  exit` }, /R0 may be NULL.*null check/],
  ["map value read past its end", { maps: [ARRAY], asm: `${LOOKUP}\n  if r0 == 0x0 goto out\n  r1 = *(u64 *)(r0 + 0x4)\nout:\n  r0 = 0x2\n  exit` }, /has 8 byte\(s\).*bytes 4\.\.11/],
  ["register read before it is written", { asm: "  r0 = r6\n  exit" }, /R6 is read before anything is written/],
  ["stack below the frame", { asm: "  r1 = 0x0\n  *(u64 *)(r10 - 0x208) = r1\n  r0 = 0x2\n  exit" }, /512 bytes/],
];

describe("verifier hints", () => {
  it.each(cases)("%s", (_name, program, hint) => {
    const [v] = verifyObject(buildRuleObject(program));
    expect(v!.accepted).toBe(false);
    expect(v!.error!.hint, v!.error!.message).toMatch(hint);
  });

  it("messages without a known fix get no hint rather than a vague one", () => {
    expect(hintFor("some message no rule knows")).toBeUndefined();
  });
});
