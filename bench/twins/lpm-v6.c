// C twin of bench/twins/lpm-v6.ts: learn IPv6 sources in an LPM trie, drop repeat senders.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct Prefix6 {
	__u32 prefixlen;
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__type(key, struct Prefix6);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} seen SEC(".maps");

SEC("xdp")
int xdp_lpm_v6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	struct Prefix6 key = { .prefixlen = 128 };
	__builtin_memcpy(key.addr, &ip6->saddr, 16);
	__u64 *hit = bpf_map_lookup_elem(&seen, &key);
	if (hit) {
		*hit += 1;
		return XDP_DROP;
	}
	struct Prefix6 learn = { .prefixlen = 128 };
	__builtin_memcpy(learn.addr, &ip6->saddr, 16);
	__u64 one = 1;
	bpf_map_update_elem(&seen, &learn, &one, BPF_ANY);
	return XDP_PASS;
}
