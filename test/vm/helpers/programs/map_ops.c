// Tests: map lookup/update/delete on HASH, ARRAY, PERCPU_ARRAY and LRU_HASH - BPF_NOEXIST/BPF_EXIST/bad flags, full maps (-E2BIG), missing keys; LRU eviction (approximate in the kernel).
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} percpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} lru SEC(".maps");

static __always_inline __s64 peek(void *map, __u32 key)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	return v ? (__s64)*v : -1;
}

SEC("xdp")
int xdp_map_ops(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 len = bpf_xdp_get_buff_len(ctx);
	__u32 k = len % 6, missing = 1000, oob = 4;
	__u64 v = len, *p;

	/* HASH: 4 entries; keys len % 6 fill it over the runs */
	out[0] = bpf_map_update_elem(&hash, &k, &v, BPF_NOEXIST);
	out[1] = bpf_map_update_elem(&hash, &k, &v, BPF_NOEXIST);
	v++;
	out[2] = bpf_map_update_elem(&hash, &k, &v, BPF_EXIST);
	out[3] = bpf_map_update_elem(&hash, &missing, &v, BPF_EXIST);
	out[4] = bpf_map_update_elem(&hash, &k, &v, 4);
	out[5] = bpf_map_update_elem(&hash, &missing, &v, BPF_ANY);  /* -E2BIG once full */
	out[6] = bpf_map_delete_elem(&hash, &missing);
	out[7] = bpf_map_delete_elem(&hash, &missing);
	out[8] = peek(&hash, k);
	out[9] = peek(&hash, missing);

	/* ARRAY: every slot exists */
	out[10] = bpf_map_update_elem(&array, &k, &v, BPF_NOEXIST);
	out[11] = bpf_map_update_elem(&array, &oob, &v, BPF_ANY);
	out[12] = bpf_map_update_elem(&array, &(__u32){ k % 4 }, &v, BPF_EXIST);
	out[13] = bpf_map_delete_elem(&array, &k);
	out[14] = peek(&array, oob);
	p = bpf_map_lookup_elem(&array, &(__u32){ 3 });
	if (p)
		*p += len;

	/* PERCPU_ARRAY: the value of this CPU */
	p = bpf_map_lookup_elem(&percpu, &(__u32){ k % 4 });
	if (p)
		*p = *p * 3 + len;
	out[15] = bpf_map_update_elem(&percpu, &(__u32){ 2 }, &v, BPF_ANY);
	out[16] = bpf_map_update_elem(&percpu, &oob, &v, BPF_ANY);
	out[17] = peek(&percpu, 2);

	/* LRU_HASH, kept below max_entries: the same flag rules, no eviction */
	for (__u32 i = 0; i < 5; i++) {
		__u32 key = len * 100 + i;
		__u64 val = i;
		if (bpf_map_update_elem(&lru, &key, &val, BPF_NOEXIST))
			out[18]++;
	}
	k = len * 100;
	out[19] = bpf_map_update_elem(&lru, &k, &v, BPF_NOEXIST);
	out[20] = bpf_map_update_elem(&lru, &missing, &v, BPF_EXIST);
	out[21] = bpf_map_delete_elem(&lru, &k);
	out[22] = bpf_map_delete_elem(&lru, &k);
	out[23] = peek(&lru, len * 100 + 4);
	return XDP_PASS;
}

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} lru_evict SEC(".maps");

/*
 * 40 new keys a run against 64 entries: old ones are evicted. Which ones differs: the kernel
 * approximates LRU (per-CPU free lists, reference bits, batches), the VM keeps the exact order.
 */
SEC("xdp")
int xdp_lru_evict(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 len = bpf_xdp_get_buff_len(ctx);

	for (__u32 i = 0; i < 40; i++) {
		__u32 key = len * 100 + i;
		__u64 val = i;
		if (bpf_map_update_elem(&lru_evict, &key, &val, BPF_NOEXIST))
			out[0]++;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
