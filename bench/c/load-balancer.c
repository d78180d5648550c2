// C twin of examples/load-balancer.ts: rewrites UDP to the VIP to one of four backends and redirects via a devmap.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define VIP 0xc6336435		/* 198.51.100.53 */
#define BACKEND_BASE 0xc0000264	/* 192.0.2.100 .. 192.0.2.103 */
#define BACKENDS 4

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, BACKENDS);
	__type(key, __u32);
	__type(value, __u32);
} egress SEC(".maps");

static __always_inline __u32 fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	return (sum & 0xffff) + (sum >> 16);
}

/* RFC 1624 update of check for a 32-bit field changing from old to now (host order). */
static __always_inline __be16 csum_update32(__be16 check, __u32 old, __u32 now)
{
	__u32 sum = (~bpf_ntohs(check) & 0xffff) + ((~old >> 16) & 0xffff) + (~old & 0xffff) +
		    (now >> 16) + (now & 0xffff);
	return bpf_htons((__u16)~fold(sum));
}

static __always_inline __u32 pick_backend(__u32 saddr)
{
	__u32 h = (saddr ^ (saddr >> 16)) * 0x45d9f3b;
	return (h ^ (h >> 16)) % BACKENDS;
}

SEC("xdp")
int xdp_load_balancer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->protocol != IPPROTO_UDP || ip->daddr != bpf_htonl(VIP))
		return XDP_PASS;
	__u32 slot = pick_backend(bpf_ntohl(ip->saddr));
	__u32 backend = BACKEND_BASE + slot;
	ip->check = csum_update32(ip->check, VIP, backend);
	ip->daddr = bpf_htonl(backend);
	return bpf_redirect_map(&egress, slot, XDP_DROP);
}
