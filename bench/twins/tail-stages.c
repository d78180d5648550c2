// C twin of bench/twins/tail-stages.ts: an entry program tail-calling per-family stages.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int xdp_stage_v4(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + 14;
	if ((void *)(ip + 1) > end)
		return XDP_ABORTED;
	return ip->protocol == IPPROTO_UDP ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int xdp_stage_v6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + 14;
	if ((void *)(ip6 + 1) > end)
		return XDP_ABORTED;
	return ip6->nexthdr == 58 ? XDP_DROP : XDP_PASS;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(struct xdp_md *));
} stages SEC(".maps") = {
	.values = { [1] = (void *)&xdp_stage_v4, [2] = (void *)&xdp_stage_v6 },
};

SEC("xdp")
int xdp_tail_entry(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		bpf_tail_call(ctx, &stages, 1);
	else if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		bpf_tail_call(ctx, &stages, 2);
	else
		bpf_tail_call(ctx, &stages, 3);
	return XDP_PASS;
}
