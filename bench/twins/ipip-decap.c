// C twin of bench/twins/ipip-decap.ts: strip a 20-byte outer IPv4 header from IPIP frames.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int xdp_ipip_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *outer = (void *)(eth + 1);
	if ((void *)(outer + 1) > end || *(__u8 *)outer != 0x45 || outer->protocol != IPPROTO_IPIP)
		return XDP_PASS;
	struct iphdr *inner = (void *)(outer + 1);
	if ((void *)(inner + 1) > end || *(__u8 *)inner != 0x45)
		return XDP_DROP;
	struct ethhdr saved;
	__builtin_memcpy(&saved, eth, sizeof(saved));
	if (bpf_xdp_adjust_head(ctx, 20) != 0)
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	struct ethhdr *fresh = data;
	if ((void *)(fresh + 1) > end)
		return XDP_ABORTED;
	__builtin_memcpy(fresh, &saved, sizeof(saved));
	return XDP_TX;
}
