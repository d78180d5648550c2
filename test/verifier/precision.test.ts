// Pruning as the kernel prunes: precision tracking, stack liveness, loop and callback
// convergence. Each probe is verified by us and loaded in the running kernel during the test;
// the verdicts must agree, and for accepted programs the processed-instruction counts must be
// equal (the kernel's count is how many instructions it walked before every path was either
// finished or pruned, so equal counts mean the same states were stored and matched).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { KernelObject, VerifierRejection } from "../../runtime/kernel/index.js";
import { verifyObject } from "../../runtime/verifier/index.js";
import { kernelAccess } from "../support/kernel.js";
import { KernelFixture, recordingKernel, type RecordedVerdict } from "../support/kernel-fixtures.js";
import { BIG, LOOKUP, OK, PAD, RAND } from "./adversarial-common.js";
import { buildRuleObject, type RuleProgram } from "./rule-object.js";

const k = kernelAccess();

/** A merge point after a random branch: `fall` and `jump` set registers, `after` uses them. */
const mergeAt = (fall: string, jump: string, after: string): string => `${RAND}
  r8 = r0
${PAD}
  if r8 > 0x7 goto j
${fall}
${PAD}
  goto m
j:
${jump}
${PAD}
m:
${PAD}
${after}${OK}`;

const probes: Readonly<Record<string, RuleProgram>> = {
  "an imprecise scalar differing at a merge is pruned": {
    asm: mergeAt("  r7 = 0x1", "  r7 = 0x2", "  r0 = r7\n  r0 += 0x1"),
  },
  "a scalar used as a stack offset after the merge is precise: no pruning": {
    asm: mergeAt("  r7 = -0x8", "  r7 = -0x10", "  r1 = r10\n  r1 += r7\n  r2 = 0x0\n  *(u64 *)(r1 + 0x0) = r2"),
  },
  "precision follows a spill and a fill": {
    asm: mergeAt("  r7 = -0x8\n  *(u64 *)(r10 - 0x18) = r7", "  r7 = -0x10\n  *(u64 *)(r10 - 0x18) = r7", "  r7 = *(u64 *)(r10 - 0x18)\n  r1 = r10\n  r1 += r7\n  r2 = 0x0\n  *(u64 *)(r1 + 0x0) = r2"),
  },
  "an imprecise spill is pruned": {
    asm: mergeAt("  r7 = 0x1\n  *(u64 *)(r10 - 0x18) = r7", "  r7 = 0x2\n  *(u64 *)(r10 - 0x18) = r7", "  r7 = *(u64 *)(r10 - 0x18)\n  r0 = r7"),
  },
  "a dead stack slot differing at a merge is pruned": {
    asm: mergeAt("  r7 = 0x1\n  *(u64 *)(r10 - 0x18) = r7", "  r7 = r10\n  *(u64 *)(r10 - 0x18) = r7", "  r0 = 0x0"),
  },
  "a branch decided by a constant makes it precise": {
    asm: mergeAt("  r7 = 0x1", "  r7 = 0x2", "  if r7 == 0x1 goto z\n  r0 = 0x0\nz:\n  r0 = 0x1"),
  },
  "precision of a linked copy": {
    asm: `${LOOKUP("big")}
  if r0 == 0x0 goto out
  r6 = r0
  call 0x7
  r7 = r0
  r8 = r7
${PAD}
  if r8 > 0x30 goto out
${PAD}
  r6 += r7
  r1 = *(u64 *)(r6 + 0x0)
out:${OK}`,
    maps: [BIG],
  },
  "precision through a call argument": {
    asm: mergeAt("  r7 = -0x8", "  r7 = -0x10", "  r1 = r7\n  call local -0x1 ; @off"),
    subprogs: [{ name: "off", asm: `  r2 = r10\n  r2 += r1\n  r3 = 0x0\n  *(u64 *)(r2 + 0x0) = r3\n  r0 = 0x0\n  exit` }],
  },
  "bpf_loop(1, ...) walks the callback once": {
    asm: `  r1 = 0x1\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = 0x0\n  exit` }],
  },
  "bpf_loop callback adding its index into the caller's stack converges": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x10\n  r2 = 0x0 ll ; @cb\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  call 0xb5\n  r0 = *(u64 *)(r10 - 0x8)\n  exit`,
    subprogs: [{ name: "cb", asm: `  r3 = *(u64 *)(r2 + 0x0)\n  r1 &= 0xffffffff\n  r3 += r1\n  *(u64 *)(r2 + 0x0) = r3\n  r0 = 0x0\n  exit` }],
  },
  "a callback's precise counter bounds an access": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  call 0xb5\n  r0 = 0x0\n  exit`,
    subprogs: [{ name: "cb", asm: `  r3 = *(u64 *)(r2 + 0x0)\n  if r3 > 0x2 goto done\n  r3 += 0x1\n  *(u64 *)(r2 + 0x0) = r3\n  r4 = r10\n  r4 += -0x10\n  r4 += r3\n  r5 = 0x0\n  *(u8 *)(r4 + 0x0) = w5\ndone:\n  r0 = 0x0\n  exit` }],
  },
  "a bounded loop with an imprecise accumulator": {
    asm: `  r6 = 0x0\n  r7 = 0x0\nl:\n  r7 += r6\n  r6 += 0x1\n  if r6 < 0x20 goto l\n  r0 = r7\n  exit`,
  },
};

/** The kernel's verdict on `object`'s program `name`: processed count, or the rejection. */
function kernelRun(object: Uint8Array, name: string): { processed?: number; reason?: string } {
  try {
    const loaded = KernelObject.load(object, { name: "probe" });
    const processed = loaded.program(name).stats?.processedInsns;
    loaded.close();
    return { processed };
  } catch (e) {
    if (e instanceof VerifierRejection) return { reason: e.reason };
    throw e;
  }
}

const DSL = [
  ["tcp-options.ts", "xdp_tcp_options"],
  ["loop-sum.ts", "xdp_loop_sum"],
] as const;
// The kernel's counts recorded with its release: the expectation without a kernel, and a live
// count that differs from its record fails as drift.
const fixture = new KernelFixture("verifier-precision", "test/verifier/precision.test.ts", [...Object.keys(probes), ...DSL.map(([f]) => `DSL ${f}`)]);
if (recordingKernel && !k) throw new Error("TSBPF_RECORD_KERNEL=1 needs the running kernel (root, bpftool, bpffs)");
const toRecorded = (v: { processed?: number; reason?: string }): RecordedVerdict => (v.reason !== undefined ? { verdict: "reject", message: v.reason } : { verdict: "accept", ...(v.processed !== undefined ? { processed: v.processed } : {}) });
/** Live when the kernel can be used (recorded for the drift check), else the recorded verdict. */
function kernelVerdict(key: string, object: Uint8Array, program: string): { processed?: number; reason?: string } {
  if (!k) {
    const r = fixture.expected(key);
    return r.verdict === "accept" ? { ...(r.processed !== undefined ? { processed: r.processed } : {}) } : { reason: r.message ?? "" };
  }
  const live = kernelRun(object, program);
  fixture.observe(key, toRecorded(live));
  return live;
}

const rows: string[] = [];

describe("pruning as the kernel's", () => {
  afterAll(() => {
    console.log([`probe: ours / kernel (${k ? "live" : `recorded on Linux ${fixture.release ?? "?"}`})`, ...rows].join("\n"));
    if (recordingKernel) fixture.save();
  });

  it.each(Object.keys(probes))("%s", (name) => {
    const object = buildRuleObject(probes[name]!);
    const [ours] = verifyObject(object);
    const kernel = kernelVerdict(name, object, "rule");
    rows.push(`${name}: ${ours!.accepted ? ours!.processed : `rejected: ${ours!.error!.message}`} / ${kernel.reason ?? kernel.processed}`);
    expect(ours!.accepted, ours!.error?.message).toBe(kernel.reason === undefined);
    if (kernel.reason === undefined) expect(ours!.processed).toBe(kernel.processed);
  });

  // The issue's two DSL programs: a TCP-options walk over ctx.header bytes with break and
  // continue, and a bpf_loop callback summing its index into a caller's stack struct.
  it.each(DSL)("DSL %s", (file, program) => {
    const path = join(import.meta.dirname, "fixtures", file);
    const object = compileSource(path, readFileSync(path, "utf8"), { displayName: file }).object;
    const [ours] = verifyObject(object);
    const kernel = kernelVerdict(`DSL ${file}`, object, program);
    rows.push(`${file}: ${ours!.accepted ? ours!.processed : `rejected: ${ours!.error!.message}`} / ${kernel.reason ?? kernel.processed}`);
    expect(ours!.error?.message).toBeUndefined();
    expect(kernel.reason).toBeUndefined();
    expect(ours!.processed).toBe(kernel.processed);
  });

  it.skipIf(!k || recordingKernel)("the running kernel gives the counts recorded in verifier-precision.json (drift)", () => {
    expect(fixture.drift(), `kernel drift against Linux ${fixture.release ?? "?"}; if the new verdicts are right, ${fixture.howToRecord}`).toEqual([]);
  });

  it("every verdict recorded in verifier-precision.json names a probe", () => {
    expect(fixture.stale(), fixture.howToRecord).toEqual([]);
  });
});
