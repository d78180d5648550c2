// C twin of bench/twins/tcp-options.ts: walk at most 8 TCP options, drop an MSS under 536.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_OPTIONS 8
#define TCP_OFF (14 + 20)

struct OptMss {
	__u8 kind;
	__u8 len;
	__be16 mss;
};

SEC("xdp")
int xdp_tcp_options(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end_ = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end_ || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end_ || *(__u8 *)ip != 0x45 || ip->protocol != IPPROTO_TCP)
		return XDP_PASS;
	struct tcphdr *tcp = data + TCP_OFF;
	if ((void *)(tcp + 1) > end_)
		return XDP_PASS;
	__u32 end = TCP_OFF + (((__u8 *)tcp)[12] >> 4) * 4;
	__u32 off = TCP_OFF + 20;
	for (__u32 i = 0; i < MAX_OPTIONS; i++) {
		if (off >= end)
			break;
		__u8 *k = data + off;
		if ((void *)(k + 1) > end_)
			return XDP_ABORTED;
		if (*k == 0)
			break;
		if (*k == 1) {
			off += 1;
			continue;
		}
		__u8 *h = data + off;
		if ((void *)(h + 2) > end_ || h[1] < 2)
			return XDP_ABORTED;
		if (h[0] == 2) {
			struct OptMss *m = data + off;
			if ((void *)(m + 1) > end_)
				return XDP_ABORTED;
			return bpf_ntohs(m->mss) < 536 ? XDP_DROP : XDP_PASS;
		}
		off += h[1];
	}
	return XDP_PASS;
}
