// clang's callx objects in the running kernel through our loader, which lowers each callx to a
// ladder of direct calls (runtime/object/lower-callx.ts): the kernel still refuses the object
// as clang wrote it ("unknown opcode 8d", through bpftool/libbpf, as verifier.json records),
// accepts it after lowering, and BPF_PROG_TEST_RUN gives the VM's result (the VM runs callx
// natively) for ../shared's callx.o on every reference packet, for a function-pointer table
// compiled here by clang-19 and indexed by packet bytes, and for examples/dispatch.ts compiled
// with --target vm (callx r0, lowered through a spare argument register); `tsbpf run --kernel`
// prints it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { KernelObject, UnsupportedProgramError } from "../../runtime/kernel/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp, xdpActionName } from "../../runtime/vm/xdp.js";
import { tsbpf } from "../support/cli.js";
import { bpftool, kernelAccess, kernelBackendUsable, pinDir } from "../support/kernel.js";
import { referenceObjectPath } from "../support/reference-cases.js";
import { haveShared, sharedDir } from "../support/shared.js";
import { examplesDir } from "../support/examples.js";
import { requireTool } from "../support/tools.js";
import { buildRuleObject } from "../verifier/rule-object.js";

const usable = await kernelBackendUsable();
const withShared = usable && haveShared("reference/obj/callx.o");
const ETH_HLEN = 14;

interface VerifierRecord {
  readonly object: string;
  readonly accepted: boolean;
  readonly expected_rejection?: string;
  readonly vm_expected_retval?: number;
}

const packetDir = join(sharedDir, "reference", "packets");
const referencePackets = (): { name: string; frame: Uint8Array }[] =>
  readdirSync(packetDir)
    .filter((f) => f.endsWith(".bin"))
    .sort()
    .map((f) => ({ name: f, frame: new Uint8Array(readFileSync(join(packetDir, f))) }))
    .filter((p) => p.frame.length >= ETH_HLEN); // shorter frames: the kernel's test run says EINVAL

describe.skipIf(!withShared)("callx.o in the kernel, lowered", () => {
  const bytes = withShared ? new Uint8Array(readFileSync(referenceObjectPath("callx.o"))) : new Uint8Array();
  const record = withShared
    ? (JSON.parse(readFileSync(join(sharedDir, "reference", "verifier.json"), "utf8")) as { objects: VerifierRecord[] }).objects.find((o) => o.object === "callx.o")
    : undefined;

  it("is still refused by the kernel as clang wrote it (bpftool/libbpf: unknown opcode 8d)", () => {
    const k = kernelAccess();
    if (!k) return;
    const { dir, cleanup } = pinDir("tsbpf-callx-raw");
    try {
      expect(record?.expected_rejection).toBe("unknown opcode 8d");
      expect(() => bpftool(k, ["prog", "load", referenceObjectPath("callx.o"), join(dir, "p")])).toThrow("unknown opcode 8d");
    } finally {
      cleanup();
    }
  });

  it("loads through KernelObject with one callx lowered, and returns the VM's value on every reference packet", () => {
    const obj = KernelObject.load(bytes, { name: "callx" });
    try {
      expect(obj.notes).toEqual(["program xdp_callx: 1 indirect call (callx) lowered to direct-call ladders over verdict_for"]);
      const prog = obj.program("xdp_callx");
      expect(prog.loweredCalls).toEqual([expect.objectContaining({ slot: 5, reg: 2, candidates: ["verdict_for"] })]);
      expect(prog.linked.insns.some((i) => i?.kind === "callx")).toBe(false);
      expect(prog.stats?.processedInsns).toBeGreaterThan(0);
      const vm = loadObject(bytes);
      const packets = referencePackets();
      expect(packets.length).toBeGreaterThanOrEqual(10);
      for (const { name, frame } of packets) {
        const want = runXdp(vm, "xdp_callx", frame).retval;
        expect(want, name).toBe(record?.vm_expected_retval);
        const got = prog.testRun(frame, { cpu: 0 });
        expect(got.retval, name).toBe(want);
        expect(got.packet, name).toEqual(frame);
      }
    } finally {
      obj.close();
    }
  });

  it("tsbpf run --kernel prints the return value and notes the lowering on stderr", () => {
    const r = tsbpf(["run", "--kernel", referenceObjectPath("callx.o"), "--prog", "xdp_callx", "--data-in", join(packetDir, "ipv4_udp_dns.bin")]);
    expect(r.stderr).toBe("tsbpf: note: program xdp_callx: 1 indirect call (callx) lowered to direct-call ladders over verdict_for\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Return value: ${record?.vm_expected_retval}, duration: \\d+ns\\n${xdpActionName(Number(record?.vm_expected_retval))}\\n$`));
  });

  it("tsbpf load pins it, with the note", () => {
    if (!kernelAccess()) return;
    const { dir, cleanup } = pinDir("tsbpf-callx-load");
    try {
      const r = tsbpf(["load", referenceObjectPath("callx.o"), "--pin", dir]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain("1 indirect call (callx) lowered");
      expect(r.stdout).toMatch(/^program xdp_callx: verified, processed \d+ insns\npinned /);
    } finally {
      cleanup();
    }
  });
});

// A table of four function pointers on the stack, indexed by two packet bytes, called in the
// program and in a subprogram (clang: two callx sites, one through a parameter).
const DISPATCH_C = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef __u32 (*op_t)(__u32 a, __u32 b);

static __noinline __u32 op_add(__u32 a, __u32 b) { return a + b; }
static __noinline __u32 op_xor(__u32 a, __u32 b) { return a ^ b; }
static __noinline __u32 op_mix(__u32 a, __u32 b) { return a * 31 + b * 7; }
static __noinline __u32 op_first(__u32 a, __u32 b) { return a; }

static __noinline __u32 apply(op_t f, __u32 a, __u32 b) { return f(b, a) + 1; }

SEC("xdp")
int xdp_dispatch(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	__u8 *end = (void *)(long)ctx->data_end;
	if (p + 16 > end)
		return XDP_ABORTED;
	/* volatile stores keep the table on the stack (not in .rodata) and the calls indirect */
	op_t volatile table[4];
	table[0] = op_add;
	table[1] = op_xor;
	table[2] = op_mix;
	table[3] = op_first;
	op_t f = table[p[12] & 3];
	__u32 r = f(p[13], p[14]);
	r += apply(table[p[15] & 3], r, p[14]);
	return r & 3;
}

char LICENSE[] SEC("license") = "GPL";
`;

const clang = usable ? requireTool("clang-19") : undefined;

describe.skipIf(!usable || !clang)("a clang-19 function-pointer table in the kernel, lowered", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-callx-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function compile(): Uint8Array {
    writeFileSync(join(dir, "dispatch.c"), DISPATCH_C);
    execFileSync(clang!, ["-O2", "-g", "-target", "bpf", "-mcpu=v4", "-I/usr/include/x86_64-linux-gnu", "-c", "dispatch.c", "-o", "dispatch.o"], { cwd: dir });
    return new Uint8Array(readFileSync(join(dir, "dispatch.o")));
  }

  it("gets the VM's return value on 64 packets covering every pair of table entries", () => {
    const bytes = compile();
    const obj = KernelObject.load(bytes, { name: "dispatch" });
    try {
      const prog = obj.program("xdp_dispatch");
      // Two callx sites (one in xdp_dispatch, one in apply), four candidates each.
      expect(prog.loweredCalls.map((c) => c.candidates)).toEqual([
        ["op_add", "op_xor", "op_mix", "op_first"],
        ["op_add", "op_xor", "op_mix", "op_first"],
      ]);
      const vm = loadObject(bytes);
      const seen = new Set<number>();
      let n = 0;
      for (let first = 0; first < 4; first++) {
        for (let second = 0; second < 4; second++) {
          for (const [a, b] of [[0, 0], [1, 2], [200, 77], [255, 254]] as const) {
            const frame = new Uint8Array(64);
            frame.set([0x45 ^ first, 0x12, 0x34, 0x56], 0);
            frame[12] = 0x08 + first * 0x40 + first; // low two bits select the first call
            frame[13] = a;
            frame[14] = b;
            frame[15] = 0x80 | second;
            const want = runXdp(vm, "xdp_dispatch", frame).retval;
            expect(prog.testRun(frame, { cpu: 0 }).retval, `table[${first}] then table[${second}], a=${a} b=${b}`).toBe(want);
            seen.add(want);
            n++;
          }
        }
      }
      expect(n).toBe(64);
      expect(seen.size).toBe(4); // every XDP action 0..3 comes out somewhere
    } finally {
      obj.close();
    }
  });
});

describe.skipIf(!withShared)("examples/dispatch.ts built for the VM target (callx r0) in the kernel, lowered", () => {
  it("uses a spare argument register as scratch and matches the VM's return values, frames and map on every reference packet", () => {
    const path = join(examplesDir, "dispatch.ts");
    const bytes = compileSource(path, readFileSync(path, "utf8"), { displayName: "examples/dispatch.ts", target: "vm" }).object;
    const obj = KernelObject.load(bytes, { name: "dispatch" });
    try {
      const prog = obj.program("xdp_dispatch");
      expect(prog.loweredCalls).toEqual([expect.objectContaining({ reg: 0, candidates: ["other", "icmp", "tcp", "udp"] })]);
      expect(prog.loweredCalls[0]!.scratch).not.toBe(0);
      const vm = loadObject(bytes);
      const actions = new Set<number>();
      for (const { name, frame } of referencePackets()) {
        const want = runXdp(vm, "xdp_dispatch", frame);
        const got = prog.testRun(frame, { cpu: 0 });
        expect(got.retval, name).toBe(want.retval);
        expect(got.packet, name).toEqual(want.packet);
        actions.add(got.retval);
      }
      expect(actions.size).toBeGreaterThanOrEqual(2);
      const hits = obj.map("hits");
      const vmHits = vm.maps.get("hits")!;
      for (let slot = 0; slot < 8; slot++) {
        const key = new Uint8Array(new Uint32Array([slot]).buffer);
        expect(hits.lookup(key), `hits[${slot}]`).toEqual(vmHits.lookup(key, 0)?.slice(0, 8));
      }
    } finally {
      obj.close();
    }
  });
});

describe("a callx the loader cannot lower", () => {
  it("is refused before loading, naming the instruction and its TypeScript line", () => {
    // Built for the VM target: callx r0, and m5a/m5b read all of r1-r5, so no scratch register is free.
    const source = `import { u32, type XdpContext } from "tsbpf";
export const LICENSE = "GPL";
/** @noinline */
function one(x: u32): u32 { return x + 1; }
/** @noinline */
function two(x: u32): u32 { return x + 2; }
/** @noinline */
function m5a(p: u32, q: u32, r: u32, s: u32, t: u32): u32 { return p ^ q ^ r ^ s ^ t; }
/** @noinline */
function m5b(p: u32, q: u32, r: u32, s: u32, t: u32): u32 { return p + q + r + s + t; }
export function prog(ctx: XdpContext): u32 {
  const f = ctx.length > 60 ? one : two;
  const g = ctx.length > 70 ? m5a : m5b;
  return f(ctx.length) + g(1, 2, 3, 4, ctx.length);
}`;
    const bytes = compileSource("/virtual/refuse.ts", source, { displayName: "refuse.ts", target: "vm" }).object;
    const calls = () => KernelObject.load(bytes, { name: "refuse" });
    expect(calls).toThrow(UnsupportedProgramError);
    expect(calls).toThrow(/^program 'prog', instruction \d+ \(callx r0\), refuse\.ts:\d+: .*: lowering an indirect call through r0 is not supported here: the compare ladder needs a scratch register, and each of r1-r5 may be read by one of [a-z0-9, ]*m5a[a-z0-9, ]* .*"unknown opcode 8d"\), so the program is not loaded$/);
  });

  it("is refused when the callee register may hold a helper id rather than a function address", () => {
    // The VM's callx also calls helpers by id; a ladder over function addresses would silently
    // call the last candidate instead, so the loader lowers only what the verifier proves.
    const bytes = buildRuleObject({
      asm: "  r3 = 0x0 ll ; @f\n  r2 = 0x7\n  callx r2\n  r0 = 0x2\n  exit",
      subprogs: [{ name: "f", asm: "  r0 = 0x1\n  exit" }],
    });
    const calls = () => KernelObject.load(bytes, { name: "helperid" });
    expect(calls).toThrow(UnsupportedProgramError);
    expect(calls).toThrow(/tsbpf lowers them to direct calls only for programs its verifier accepts .* R2 type=scalar expected=func \(instruction 3: callx r2\); the program is not loaded$/);
  });
});
