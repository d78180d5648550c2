// Tests: bpf_spin_lock / bpf_spin_unlock around updates of map values holding a struct bpf_spin_lock (ARRAY and HASH).
#include "common.h"

struct counter {
	__u64 sum;
	struct bpf_spin_lock lock;
	__u32 count;
	__u32 last;
	__u32 max;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct counter);
} locked_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct counter);
} locked_hash SEC(".maps");

static __always_inline void account(struct counter *c, __u32 len)
{
	bpf_spin_lock(&c->lock);
	c->sum += len;
	c->count++;
	c->last = len;
	if (len > c->max)
		c->max = len;
	bpf_spin_unlock(&c->lock);
}

SEC("xdp")
int xdp_spin_lock(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 len = bpf_xdp_get_buff_len(ctx);
	__u32 key = len & 1;
	struct counter init = { .sum = 1, .count = 0, .last = 0, .max = 0 };
	struct counter *c;

	c = bpf_map_lookup_elem(&locked_array, &key);
	if (!c)
		return XDP_ABORTED;
	account(c, len);
	out[0] = c->count;

	key = len % 3;
	c = bpf_map_lookup_elem(&locked_hash, &key);
	if (!c) {
		out[1] = bpf_map_update_elem(&locked_hash, &key, &init, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&locked_hash, &key);
		if (!c)
			return XDP_ABORTED;
	}
	account(c, len);
	out[2] = c->sum;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
