// C twin of examples/cpu-steer.ts: TTL decrement with a bpf_csum_diff checksum update, a sample
// queue, and a cpumap redirect by source address.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

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

static __always_inline __u16 csum_fold(__s64 sum)
{
	__u32 s = (__u32)sum;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

SEC("xdp")
int xdp_cpu_steer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ttl <= 1)
		return XDP_PASS;
	__s64 partial = bpf_csum_diff((void *)ip, sizeof(*ip), 0, 0, ip->check ^ 0xffff);
	ip->ttl--;
	ip->check = csum_fold(bpf_csum_diff(0, 0, (void *)ip, sizeof(*ip), partial));
	struct sample s = { .saddr = ip->saddr, .len = data_end - data };
	bpf_map_push_elem(&samples, &s, BPF_EXIST);
	return bpf_redirect_map(&cpus, bpf_ntohl(ip->saddr) % steer_cpus, XDP_PASS);
}
