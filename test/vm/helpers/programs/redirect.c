// Tests: bpf_redirect return values (flags 0 and not), bpf_redirect_map on DEVMAP / DEVMAP_HASH with present and absent keys, fallback actions, invalid and broadcast flags.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} devmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} devhash SEC(".maps");

SEC("xdp")
int xdp_redirect_codes(struct xdp_md *ctx)
{
	__s64 *out = next_run();

	out[0] = bpf_redirect(1, 0);
	out[1] = bpf_redirect(1, 1);
	out[2] = bpf_redirect(12345, 0);
	out[3] = bpf_redirect(1, 1ULL << 40);
	out[4] = bpf_redirect_map(&devmap, 1, 0);              /* present (the test fills key 1) */
	out[5] = bpf_redirect_map(&devmap, 0, 0);              /* absent: the fallback, XDP_ABORTED */
	out[6] = bpf_redirect_map(&devmap, 0, XDP_PASS);
	out[7] = bpf_redirect_map(&devmap, 0, XDP_TX);
	out[8] = bpf_redirect_map(&devmap, 1, XDP_PASS);
	out[9] = bpf_redirect_map(&devmap, 9, XDP_DROP);       /* past max_entries */
	out[10] = bpf_redirect_map(&devmap, 0, 4);             /* not a flag */
	out[11] = bpf_redirect_map(&devmap, 0, BPF_F_BROADCAST);
	out[12] = bpf_redirect_map(&devmap, 0, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS | XDP_PASS);
	out[13] = bpf_redirect_map(&devmap, 0, 1 << 5);
	out[14] = bpf_redirect_map(&devmap, 0x100000001ULL, XDP_DROP);
	out[15] = bpf_redirect_map(&devhash, 7, XDP_DROP);     /* present */
	out[16] = bpf_redirect_map(&devhash, 8, XDP_PASS);     /* absent */
	out[17] = bpf_redirect_map(&devhash, 8, BPF_F_BROADCAST);
	out[18] = bpf_redirect_map(&devhash, 7, XDP_TX | 4);
	return XDP_PASS;
}

/* Returns bpf_redirect_map's verdict for a key taken from the frame length. */
SEC("xdp")
int xdp_redirect_verdict(struct xdp_md *ctx)
{
	__u32 key = bpf_xdp_get_buff_len(ctx) & 3;

	return bpf_redirect_map(&devmap, key, XDP_DROP);
}

/* Returns bpf_redirect's verdict: flags from the frame length (0 for even lengths). */
SEC("xdp")
int xdp_redirect_ifindex(struct xdp_md *ctx)
{
	return bpf_redirect(1, bpf_xdp_get_buff_len(ctx) & 1);
}

char LICENSE[] SEC("license") = "GPL";
