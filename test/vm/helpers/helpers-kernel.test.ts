// Proves that the VM's helpers agree with the running Linux kernel (the oracle): each C program
// of ./programs exercises one helper family with its edge cases and error returns (XDP head
// and tail adjustment, packet load/store, csum_diff, redirects, bpf_loop,
// for_each_map_elem, queue/stack, map update flags, spin locks, atomics, bpf-to-bpf calls, tail
// calls, ring buffer and perf output return codes) and records every return value in .bss or
// map values. Each case is compiled with clang-19, loaded fresh into the kernel (bpftool prog
// loadall, its own bpffs pin directory) and into the VM, fed the same frames (14 bytes to 1500),
// and must give the kernel's return value and output frame on every run and the kernel's
// contents of every map afterwards. No expected value is written here: all come from the kernel,
// live when it can be used, else as recorded from it in test/fixtures/kernel/vm-helpers.json
// (with the release and the possible-CPU count the VM is then run with); live, an outcome that
// differs from the recorded one fails the drift test (TSBPF_RECORD_KERNEL=1 records).
// bpf_xdp_adjust_meta, which Linux 6.18.44 refuses for XDP, is checked apart: the kernel's
// refusal is the expectation for our verifier, and the VM must fault naming the helper.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelObject, VerifierRejection } from "../../../runtime/kernel/index.js";
import { verifyObject } from "../../../runtime/verifier/index.js";
import { VmFault } from "../../../runtime/vm/errors.js";
import { loadObject } from "../../../runtime/vm/loader.js";
import { runXdp } from "../../../runtime/vm/xdp.js";
import { createHash } from "node:crypto";
import { release } from "node:os";
import { KernelFixture, recordingKernel } from "../../support/kernel-fixtures.js";
import { kernelAccess, pinDir } from "../../support/kernel.js";
import { requireTool } from "../../support/tools.js";
import { ALL_FRAMES, FRAMES, type FrameName } from "./frames.js";
import { compilePrograms, possibleCpuCount, runInKernel, runInVm, type HelperCase, type Outcome, type Prefill, type Step } from "./harness.js";

const k = kernelAccess();
const clang = requireTool("clang-19");

const u32le = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);

/** `program` on each named frame, in order. */
const on = (program: string, frames: readonly FrameName[] = ALL_FRAMES): Step[] => frames.map((f) => ({ program, frameName: f, frame: FRAMES[f] }));

/** DEVMAP slots 1 and 3 and DEVMAP_HASH key 7 send to ifindex 1 (lo, present in every network namespace). */
const DEVMAPS: readonly Prefill[] = [
  { map: "devmap", key: u32le(1), value: u32le(1) },
  { map: "devmap", key: u32le(3), value: u32le(1) },
  { map: "devhash", key: u32le(7), value: u32le(1) },
];

/** The PROG_ARRAY of tail_calls.c as `bpftool map update ... value pinned PROG` fills it in the kernel. */
const JUMPS: readonly Prefill[] = [
  { map: "jmp", key: u32le(1), value: { program: "tc_stage1" } },
  { map: "jmp", key: u32le(2), value: { program: "tc_stage2" } },
  { map: "jmp", key: u32le(3), value: { program: "tc_self" } },
];

const CASES: readonly HelperCase[] = [
  { name: "bpf_xdp_adjust_head: headroom limit, 14-byte minimum, grown head", object: "adjust_head", steps: on("xdp_adjust_head") },
  { name: "bpf_xdp_adjust_head: stripping the Ethernet header", object: "adjust_head", steps: on("xdp_head_strip") },
  { name: "bpf_xdp_adjust_tail: shrink, zero-filled grow, tailroom limit", object: "adjust_tail", steps: on("xdp_adjust_tail") },
  { name: "bpf_xdp_adjust_tail: trimming to 60 bytes", object: "adjust_tail", steps: on("xdp_tail_trim") },
  { name: "bpf_xdp_load_bytes / store_bytes / get_buff_len", object: "xdp_bytes", steps: on("xdp_bytes") },
  { name: "bpf_csum_diff: sizes, seeds, zero, incremental IPv4 update", object: "csum_diff", steps: on("xdp_csum_diff") },
  { name: "bpf_redirect / bpf_redirect_map: return values", object: "redirect", prefill: DEVMAPS, steps: on("xdp_redirect_codes", ["eth14", "udp60"]) },
  { name: "bpf_redirect_map: the verdict for present and absent keys", object: "redirect", prefill: DEVMAPS, steps: on("xdp_redirect_verdict") },
  { name: "bpf_redirect_map: every slot empty", object: "redirect", steps: on("xdp_redirect_verdict", ["udp60", "vlanUdp"]) },
  { name: "bpf_redirect: the verdict with flags 0 and 1", object: "redirect", steps: on("xdp_redirect_ifindex") },
  { name: "bpf_loop: counts, early stop, limits, flags", object: "loop", steps: on("xdp_loop") },
  { name: "bpf_for_each_map_elem: ARRAY, PERCPU_ARRAY, HASH", object: "for_each", steps: on("xdp_for_each") },
  { name: "QUEUE / STACK: push, pop, peek, then drained", object: "queue_stack", steps: [...on("xdp_queue_stack", ["eth14", "udp60"]), ...on("xdp_drain", ["eth14", "eth14"])] },
  { name: "QUEUE / STACK: left holding elements", object: "queue_stack", steps: on("xdp_queue_stack", ["tcpSyn", "udp1500", "vlanUdp"]) },
  { name: "HASH / ARRAY / PERCPU_ARRAY / LRU_HASH: update flags, full maps, deletes (LRU below capacity)", object: "map_ops", steps: [...on("xdp_map_ops"), ...on("xdp_map_ops", ["eth14", "udp60", "tcpSyn"])] },
  { name: "bpf_spin_lock / bpf_spin_unlock in ARRAY and HASH values", object: "spin_lock", steps: [...on("xdp_spin_lock"), ...on("xdp_spin_lock", ["udp60"])] },
  { name: "atomics: fetch_add/or/and/xor, xchg, cmpxchg, 32 and 64 bit, map and stack", object: "atomics", steps: on("xdp_atomics") },
  { name: "bpf-to-bpf calls: 8 frames deep, stack pointers, a global function", object: "calls", steps: on("xdp_calls") },
  { name: "tail calls: a three-program chain (slots filled by bpftool / userUpdate)", object: "tail_calls", prefill: JUMPS, steps: on("tc_entry") },
  { name: "tail calls: the 33-call limit", object: "tail_calls", prefill: JUMPS, steps: on("tc_loop_start", ["eth14", "udp60", "udp60"]) },
  { name: "tail calls: from a subprogram", object: "tail_calls", prefill: JUMPS, steps: on("tc_from_sub", ["eth14", "tcpSyn"]) },
  { name: "ring buffer: output / reserve / submit / discard results and positions until full", object: "ringbuf", steps: on("xdp_ringbuf") },
  { name: "bpf_perf_event_output: error returns (no perf events open)", object: "perf_output", steps: on("xdp_perf_output", ["eth14", "udp1500"]) },
  { name: "tail calls: an empty PROG_ARRAY falls through", object: "tail_calls", steps: [...on("tc_entry", ["udp60"]), ...on("tc_from_sub", ["udp60"]), ...on("tc_loop_start", ["udp60"])] },
];

/**
 * Where the VM cannot follow the kernel; these cases must keep differing (a change that makes
 * one agree should move it to CASES).
 * - bpf_loop past BPF_MAX_LOOPS: the kernel inlines the call when its verifier knows the flags
 *   are 0 (then -E2BIG is zero-extended to 0xfffffff9) and calls the helper otherwise (-E2BIG
 *   sign-extended); the VM has no verifier and always gives the inlined result, which is what
 *   the usual literal-0 call gets.
 * - LRU_HASH eviction: the kernel approximates LRU (per-CPU local free and pending lists,
 *   reference bits, batched shrinking) and keeps, for example, the last key of every run; the
 *   VM evicts in exact LRU order (runtime/vm/maps/lru.ts). Below max_entries they agree (above).
 */
const DIVERGENT: readonly (HelperCase & { readonly stillAgree?: (vm: Outcome, kernel: Outcome) => void })[] = [
  { name: "bpf_loop past BPF_MAX_LOOPS with flags the verifier cannot see are 0", object: "loop", steps: on("xdp_loop_hidden_flags", ["udp60"]) },
  {
    name: "LRU_HASH eviction order past max_entries",
    object: "map_ops",
    steps: [...on("xdp_lru_evict"), ...on("xdp_lru_evict", ["eth14", "udp60", "tcpSyn"])],
    // Both never exceed max_entries and both keep the 40 keys the last run (tcpSyn) wrote.
    stillAgree: (vm, kernel) => {
      const len = FRAMES.tcpSyn.length;
      const last = Array.from({ length: 40 }, (_, i) => Buffer.from(u32le(len * 100 + i)).toString("hex"));
      for (const side of [vm, kernel]) {
        const keys = side.maps.lru_evict!.map((e) => e.key);
        expect(keys.length).toBeLessThanOrEqual(64);
        expect(keys).toEqual(expect.arrayContaining(last));
      }
    },
  },
];

const objects = [...new Set([...CASES, ...DIVERGENT].map((c) => c.object))];

/** The kernel's outcome of a case and the possible CPUs (per-CPU map slots) it had. */
interface RecordedOutcome {
  readonly cpus: number;
  readonly outcome: Outcome;
}
const digest = (r: RecordedOutcome): string => createHash("sha256").update(JSON.stringify(r)).digest("hex").slice(0, 12);
const fixture = new KernelFixture<RecordedOutcome>(
  "vm-helpers",
  "test/vm/helpers/helpers-kernel.test.ts",
  [...CASES, ...DIVERGENT].map((c) => c.name),
  { differ: (a, b) => JSON.stringify(a) !== JSON.stringify(b), describe: (r) => `${r.cpus} CPUs, return values ${r.outcome.runs.map((x) => x.retval).join(",")}, outcome ${digest(r)}` },
);
if (recordingKernel && !k) throw new Error("TSBPF_RECORD_KERNEL=1 needs the running kernel (root, bpftool, bpffs)");

describe.skipIf(!clang)(`XDP helpers: the VM against the kernel (${k ? `Linux ${release()}` : `outcomes recorded on Linux ${fixture.release ?? "?"}`})`, () => {
  let work: string;
  let pins: ReturnType<typeof pinDir> | undefined;
  let compiled: Map<string, Uint8Array>;
  let caseCount = 0;
  const cpus = possibleCpuCount();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "tsbpf-helpers-"));
    if (k) pins = pinDir("tsbpf-helpers");
    compiled = await compilePrograms(clang!, objects, work);
  });
  afterAll(() => {
    if (recordingKernel) fixture.save();
    pins?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Runs a case in a fresh kernel load (its own pin directory, removed afterwards) and in a fresh VM load. */
  async function outcomes(c: HelperCase): Promise<{ vm: Outcome; kernel: Outcome }> {
    const n = caseCount++;
    const bytes = compiled.get(c.object)!;
    if (!k) {
      const recorded = fixture.expected(c.name);
      return { vm: runInVm(c, bytes, recorded.cpus), kernel: recorded.outcome };
    }
    const vmMaps = loadObject(bytes, { cpus }).maps;
    const caseDir = join(pins!.dir, `case${n}`);
    let kernel;
    try {
      kernel = await runInKernel(k!, c, join(work, `${c.object}.o`), caseDir, join(work, `case${n}`), vmMaps);
    } finally {
      rmSync(caseDir, { recursive: true, force: true });
    }
    fixture.observe(c.name, { cpus, outcome: kernel });
    return { vm: runInVm(c, bytes, cpus), kernel };
  }

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const { vm, kernel } = await outcomes(c);
    // Maps first: the programs record every helper result there, which names the step that differs.
    expect(vm.maps).toEqual(kernel.maps);
    expect(vm.runs).toEqual(kernel.runs);
  });

  it.each(DIVERGENT.map((c) => [c.name, c] as const))("known divergence, still differs: %s", async (_name, c) => {
    const { vm, kernel } = await outcomes(c);
    expect(vm).not.toEqual(kernel);
    c.stillAgree?.(vm, kernel);
  });

  it.skipIf(!k || recordingKernel)("the running kernel gives the recorded outcomes (drift)", () => {
    expect(fixture.drift(), `kernel drift against the outcomes recorded on Linux ${fixture.release ?? "?"}, running Linux ${release()}; if the new outcomes are right, ${fixture.howToRecord}`).toEqual([]);
  });

  it("every outcome recorded in vm-helpers.json names a case", () => {
    expect(fixture.stale(), `stale entries: ${fixture.howToRecord}`).toEqual([]);
  });
});

describe.skipIf(!clang)("bpf_xdp_adjust_meta: refused as Linux 6.18.44 refuses it", () => {
  let work: string;
  let bytes: Uint8Array;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "tsbpf-adjust-meta-"));
    bytes = (await compilePrograms(clang!, ["adjust_meta"], work)).get("adjust_meta")!;
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.skipIf(!k)("the kernel refuses the load, and our verifier refuses it with the kernel's complaint", () => {
    let refusal: VerifierRejection | undefined;
    try {
      KernelObject.load(bytes, { name: "adjust_meta" }).close();
    } catch (e) {
      if (!(e instanceof VerifierRejection)) throw e;
      refusal = e;
    }
    expect(refusal?.reason, "the kernel accepted a program calling bpf_xdp_adjust_meta").toContain("bpf_xdp_adjust_meta");
    const [ours] = verifyObject(bytes);
    // The kernel's complaint, whatever it is, is the expectation (its helper number included).
    expect(ours!.error?.message ?? "accepted", `the kernel says: ${refusal!.reason}`).toContain(refusal!.reason);
  });

  it("the VM, run without the verifier, faults naming the helper and the kernel release", () => {
    const obj = loadObject(bytes, { cpus: 1 });
    let fault: unknown;
    try {
      runXdp(obj, "xdp_adjust_meta", FRAMES.udp60, { cpu: 0 });
    } catch (e) {
      fault = e;
    }
    expect(fault).toBeInstanceOf(VmFault);
    expect((fault as VmFault).kind).toBe("helper");
    expect((fault as VmFault).message).toMatch(/bpf_xdp_adjust_meta#54: Linux 6\.18\.44 does not let XDP programs call this helper/);
  });
});
