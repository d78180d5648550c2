// C twin of examples/cidr-block.ts: an LPM-trie CIDR blocklist whose longest matching rule decides and counts hits.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct Prefix {
	__u32 prefixlen;
	__be32 addr;
};

struct Rule {
	__u32 action;
	__u64 hits;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__type(key, struct Prefix);
	__type(value, struct Rule);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} rules SEC(".maps");

SEC("xdp")
int xdp_cidr_block(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	struct Prefix key = { .prefixlen = 32, .addr = ip->saddr };
	struct Rule *rule = bpf_map_lookup_elem(&rules, &key);
	if (!rule)
		return XDP_PASS;
	rule->hits += 1;
	return rule->action == XDP_DROP ? XDP_DROP : XDP_PASS;
}
