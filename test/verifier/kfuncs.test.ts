// kfunc calls in C probes (clang-19, `__ksym` externs linked against the running kernel's BTF),
// each loaded in the kernel: which kfuncs XDP may call, sleepable and device-bound kfuncs, and
// kfuncs the bundled verifier does not model (refused, never guessed at).
import { describe, expect, it } from "vitest";
import { kfuncTable } from "../../runtime/object/kfuncs.js";
import { readVmlinuxBtf } from "../../runtime/object/kernel-btf.js";
import { cProbeSuite, type CProbe } from "./c-probe.js";

const probes: Record<string, CProbe> = {
  "kfunc outside XDP's id sets (bpf_cpumask_create)": {
    c: `struct bpf_cpumask;
extern struct bpf_cpumask *bpf_cpumask_create(void) __ksym;
extern void bpf_cpumask_release(struct bpf_cpumask *cpumask) __ksym;
SEC("xdp") int prog(struct xdp_md *ctx) {
  struct bpf_cpumask *m = bpf_cpumask_create();
  if (m) bpf_cpumask_release(m);
  return XDP_PASS;
}`,
  },
  "sleepable kfunc (bpf_lookup_user_key)": {
    c: `struct bpf_key;
extern struct bpf_key *bpf_lookup_user_key(__s32 serial, __u64 flags) __ksym;
extern void bpf_key_put(struct bpf_key *key) __ksym;
SEC("xdp") int prog(struct xdp_md *ctx) {
  struct bpf_key *k = bpf_lookup_user_key(1, 0);
  if (k) bpf_key_put(k);
  return XDP_PASS;
}`,
  },
  "XDP metadata kfunc on a program not bound to a device": {
    c: `extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash, __u32 *rss_type) __ksym;
SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 hash = 0, type = 0;
  bpf_xdp_metadata_rx_hash(ctx, &hash, &type);
  return hash & 1;
}`,
  },
  "metadata kfunc on a branch that may never run (refused before the walk)": {
    c: `extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *ts) __ksym;
SEC("xdp") int prog(struct xdp_md *ctx) {
  __u64 ts = 0;
  if (ctx->ingress_ifindex == 12345) bpf_xdp_metadata_rx_timestamp(ctx, &ts);
  return ts & 1;
}`,
  },
};

cProbeSuite("kfunc calls agree with the kernel", probes, "verifier-kfuncs", "test/verifier/kfuncs.test.ts");

const ITER = `struct bpf_iter_num { __u64 __opaque[1]; } __attribute__((aligned(8)));
extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, __u64); __type(value, __u64); } m SEC(".maps");
int arr[16];
`;
const iterProbe = (body: string, extra: Partial<CProbe> = {}): CProbe => ({ c: `${ITER}SEC("xdp") int prog(struct xdp_md *ctx) {\n${body}\n}`, ...extra });

const iterProbes: Record<string, CProbe> = {
  "sum over bpf_iter_num": iterProbe("struct bpf_iter_num it; int *v; int s = 0; bpf_iter_num_new(&it, 0, 10); while ((v = bpf_iter_num_next(&it))) s += *v; bpf_iter_num_destroy(&it); return s & 1;"),
  "bpf_for-style loop with a bounded array index": iterProbe(
    "struct bpf_iter_num it; int *v; int s = 0; bpf_iter_num_new(&it, 0, 16); while ((v = bpf_iter_num_next(&it))) { int i = *v; if (i >= 0 && i < 16) s += arr[i]; } bpf_iter_num_destroy(&it); return s & 1;",
  ),
  "element used as an unchecked array index": iterProbe(
    "struct bpf_iter_num it; int *v; int s = 0; bpf_iter_num_new(&it, 0, 16); while ((v = bpf_iter_num_next(&it))) s += arr[*v]; bpf_iter_num_destroy(&it); return s & 1;",
  ),
  "nested iterators": iterProbe(
    "struct bpf_iter_num a, b; int *x, *y; int s = 0; bpf_iter_num_new(&a, 0, 3); while ((x = bpf_iter_num_next(&a))) { bpf_iter_num_new(&b, 0, 3); while ((y = bpf_iter_num_next(&b))) s += *x * *y; bpf_iter_num_destroy(&b); } bpf_iter_num_destroy(&a); return s & 1;",
  ),
  "reading the iterator's stack slot": iterProbe("struct bpf_iter_num it; bpf_iter_num_new(&it, 0, 10); __u64 x = *(volatile __u64 *)&it; bpf_iter_num_destroy(&it); return x & 1;"),
  "overwriting the iterator's stack slot": iterProbe("struct bpf_iter_num it; bpf_iter_num_new(&it, 0, 10); *(volatile __u64 *)&it = 0; bpf_iter_num_destroy(&it); return 0;"),
  "iterator slot passed to a helper": iterProbe("struct bpf_iter_num it; bpf_iter_num_new(&it, 0, 10); bpf_map_lookup_elem(&m, &it); bpf_iter_num_destroy(&it); return 0;"),
  "new on a live iterator": iterProbe("struct bpf_iter_num it; bpf_iter_num_new(&it, 0, 10); bpf_iter_num_new(&it, 0, 10); bpf_iter_num_destroy(&it); return 0;"),
  "iterator never destroyed": iterProbe("struct bpf_iter_num it; bpf_iter_num_new(&it, 0, 10); return 0;"),
  "next on an uninitialised iterator": iterProbe("struct bpf_iter_num it; bpf_iter_num_next(&it); return 0;"),
  "destroyed twice": iterProbe("struct bpf_iter_num it; bpf_iter_num_new(&it, 0, 10); bpf_iter_num_destroy(&it); bpf_iter_num_destroy(&it); return 0;"),
  "next after destroy": iterProbe("struct bpf_iter_num it; bpf_iter_num_new(&it, 0, 10); bpf_iter_num_destroy(&it); bpf_iter_num_next(&it); return 0;"),
  "element dereferenced without a NULL check": iterProbe("struct bpf_iter_num it; int *v; int s; bpf_iter_num_new(&it, 0, 10); v = bpf_iter_num_next(&it); s = *v; bpf_iter_num_destroy(&it); return s & 1;"),
  "writing through the element pointer": iterProbe("struct bpf_iter_num it; int *v; bpf_iter_num_new(&it, 0, 10); v = bpf_iter_num_next(&it); if (v) *v = 3; bpf_iter_num_destroy(&it); return 0;"),
  "iterator loop inside a global subprogram (func_info and .ksyms BTF loaded)": {
    c: `${ITER}__noinline int gsum(int n) { struct bpf_iter_num it; int *v; int s = 0; bpf_iter_num_new(&it, 0, n); while ((v = bpf_iter_num_next(&it))) s += *v; bpf_iter_num_destroy(&it); return s; }
SEC("xdp") int prog(struct xdp_md *ctx) { return gsum(ctx->rx_queue_index & 7) & 1; }`,
  },
  "reading past the element": iterProbe("struct bpf_iter_num it; int *v; int s = 0; bpf_iter_num_new(&it, 0, 10); v = bpf_iter_num_next(&it); if (v) s = v[1]; bpf_iter_num_destroy(&it); return s & 1;"),
};

cProbeSuite("open-coded iterators agree with the kernel", iterProbes, "verifier-iterators", "test/verifier/kfuncs.test.ts");

describe("kfunc table", () => {
  const btf = readVmlinuxBtf();
  it.skipIf(!btf)("the bundled snapshot's ids and prototypes are the running kernel's (regenerate it with bench/kfuncs/snapshot.ts otherwise)", () => {
    const live = kfuncTable(btf);
    const snap = kfuncTable("snapshot");
    for (const name of ["bpf_iter_num_new", "bpf_iter_num_next", "bpf_dynptr_from_xdp", "bpf_rcu_read_lock", "bpf_xdp_metadata_rx_hash"]) {
      expect(snap.lookup(name), name).toEqual(live.lookup(name));
    }
    expect(live.lookup("bpf_cpumask_create")).toBeDefined();
    expect(live.xdpAllowed("bpf_cpumask_create")).toBe(false);
    expect(snap.lookup("bpf_cpumask_create")).toBeUndefined();
  });
});

const RCU = `extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } m SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } pa SEC(".maps");
static __noinline int sub(int x) { if (x == 3) return 1; return 2; }
__noinline int gsub(int x) { return x + 1; }
static int cb(__u32 i, void *c) { return 0; }
`;
const rcuProbe = (body: string): CProbe => ({ c: `${RCU}SEC("xdp") int prog(struct xdp_md *ctx) {\n${body}\n}` });

const rcuProbes: Record<string, CProbe> = {
  "map lookup inside an RCU region": rcuProbe("bpf_rcu_read_lock(); __u32 k = 0; __u64 *v = bpf_map_lookup_elem(&m, &k); int r = v ? *v : 0; bpf_rcu_read_unlock(); return r & 1;"),
  "exit inside the region": rcuProbe("bpf_rcu_read_lock(); return 0;"),
  "unlock without lock": rcuProbe("bpf_rcu_read_unlock(); return 0;"),
  "nested lock": rcuProbe("bpf_rcu_read_lock(); bpf_rcu_read_lock(); bpf_rcu_read_unlock(); bpf_rcu_read_unlock(); return 0;"),
  "unlocked on one branch only": rcuProbe("bpf_rcu_read_lock(); if (ctx->ingress_ifindex == 3) bpf_rcu_read_unlock(); return 0;"),
  "static subprogram called inside the region": rcuProbe("bpf_rcu_read_lock(); int r = sub(ctx->ingress_ifindex); bpf_rcu_read_unlock(); return r;"),
  "global subprogram called inside the region": rcuProbe("bpf_rcu_read_lock(); int r = gsub(ctx->ingress_ifindex); bpf_rcu_read_unlock(); return r;"),
  "tail call inside the region": rcuProbe("bpf_rcu_read_lock(); bpf_tail_call(ctx, &pa, 0); bpf_rcu_read_unlock(); return 0;"),
  "bpf_loop inside the region": rcuProbe("bpf_rcu_read_lock(); bpf_loop(4, cb, 0, 0); bpf_rcu_read_unlock(); return 0;"),
};

cProbeSuite("bpf_rcu_read_lock regions agree with the kernel", rcuProbes, "verifier-rcu", "test/verifier/kfuncs.test.ts");
