// Tests: bpf-to-bpf calls - a chain 8 frames deep (the kernel's maximum) of static __noinline functions with 5 arguments, stack buffers, pointers into the caller's stack, packet and map access in callees, a global function.
#include "common.h"
#include <linux/if_ether.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} depth_hits SEC(".maps");

static __noinline __u64 count_depth(__u32 depth)
{
	__u64 *hits = bpf_map_lookup_elem(&depth_hits, &depth);

	if (!hits)
		return 0;
	return __sync_fetch_and_add(hits, 1) + 1;
}

/* frame 7: the deepest the kernel allows */
static __noinline __u64 f7(__u64 a, __u64 b, __u64 c, __u64 d, __u64 e)
{
	return (a * 31 + b) ^ (c << 3) ^ (d >> 1) ^ (e * 0x9e3779b97f4a7c15ULL);
}

static __noinline __u64 f6(__u64 a, __u64 b, __u64 c, __u64 d, __u64 e)
{
	volatile __u64 keep[2] = { a ^ e, b ^ d };

	return f7(e, d, c, b, a) + keep[0] - keep[1] + count_depth(3);
}

/* writes through a pointer into its caller's stack */
static __noinline void f5(__u64 *slot, __u64 a, __u64 b, __u64 c, __u64 d)
{
	*slot = f6(a, b, c, d, *slot);
}

static __noinline __u64 f4(__u64 a, __u64 b, __u64 c, __u64 d, __u64 e)
{
	__u64 slot = a + e;

	f5(&slot, b, c, d, e);
	return slot ^ count_depth(2);
}

/* reads the packet through ctx */
static __noinline __u64 f3(struct xdp_md *ctx, __u64 a, __u64 b, __u64 c, __u64 d)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 first = 0;

	if (data + 8 <= data_end)
		first = *(__u64 *)data;
	return f4(first, a, b, c, d);
}

static __noinline __u64 f2(struct xdp_md *ctx, __u64 a, __u64 b, __u64 c, __u64 d)
{
	__u8 buf[24];

	for (int i = 0; i < 24; i++)
		buf[i] = a + i;
	return f3(ctx, *(__u64 *)buf, *(__u64 *)(buf + 8) ^ b, c + *(__u64 *)(buf + 16), d) + count_depth(1);
}

static __noinline __u64 f1(struct xdp_md *ctx, __u64 a)
{
	return f2(ctx, a, a * 3, a * 5, a * 7);
}

/* a global function is verified on its own: scalars in, scalar out */
__noinline int mix32(__u32 x, __u32 y)
{
	return (x * 2654435761u) ^ (y >> 3);
}

SEC("xdp")
int xdp_calls(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 len = bpf_xdp_get_buff_len(ctx);

	out[0] = f1(ctx, len);
	out[1] = f7(len, 2, 3, 4, 5);
	out[2] = mix32(len, 0xabcdef);
	out[3] = count_depth(0);
	/* callee-saved registers survive the calls */
	__u64 r6 = len * 11, r7 = len * 13;
	out[4] = f1(ctx, r6) ^ r7;
	out[5] = r6 + r7;
	return out[0] & 1 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
