// Code-size work of issue 12, checked on the emitted code: a stack key built from a packet
// address is copied word by word without spills, small counted loops are fully unrolled (and
// kept when too big or when the counter changes in the body), loop accumulators need no
// copies, and an unrolled loop with break and continue runs like its C twin in the kernel and
// in the VM.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ethernet, ipv6 } from "../../runtime/packet/index.js";
import { compileC, compileTs, runInKernel, runInVm } from "../support/c-twin.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { requireTool } from "../support/tools.js";

const objdump = requireTool("llvm-objdump-19");
const twins = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bench", "twins");

function disassemble(object: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-codesize-"));
  try {
    writeFileSync(join(dir, "p.o"), object);
    return execFileSync(objdump!, ["-d", "--no-show-raw-insn", join(dir, "p.o")], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const insns = (text: string): string[] => text.split("\n").filter((l) => /^\s+\d+:\t/.test(l)).map((l) => l.split("\t")[1]!.trim());

const header = `import { XdpAction, htons, type XdpContext, type u32 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv6Hdr } from "tsbpf/net";
export const LICENSE = "GPL";
`;
const scan = (rounds: number, body: string): string => `${header}
export function prog(ctx: XdpContext): XdpAction {
  const ip6 = ctx.header<IPv6Hdr>(HeaderSize.ETH);
  if (!ip6) return XdpAction.PASS;
  let acc: u32 = 0;
  for (let i: u32 = 0; i < ${rounds}; i++) {
${body}
  }
  return acc > 40 ? XdpAction.DROP : XdpAction.PASS;
}`;

describe.skipIf(!objdump)("emitted code", () => {
  it("builds an LPM key from an IPv6 address with wide loads, each stored at once, and no spill", () => {
    const code = insns(disassemble(compileTs(readFileSync(join(twins, "lpm-v6.ts"), "utf8"))));
    expect(code.filter((i) => /= \*\(u64 \*\)\(r10 /.test(i))).toEqual([]);
    // 16 address bytes from the packet: a 4-, an 8- and a 4-byte word per key (two keys).
    expect(code.filter((i) => /= \*\(u(8|16|32|64) \*\)\(r6 \+ 0x(16|1a|22)\)/.test(i))).toHaveLength(6);
    expect(code.filter((i) => /\*\(u8 \*\)\(r\d \+ 0x(1[6-9a-f]|2[0-5])\)/.test(i))).toEqual([]);
  });

  it("unrolls a 15-round scan into straight code, with constant offsets", () => {
    const code = insns(disassemble(compileTs(scan(15, "    if (ip6.daddr[i] !== 0) break;\n    acc += 1;"))));
    expect(code.filter((i) => /goto -/.test(i))).toEqual([]);
    expect(code.filter((i) => /= \*\(u8 \*\)/.test(i))).toHaveLength(15);
  });

  it("keeps the loop when the rounds exceed the threshold or the counter changes in the body", () => {
    const big = insns(disassemble(compileTs(scan(16, "    acc += ip6.daddr[i] * ip6.saddr[i] + ip6.daddr[i & 7] + ip6.saddr[i & 15] + (acc >> 3) + (acc << 1);"))));
    expect(big.filter((i) => /goto -/.test(i)).length).toBeGreaterThan(0);
    const skip = insns(disassemble(compileTs(scan(8, "    acc += ip6.daddr[i & 15];\n    if (acc > 100) i += 1;"))));
    expect(skip.filter((i) => /goto -/.test(i)).length).toBeGreaterThan(0);
  });

  it("adds to a loop accumulator in place (no copy there and back)", () => {
    const code = insns(disassemble(compileTs(`${header}
export function prog(ctx: XdpContext): XdpAction {
  const ip6 = ctx.header<IPv6Hdr>(HeaderSize.ETH);
  if (!ip6) return XdpAction.PASS;
  let acc: u32 = 0;
  let n: u32 = u32(ip6.hopLimit) & 63;
  while (n > 0) { acc += n; n -= 1; }
  return acc > 40 ? XdpAction.DROP : XdpAction.PASS;
}`.replace("type u32 }", "type u32, u32 }").replace("type u32, u32", "u32"))));
    const movs = code.filter((i) => /^w\d+ = w\d+$/.test(i));
    expect(movs).toEqual([]);
  });
});

const usable = await kernelBackendUsable();
const clang = usable ? requireTool("clang-19") : undefined;

describe.skipIf(!usable || !clang)("an unrolled loop with break and continue against its C twin", () => {
  const ts = scan(12, "    if (ip6.daddr[i] === 0xff) break;\n    if ((ip6.daddr[i] & 1) === 1) continue;\n    acc += ip6.daddr[i] & 15;");
  const c = `#include <linux/bpf.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
char LICENSE[] SEC("license") = "GPL";
SEC("xdp") int prog(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  struct ipv6hdr *ip6 = data + 14;
  if ((void *)(ip6 + 1) > end) return XDP_PASS;
  __u32 acc = 0;
  for (__u32 i = 0; i < 12; i++) {
    if (ip6->daddr.s6_addr[i] == 0xff) break;
    if ((ip6->daddr.s6_addr[i] & 1) == 1) continue;
    acc += ip6->daddr.s6_addr[i] & 15;
  }
  return acc > 40 ? XDP_DROP : XDP_PASS;
}`;
  it("gives the same verdicts in the kernel and the VM", () => {
    const frames = ["2e2e:2e2e:2e2e:2e2e:2e2e:2e2e::1", "2e2e:ff2e:2e2e:2e2e:2e2e:2e2e::1", "2f2f:2f2f:2f2f:2f2f:2f2f:2f2f::1", "0e0e:0e0e:0e0e:0e0e:0e0e:0e0e::", "::1"].map((dst) => ethernet({}, ipv6({ src: "2001:db8::1", dst })));
    const theirs = runInKernel(compileC(clang!, c), "prog", frames, []);
    const ours = compileTs(ts);
    expect(runInKernel(ours, "prog", frames, [])).toEqual(theirs);
    expect(runInVm(ours, "prog", frames, [])).toEqual(theirs);
    expect(new Set(theirs.runs.map((r) => r.retval)).size).toBe(2);
  });
});
