// Tests: bpf_for_each_map_elem over ARRAY, PERCPU_ARRAY and HASH - sums, values changed by the callback, early stop, flags (-EINVAL).
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} hsh SEC(".maps");

struct walk {
	__u64 sum;
	__u32 visited;
	__u32 stop_after;
};

/* sums key and value, then bumps the value; never stops */
static long add_and_bump(void *map, __u32 *key, __u64 *val, struct walk *w)
{
	w->sum += *val + *key * 1000;
	w->visited++;
	*val += 1;
	return 0;
}

/* counts, leaving values alone, and stops after stop_after elements */
static long count_until(void *map, __u32 *key, __u64 *val, struct walk *w)
{
	w->visited++;
	return w->visited >= w->stop_after ? 1 : 0;
}

/* in an ARRAY the order is the key order, so which elements an early stop saw is known */
static long sum_until(void *map, __u32 *key, __u64 *val, struct walk *w)
{
	w->sum += *val;
	w->visited++;
	return *key == w->stop_after ? 1 : 0;
}

SEC("xdp")
int xdp_for_each(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 len = bpf_xdp_get_buff_len(ctx);
	__u32 key = len % 8;
	__u64 val = len;
	struct walk w = {};

	bpf_map_update_elem(&arr, &key, &val, BPF_ANY);
	bpf_map_update_elem(&pcpu, &(__u32){ len % 4 }, &val, BPF_ANY);
	key = len;
	bpf_map_update_elem(&hsh, &key, &val, BPF_NOEXIST);

	out[0] = bpf_for_each_map_elem(&arr, add_and_bump, &w, 0);
	out[1] = w.sum;
	out[2] = w.visited;
	w = (struct walk){ .stop_after = 3 };
	out[3] = bpf_for_each_map_elem(&arr, sum_until, &w, 0);
	out[4] = w.sum;
	out[5] = w.visited;
	w = (struct walk){};
	out[6] = bpf_for_each_map_elem(&hsh, add_and_bump, &w, 0);
	out[7] = w.sum;
	out[8] = w.visited;
	w = (struct walk){ .stop_after = 2 };
	out[9] = bpf_for_each_map_elem(&hsh, count_until, &w, 0);
	out[10] = w.visited;
	w = (struct walk){};
	out[11] = bpf_for_each_map_elem(&pcpu, add_and_bump, &w, 0);
	out[12] = w.sum;
	w = (struct walk){ .stop_after = 1 };
	out[13] = bpf_for_each_map_elem(&pcpu, count_until, &w, 0);
	out[14] = bpf_for_each_map_elem(&arr, add_and_bump, &w, 1);
	out[15] = w.visited;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
