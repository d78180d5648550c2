// Tests (VM only): bpf_trace_printk text - the documented conversions %d %i %u %x %ld %li %lu %lx %lld %lli %llu %llx %s, and -EINVAL for an unknown one.
#include "common.h"

SEC("xdp")
int xdp_trace(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 len = bpf_xdp_get_buff_len(ctx);
	char name[8] = "frame";

	out[0] = bpf_printk("len %d tag %x", len, 0xbeef);
	out[1] = bpf_printk("int %d %i %u", -5, -6, -7);
	out[2] = bpf_printk("hex %x long %ld %lu", -1, -8L, -9L);
	out[3] = bpf_printk("ll %lld %llu %llx", -10LL, -11LL, 0x123456789abcdefULL);
	out[4] = bpf_printk("li %li lx %lx lli %lli", -12L, 255L, -13LL);
	out[5] = bpf_printk("%s of %u bytes", name, len);
	out[6] = bpf_printk("bad %q", 1);
	out[7] = bpf_printk("no conversions");
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
