// C twin of bench/twins/nat-rewrite.ts: DNAT 10.0.0.2 -> 10.0.0.99 with IPv4 and UDP checksum updates.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

static __always_inline __u16 csum_fold(__s64 sum)
{
	__u32 s = (__u32)sum;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

SEC("xdp")
int xdp_nat(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || *(__u8 *)ip != 0x45 || ip->protocol != IPPROTO_UDP || ip->daddr != bpf_htonl(0x0a000002))
		return XDP_PASS;
	struct udphdr *udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return XDP_PASS;
	__s64 before = bpf_csum_diff((__be32 *)ip, sizeof(*ip), 0, 0, ip->check ^ 0xffff);
	ip->daddr = bpf_htonl(0x0a000063);
	ip->check = csum_fold(bpf_csum_diff(0, 0, (__be32 *)ip, sizeof(*ip), before));
	if (udp->check != 0) {
		__be32 from = bpf_htonl(0x0a000002), to = bpf_htonl(0x0a000063);
		udp->check = csum_fold(bpf_csum_diff(&from, 4, &to, 4, udp->check ^ 0xffff));
	}
	return XDP_TX;
}
