// Subprograms receive what C's static functions receive: the context (the callee reads the
// packet bounds from it; also through function values), packet references checked by the caller,
// map values and references to the caller's stack; functions taking a map are inlined per map,
// `@inline` forces inlining. The program and its C twin (static __noinline helpers, a macro over maps) run in
// the kernel and the VM on the same frames with the same results and map contents.
import { describe, expect, it } from "vitest";
import { buildSource } from "../../compiler/build.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { requireTool } from "../support/tools.js";
import { compileC, runTwins, twinFrames } from "../support/twin.js";

const usable = await kernelBackendUsable();
const clang = usable ? requireTool("clang-19") : undefined;

const SOURCE = `import { ArrayMap, XdpAction, htons, ntohs, u32, u64, type XdpContext, type i64 } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv4Hdr, type TcpHdr } from "tsbpf/net";

export const LICENSE = "GPL";

interface Flow { proto: u32; sport: u32; dport: u32; ttl: u32 }
interface Counter { frames: u64; bytes: u64 }

const byProto = new ArrayMap<u32, Counter>(4);
const byPort = new ArrayMap<u32, Counter>(4);

/** @noinline */
function l3Offset(ctx: XdpContext): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return 0;
  return eth.proto === htons(EtherType.IPV4) ? HeaderSize.ETH : 0;
}

/** A packet reference (bounds checked by the caller) passed to a subprogram. */
/** @noinline */
function ttlOf(ip: IPv4Hdr): u32 {
  return u32(ip.ttl);
}

/** The context and the caller's stack struct: fills \`out\`, re-proving packet bounds itself. */
/** @noinline */
function parseFlow(ctx: XdpContext, off: u32, out: Flow): boolean {
  const ip = ctx.header<IPv4Hdr>(off);
  if (!ip) return false;
  out.proto = u32(ip.protocol);
  out.ttl = ttlOf(ip);
  if (ip.protocol !== IpProto.TCP && ip.protocol !== IpProto.UDP) return true;
  const ihl = u32(ip.verIhl & 0x0f);
  if (ihl < 5) return false;
  const l4 = ctx.header<TcpHdr>(off + ihl * 4);
  if (!l4) return true;
  out.sport = u32(ntohs(l4.source));
  out.dport = u32(ntohs(l4.dest));
  return true;
}

/** A map value reference passed to a subprogram. */
/** @noinline */
function account(c: Counter, len: u32): void {
  c.frames += 1;
  c.bytes += u64(len);
}

/** A map parameter: inlined at each call, once per map. */
function bump(m: ArrayMap<u32, Counter>, slot: u32, len: u32): void {
  const c = m.lookup(slot);
  if (c) account(c, len);
}

/** @inline */
function classify(f: Flow): u32 {
  for (let i: u32 = 0; i < 2; i++) {
    if (f.dport === 22 + i) return 3;
  }
  return f.proto === IpProto.TCP ? 1 : f.proto === IpProto.UDP ? 2 : 0;
}

/** Function values taking the context (an indirect call, lowered to direct calls for the kernel). */
function oddLength(ctx: XdpContext): u32 {
  return ctx.length & 1;
}
function lastSourceByte(ctx: XdpContext): u32 {
  const eth = ctx.header<EthHdr>(0);
  return eth ? u32(eth.src[5]) : 7;
}

export function xdp_subprog(ctx: XdpContext): XdpAction {
  const pick = ctx.length > 60 ? oddLength : lastSourceByte;
  if (pick(ctx) === 2) return XdpAction.TX;
  const off = l3Offset(ctx);
  if (off === 0) return XdpAction.PASS;
  // The context reaches the subprogram, whose result offsets a header here.
  const ip = ctx.header<IPv4Hdr>(l3Offset(ctx));
  if (!ip) return XdpAction.ABORTED;
  if (ttlOf(ip) === 0) return XdpAction.TX;
  const flow: Flow = { proto: 0, sport: 0, dport: 0, ttl: 0 };
  if (!parseFlow(ctx, off, flow)) return XdpAction.ABORTED;
  const len = ctx.length;
  bump(byProto, flow.proto & 3, len);
  const slot = classify(flow);
  bump(byPort, slot, len);
  if (slot === 3) return XdpAction.DROP;
  return flow.ttl < 2 ? XdpAction.DROP : XdpAction.PASS;
}

/** @noinline */
function popEth(ctx: XdpContext): i64 {
  return ctx.adjustHead(HeaderSize.ETH);
}

/**
 * Big enough (a loop) to stay a subprogram: called with a stack copy it is one; called with a
 * packet header, which it indexes at run time (the index needs data_end), it is inlined.
 */
function macSum(eth: EthHdr, n: u32): u32 {
  let sum: u32 = 0;
  for (let i: u32 = 0; i < 6; i++) {
    if (i >= n) break;
    sum += u32(eth.src[i]);
  }
  return sum;
}

export function xdp_macsum(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return XdpAction.PASS;
  const copy: EthHdr = { ...eth };
  copy.src[5] = 9;
  const a = macSum(eth, ctx.length & 7);
  const b = macSum(copy, 6);
  return (a + b) & 3;
}

/** A @noinline function taking a map: one subprogram per map passed (countFrame__byProto, countFrame__byPort). */
/** @noinline */
function countFrame(m: ArrayMap<u32, Counter>, slot: u32): u32 {
  const c = m.lookup(slot);
  if (!c) return 0;
  c.frames += 1;
  return u32(c.frames & 1);
}

/** The subprogram moves the packet: the caller's bounds are reloaded after the call. */
export function xdp_pop(ctx: XdpContext): XdpAction {
  if (countFrame(byProto, 3) + countFrame(byPort, ctx.length & 3) === 7) return XdpAction.ABORTED;
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  if (popEth(ctx) !== 0) return XdpAction.ABORTED;
  const ip = ctx.header<IPv4Hdr>(0);
  if (!ip) return XdpAction.ABORTED;
  return ip.ttl < 2 ? XdpAction.DROP : XdpAction.TX;
}
`;

const C_TWIN = `#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow { __u32 proto, sport, dport, ttl; };
struct counter { __u64 frames, bytes; };

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, struct counter); } byProto SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, struct counter); } byPort SEC(".maps");

static __noinline __u32 l3_offset(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end) return 0;
	return eth->h_proto == bpf_htons(ETH_P_IP) ? 14 : 0;
}

static __noinline __u32 ttl_of(struct iphdr *ip) { return ip->ttl; }

static __noinline int parse_flow(struct xdp_md *ctx, __u32 off, struct flow *out)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + off;
	if ((void *)(ip + 1) > end) return 0;
	out->proto = ip->protocol;
	out->ttl = ttl_of(ip);
	if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP) return 1;
	__u32 ihl = ip->ihl;
	if (ihl < 5) return 0;
	struct tcphdr *l4 = data + off + ihl * 4;
	if ((void *)(l4 + 1) > end) return 1;
	out->sport = bpf_ntohs(l4->source);
	out->dport = bpf_ntohs(l4->dest);
	return 1;
}

static __noinline void account(struct counter *c, __u32 len) { c->frames += 1; c->bytes += len; }

#define bump(m, slot, len) do { __u32 k_ = (slot); struct counter *c_ = bpf_map_lookup_elem(&(m), &k_); if (c_) account(c_, (len)); } while (0)

static __always_inline __u32 classify(struct flow *f)
{
	for (__u32 i = 0; i < 2; i++)
		if (f->dport == 22 + i) return 3;
	return f->proto == IPPROTO_TCP ? 1 : f->proto == IPPROTO_UDP ? 2 : 0;
}

static __noinline __u32 odd_length(struct xdp_md *ctx) { return (ctx->data_end - ctx->data) & 1; }
static __noinline __u32 last_source_byte(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	return (void *)(eth + 1) > end ? 7 : eth->h_source[5];
}

SEC("xdp")
int xdp_subprog(struct xdp_md *ctx)
{
	/* The kernel has no indirect calls: the C twin calls directly what the TypeScript selects. */
	if ((ctx->data_end - ctx->data > 60 ? odd_length(ctx) : last_source_byte(ctx)) == 2) return XDP_TX;
	__u32 off = l3_offset(ctx);
	if (off == 0) return XDP_PASS;
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + l3_offset(ctx);
	if ((void *)(ip + 1) > end) return XDP_ABORTED;
	if (ttl_of(ip) == 0) return XDP_TX;
	struct flow flow = {};
	if (!parse_flow(ctx, off, &flow)) return XDP_ABORTED;
	__u32 len = ctx->data_end - ctx->data;
	bump(byProto, flow.proto & 3, len);
	__u32 slot = classify(&flow);
	bump(byPort, slot, len);
	if (slot == 3) return XDP_DROP;
	return flow.ttl < 2 ? XDP_DROP : XDP_PASS;
}

static __noinline long pop_eth(struct xdp_md *ctx) { return bpf_xdp_adjust_head(ctx, 14); }

static __always_inline __u32 mac_sum_pkt(struct ethhdr *eth, __u32 n, void *end)
{
	__u32 sum = 0;
	for (__u32 i = 0; i < 6; i++) {
		if (i >= n) break;
		__u8 *p = &eth->h_source[i];
		if ((void *)(p + 1) > end) return 0;
		sum += *p;
	}
	return sum;
}

static __noinline __u32 mac_sum(struct ethhdr *eth, __u32 n)
{
	__u32 sum = 0;
	for (__u32 i = 0; i < 6; i++) {
		if (i >= n) break;
		sum += eth->h_source[i];
	}
	return sum;
}

SEC("xdp")
int xdp_macsum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end) return XDP_PASS;
	struct ethhdr copy = *eth;
	copy.h_source[5] = 9;
	__u32 a = mac_sum_pkt(eth, (end - data) & 7, end);
	__u32 b = mac_sum(&copy, 6);
	return (a + b) & 3;
}

static __noinline __u32 count_frame(void *m, __u32 slot)
{
	struct counter *c = bpf_map_lookup_elem(m, &slot);
	if (!c) return 0;
	c->frames += 1;
	return c->frames & 1;
}

SEC("xdp")
int xdp_pop(struct xdp_md *ctx)
{
	if (count_frame(&byProto, 3) + count_frame(&byPort, (ctx->data_end - ctx->data) & 3) == 7) return XDP_ABORTED;
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
	if (pop_eth(ctx) != 0) return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data;
	if ((void *)(ip + 1) > end) return XDP_ABORTED;
	return ip->ttl < 2 ? XDP_DROP : XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
`;

describe("subprogram arguments", () => {
  it("compiles ctx, packet, map-value and stack-struct arguments into static subprograms, and inlines @inline and map-taking functions", () => {
    const { functions } = buildSource("/virtual/subprog.ts", SOURCE, { displayName: "subprog.ts" });
    // Programs first, then the subprograms reached; bump (takes a map) and classify (@inline) are not among them.
    expect(functions.map((f) => f.name)).toEqual(["xdp_subprog", "xdp_macsum", "xdp_pop", "lastSourceByte", "oddLength", "l3Offset", "ttlOf", "parseFlow", "account", "macSum", "countFrame__byProto", "countFrame__byPort", "popEth"]);
  });

  describe.skipIf(!usable || !clang)("in the kernel and the VM, against the C twin", () => {
    const ts = usable && clang ? buildSource("/virtual/subprog.ts", SOURCE, { displayName: "subprog.ts" }).object : new Uint8Array();
    const c = usable && clang ? compileC(clang, C_TWIN) : new Uint8Array();

    it("xdp_subprog: same return values and counters on every frame", () => {
      const r = runTwins(ts, c, "xdp_subprog", twinFrames(), [{ name: "byProto", entries: 4 }, { name: "byPort", entries: 4 }]);
      for (const run of r.runs) expect({ frame: run.frame, ts: run.kernel, vm: run.vm }).toEqual({ frame: run.frame, ts: run.c, vm: run.c });
      for (const m of r.maps) expect({ map: m.name, key: m.key, ts: m.kernel, vm: m.vm }).toEqual({ map: m.name, key: m.key, ts: m.c, vm: m.c });
      expect(r.packetsEqual).toBe(true);
      // Every action comes out, and the counters moved.
      expect(new Set(r.runs.map((x) => x.c))).toEqual(new Set([0, 1, 2, 3]));
      expect(r.maps.filter((m) => m.c !== "0".repeat(32)).length).toBeGreaterThanOrEqual(4);
    });

    it("xdp_macsum: a packet header indexed at run time by the callee inlines the call; a stack copy goes to the subprogram", () => {
      const r = runTwins(ts, c, "xdp_macsum", twinFrames(), []);
      for (const run of r.runs) expect({ frame: run.frame, ts: run.kernel, vm: run.vm }).toEqual({ frame: run.frame, ts: run.c, vm: run.c });
      expect(r.packetsEqual).toBe(true);
      expect(new Set(r.runs.map((x) => x.c)).size).toBeGreaterThanOrEqual(2);
    });

    it("xdp_pop: the subprogram moves the packet; the caller reads the moved frame; a @noinline function specialised per map counts", () => {
      const r = runTwins(ts, c, "xdp_pop", twinFrames(), [{ name: "byProto", entries: 4 }, { name: "byPort", entries: 4 }]);
      for (const run of r.runs) expect({ frame: run.frame, ts: run.kernel, vm: run.vm }).toEqual({ frame: run.frame, ts: run.c, vm: run.c });
      for (const m of r.maps) expect({ map: m.name, key: m.key, ts: m.kernel, vm: m.vm }).toEqual({ map: m.name, key: m.key, ts: m.c, vm: m.c });
      expect(r.maps.filter((m) => m.c !== "0".repeat(32)).length).toBeGreaterThanOrEqual(3);
      expect(r.packetsEqual).toBe(true);
      expect(new Set(r.runs.map((x) => x.c))).toEqual(new Set([0, 1, 2, 3]));
    });
  });
});
