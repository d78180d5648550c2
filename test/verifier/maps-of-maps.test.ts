// DSL programs using maps of maps (ArrayOfMaps, HashOfMaps, inner queues), built by tsbpf
// with the bundled verifier on (buildSource): a lookup in the outer map gives the inner map (or
// null), whose own lookups, updates and queue operations are then checked against the inner
// definition. The kernel's verdict on the same object is the expectation.
import { afterAll, describe, expect, it } from "vitest";
import { buildSource } from "../../compiler/build.js";
import { KernelObject, VerifierRejection } from "../../runtime/kernel/index.js";
import { verifyObject } from "../../runtime/verifier/index.js";
import { kernelAccess } from "../support/kernel.js";
import { KernelFixture, recordingKernel } from "../support/kernel-fixtures.js";

const header = `import { ArrayMap, ArrayOfMaps, HashMap, HashOfMaps, QueueMap, UpdateFlags, u32, u64, type XdpContext } from "tsbpf";
export const LICENSE = "GPL";
`;

const cases: Record<string, string> = {
  "outer array, inner array value updated": `
const tableA = new ArrayMap<u32, u64>(4);
const tableB = new ArrayMap<u32, u64>(4);
const tables = new ArrayOfMaps(4, tableA, { 0: tableA, 1: tableB });
export function prog(ctx: XdpContext): u32 {
  const t = tables.lookup(ctx.length & 3);
  if (!t) return 1;
  const c = t.lookup(2);
  if (!c) return 2;
  c.value += u64(ctx.length);
  return 0;
}`,
  "outer hash, inner hash looked up and updated": `
const tcp = new HashMap<u32, u64>(8);
const udp = new HashMap<u32, u64>(8);
const byProto = new HashOfMaps<u32, HashMap<u32, u64>>(8, tcp, { 6: tcp, 17: udp });
export function prog(ctx: XdpContext): u32 {
  const h = byProto.lookup(ctx.length & 31);
  if (h === null) return 1;
  const e = h.lookup(7);
  if (e) e.value += 1;
  else h.update(7, 1000);
  return 0;
}`,
  "inner queue pushed and peeked through the outer map": `
const lengths = new QueueMap<u32>(2);
const queues = new ArrayOfMaps(2, lengths, { 1: lengths });
export function prog(ctx: XdpContext): u32 {
  const lq = queues.lookup(1);
  if (!lq) return 5;
  lq.push(ctx.length, UpdateFlags.EXIST);
  const oldest = lq.peek();
  if (!oldest) return 6;
  return oldest.value;
}`,
};

const k = kernelAccess();
if (recordingKernel && !k) throw new Error("TSBPF_RECORD_KERNEL=1 needs the running kernel (root, bpftool, bpffs)");
// The kernel's verdicts recorded with its release: the expectation without a kernel; live, a
// verdict that differs from its record fails as drift.
const fixture = new KernelFixture("verifier-maps-of-maps", "test/verifier/maps-of-maps.test.ts", Object.keys(cases));

describe("maps of maps: tsbpf programs get the kernel's verdict", () => {
  afterAll(() => {
    if (recordingKernel) fixture.save();
  });

  it.each(Object.keys(cases))("%s", (name) => {
    // `tsbpf build` with the verifier on (it throws a CompileError if the verifier refuses).
    const { object } = buildSource(`/virtual/mom.ts`, header + cases[name]!, { displayName: "mom.ts", target: "kernel" });
    const [ours] = verifyObject(object);
    let kernelAccepts = true;
    let processed: number | undefined;
    if (k) {
      let message: string | undefined;
      try {
        const loaded = KernelObject.load(object, { name: "mom" });
        processed = loaded.program(ours!.program).stats?.processedInsns;
        loaded.close();
      } catch (e) {
        if (!(e instanceof VerifierRejection)) throw e;
        kernelAccepts = false;
        message = e.reason;
      }
      fixture.observe(name, kernelAccepts ? { verdict: "accept", ...(processed !== undefined ? { processed } : {}) } : { verdict: "reject", message: message ?? "" });
    } else {
      const r = fixture.expected(name);
      kernelAccepts = r.verdict === "accept";
      processed = r.processed;
    }
    expect(ours!.accepted, ours!.error?.message).toBe(kernelAccepts);
    expect(kernelAccepts, "each case is a program Linux loads").toBe(true);
    console.log(`${name}: ours ${ours!.processed} insns, kernel ${processed ?? "-"}`);
  });

  it.skipIf(!k || recordingKernel)("the running kernel gives the verdicts recorded in verifier-maps-of-maps.json (drift)", () => {
    expect(fixture.drift(), `kernel drift against Linux ${fixture.release ?? "?"}; ${fixture.howToRecord}`).toEqual([]);
  });

  it("every verdict recorded in verifier-maps-of-maps.json names a case", () => {
    expect(fixture.stale(), fixture.howToRecord).toEqual([]);
  });
});
