// Tests: BPF_MAP_TYPE_RINGBUF - bpf_ringbuf_output / reserve / submit / discard return values, bpf_ringbuf_query positions until the ring (never consumed) is full.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct record {
	__u32 len;
	__u32 seq;
	__u8 head[16];
};

__u32 seq;

SEC("xdp")
int xdp_ringbuf(struct xdp_md *ctx)
{
	__s64 *out = next_run();
	struct record r = { .len = bpf_xdp_get_buff_len(ctx), .seq = seq++ };
	struct record *p;
	__u8 *big;

	bpf_xdp_load_bytes(ctx, 0, r.head, 14);
	out[0] = bpf_ringbuf_query(&rb, BPF_RB_RING_SIZE);
	out[1] = bpf_ringbuf_query(&rb, BPF_RB_PROD_POS);
	out[2] = bpf_ringbuf_query(&rb, BPF_RB_CONS_POS);
	out[3] = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA);
	out[4] = bpf_ringbuf_query(&rb, 99);
	out[5] = bpf_ringbuf_output(&rb, &r, sizeof(r), 0);
	out[6] = bpf_ringbuf_output(&rb, &r, sizeof(r), 4);
	out[7] = bpf_ringbuf_output(&rb, &r, sizeof(r), BPF_RB_NO_WAKEUP);

	/* reserved and submitted: the record carries seq + 1000 */
	p = bpf_ringbuf_reserve(&rb, sizeof(*p), 0);
	out[8] = p != 0;
	if (p) {
		*p = r;
		p->seq += 1000;
		bpf_ringbuf_submit(p, 0);
	}
	/* reserved and discarded: takes room, never read */
	p = bpf_ringbuf_reserve(&rb, sizeof(*p), 0);
	out[9] = p != 0;
	if (p)
		bpf_ringbuf_discard(p, BPF_RB_NO_WAKEUP);
	p = bpf_ringbuf_reserve(&rb, sizeof(*p), 1);
	out[10] = p != 0;
	if (p)
		bpf_ringbuf_discard(p, 0);
	/* a large record: the ring fills after a few runs */
	big = bpf_ringbuf_reserve(&rb, 1500, 0);
	out[11] = big != 0;
	if (big) {
		big[0] = r.seq;
		bpf_ringbuf_submit(big, BPF_RB_FORCE_WAKEUP);
	}
	out[12] = bpf_ringbuf_query(&rb, BPF_RB_PROD_POS);
	out[13] = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
