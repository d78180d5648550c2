// C twin of examples/reflect.ts: swaps MACs and IPs, sets TTL 64 with an RFC 1624 checksum update, XDP_TX.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

/* RFC 1624: the checksum after one 16-bit word of the header changes from old to now. */
static __always_inline __be16 csum_update(__be16 check, __be16 old, __be16 now)
{
	__u32 sum = (~bpf_ntohs(check) & 0xffff) + (~bpf_ntohs(old) & 0xffff) + bpf_ntohs(now);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return bpf_htons((__u16)~sum);
}

static __always_inline void swap_macs(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];
	__builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
}

SEC("xdp")
int xdp_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	if (ip->ihl < 5)
		return XDP_DROP;
	swap_macs(eth);
	__be32 saddr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = saddr;
	/* TTL shares a 16-bit word with the protocol: TTL is the high byte in network order. */
	__be16 old_word = bpf_htons((ip->ttl << 8) | ip->protocol);
	ip->ttl = 64;
	__be16 new_word = bpf_htons((64 << 8) | ip->protocol);
	ip->check = csum_update(ip->check, old_word, new_word);
	return XDP_TX;
}
