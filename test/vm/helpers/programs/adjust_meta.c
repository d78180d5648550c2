// Tests: bpf_xdp_adjust_meta - sizes (unaligned, up to the headroom), writing and reading metadata, metadata moving with adjust_head, the limits they share.
#include "common.h"

static __always_inline int read_meta(struct xdp_md *ctx, __s64 *a, __s64 *b)
{
	void *data = (void *)(long)ctx->data;
	void *meta = (void *)(long)ctx->data_meta;

	if (meta + 8 > data)
		return -1;
	*a = *(__u32 *)meta;
	*b = *(__u32 *)(meta + 4);
	return 0;
}

SEC("xdp")
int xdp_adjust_meta(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	long len = bpf_xdp_get_buff_len(ctx);

	out[0] = bpf_xdp_adjust_meta(ctx, 1);   /* meta past data */
	out[1] = bpf_xdp_adjust_meta(ctx, -3);  /* not a multiple of 4 */
	out[2] = bpf_xdp_adjust_meta(ctx, -8);

	void *data = (void *)(long)ctx->data;
	void *meta = (void *)(long)ctx->data_meta;
	if (meta + 8 > data)
		return XDP_ABORTED;
	*(__u32 *)meta = 0x11223344;
	*(__u32 *)(meta + 4) = len;

	out[3] = bpf_xdp_adjust_meta(ctx, -24);  /* 32 bytes */
	out[4] = bpf_xdp_adjust_meta(ctx, -4);   /* 36 bytes */
	out[5] = bpf_xdp_adjust_meta(ctx, 36 - 217); /* meta inside struct xdp_frame */
	out[6] = bpf_xdp_adjust_meta(ctx, 36 - 216); /* the whole headroom: 216 bytes */
	out[7] = bpf_xdp_adjust_meta(ctx, 216 - 8);  /* back to 8 */
	if (read_meta(ctx, &out[8], &out[9]))
		return XDP_ABORTED;
	/* adjust_head moves the metadata with the data */
	out[10] = bpf_xdp_adjust_head(ctx, -8);
	if (read_meta(ctx, &out[11], &out[12]))
		return XDP_ABORTED;
	/* data is at 248 with 8 bytes of metadata: the head can go down to 40 + 8 */
	out[13] = bpf_xdp_adjust_head(ctx, -201);
	out[14] = bpf_xdp_adjust_head(ctx, -200);
	out[15] = bpf_xdp_adjust_meta(ctx, -4);
	if (read_meta(ctx, &out[16], &out[17]))
		return XDP_ABORTED;
	out[18] = bpf_xdp_adjust_head(ctx, 208);
	out[19] = bpf_xdp_get_buff_len(ctx);
	/* shrinking the head below 14 bytes fails with metadata too */
	out[20] = bpf_xdp_adjust_head(ctx, len - 13);
	/* 8 bytes of metadata stay in front of the frame */
	return XDP_PASS;
}

/* Metadata then removed again: the frame comes back unchanged. */
SEC("xdp")
int xdp_meta_roundtrip(struct xdp_md *ctx)
{
	__s64 *out = next_run();

	out[0] = bpf_xdp_adjust_meta(ctx, -16);
	out[1] = bpf_xdp_adjust_meta(ctx, 16);
	out[2] = bpf_xdp_adjust_meta(ctx, 4);
	out[3] = bpf_xdp_adjust_meta(ctx, -4);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
