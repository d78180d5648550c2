// Tests: bpf_tail_call through a PROG_ARRAY - a chain of three programs, empty and out-of-range slots falling through, the 33-call limit, a tail call from a subprogram.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} jmp SEC(".maps");

__u32 hits[8];
__u64 trail;
__u32 loops;

static __always_inline void mark(struct xdp_md *ctx, __u32 stage)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	hits[stage & 7]++;
	trail = trail * 10 + stage;
	if (data + 8 <= data_end)
		*(__u8 *)(data + (stage & 7)) = 0xe0 + stage;
}

/* slot 1 (stage 1) or, when empty, XDP_DROP */
SEC("xdp")
int tc_entry(struct xdp_md *ctx)
{
	mark(ctx, 0);
	bpf_tail_call(ctx, &jmp, 1);
	return XDP_DROP;
}

SEC("xdp")
int tc_stage1(struct xdp_md *ctx)
{
	mark(ctx, 1);
	bpf_tail_call(ctx, &jmp, 2);
	return XDP_ABORTED;
}

/* the last stage: an empty slot and an index past max_entries both fall through */
SEC("xdp")
int tc_stage2(struct xdp_md *ctx)
{
	mark(ctx, 2);
	bpf_tail_call(ctx, &jmp, 7);
	bpf_tail_call(ctx, &jmp, 100);
	bpf_tail_call(ctx, &jmp, 0xffffffff);
	return XDP_TX;
}

/* tail calls itself (slot 3) until the kernel's limit stops it */
SEC("xdp")
int tc_self(struct xdp_md *ctx)
{
	loops++;
	bpf_tail_call(ctx, &jmp, 3);
	return XDP_PASS;
}

SEC("xdp")
int tc_loop_start(struct xdp_md *ctx)
{
	__s64 *out = next_run();

	out[0] = loops;
	loops = 0;
	bpf_tail_call(ctx, &jmp, 3);
	return XDP_DROP;
}

/* a tail call from a subprogram: the target's verdict returns to the subprogram's caller */
static __noinline int via_sub(struct xdp_md *ctx, __u32 slot)
{
	bpf_tail_call(ctx, &jmp, slot);
	return 40 + slot;
}

SEC("xdp")
int tc_from_sub(struct xdp_md *ctx)
{
	__s64 *out = next_run();

	out[0] = via_sub(ctx, 2);
	out[1] = via_sub(ctx, 6);
	out[2] = trail;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
