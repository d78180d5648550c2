// C twin of bench/twins/lpm-v4.ts: learn IPv4 destinations in an LPM trie, drop replies from them.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct Prefix4 {
	__u32 prefixlen;
	__be32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__type(key, struct Prefix4);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} peers SEC(".maps");

SEC("xdp")
int xdp_lpm_v4(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return XDP_PASS;
	struct Prefix4 src = { .prefixlen = 32, .addr = ip->saddr };
	__u64 *back = bpf_map_lookup_elem(&peers, &src);
	if (back) {
		*back += 1;
		return XDP_DROP;
	}
	struct Prefix4 dst = { .prefixlen = 32, .addr = ip->daddr };
	if (!bpf_map_lookup_elem(&peers, &dst)) {
		struct Prefix4 learn = { .prefixlen = 32, .addr = ip->daddr };
		__u64 zero = 0;
		bpf_map_update_elem(&peers, &learn, &zero, BPF_ANY);
	}
	return XDP_PASS;
}
