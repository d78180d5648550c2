// Tests: bpf_xdp_adjust_meta, which Linux 6.18.44 no longer lets XDP programs call: the kernel
// and the bundled verifier refuse the load, and the VM (run without the verifier) faults.
#include "common.h"

SEC("xdp")
int xdp_adjust_meta(struct xdp_md *ctx)
{
	__s64 *out = next_run();

	out[0] = bpf_xdp_adjust_meta(ctx, -8);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
