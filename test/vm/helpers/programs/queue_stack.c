// Tests: bpf_map_push_elem / pop / peek on QUEUE and STACK - full (-E2BIG), BPF_EXIST overwriting the oldest, BPF_NOEXIST (-EINVAL), empty (-ENOENT).
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 3);
	__type(value, __u32);
} queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 3);
	__type(value, __u32);
} stack SEC(".maps");

static __always_inline void exercise(void *map, __s64 *out, __u32 base)
{
	__u32 v;

	for (int i = 0; i < 4; i++) {
		v = base + i;
		out[i] = bpf_map_push_elem(map, &v, 0);
	}
	v = base + 10;
	out[4] = bpf_map_push_elem(map, &v, BPF_EXIST);
	out[5] = bpf_map_push_elem(map, &v, BPF_NOEXIST);
	out[6] = bpf_map_push_elem(map, &v, 4);
	v = 0;
	out[7] = bpf_map_peek_elem(map, &v);
	out[8] = v;
	v = 0;
	out[9] = bpf_map_pop_elem(map, &v);
	out[10] = v;
}

/* pushes base..base+3 and base+10 (with BPF_EXIST), then peeks and pops one */
SEC("xdp")
int xdp_queue_stack(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 len = bpf_xdp_get_buff_len(ctx);

	exercise(&queue, out, len * 100);
	exercise(&stack, out + 11, len * 100);
	return XDP_PASS;
}

/* pops both maps empty, recording each status and value */
SEC("xdp")
int xdp_drain(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 v;

	for (int i = 0; i < 5; i++) {
		v = 0xffffffff;
		out[2 * i] = bpf_map_pop_elem(&queue, &v);
		out[2 * i + 1] = v;
	}
	for (int i = 0; i < 5; i++) {
		v = 0xffffffff;
		out[10 + 2 * i] = bpf_map_pop_elem(&stack, &v);
		out[11 + 2 * i] = v;
	}
	v = 0xffffffff;
	out[20] = bpf_map_peek_elem(&queue, &v);
	out[21] = v;
	out[22] = bpf_map_peek_elem(&stack, &v);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
