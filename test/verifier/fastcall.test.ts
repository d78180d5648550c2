// bpf_fastcall spill/fill patterns (fastcall.ts): C probes with inline assembly loaded in the
// running kernel; verdicts, processed instructions and stack depths (log level 4) must be the
// kernel's. bpf_get_smp_processor_id is inlined on x86-64, so its patterns are removed and the
// stack they used is not counted, before the 512-byte check.
import { cProbeSuite, type CProbe } from "./c-probe.js";

const SUB = `
__attribute__((noinline)) static int sub(int x) {
  asm volatile("r1 = %[x]; *(u64 *)(r10 - 8) = r1; call %[cpu]; r1 = *(u64 *)(r10 - 8); %[x] = r1;" : [x] "+r"(x) : [cpu] "i"(BPF_FUNC_get_smp_processor_id) : "r0", "r1", "r2", "r3", "r4", "r5");
  return x;
}
`;

const probes: Record<string, CProbe> = {
  "pattern removed: the subprogram uses no stack": {
    stackDepth: true,
    c: `${SUB}
SEC("xdp") int prog(struct xdp_md *ctx) { return sub(ctx->ingress_ifindex) & 1; }`,
  },
  "512 bytes in the caller plus a removed pattern in the callee fit": {
    stackDepth: true,
    c: `${SUB}
SEC("xdp") int prog(struct xdp_md *ctx) {
  asm volatile("r1 = 42; *(u64 *)(r10 - 512) = r1;" ::: "r1");
  return sub(1) & 1;
}`,
  },
  "another access to the pattern's slot keeps the stack": {
    stackDepth: true,
    c: `
__attribute__((noinline)) static int sub(int x) {
  asm volatile("r1 = %[x]; *(u64 *)(r10 - 8) = r1; call %[cpu]; r1 = *(u64 *)(r10 - 8); r0 = *(u64 *)(r10 - 8); r1 += r0; %[x] = r1;" : [x] "+r"(x) : [cpu] "i"(BPF_FUNC_get_smp_processor_id) : "r0", "r1", "r2", "r3", "r4", "r5");
  return x;
}
SEC("xdp") int prog(struct xdp_md *ctx) { return sub(2) & 1; }`,
  },
  "a pattern around a helper that is not inlined keeps the stack": {
    stackDepth: true,
    c: `
__attribute__((noinline)) static int sub(int x) {
  asm volatile("r1 = %[x]; *(u64 *)(r10 - 8) = r1; call %[rnd]; r1 = *(u64 *)(r10 - 8); %[x] = r1;" : [x] "+r"(x) : [rnd] "i"(BPF_FUNC_get_prandom_u32) : "r0", "r1", "r2", "r3", "r4", "r5");
  return x;
}
SEC("xdp") int prog(struct xdp_md *ctx) { return sub(3) & 1; }`,
  },
};

cProbeSuite("bpf_fastcall patterns agree with the kernel", probes, "verifier-fastcall", "test/verifier/fastcall.test.ts");
