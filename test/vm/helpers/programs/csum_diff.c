// Tests: bpf_csum_diff - push, pull and diff of 1..516 bytes with several seeds (sizes not multiples of 4 and past 512 are accepted since Linux 6.13), zero sums, and an RFC 1624 incremental IPv4 checksum update.
#include "common.h"
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>

struct big {
	__u32 w[130];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct big);
} scratch SEC(".maps");

static __always_inline __u16 csum_fold(__u64 csum)
{
	csum = (csum & 0xffff) + (csum >> 16);
	csum = (csum & 0xffff) + (csum >> 16);
	return ~csum;
}

SEC("xdp")
int xdp_csum_diff(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 len = bpf_xdp_get_buff_len(ctx);
	__u32 a[10], b[10];
	__u32 zero = 0;

	for (int i = 0; i < 10; i++) {
		a[i] = (0x01020304u * (i + 1)) ^ len;
		b[i] = (0xfedcba98u - i * 0x11111111u) + len;
	}
	out[0] = bpf_csum_diff(0, 0, a, 4, 0);
	out[1] = bpf_csum_diff(a, 4, b, 4, 0);
	out[2] = bpf_csum_diff(a, 4, b, 4, 0xffff);
	out[3] = bpf_csum_diff(a, 8, b, 8, 0xfffffffe);
	out[4] = bpf_csum_diff(a, 20, 0, 0, 0x12345678);
	out[5] = bpf_csum_diff(a, 40, b, 40, len);
	out[6] = bpf_csum_diff(a, 16, b, 8, 1);
	out[7] = bpf_csum_diff(0, 0, 0, 0, 0xdeadbeef);
	out[8] = bpf_csum_diff(a, 3, b, 4, 0);
	out[9] = bpf_csum_diff(a, 4, b, 6, 0);

	struct big *v = bpf_map_lookup_elem(&scratch, &zero);
	if (!v)
		return XDP_ABORTED;
	for (int i = 0; i < 130; i++)
		v->w[i] = (i * 0x9e3779b9u) ^ len;
	out[10] = bpf_csum_diff(v->w, 256, v->w + 64, 256, 7);   /* 512 bytes: the old limit */
	out[11] = bpf_csum_diff(v->w, 256, v->w + 64, 260, 7);   /* 516 bytes */
	out[12] = bpf_csum_diff(0, 0, v->w, 512, 0);
	out[13] = bpf_csum_diff(v->w, 512, 0, 0, 0);

	/* zero: which representation (0 or 0xffff) comes back; odd sizes */
	__u32 zeros[2] = {};
	out[18] = bpf_csum_diff(a, 8, a, 8, 0);
	out[19] = bpf_csum_diff(zeros, 8, 0, 0, 0);
	out[20] = bpf_csum_diff(0, 0, zeros, 8, 0);
	out[21] = bpf_csum_diff(zeros, 8, zeros, 8, 0);
	out[22] = bpf_csum_diff(0, 0, a, 1, 0);
	out[23] = bpf_csum_diff(a, 5, 0, 0, 0x1234);

	/* IPv4: the header sum, then a NAT-style rewrite of daddr with an incremental update */
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	out[14] = bpf_csum_diff(0, 0, (void *)ip, 20, 0);
	out[15] = csum_fold(out[14]);
	__u32 old_daddr = ip->daddr;
	__u32 new_daddr = old_daddr ^ bpf_htonl(0x00ff0000 | (len & 0xff));
	out[16] = bpf_csum_diff(&old_daddr, 4, &new_daddr, 4, ~((__u32)ip->check) & 0xffff);
	ip->daddr = new_daddr;
	ip->check = csum_fold(out[16]);
	/* the updated header sums to 0xffff when the update was right */
	out[17] = csum_fold(bpf_csum_diff(0, 0, (void *)ip, 20, 0));
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
