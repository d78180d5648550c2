// C twin of bench/twins/percpu-stats.ts: per-CPU frame and byte counters per protocol class.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct Stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct Stats);
} stats SEC(".maps");

static __always_inline __u32 class_of(void *data, void *end)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return 0;
	if (ip->protocol == IPPROTO_TCP)
		return 1;
	if (ip->protocol == IPPROTO_UDP)
		return 2;
	if (ip->protocol == IPPROTO_ICMP)
		return 3;
	return 0;
}

SEC("xdp")
int xdp_percpu_stats(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 key = class_of(data, end);
	struct Stats *s = bpf_map_lookup_elem(&stats, &key);
	if (s) {
		s->packets += 1;
		s->bytes += (__u64)(end - data);
	}
	return XDP_PASS;
}
