// Tests: bpf_xdp_adjust_tail - shrink to 14 bytes and one past, grow back with the zero fill, the largest grow (searched) and one byte more.
#include "common.h"

SEC("xdp")
int xdp_adjust_tail(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	long len = bpf_xdp_get_buff_len(ctx);

	out[0] = len;
	out[1] = bpf_xdp_adjust_tail(ctx, 13 - len);
	out[2] = bpf_xdp_adjust_tail(ctx, 14 - len);
	out[3] = bpf_xdp_get_buff_len(ctx);
	/* growing clears the bytes the shrink gave up */
	out[4] = bpf_xdp_adjust_tail(ctx, len - 14);

	/* the largest grow the tailroom allows, by binary search */
	__u64 lo = 0, hi = 8192;
	for (int i = 0; i < 14; i++) {
		__u64 mid = (lo + hi + 1) / 2;
		if (bpf_xdp_adjust_tail(ctx, mid) == 0) {
			bpf_xdp_adjust_tail(ctx, -mid);
			lo = mid;
		} else {
			hi = mid - 1;
		}
	}
	out[5] = lo;
	out[6] = bpf_xdp_adjust_tail(ctx, lo + 1);
	out[7] = bpf_xdp_adjust_tail(ctx, 0);
	out[8] = bpf_xdp_adjust_tail(ctx, 100);
	out[9] = bpf_xdp_get_buff_len(ctx);

	__u64 n = bpf_xdp_get_buff_len(ctx);
	if (n < 8 || n > 4000)
		return XDP_ABORTED;
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 off = n - 8;
	barrier_var(off);
	void *last = data + off;
	if (last + 8 > data_end)
		return XDP_ABORTED;
	out[10] = *(__u64 *)last;
	*(__u8 *)(last + 7) = 0x7e;
	out[11] = bpf_xdp_adjust_tail(ctx, -0x7fffffff);
	out[12] = bpf_xdp_adjust_tail(ctx, 0x7fffffff);
	return XDP_PASS;
}

/* Trims the frame to 60 bytes when longer (fails below 14 + 46), as a padding stripper would. */
SEC("xdp")
int xdp_tail_trim(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	long len = bpf_xdp_get_buff_len(ctx);

	out[0] = bpf_xdp_adjust_tail(ctx, 60 - len);
	out[1] = bpf_xdp_get_buff_len(ctx);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
