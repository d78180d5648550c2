// Tests (VM only): bpf_fib_lookup against the test's routing table - IPv4/IPv6 forwarding with the MAC rewrite, the next hop in ipv4_dst, no neighbour, drop routes, MTU, SKIP_NEIGH, and invalid arguments.
#include "common.h"
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>

#define AF_INET 2
#define AF_INET6 10

/* the params after each lookup, by run */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RUNS);
	__type(key, __u32);
	__type(value, struct bpf_fib_lookup);
} fib_params SEC(".maps");

/* Looks the destination up (flags from the IPv4 id / IPv6 flow label's low byte), forwards on success. */
SEC("xdp")
int xdp_fib(struct xdp_md *ctx)
{
	__u32 run = runs & (RUNS - 1);
	__s64 *out = next_run();
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct bpf_fib_lookup p = {};
	__u32 flags;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > data_end)
			return XDP_ABORTED;
		p.family = AF_INET;
		p.tos = ip->tos;
		p.l4_protocol = ip->protocol;
		p.tot_len = bpf_ntohs(ip->tot_len);
		p.ipv4_src = ip->saddr;
		p.ipv4_dst = ip->daddr;
		flags = bpf_ntohs(ip->id) & 0xff;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > data_end)
			return XDP_ABORTED;
		p.family = AF_INET6;
		p.l4_protocol = ip6->nexthdr;
		p.tot_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
		__builtin_memcpy(p.ipv6_src, &ip6->saddr, 16);
		__builtin_memcpy(p.ipv6_dst, &ip6->daddr, 16);
		flags = ip6->flow_lbl[2];
	} else {
		return XDP_PASS;
	}
	p.ifindex = ctx->ingress_ifindex;
	out[0] = bpf_fib_lookup(ctx, &p, sizeof(p), flags);
	bpf_map_update_elem(&fib_params, &run, &p, BPF_ANY);
	if (out[0] != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	__builtin_memcpy(eth->h_dest, p.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, p.smac, ETH_ALEN);
	return bpf_redirect(p.ifindex, 0);
}

/* Invalid arguments: a short struct, an unknown family, an unknown flag, an unknown ingress device. */
SEC("xdp")
int xdp_fib_invalid(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	struct {
		struct bpf_fib_lookup p;
		__u8 more[8];
	} big = {};

	big.p.family = AF_INET;
	big.p.ipv4_dst = bpf_htonl(0xc6336435);   /* 198.51.100.53 */
	big.p.ifindex = ctx->ingress_ifindex;
	out[0] = bpf_fib_lookup(ctx, &big.p, sizeof(big.p) - 4, 0);
	out[1] = bpf_fib_lookup(ctx, &big.p, sizeof(big), 0);   /* a longer struct is fine */
	big.p.ifindex = ctx->ingress_ifindex;
	big.p.ipv4_dst = bpf_htonl(0xc6336435);
	out[2] = bpf_fib_lookup(ctx, &big.p, sizeof(big.p), 1 << 7);
	big.p.family = 99;
	out[3] = bpf_fib_lookup(ctx, &big.p, sizeof(big.p), 0);
	big.p.family = AF_INET;
	big.p.ifindex = 4242;
	out[4] = bpf_fib_lookup(ctx, &big.p, sizeof(big.p), 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
