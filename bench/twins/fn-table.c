// C twin of bench/twins/fn-table.ts: handler functions picked from a table by UDP port % 4.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

static __noinline int allow(struct iphdr *ip, struct udphdr *udp) { return XDP_PASS; }
static __noinline int deny(struct iphdr *ip, struct udphdr *udp) { return XDP_DROP; }
static __noinline int bounce(struct iphdr *ip, struct udphdr *udp) { return ip->ttl < 64 ? XDP_TX : XDP_PASS; }
static __noinline int limit(struct iphdr *ip, struct udphdr *udp) { return bpf_ntohs(udp->len) > 40 ? XDP_DROP : XDP_PASS; }

SEC("xdp")
int xdp_fn_table(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || *(__u8 *)ip != 0x45 || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	struct udphdr *udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return XDP_PASS;
	/* The kernel has no indirect calls: a switch over the table's slots, as tsbpf lowers it. */
	switch (bpf_ntohs(udp->dest) & 3) {
	case 0: return allow(ip, udp);
	case 1: return deny(ip, udp);
	case 2: return bounce(ip, udp);
	default: return limit(ip, udp);
	}
}
