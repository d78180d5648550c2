// Tests: bpf_xdp_adjust_head - grow to the headroom limit and one byte past it, shrink to 14 bytes and one past, write the grown head.
#include "common.h"

SEC("xdp")
int xdp_adjust_head(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	long len = bpf_xdp_get_buff_len(ctx);

	out[0] = len;
	/* 256 bytes of headroom, the first 40 (struct xdp_frame) unreachable */
	out[1] = bpf_xdp_adjust_head(ctx, -217);
	out[2] = bpf_xdp_adjust_head(ctx, -216);
	out[3] = bpf_xdp_adjust_head(ctx, -1);
	out[4] = bpf_xdp_get_buff_len(ctx);
	out[5] = bpf_xdp_adjust_head(ctx, 216);
	/* at least ETH_HLEN bytes must remain */
	out[6] = bpf_xdp_adjust_head(ctx, len - 13);
	out[7] = bpf_xdp_adjust_head(ctx, len - 14);
	out[8] = bpf_xdp_get_buff_len(ctx);
	out[9] = bpf_xdp_adjust_head(ctx, 0);
	/* grow 8 bytes in front of the original frame: the headroom there is zero */
	out[10] = bpf_xdp_adjust_head(ctx, 14 - len - 8);

	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 22 > data_end)
		return XDP_ABORTED;
	out[11] = *(__u64 *)data;
	out[12] = *(__u64 *)(data + 8);
	*(__u32 *)data = 0xdeadbeef;
	out[13] = bpf_xdp_get_buff_len(ctx);
	out[14] = bpf_xdp_adjust_head(ctx, 0x7fffffff);
	out[15] = bpf_xdp_adjust_head(ctx, -0x7fffffff);
	return XDP_PASS;
}

/* Strips the Ethernet header (fails on a 14-byte frame) and returns the frame without it. */
SEC("xdp")
int xdp_head_strip(struct xdp_md *ctx)
{
	__s64 *out = next_run();

	out[0] = bpf_xdp_adjust_head(ctx, 14);
	out[1] = bpf_xdp_get_buff_len(ctx);
	return out[0] == 0 ? XDP_TX : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
