// Packed layouts (docs/language.md, "Packed structs"): tsbpf/net's ArpHdr is `@packed`, so the
// sender address is at offset 14 as on the wire, the bounds check covers 28 bytes, and BTF
// describes the same offsets as clang's for a C struct with __attribute__((packed)). An ARP
// responder written with it answers real ARP frames (built by runtime/packet) exactly like its
// C twin, in the kernel and in the VM. A header type whose natural layout has holes builds with
// a TS90108 warning (clang's -Wpadded, for packet headers only).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSource } from "../../compiler/build.js";
import { compileSource } from "../../compiler/compile.js";
import { Code } from "../../compiler/diagnostics/codes.js";
import { arp, arpReply, arpRequest, ethernet } from "../../runtime/packet/index.js";
import { compileC, compileTs, runInKernel, runInVm } from "../support/c-twin.js";
import { tsbpf } from "../support/cli.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { requireTool } from "../support/tools.js";

const tsArp = `import { ArrayMap, HashMap, XdpAction, assign, copy, htonl, htons, type XdpContext, type be32, type u32 } from "tsbpf";
import { ArpHardware, ArpOp, EtherType, HeaderSize, type ArpHdr, type EthHdr } from "tsbpf/net";

export const LICENSE = "GPL";

const MY_IP = 0xc0000201; // 192.0.2.1

const requesters = new HashMap<be32, u32>(16);
const last = new ArrayMap<u32, ArpHdr>(1);

export function xdp_arp(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.ARP)) return XdpAction.PASS;
  const a = ctx.header<ArpHdr>(HeaderSize.ETH);
  if (!a) return XdpAction.PASS;
  if (a.hrd !== htons(ArpHardware.ETHER) || a.pro !== htons(EtherType.IPV4) || a.hln !== 6 || a.pln !== 4) return XdpAction.PASS;
  const slot = last.lookup(0);
  if (slot) assign(slot, a);
  if (a.op !== htons(ArpOp.REQUEST) || a.tip !== htonl(MY_IP)) return XdpAction.PASS;
  const n = requesters.lookup(a.sip);
  if (n) n.value += 1;
  else requesters.update(a.sip, 1);
  // The reply: back to the asker, from 02:00:00:00:00:aa, which has MY_IP.
  a.op = htons(ArpOp.REPLY);
  a.tha = a.sha;
  a.tip = a.sip;
  a.sip = htonl(MY_IP);
  a.sha[0] = 0x02; a.sha[1] = 0; a.sha[2] = 0; a.sha[3] = 0; a.sha[4] = 0; a.sha[5] = 0xaa;
  eth.dst = eth.src;
  eth.src = a.sha;
  return XdpAction.TX;
}

const copies = new ArrayMap<u32, ArpHdr>(2);

/** Packed fields on the stack, where the kernel refuses misaligned access: read and written byte by byte. */
export function xdp_copy(ctx: XdpContext): XdpAction {
  const a = ctx.header<ArpHdr>(HeaderSize.ETH);
  if (!a) return XdpAction.PASS;
  const c = copy(a);
  c.tip = htonl(0xc0000263);
  const d: ArpHdr = { ...a, sip: c.tip };
  const s0 = copies.lookup(0);
  if (s0) assign(s0, c);
  const s1 = copies.lookup(1);
  if (s1) assign(s1, d);
  return c.sip === htonl(0xc0000207) ? XdpAction.DROP : XdpAction.PASS;
}
`;

const cArp = `#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct ArpHdr {
  __be16 hrd;
  __be16 pro;
  __u8 hln;
  __u8 pln;
  __be16 op;
  __u8 sha[6];
  __be32 sip;
  __u8 tha[6];
  __be32 tip;
} __attribute__((packed));

struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, __be32); __type(value, __u32); __uint(max_entries, 16); } requesters SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, __u32); __type(value, struct ArpHdr); __uint(max_entries, 1); } last SEC(".maps");

SEC("xdp") int xdp_arp(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_ARP)) return XDP_PASS;
  struct ArpHdr *a = (void *)(eth + 1);
  if ((void *)(a + 1) > end) return XDP_PASS;
  if (a->hrd != bpf_htons(1) || a->pro != bpf_htons(ETH_P_IP) || a->hln != 6 || a->pln != 4) return XDP_PASS;
  __u32 zero = 0;
  struct ArpHdr *slot = bpf_map_lookup_elem(&last, &zero);
  if (slot) __builtin_memcpy(slot, a, sizeof(*a));
  if (a->op != bpf_htons(1) || a->tip != bpf_htonl(0xc0000201)) return XDP_PASS;
  __be32 key = a->sip;
  __u32 *n = bpf_map_lookup_elem(&requesters, &key);
  if (n) *n += 1;
  else { __u32 one = 1; bpf_map_update_elem(&requesters, &key, &one, BPF_ANY); }
  a->op = bpf_htons(2);
  __builtin_memcpy(a->tha, a->sha, 6);
  a->tip = a->sip;
  a->sip = bpf_htonl(0xc0000201);
  a->sha[0] = 0x02; a->sha[1] = 0; a->sha[2] = 0; a->sha[3] = 0; a->sha[4] = 0; a->sha[5] = 0xaa;
  __builtin_memcpy(eth->h_dest, eth->h_source, 6);
  __builtin_memcpy(eth->h_source, a->sha, 6);
  return XDP_TX;
}

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, __u32); __type(value, struct ArpHdr); __uint(max_entries, 2); } copies SEC(".maps");

SEC("xdp") int xdp_copy(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  struct ArpHdr *a = data + 14;
  if ((void *)(a + 1) > end) return XDP_PASS;
  struct ArpHdr c;
  __builtin_memcpy(&c, a, sizeof(c));
  c.tip = bpf_htonl(0xc0000263);
  struct ArpHdr d = *a;
  d.sip = c.tip;
  __u32 k0 = 0, k1 = 1;
  struct ArpHdr *s0 = bpf_map_lookup_elem(&copies, &k0);
  if (s0) __builtin_memcpy(s0, &c, sizeof(c));
  struct ArpHdr *s1 = bpf_map_lookup_elem(&copies, &k1);
  if (s1) __builtin_memcpy(s1, &d, sizeof(d));
  return c.sip == bpf_htonl(0xc0000207) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
`;

const BROADCAST = "ff:ff:ff:ff:ff:ff";
const frames = [
  ethernet({ dst: BROADCAST, src: "02:00:00:00:00:07", padTo: 60 }, arpRequest({ senderMac: "02:00:00:00:00:07", senderIp: "192.0.2.7", targetIp: "192.0.2.1" })),
  ethernet({ dst: BROADCAST, src: "02:00:00:00:00:07", padTo: 60 }, arpRequest({ senderMac: "02:00:00:00:00:07", senderIp: "192.0.2.7", targetIp: "192.0.2.9" })),
  ethernet({ dst: "02:00:00:00:00:aa", src: "02:00:00:00:00:08", padTo: 60 }, arpReply({ senderMac: "02:00:00:00:00:08", senderIp: "192.0.2.8", targetMac: "02:00:00:00:00:aa", targetIp: "192.0.2.1" })),
  ethernet({ dst: BROADCAST, src: "02:00:00:00:00:08" }, arpRequest({ senderMac: "02:00:00:00:00:08", senderIp: "198.51.100.8", targetIp: "192.0.2.1" })),
  ethernet({ dst: BROADCAST, src: "02:00:00:00:00:07", padTo: 60 }, arpRequest({ senderMac: "02:00:00:00:00:07", senderIp: "192.0.2.7", targetIp: "192.0.2.1" })),
  // Not Ethernet/IPv4 ARP (hardware type 6): passed.
  ethernet({ dst: BROADCAST, padTo: 60 }, arp({ operation: "request", hardwareType: 6, senderMac: "02:00:00:00:00:09", senderIp: "192.0.2.9", targetIp: "192.0.2.1" })),
  // Cut after the sender address (14 + 18 bytes): the 28-byte bounds check fails.
  ethernet({ dst: BROADCAST, src: "02:00:00:00:00:07" }, arpRequest({ senderMac: "02:00:00:00:00:07", senderIp: "192.0.2.7", targetIp: "192.0.2.1" })).slice(0, 32),
];

const usable = await kernelBackendUsable();
const clang = usable ? requireTool("clang-19") : undefined;
const bpftool = requireTool("bpftool");

describe.skipIf(!usable || !clang)("an ARP responder over the packed ArpHdr, against a packed C twin", () => {
  it("answers, passes and counts like the C twin, in the kernel and in the VM", () => {
    const c = compileC(clang!, cArp);
    const ours = compileTs(tsArp);
    const maps = ["requesters", "last"];
    const cKernel = runInKernel(c, "xdp_arp", frames, maps);
    expect(runInKernel(ours, "xdp_arp", frames, maps)).toEqual(cKernel);
    expect(runInVm(ours, "xdp_arp", frames, maps)).toEqual(cKernel);
    // The kernel's verdicts on these frames: two requests for 192.0.2.1 answered (XDP_TX = 3) …
    expect(cKernel.runs.map((r) => r.retval)).toEqual([3, 2, 2, 3, 3, 2, 2]);
    // … keyed by the sender address read at offset 14 (192.0.2.7 twice, 198.51.100.8 once).
    expect(cKernel.maps.requesters).toEqual(["c0000207=02000000", "c6336408=01000000"]);
  });

  it("copies packed headers to the stack and back like the C twin (byte-wise where misaligned)", () => {
    const c = compileC(clang!, cArp);
    const ours = compileTs(tsArp);
    const cKernel = runInKernel(c, "xdp_copy", frames, ["copies"]);
    expect(runInKernel(ours, "xdp_copy", frames, ["copies"])).toEqual(cKernel);
    expect(runInVm(ours, "xdp_copy", frames, ["copies"])).toEqual(cKernel);
    expect(cKernel.runs.map((r) => r.retval)).toContain(1);
  });

  it("passes the bundled verifier as `tsbpf build` runs it", () => {
    expect(() => buildSource("/virtual/arp.ts", tsArp, { displayName: "arp.ts" })).not.toThrow();
  });

  it.skipIf(!bpftool)("describes ArpHdr in BTF with the packed offsets clang gives it", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-arp-"));
    try {
      writeFileSync(join(dir, "c.o"), compileC(clang!, cArp));
      writeFileSync(join(dir, "ts.o"), compileTs(tsArp));
      const struct = (file: string): string[] => {
        const dump = execFileSync(bpftool!, ["btf", "dump", "file", join(dir, file)], { encoding: "utf8" }).split("\n");
        const at = dump.findIndex((l) => /STRUCT 'ArpHdr'/.test(l));
        const head = dump[at]!.replace(/^\[\d+\] /, "").replace(/ vlen=\d+/, "");
        const members = dump.slice(at + 1).filter((l, i, all) => all.slice(0, i + 1).every((m) => /^\s+'/.test(m)));
        return [head, ...members.map((m) => m.replace(/type_id=\d+ /, "").trim())];
      };
      const ours = struct("ts.o");
      expect(ours).toEqual(struct("c.o"));
      expect(ours).toContain("'sip' bits_offset=112");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("padding in a header read from the packet", () => {
  const program = (iface: string) => `import { XdpAction, htonl, type XdpContext, type u8, type be16, type be32, type FixedArray } from "tsbpf";
${iface}
export function prog(ctx: XdpContext): XdpAction {
  const a = ctx.header<Arp>(14);
  if (!a) return XdpAction.PASS;
  const b = ctx.header<Arp>(14);
  return a.sip === htonl(0xc0000207) ? XdpAction.DROP : XdpAction.PASS;
}
`;
  const fields = "{ hrd: be16; pro: be16; hln: u8; pln: u8; op: be16; sha: FixedArray<u8, 6>; sip: be32; tha: FixedArray<u8, 6>; tip: be32 }";

  it("builds with one TS90108 warning naming the hole and the fix", () => {
    const r = compileSource("/virtual/prog.ts", program(`interface Arp ${fields}`), { displayName: "prog.ts" });
    expect(r.warnings.map((w) => [w.category, w.code])).toEqual([["warning", Code.Padding]]);
    expect(r.warnings[0]!.message).toMatch(/2 bytes of padding before field 'sip' of Arp put it at offset 16, not 14/);
    expect(r.warnings[0]!.hint).toMatch(/mark Arp \/\*\* @packed \*\//);
    expect(r.warnings[0]!.span?.line).toBe(4);
  });

  it("is printed by `tsbpf build`, which still writes the object and exits 0", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-padded-"));
    try {
      writeFileSync(join(dir, "padded.ts"), program(`interface Arp ${fields}`));
      const r = tsbpf(["build", join(dir, "padded.ts"), "-o", join(dir, "padded.o")]);
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/padded\.ts:4:24 - warning TS90108: 2 bytes of padding before field 'sip'/);
      expect(existsSync(join(dir, "padded.o"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports trailing padding too", () => {
    const r = compileSource("/virtual/prog.ts", program("interface Arp { sip: be32; op: u8 }"), { displayName: "prog.ts" });
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/3 bytes of trailing padding make Arp 8 bytes long, not 5/)]);
  });

  it("is quiet for a @packed interface, which reads a frame that ends with the ARP header", () => {
    const packed = compileSource("/virtual/prog.ts", program(`/** @packed */\ninterface Arp ${fields}`), { displayName: "prog.ts" });
    expect(packed.warnings).toEqual([]);
    const unpacked = compileSource("/virtual/prog.ts", program(`interface Arp ${fields}`), { displayName: "prog.ts" });
    // 14 + 28 bytes, sender 192.0.2.7: packed, the header fits and sip is read at offset 14
    // (XDP_DROP); padded to 32 bytes, the bounds check fails (XDP_PASS).
    const frame = ethernet({ dst: BROADCAST }, arpRequest({ senderMac: "02:00:00:00:00:07", senderIp: "192.0.2.7", targetIp: "192.0.2.1" }));
    expect(frame.length).toBe(42);
    expect(runInVm(packed.object, "prog", [frame], []).runs[0]!.retval).toBe(1);
    expect(runInVm(unpacked.object, "prog", [frame], []).runs[0]!.retval).toBe(2);
  });
});
