// Front-end constructs from porting C (xdp-filter): labelled blocks and break/continue label
// (C's goto out / goto next), boolean and ?: module constants (#define DENY 1), an enum-typed
// variable, scalar headers (ctx.header<u8|be16|u32>) and `while (true)` left only by returns.
// The program and its C twin (clang-19) run in the kernel (BPF_PROG_TEST_RUN) and in the VM
// on the same frames; all four agree on every frame.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { KernelObject } from "../../runtime/kernel/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { requireTool } from "../support/tools.js";

const TS = `import { XdpAction, htons, type XdpContext, type u8, type be16, type u32 } from "tsbpf";

export const LICENSE = "GPL";

const DENY = true;
const HIT = DENY ? XdpAction.DROP : XdpAction.PASS;
const MISS = !DENY ? XdpAction.DROP : XdpAction.PASS;

export function xdp_labels(ctx: XdpContext): XdpAction {
  let action: XdpAction = MISS;
  out: {
    const proto = ctx.header<be16>(12);
    if (!proto) {
      action = XdpAction.ABORTED;
      break out;
    }
    if (proto.value !== htons(0x0800)) break out;
    const ttl = ctx.header<u8>(22);
    if (!ttl) break out;
    const addr = ctx.header<u32>(26);
    if (addr && addr.value === 0x0100007f) {
      action = XdpAction.TX;
      break out;
    }
    let hops: u32 = 0;
    scan: for (let i: u32 = 0; i < 4; i++) {
      for (let j: u32 = 0; j < 4; j++) {
        const b = ctx.header<u8>(30 + i * 4 + j);
        if (!b) break scan;
        if (b.value === 0xff) continue scan;
        if (b.value === ttl.value) {
          hops++;
          break scan;
        }
        hops += 2;
      }
    }
    if (hops > 9) action = HIT;
    else if (hops > 3) action = XdpAction.TX;
  }
  return action;
}

export function xdp_first_zero(ctx: XdpContext): XdpAction {
  let i: u32 = 0;
  while (true) {
    if (i >= 48) return XdpAction.PASS;
    const b = ctx.header<u8>(i);
    if (!b) return XdpAction.ABORTED;
    if (b.value === 0) return i < 16 ? XdpAction.DROP : XdpAction.TX;
    i++;
  }
}
`;

const C = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define DENY 1
#define HIT (DENY ? XDP_DROP : XDP_PASS)
#define MISS (!DENY ? XDP_DROP : XDP_PASS)

SEC("xdp")
int xdp_labels(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	enum xdp_action action = MISS;
	__be16 *proto = data + 12;
	if ((void *)(proto + 1) > end) {
		action = XDP_ABORTED;
		goto out;
	}
	if (*proto != bpf_htons(0x0800))
		goto out;
	__u8 *ttl = data + 22;
	if ((void *)(ttl + 1) > end)
		goto out;
	__u32 *addr = data + 26;
	if ((void *)(addr + 1) <= end && *addr == 0x0100007f) {
		action = XDP_TX;
		goto out;
	}
	__u32 hops = 0;
	for (__u32 i = 0; i < 4; i++) {
		for (__u32 j = 0; j < 4; j++) {
			__u8 *b = data + 30 + i * 4 + j;
			if ((void *)(b + 1) > end)
				goto scan_done;
			if (*b == 0xff)
				goto next_i;
			if (*b == *ttl) {
				hops++;
				goto scan_done;
			}
			hops += 2;
		}
	next_i:;
	}
scan_done:
	if (hops > 9)
		action = HIT;
	else if (hops > 3)
		action = XDP_TX;
out:
	return action;
}

SEC("xdp")
int xdp_first_zero(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 i = 0;
	for (;;) {
		if (i >= 48)
			return XDP_PASS;
		__u8 *b = data + i;
		if ((void *)(b + 1) > end)
			return XDP_ABORTED;
		if (*b == 0)
			return i < 16 ? XDP_DROP : XDP_TX;
		i++;
	}
}

char LICENSE[] SEC("license") = "GPL";
`;

/** Frames of 14..64 bytes: mostly IPv4 ethertype, with 0xff and zero bytes and TTL echoes sprinkled (a fixed LCG). */
function frames(): Uint8Array[] {
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 16;
  };
  const out: Uint8Array[] = [];
  for (const len of [14, 15, 20, 22, 23, 26, 29, 30, 31, 34, 38, 46, 47, 48, 60, 64]) {
    for (let k = 0; k < 8; k++) {
      const f = new Uint8Array(len);
      for (let i = 0; i < len; i++) {
        const r = next() % 16;
        f[i] = r === 0 ? 0 : r <= 2 ? 0xff : r === 3 ? 0x40 : 1 + (next() % 250);
      }
      if (k % 4 !== 3) f.set([0x08, 0x00], 12);
      if (len > 22) f[22] = 0x40;
      if (k === 5 && len >= 30) f.set([0x7f, 0, 0, 1], 26);
      out.push(f);
    }
  }
  return out;
}

const usable = await kernelBackendUsable();
const clang = usable ? requireTool("clang-19") : undefined;

describe.skipIf(!usable || !clang)("labels, folded constants, enum variables and scalar headers: TypeScript = C, kernel = VM", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-twin-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function clangObject(): Uint8Array {
    writeFileSync(join(dir, "twin.c"), C);
    execFileSync(clang!, ["-O2", "-g", "--target=bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", "twin.c", "-o", "twin.o"], { cwd: dir });
    return new Uint8Array(readFileSync(join(dir, "twin.o")));
  }

  it.each(["xdp_labels", "xdp_first_zero"])("%s returns the same action as its C twin on 128 frames, in the kernel and in the VM", (program) => {
    const ours = compileSource("/virtual/twin.ts", TS, { displayName: "twin.ts" }).object;
    const theirs = clangObject();
    const kOurs = KernelObject.load(ours, { name: "twin_ts" });
    const kTheirs = KernelObject.load(theirs, { name: "twin_c" });
    const vOurs = loadObject(ours);
    const vTheirs = loadObject(theirs);
    try {
      const actions = new Set<number>();
      for (const [n, frame] of frames().entries()) {
        const want = kTheirs.program(program).testRun(frame, { cpu: 0 }).retval;
        const got = { kernel: kOurs.program(program).testRun(frame, { cpu: 0 }).retval, vm: runXdp(vOurs, program, frame).retval, vmC: runXdp(vTheirs, program, frame).retval };
        expect(got, `frame ${n} (${frame.length} bytes)`).toEqual({ kernel: want, vm: want, vmC: want });
        actions.add(want);
      }
      // The frames reach every outcome the program has.
      expect(actions.size).toBeGreaterThanOrEqual(3);
    } finally {
      kOurs.close();
      kTheirs.close();
    }
  });
});
