// Tests: bpf_perf_event_output from XDP - the sample with and without packet bytes (BPF_F_CTXLEN), and its error returns: invalid flags, ctx length past the packet, index past max_entries, empty slot.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} events SEC(".maps");

struct sample {
	__u32 len;
	__u32 magic;
};

SEC("xdp")
int xdp_perf_output(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u64 len = bpf_xdp_get_buff_len(ctx);
	struct sample s = { .len = len, .magic = 0xfeedbeef };

	out[0] = bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &s, sizeof(s));
	out[1] = bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | (14ULL << 32), &s, sizeof(s));
	out[2] = bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | (len << 32), &s, sizeof(s));
	out[3] = bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | ((len + 1) << 32), &s, sizeof(s));
	out[4] = bpf_perf_event_output(ctx, &events, 7, &s, sizeof(s));
	out[5] = bpf_perf_event_output(ctx, &events, 1ULL << 52, &s, sizeof(s));
	out[6] = bpf_perf_event_output(ctx, &events, 1, &s, sizeof(s));
	out[7] = bpf_perf_event_output(ctx, &events, 0, &s, sizeof(s));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
