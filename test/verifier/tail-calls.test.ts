// Tail calls inside static subprograms in C probes (clang-19), each loaded in the running kernel:
// Linux 6.18 walks such a tail call both as a failed call (the subprogram goes on) and as an
// exit of the subprogram (r0 unknown, packet pointers invalidated in every frame); a global
// subprogram that may tail-call (or change packet data) invalidates its caller's packet pointers.
import { cProbeSuite, type CProbe } from "./c-probe.js";

const PA = "struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } pa SEC(\".maps\");";
const ARR = "struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } arr SEC(\".maps\");";

const probes: Record<string, CProbe> = {
  "tail call in a subprogram, its result used by the caller": {
    c: `${PA}
static __noinline int sub(struct xdp_md *ctx) { bpf_tail_call(ctx, &pa, 0); return 1; }
SEC("xdp") int prog(struct xdp_md *ctx) { return sub(ctx) == 1 ? XDP_PASS : XDP_DROP; }`,
  },
  "packet pointer of the caller used after a subprogram's tail call": {
    c: `${PA}
static __noinline int sub(struct xdp_md *ctx) { bpf_tail_call(ctx, &pa, 0); return 0; }
SEC("xdp") int prog(struct xdp_md *ctx) {
  unsigned char *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 1 > end) return XDP_DROP;
  int r = sub(ctx);
  asm volatile("" : "+r"(data));
  return *data + r;
}`,
  },
  "packet pointer used in the subprogram after its failed tail call": {
    c: `${PA}
static __noinline int sub(struct xdp_md *ctx) {
  unsigned char *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 1 > end) return 0;
  bpf_tail_call(ctx, &pa, 0);
  return *data;
}
SEC("xdp") int prog(struct xdp_md *ctx) { return sub(ctx) & 1; }`,
  },
  "caller's value bounded before a subprogram's tail call indexes an array after it": {
    c: `${PA}
${ARR}
static __noinline int sub(struct xdp_md *ctx, int k) { if (k == 2) bpf_tail_call(ctx, &pa, 0); return k; }
SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 i = ctx->rx_queue_index & 3;
  int r = sub(ctx, ctx->ingress_ifindex);
  __u64 *v = bpf_map_lookup_elem(&arr, &i);
  return (v ? *v : 0) + r;
}`,
  },
  "caller's offset made precise across a subprogram's tail call": {
    c: `${PA}
${ARR}
static __noinline int sub(struct xdp_md *ctx, int k) { if (k > 5) bpf_tail_call(ctx, &pa, 0); return k & 1; }
SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 zero = 0, i = ctx->rx_queue_index & 7;
  int r = ctx->ingress_ifindex & 1 ? sub(ctx, ctx->ingress_ifindex) : sub(ctx, 2);
  unsigned char *v = bpf_map_lookup_elem(&arr, &zero);
  if (!v) return 0;
  return v[i] + r;
}`,
  },
  "packet pointer used in the main program after its failed tail call": {
    c: `${PA}
SEC("xdp") int prog(struct xdp_md *ctx) {
  unsigned char *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 1 > end) return XDP_DROP;
  bpf_tail_call(ctx, &pa, 0);
  return *data & 1;
}`,
  },
  "packet pointer of the caller used after a global subprogram's tail call": {
    c: `${PA}
__noinline int sub(struct xdp_md *ctx) { bpf_tail_call(ctx, &pa, 0); return 0; }
SEC("xdp") int prog(struct xdp_md *ctx) {
  unsigned char *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 1 > end) return XDP_DROP;
  int r = sub(ctx);
  asm volatile("" : "+r"(data));
  return *data + r;
}`,
  },
  "packet pointer of the caller used after a global subprogram's static callee's tail call": {
    c: `${PA}
static __noinline int leaf(struct xdp_md *ctx) { bpf_tail_call(ctx, &pa, 0); return 0; }
__noinline int sub(struct xdp_md *ctx) { return leaf(ctx) + 1; }
SEC("xdp") int prog(struct xdp_md *ctx) {
  unsigned char *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 1 > end) return XDP_DROP;
  int r = sub(ctx);
  asm volatile("" : "+r"(data));
  return *data + r;
}`,
  },
  "packet pointer of the caller used after a global subprogram that adjusts the head": {
    c: `__noinline int sub(struct xdp_md *ctx) { return bpf_xdp_adjust_head(ctx, 0); }
SEC("xdp") int prog(struct xdp_md *ctx) {
  unsigned char *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 1 > end) return XDP_DROP;
  int r = sub(ctx);
  asm volatile("" : "+r"(data));
  return *data + r;
}`,
  },
  "packet pointer of the caller used after a global subprogram without tail calls": {
    c: `__noinline int sub(struct xdp_md *ctx) { return ctx->ingress_ifindex; }
SEC("xdp") int prog(struct xdp_md *ctx) {
  unsigned char *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 1 > end) return XDP_DROP;
  int r = sub(ctx);
  asm volatile("" : "+r"(data));
  return *data + r;
}`,
  },
  "tail call in a nested subprogram": {
    c: `${PA}
static __noinline int inner(struct xdp_md *ctx) { bpf_tail_call(ctx, &pa, 1); return 2; }
static __noinline int outer(struct xdp_md *ctx) { int r = inner(ctx); if (r == 2) bpf_tail_call(ctx, &pa, 0); return r; }
SEC("xdp") int prog(struct xdp_md *ctx) { return outer(ctx) & 3; }`,
  },
};

cProbeSuite("tail calls in subprograms agree with the kernel", probes, "verifier-tail-calls", "test/verifier/tail-calls.test.ts");
