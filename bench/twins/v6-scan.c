// C twin of bench/twins/v6-scan.ts: count the leading zero bytes of an IPv6 destination (at most 15), drop at 12 or more.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int xdp_v6_scan(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	__u32 zeros = 0;
	for (__u32 i = 0; i < 15; i++) {
		if (ip6->daddr.s6_addr[i] != 0)
			break;
		zeros += 1;
	}
	return zeros >= 12 ? XDP_DROP : XDP_PASS;
}
