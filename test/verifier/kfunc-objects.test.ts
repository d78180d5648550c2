// kfuncs that return BTF-typed kernel pointers (kfunc-objects.ts) in C probes loaded in the
// running kernel: bpf_lookup_system_key / bpf_key_put (acquire, NULL check, release, leak),
// bpf_cast_to_kern_ctx and bpf_rdonly_cast (results we cannot read through: refused as not
// supported where the kernel would read kernel BTF); bpf_get_current_task_btf and the task
// kfuncs, with reads of struct task_struct's integer members (offsets of Linux 6.18.44's
// layout, written out: pid at 1264, tgid at 1268, real_parent at 1280).
import { cProbeSuite, type CProbe } from "./c-probe.js";

const DECLS = `#include <bpf/bpf_core_read.h>
struct bpf_key;
extern struct bpf_key *bpf_lookup_system_key(__u64 id) __ksym;
extern void bpf_key_put(struct bpf_key *key) __ksym;
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id__k) __ksym;
struct xdp_buff { void *data; } __attribute__((preserve_access_index));
struct task_struct { char pad[1264]; int pid; int tgid; long pad2; struct task_struct *real_parent; };
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern struct task_struct *bpf_task_from_pid(int pid) __ksym;
static struct task_struct *(*current_task)(void) = (void *)158;
`;

const probe = (body: string, extra: Partial<CProbe> = {}): CProbe => ({ c: `${DECLS}SEC("xdp") int prog(struct xdp_md *ctx) {\n${body}\n}`, ...extra });

const probes: Record<string, CProbe> = {
  "system key acquired, checked and put": probe("struct bpf_key *k = bpf_lookup_system_key(1); if (k) bpf_key_put(k); return XDP_PASS;"),
  "system key put without a NULL check": probe("struct bpf_key *k = bpf_lookup_system_key(1); bpf_key_put(k); return XDP_PASS;"),
  "system key never put": probe("struct bpf_key *k = bpf_lookup_system_key(1); return k ? XDP_PASS : XDP_DROP;"),
  "NULL passed to bpf_key_put": probe("bpf_key_put((struct bpf_key *)0); return XDP_PASS;"),
  "system key put twice": probe("struct bpf_key *k = bpf_lookup_system_key(1); if (!k) return XDP_PASS; bpf_key_put(k); bpf_key_put(k); return XDP_PASS;", {
    otherReason: "after the release the copy is an unknown scalar, which we refuse as not supported for bpf_key_put",
  }),
  "bpf_cast_to_kern_ctx, result unused": probe("void *kctx = bpf_cast_to_kern_ctx(ctx); return kctx ? XDP_PASS : XDP_DROP;"),
  "field read through bpf_cast_to_kern_ctx": probe("struct xdp_buff *x = bpf_cast_to_kern_ctx(ctx); return x->data ? XDP_PASS : XDP_DROP;", {
    stricter: "reads through a BTF-typed kernel pointer need the kernel's BTF layout; refused as not supported",
  }),
  // tsbpf's linker leaves bpf_core_type_id_kernel at the program's own BTF id (8), which is no
  // struct in the kernel's BTF: both refuse; a real kernel id is accepted by both on the selftest
  // corpus (verifier_bpf_fastcall/kfunc_bpf_rdonly_cast).
  "bpf_rdonly_cast to an id that is not a kernel struct": probe("void *p = bpf_rdonly_cast(ctx, bpf_core_type_id_kernel(struct xdp_buff)); return p ? XDP_PASS : XDP_DROP;", {
    otherReason: "we check the id against the kernel BTF and refuse it as not supported, in our words",
  }),
  "current task's pid and tgid read": probe("struct task_struct *t = current_task(); return (t->pid + t->tgid) & 1;"),
  "current task's pointer member read": probe("struct task_struct *t = current_task(); return t->real_parent ? XDP_PASS : XDP_DROP;", {
    stricter: "pointer members of struct task_struct are not modelled; refused as not supported",
  }),
  "8-byte read across the current task's pid and tgid": probe("struct task_struct *t = current_task(); return *(volatile long *)&t->pid & 1;", {
    otherReason: "a read past its member is refused as not supported, in our words",
  }),
  "write into the current task's pid": probe("struct task_struct *t = current_task(); t->pid = 1; return XDP_PASS;", {
    otherReason: "writes into struct task_struct are refused as not supported, in our words",
  }),
  "current task acquired, checked and released": probe("struct task_struct *t = bpf_task_acquire(current_task()); if (t) bpf_task_release(t); return XDP_PASS;"),
  "acquired task released without a NULL check": probe("struct task_struct *t = bpf_task_acquire(current_task()); bpf_task_release(t); return XDP_PASS;"),
  "acquired task never released": probe("struct task_struct *t = bpf_task_acquire(current_task()); return t ? XDP_PASS : XDP_DROP;"),
  "NULL passed to bpf_task_acquire": probe("struct task_struct *t = bpf_task_acquire((struct task_struct *)0); if (t) bpf_task_release(t); return XDP_PASS;"),
  "current task released without a reference": probe("bpf_task_release(current_task()); return XDP_PASS;", {
    otherReason: "releasing an unreferenced task is refused as not supported, in our words",
  }),
  "task from pid, pid read after the NULL check, released": probe("struct task_struct *t = bpf_task_from_pid(current_task()->pid); if (!t) return XDP_PASS; int p = t->tgid; bpf_task_release(t); return p & 1;"),
  "task from pid read without a NULL check": probe("struct task_struct *t = bpf_task_from_pid(1); int p = t->tgid; if (t) bpf_task_release(t); return p & 1;"),
  "task pid read after its release": probe("struct task_struct *t = bpf_task_from_pid(1); if (!t) return XDP_PASS; bpf_task_release(t); return t->pid & 1;"),
};

cProbeSuite("kfuncs returning kernel objects agree with the kernel", probes, "verifier-kfunc-objects", "test/verifier/kfunc-objects.test.ts");
