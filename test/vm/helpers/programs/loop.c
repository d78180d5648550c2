// Tests: bpf_loop - iteration counts, early stop, zero and maximum nr_loops, nr_loops past BPF_MAX_LOOPS (inlined: -E2BIG zero-extended), flags (-EINVAL), calls not inlined.
#include "common.h"

struct loop_ctx {
	__u64 sum;
	__u32 calls;
	__u32 stop_at;
};

static int square_sum(__u32 i, struct loop_ctx *c)
{
	c->sum += (__u64)i * i;
	c->calls++;
	return i == c->stop_at ? 1 : 0;
}

static int stop_now(__u32 i, struct loop_ctx *c)
{
	c->calls++;
	return 1;
}

/* zero, but not known to the verifier: the call sites reading it are not inlined */
volatile __u64 runtime_flags;

SEC("xdp")
int xdp_loop(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 len = bpf_xdp_get_buff_len(ctx);
	struct loop_ctx c = { .stop_at = ~0u };

	out[0] = bpf_loop(10, square_sum, &c, 0);
	out[1] = c.sum;
	out[2] = c.calls;
	c.stop_at = 4;
	out[3] = bpf_loop(10, square_sum, &c, 0);
	out[4] = c.sum;
	out[5] = bpf_loop(0, square_sum, &c, 0);
	c.stop_at = ~0u;
	out[6] = bpf_loop(len, square_sum, &c, 0);
	out[7] = c.sum;
	out[8] = c.calls;
	out[9] = bpf_loop(1 << 23, stop_now, &c, 0);
	out[10] = bpf_loop((1 << 23) + 1, stop_now, &c, 0);
	out[11] = bpf_loop(3, stop_now, &c, 1);
	out[12] = bpf_loop(3, stop_now, &c, 1ULL << 63);
	out[13] = c.calls;
	/* flags the verifier cannot see are 0: a helper call, not inlined */
	out[14] = bpf_loop(10, square_sum, &c, runtime_flags);
	out[15] = bpf_loop(0, square_sum, &c, runtime_flags);
	out[16] = bpf_loop(5, stop_now, &c, runtime_flags);
	out[17] = bpf_loop(0xffffffff, stop_now, &c, 0);
	out[18] = c.calls;
	out[19] = c.sum;
	return XDP_PASS;
}

/*
 * Past BPF_MAX_LOOPS with flags the verifier cannot see are 0: the kernel calls the helper,
 * which returns -E2BIG sign-extended, where the inlined call (flags a known 0) gives it
 * zero-extended. The VM, having no verifier, always gives the inlined result.
 */
SEC("xdp")
int xdp_loop_hidden_flags(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	struct loop_ctx c = {};

	out[0] = bpf_loop((1 << 23) + 1, stop_now, &c, runtime_flags);
	out[1] = bpf_loop(0xffffffff, stop_now, &c, runtime_flags);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
