// Tests: bpf_xdp_load_bytes / bpf_xdp_store_bytes in and out of range (offset past 0xffff, past the end), bpf_xdp_get_buff_len before and after stores.
#include "common.h"

SEC("xdp")
int xdp_bytes(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u8 buf[64];
	__u8 mac[6] = { 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
	__u32 tag = 0xc0ffee11;
	__u32 len = bpf_xdp_get_buff_len(ctx);

	__builtin_memset(buf, 0xaa, sizeof(buf));
	out[0] = len;
	out[1] = bpf_xdp_load_bytes(ctx, 0, buf, 14);
	out[2] = *(__u64 *)buf;
	out[3] = *(__u64 *)(buf + 8);
	out[4] = bpf_xdp_load_bytes(ctx, len - 4, buf, 4);
	out[5] = *(__u64 *)buf;
	__builtin_memset(buf, 0xaa, sizeof(buf));
	out[6] = bpf_xdp_load_bytes(ctx, len - 3, buf, 4);  /* one byte past the end */
	out[7] = *(__u64 *)buf;                              /* what a failed load leaves */
	out[8] = bpf_xdp_load_bytes(ctx, 0x10000, buf, 4);
	out[9] = bpf_xdp_load_bytes(ctx, 0xffff, buf, 4);
	out[10] = bpf_xdp_load_bytes(ctx, 0xffffffff, buf, 4);
	out[11] = bpf_xdp_load_bytes(ctx, 0, buf, 64);       /* fails on frames under 64 bytes */
	out[12] = *(__u64 *)(buf + 56);
	out[13] = bpf_xdp_store_bytes(ctx, 6, mac, 6);       /* rewrites the source MAC */
	out[14] = bpf_xdp_store_bytes(ctx, len - 2, &tag, 4);
	out[15] = bpf_xdp_store_bytes(ctx, len - 4, &tag, 4);
	out[16] = bpf_xdp_store_bytes(ctx, 0x10000, &tag, 4);
	out[17] = bpf_xdp_store_bytes(ctx, 0xffff, &tag, 1);
	/* after the stores: the length is unchanged and offset 0 reads the rewritten header */
	out[18] = bpf_xdp_get_buff_len(ctx);
	out[19] = bpf_xdp_load_bytes(ctx, 0, buf, 14);
	out[20] = *(__u64 *)buf;
	out[21] = *(__u64 *)(buf + 8);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
