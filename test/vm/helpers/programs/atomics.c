// Tests: atomics on map values and the stack - fetch_add/or/and/xor, xchg and cmpxchg, 32 and 64 bit, results used and unused.
#include "common.h"

struct atoms {
	__u64 add64, or64, and64, xor64, xchg64, cas64;
	__u32 add32, or32, and32, xor32, xchg32, cas32;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct atoms);
} atoms SEC(".maps");

SEC("xdp")
int xdp_atomics(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	__u32 len = bpf_xdp_get_buff_len(ctx);
	__u32 zero = 0;
	struct atoms *a = bpf_map_lookup_elem(&atoms, &zero);

	if (!a)
		return XDP_ABORTED;
	/* the first run sets the AND targets to all ones */
	__sync_val_compare_and_swap(&a->and64, 0, ~0ULL);
	__sync_val_compare_and_swap(&a->and32, 0, ~0U);

	out[0] = __sync_fetch_and_add(&a->add64, (__u64)len << 33);
	out[1] = __sync_fetch_and_or(&a->or64, 1ULL << (len & 63));
	out[2] = __sync_fetch_and_and(&a->and64, ~(1ULL << (len & 63)));
	out[3] = __sync_fetch_and_xor(&a->xor64, 0x5555aaaa5555ULL * len);
	out[4] = __sync_lock_test_and_set(&a->xchg64, len);
	out[5] = __sync_val_compare_and_swap(&a->cas64, 0, len);
	out[6] = __sync_val_compare_and_swap(&a->cas64, 12345, 1);
	out[7] = __sync_fetch_and_add(&a->add32, 0xfffffff0u + len);
	out[8] = __sync_fetch_and_or(&a->or32, 1u << (len & 31));
	out[9] = __sync_fetch_and_and(&a->and32, ~(1u << (len & 31)));
	out[10] = __sync_fetch_and_xor(&a->xor32, 0x80000001u * len);
	out[11] = __sync_lock_test_and_set(&a->xchg32, 0x80000000u | len);
	out[12] = __sync_val_compare_and_swap(&a->cas32, 0, 0xfffffffeu);
	out[13] = __sync_val_compare_and_swap(&a->cas32, 0xfffffffeu, len);
	/* results not used: the plain atomic add/or/and/xor forms */
	__sync_fetch_and_add(&a->add64, 1);
	__sync_fetch_and_add(&a->add32, 1);
	__sync_fetch_and_or(&a->or32, 0x100);
	__sync_fetch_and_xor(&a->xor64, 0xff);
	__sync_fetch_and_and(&a->and64, ~0x2ULL);

	/* on the stack */
	volatile __u64 s64 = len;
	volatile __u32 s32 = 0xffffffff - len;
	out[14] = __sync_fetch_and_add(&s64, 0xffffffffULL);
	out[15] = __sync_fetch_and_xor(&s32, 0xa5a5a5a5u);
	out[16] = __sync_val_compare_and_swap(&s64, len + 0xffffffffULL, 7);
	out[17] = __sync_val_compare_and_swap(&s32, 0, 9);
	out[18] = __sync_lock_test_and_set(&s32, 0x12345678);
	out[19] = s64;
	out[20] = s32;
	out[21] = __sync_fetch_and_sub(&a->add64, 3);
	out[22] = __sync_fetch_and_sub(&a->add32, len);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
