// C twin of examples/ipv6-ext.ts: walks up to four IPv6 extension headers; drops DNS behind them.
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_EXT_HEADERS 4

static __always_inline bool is_extension(__u8 next)
{
	return next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS;
}

SEC("xdp")
int xdp_ipv6_ext(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return XDP_ABORTED;
	__u8 next = ip6->nexthdr;
	__u32 offset = sizeof(*eth) + sizeof(*ip6);
	for (__u32 i = 0; i < MAX_EXT_HEADERS; i++) {
		if (!is_extension(next))
			break;
		struct ipv6_opt_hdr *ext = data + offset;
		if ((void *)(ext + 1) > data_end)
			return XDP_ABORTED;
		next = ext->nexthdr;
		offset += (ext->hdrlen + 1) * 8;
	}
	if (is_extension(next))
		return XDP_DROP;
	if (next != IPPROTO_UDP)
		return XDP_PASS;
	struct udphdr *udp = data + offset;
	if ((void *)(udp + 1) > data_end)
		return XDP_ABORTED;
	return udp->dest == bpf_htons(53) ? XDP_DROP : XDP_PASS;
}
