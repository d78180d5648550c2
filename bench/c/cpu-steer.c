// C twin of examples/cpu-steer.ts: TTL decrement with a bpf_csum_diff checksum update, a sample
// queue, and a cpumap redirect by source address.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct ttl_word {
	__u8 ttl;
	__u8 protocol;
	__u16 check;
};

struct sample {
	__be32 saddr;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 256);
	__type(value, struct sample);
} samples SEC(".maps");

const volatile __u32 steer_cpus = 4;

SEC("xdp")
int xdp_cpu_steer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	struct ttl_word *w = (void *)ip + 8;
	if (w->ttl <= 1)
		return XDP_PASS;
	struct ttl_word before = { .ttl = w->ttl, .protocol = w->protocol };
	w->ttl--;
	struct ttl_word after = { .ttl = w->ttl, .protocol = w->protocol };
	__u32 sum = bpf_csum_diff((void *)&before, sizeof(before), (void *)&after, sizeof(after), ~w->check & 0xffff);
	sum = (sum & 0xffff) + (sum >> 16);
	w->check = ~sum & 0xffff;
	struct sample s = { .saddr = ip->saddr, .len = data_end - data };
	bpf_map_push_elem(&samples, &s, BPF_EXIST);
	return bpf_redirect_map(&cpus, bpf_ntohl(ip->saddr) % steer_cpus, XDP_PASS);
}
