// Tests (VM only): bpf_ktime_get_ns, bpf_ktime_get_boot_ns, bpf_get_prandom_u32 and bpf_get_smp_processor_id under the run's injected clock, generator and CPU.
#include "common.h"

SEC("xdp")
int xdp_time(struct xdp_md *ctx)
{
	__s64 *out = next_run();

	out[0] = bpf_ktime_get_ns();
	out[1] = bpf_ktime_get_ns();
	out[2] = bpf_ktime_get_boot_ns();
	out[3] = bpf_get_prandom_u32();
	out[4] = bpf_get_prandom_u32();
	out[5] = bpf_get_prandom_u32();
	out[6] = bpf_get_smp_processor_id();
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
