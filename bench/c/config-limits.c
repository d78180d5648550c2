// C twin of examples/config-limits.ts: .rodata limits, .bss/.data counters, two subprograms
// (__noinline, as the TypeScript marks them @noinline: the example is about subprograms).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 maxFrameLen = 1024;
const volatile __u64 passBudget = 2;

__u64 framesSeen = 0;
__u64 bytesSeen = 0;
__u32 lastLen = 64;

static __noinline __u64 account(__u32 len)
{
	bytesSeen += len;
	lastLen = len;
	framesSeen += 1;
	return framesSeen;
}

static __noinline int verdict(__u32 len, __u64 seen)
{
	if (len > maxFrameLen)
		return XDP_DROP;
	return seen > passBudget ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int xdp_config_limits(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	return verdict(len, account(len));
}
