// Global (non-static) subprograms in C probes (clang-19), each loaded in the running kernel:
// verified once on their own from their BTF prototype, arguments checked at each call, an
// unknown scalar returned to the caller.
import { cProbeSuite, type CProbe } from "./c-probe.js";

const PAIR = "struct pair { int a; int b; };";
// arg:trusted task arguments; pid and tgid at Linux 6.18.44's offsets (1264, 1268).
const TASK = `struct task_struct { char pad[1264]; int pid; int tgid; };
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
static struct task_struct *(*current_task)(void) = (void *)158;
#define TRUSTED __attribute__((btf_decl_tag("arg:trusted")))
#define NULLABLE __attribute__((btf_decl_tag("arg:nullable")))`;

const probes: Record<string, CProbe> = {
  "scalar argument, result used as an unknown scalar": {
    c: `__noinline int twice(int x) { return x * 2; }
SEC("xdp") int prog(struct xdp_md *ctx) { return twice(ctx->ingress_ifindex) & 3; }`,
  },
  "global result is unknown to the caller (bounds it before use)": {
    c: `int arr[4];
__noinline int three(void) { return 3; }
SEC("xdp") int prog(struct xdp_md *ctx) { int i = three(); return arr[i]; }`,
  },
  "nullable memory argument dereferenced without a null check": {
    otherReason: "we name PTR_TO_MEM 'ringbuf_mem_or_null' (the ring buffer pointer type we reuse), the kernel 'mem_or_null'",
    c: `${PAIR}
__noinline int sum(struct pair *p) { return p->a + p->b; }
SEC("xdp") int prog(struct xdp_md *ctx) { struct pair p = {1, 2}; return sum(&p) & 1; }`,
  },
  "nullable memory argument with a null check": {
    c: `${PAIR}
__noinline int sum(struct pair *p) { return p ? p->a + p->b : 0; }
SEC("xdp") int prog(struct xdp_md *ctx) { struct pair p = {1, 2}; return sum(&p) & 1; }`,
  },
  "arg:nonnull memory argument": {
    c: `${PAIR}
__noinline int sum(struct pair *p __attribute__((btf_decl_tag("arg:nonnull")))) { return p->a + p->b; }
SEC("xdp") int prog(struct xdp_md *ctx) { struct pair p = {1, 2}; return sum(&p) & 1; }`,
  },
  "memory argument smaller than the pointee": {
    c: `${PAIR}
__noinline int sum(struct pair *p) { return p ? p->a : 0; }
SEC("xdp") int prog(struct xdp_md *ctx) { int x = 1; return sum((struct pair *)&x) & 1; }`,
  },
  "context passed as memory": {
    c: `${PAIR}
__noinline int sum(struct pair *p) { return p ? p->a : 0; }
SEC("xdp") int prog(struct xdp_md *ctx) { return sum((struct pair *)ctx) & 1; }`,
  },
  "context argument (struct xdp_md *)": {
    c: `__noinline int ifindex(struct xdp_md *c) { return c->ingress_ifindex; }
SEC("xdp") int prog(struct xdp_md *ctx) { return ifindex(ctx) & 1; }`,
  },
  "scalar passed where the context is expected": {
    c: `__noinline int ifindex(struct xdp_md *c) { return c->ingress_ifindex; }
SEC("xdp") int prog(struct xdp_md *ctx) { return ifindex((struct xdp_md *)(long)ctx->ingress_ifindex) & 1; }`,
  },
  "bad access inside a global subprogram": {
    c: `int arr[4];
__noinline int at(int i) { return arr[i]; }
SEC("xdp") int prog(struct xdp_md *ctx) { return at(1); }`,
  },
  "global calling a global": {
    c: `__noinline int inner(int x) { return x + 1; }
__noinline int outer(int x) { return inner(x) * 2; }
SEC("xdp") int prog(struct xdp_md *ctx) { return outer(ctx->rx_queue_index) & 1; }`,
  },
  "arg:trusted task argument given the current task": {
    c: `${TASK}
__noinline int pid(struct task_struct *t TRUSTED) { return t->pid; }
SEC("xdp") int prog(struct xdp_md *ctx) { return pid(current_task()) & 1; }`,
  },
  "arg:trusted task argument given NULL": {
    c: `${TASK}
__noinline int pid(struct task_struct *t TRUSTED) { return t->pid; }
SEC("xdp") int prog(struct xdp_md *ctx) { struct task_struct *volatile n = 0; return pid(n) & 1; }`,
  },
  "arg:trusted task argument given the context": {
    c: `${TASK}
__noinline int pid(struct task_struct *t TRUSTED) { return t->pid; }
SEC("xdp") int prog(struct xdp_md *ctx) { return pid((struct task_struct *)ctx) & 1; }`,
  },
  "arg:trusted task argument given a maybe-NULL acquired task": {
    c: `${TASK}
__noinline int pid(struct task_struct *t TRUSTED) { return t->pid; }
SEC("xdp") int prog(struct xdp_md *ctx) { struct task_struct *t = bpf_task_acquire(current_task()); int r = pid(t); if (t) bpf_task_release(t); return r & 1; }`,
  },
  "arg:trusted arg:nullable task argument given a maybe-NULL acquired task": {
    c: `${TASK}
__noinline int pid(struct task_struct *t TRUSTED NULLABLE) { return t ? t->tgid : 0; }
SEC("xdp") int prog(struct xdp_md *ctx) { struct task_struct *t = bpf_task_acquire(current_task()); int r = pid(t) + pid(0); if (t) bpf_task_release(t); return r & 1; }`,
  },
  "arg:trusted arg:nullable task read without a NULL check": {
    c: `${TASK}
__noinline int pid(struct task_struct *t TRUSTED NULLABLE) { return t->tgid; }
SEC("xdp") int prog(struct xdp_md *ctx) { return pid(current_task()) & 1; }`,
    otherReason: "the kernel names the register trusted_ptr_or_null_, we ptr_or_null_",
  },
};

cProbeSuite("global subprograms agree with the kernel", probes, "verifier-global-subprogs", "test/verifier/global-subprogs.test.ts");
