// `tsbpf link --chain`: three programs built from separate TypeScript sources, chained by the
// rootlet, agree with running the three one after another (libxdp's order and chain-call
// rule), in the kernel (BPF_PROG_TEST_RUN, loaded through the `tsbpf/kernel` package export)
// and in our VM: actions, frames and maps, with the programs called or inlined (--inline). A
// chain mixing a clang-built and a tsbpf-built program works the same way.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KernelObject, testRunXdp } from "tsbpf/kernel";
import { loadVerified, runXdp } from "../../runtime/harness/index.js";
import { tsbpf } from "../support/cli.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { COUNT, NODNS, buildBlocklist, buildProgram } from "../support/chain-programs.js";

const usable = await kernelBackendUsable();
const dir = mkdtempSync(join(tmpdir(), "tsbpf-chain-"));

/** Ethernet + IPv4 (source a.b.c.d) + UDP to `dport`. */
function frame(src: number, dport: number): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8 + 6);
  f.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00], 0);
  f.set([0x45, 0, 0, 34, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, src, 10, 0, 0, 1], 14);
  f.set([0x30, 0x39, dport >> 8, dport & 0xff, 0, 14, 0, 0], 34);
  return f;
}
const PACKETS = [frame(1, 80), frame(1, 53), frame(2, 80), frame(1, 80), frame(1, 80), frame(3, 53), frame(2, 80), frame(2, 80), frame(1, 80)];

const be32 = (n: number): Uint8Array => new Uint8Array([10, 0, 0, n]);
const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
const num = (b: Uint8Array | undefined): number | undefined => (b ? new DataView(b.buffer, b.byteOffset).getUint32(0, true) : undefined);

describe.skipIf(!usable)("tsbpf link --chain", () => {
  afterAll(() => spawnSync("rm", ["-rf", dir]));
  const blocklist = buildBlocklist(dir);
  const count = buildProgram(dir, "count", COUNT);
  const nodns = buildProgram(dir, "nodns", NODNS);

  it.each([["called", []], ["inlined (--inline)", ["--inline"]]])("three TS programs %s: the rootlet = running them one after another (kernel and VM)", (_how, extra) => {
    const chained = join(dir, `chain${extra.length}.o`);
    // Order by priority: count (10), nodns (20), blocklist (default 50).
    const r = tsbpf(["link", blocklist, nodns, count, "--chain", "root", "--priority", "xdp_count=10", "--priority", "xdp_nodns=20", ...extra, "-o", chained]);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")[0]).toContain("xdp_count");
    const order = ["xdp_count", "xdp_nodns", "xdp_blocklist"] as const;
    const files = { xdp_count: count, xdp_nodns: nodns, xdp_blocklist: blocklist };

    const separate = order.map((p) => KernelObject.load(readFileSync(files[p])));
    const chain = KernelObject.load(readFileSync(chained));
    const vm = loadVerified(new Uint8Array(readFileSync(chained)));
    try {
      for (const pkt of PACKETS) {
        // The oracle: each program's own object in turn, going on while it passes.
        let expected = 2;
        let expectedFrame = pkt;
        for (const obj of separate) {
          const res = testRunXdp(obj.program([...obj.programs.keys()][0]!).fd, expectedFrame);
          expected = res.retval;
          expectedFrame = res.packet;
          if (expected !== 2) break;
        }
        const got = testRunXdp(chain.program("root").fd, pkt);
        expect(got.retval).toBe(expected);
        expect([...got.packet]).toEqual([...expectedFrame]);
        const inVm = runXdp(vm, "root", pkt);
        expect(inVm.retval).toBe(expected);
        expect([...inVm.packet]).toEqual([...expectedFrame]);
      }
      // Maps: the packet counter and the blocklist's sightings agree everywhere.
      const kCount = num(chain.map("packets").lookup(u32(0)));
      expect(kCount).toBe(num(separate[0]!.map("packets").lookup(u32(0))));
      expect(num(vm.maps.get("packets")!.lookup(u32(0)))).toBe(kCount);
      for (const src of [1, 2, 3]) {
        const k = num(chain.map("sightings").lookup(be32(src)));
        expect(k).toBe(num(separate[2]!.map("sightings").lookup(be32(src))));
        expect(num(vm.maps.get("sightings")!.lookup(be32(src)))).toBe(k);
      }
    } finally {
      for (const o of [...separate, chain]) o.close();
    }
  });

  it("a clang-built and a tsbpf-built program chain; chain actions from .xdp_run_config and the command line", () => {
    const c = join(dir, "drop.c");
    writeFileSync(
      c,
      `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp") int c_drop(struct xdp_md *ctx) { return XDP_DROP; }
struct { __uint(priority, 60); __uint(XDP_DROP, 1); } _c_drop SEC(".xdp_run_config");
char LICENSE[] SEC("license") = "GPL";
`,
    );
    const co = join(dir, "drop.o");
    const cc = spawnSync("clang-19", ["-O2", "-g", "--target=bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", c, "-o", co], { encoding: "utf8" });
    expect(cc.stderr).toBe("");
    const out = join(dir, "mixed.o");
    // c_drop (60) after xdp_count (50): count sees every packet; c_drop's DROP chains on (its run config).
    const r = tsbpf(["link", co, count, "--chain", "mixed", "--inline", "-o", out]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`1. xdp_count (${count}) priority 50 chain on PASS\n2. c_drop (${co}) priority 60 chain on DROP,PASS\n`);
    const k = KernelObject.load(readFileSync(out));
    const vm = loadVerified(new Uint8Array(readFileSync(out)));
    const parts = [KernelObject.load(readFileSync(count)), KernelObject.load(readFileSync(co))];
    try {
      for (const pkt of PACKETS.slice(0, 3)) {
        // Oracle: xdp_count, then (its PASS chains on) c_drop, whose DROP chains on too: XDP_PASS at the end.
        const a = testRunXdp(parts[0]!.program("xdp_count").fd, pkt).retval;
        const b = testRunXdp(parts[1]!.program("c_drop").fd, pkt).retval;
        const expected = a !== 2 ? a : b !== 1 && b !== 2 ? b : 2;
        expect(testRunXdp(k.program("mixed").fd, pkt).retval).toBe(expected);
        expect(runXdp(vm, "mixed", pkt).retval).toBe(expected);
      }
      expect(num(k.map("packets").lookup(u32(0)))).toBe(num(parts[0]!.map("packets").lookup(u32(0))));
      expect(num(vm.maps.get("packets")!.lookup(u32(0)))).toBe(num(parts[0]!.map("packets").lookup(u32(0))));
    } finally {
      for (const o of [k, ...parts]) o.close();
    }
    // --priority puts c_drop first: it drops, so count never runs.
    const first = join(dir, "first.o");
    expect(tsbpf(["link", co, count, "--chain", "mixed", "--priority", "c_drop=1", "--chain-actions", "c_drop=PASS", "-o", first]).stderr).toBe("");
    const k2 = KernelObject.load(readFileSync(first));
    try {
      const alone = KernelObject.load(readFileSync(co));
      const expected = testRunXdp(alone.program("c_drop").fd, PACKETS[0]!).retval;
      alone.close();
      expect(expected).not.toBe(2); // not a chain action now: the rootlet returns it at once
      expect(testRunXdp(k2.program("mixed").fd, PACKETS[0]!).retval).toBe(expected);
      expect(num(k2.map("packets").lookup(u32(0)))).toBeUndefined();
    } finally {
      k2.close();
    }
  });

  it("is deterministic, and refuses bad chain options with one line each", () => {
    const a = join(dir, "det-a.o");
    const b = join(dir, "det-b.o");
    expect(tsbpf(["link", blocklist, count, "--chain", "root", "-o", a]).stderr).toBe("");
    expect(tsbpf(["link", blocklist, count, "--chain", "root", "-o", b]).stderr).toBe("");
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
    const err = (args: string[]): string => {
      const r = tsbpf(["link", blocklist, count, "-o", join(dir, "bad.o"), ...args]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      return r.stderr;
    };
    expect(err(["--priority", "xdp_count=1"])).toMatch(/--priority, --chain-actions and --inline need --chain NAME/);
    expect(err(["--chain", "root", "--priority", "nope=1"])).toMatch(/'nope', which is not an XDP program of the inputs \(xdp_blocklist, xdp_count\)/);
    expect(err(["--chain", "root", "--chain-actions", "xdp_count=PASS,FLY"])).toMatch(/unknown XDP action 'FLY'/);
    expect(err(["--chain", "xdp_count"])).toMatch(/an input already has a program of that name/);
    expect(err(["--chain", "root", "--priority", "xdp_count=high"])).toMatch(/'high' is not an integer/);
  });

  it("--inline refuses bodies that leave no callee-saved register for ctx; called, the same chain links", () => {
    const c = join(dir, "busy.c");
    writeFileSync(c, `#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nSEC("xdp") int busy(struct xdp_md *ctx) { asm volatile("r6 = 1; r7 = 1; r8 = 1; r9 = 1" ::: "r6", "r7", "r8", "r9"); return XDP_PASS; }\nchar LICENSE[] SEC("license") = "GPL";\n`);
    const o = join(dir, "busy.o");
    expect(spawnSync("clang-19", ["-O2", "-g", "--target=bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", c, "-o", o]).status).toBe(0);
    const out = join(dir, "busy-chain.o");
    const r = tsbpf(["link", o, "--chain", "root", "--inline", "-o", out]);
    expect(r.stderr).toBe(`tsbpf: error: ${out}: --inline: the programs write all of r6-r9, leaving no register to keep ctx in; link without --inline\n`);
    expect(tsbpf(["link", o, "--chain", "root", "-o", out]).status).toBe(0);
    const k = KernelObject.load(readFileSync(out));
    const alone = KernelObject.load(readFileSync(o));
    try {
      expect(testRunXdp(k.program("root").fd, PACKETS[0]!).retval).toBe(testRunXdp(alone.program("busy").fd, PACKETS[0]!).retval);
    } finally {
      k.close();
      alone.close();
    }
  });
});
