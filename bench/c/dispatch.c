// C twin of examples/dispatch.ts: a table of per-protocol handlers chosen by the IPv4
// protocol, with a .rodata override. Stock Linux rejects callx, so a C program for the kernel
// calls the handlers directly from a switch on the slot, as the TypeScript's kernel target does.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

const volatile __u32 dropEverything = 0;

static __always_inline void count(__u32 slot, struct iphdr *ip)
{
	__u64 *c = bpf_map_lookup_elem(&hits, &slot);
	if (c)
		*c += ip->ttl;
}

static __noinline int other(struct iphdr *ip)
{
	count(0, ip);
	return XDP_PASS;
}

static __noinline int icmp(struct iphdr *ip)
{
	count(1, ip);
	return XDP_DROP;
}

static __noinline int tcp(struct iphdr *ip)
{
	count(2, ip);
	return ip->tos == 0 ? XDP_PASS : XDP_DROP;
}

static __noinline int udp(struct iphdr *ip)
{
	count(3, ip);
	return ip->ttl <= 1 ? XDP_TX : XDP_PASS;
}

static __noinline int dropAll(struct iphdr *ip)
{
	count(4, ip);
	return XDP_DROP;
}

static __always_inline __u32 slotOf(__u32 protocol)
{
	switch (protocol) {
	case IPPROTO_ICMP:
		return 1;
	case IPPROTO_TCP:
		return 2;
	case IPPROTO_UDP:
		return 3;
	}
	return 0;
}

SEC("xdp")
int xdp_dispatch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	if (dropEverything != 0)
		return dropAll(ip);
	switch (slotOf(ip->protocol)) {
	case 0:
		return other(ip);
	case 1:
		return icmp(ip);
	case 2:
		return tcp(ip);
	default:
		return udp(ip);
	}
}
