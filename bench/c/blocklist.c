// C twin of examples/blocklist.ts: an IPv4 blocklist that drops a source from its third sighting.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __be32);
	__type(value, __u32);
} sightings SEC(".maps");

SEC("xdp")
int xdp_blocklist(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	__be32 saddr = ip->saddr;
	__u32 *seen = bpf_map_lookup_elem(&sightings, &saddr);
	if (!seen) {
		__u32 one = 1;
		bpf_map_update_elem(&sightings, &saddr, &one, BPF_NOEXIST);
		return XDP_PASS;
	}
	__u32 count = *seen + 1;
	bpf_map_update_elem(&sightings, &saddr, &count, BPF_EXIST);
	return count >= 3 ? XDP_DROP : XDP_PASS;
}
