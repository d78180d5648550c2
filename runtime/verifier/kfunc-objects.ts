// kfuncs that hand out BTF-typed kernel pointers (PTR_TO_BTF_ID) XDP may call, modelled only as
// far as the kernel's rules need no kernel BTF: bpf_cast_to_kern_ctx (the context as a trusted
// `struct xdp_buff`), bpf_rdonly_cast (an untrusted pointer of a kernel type given by a constant
// BTF id), bpf_lookup_system_key (KF_ACQUIRE | KF_RET_NULL: a referenced `struct bpf_key`, maybe
// NULL) and bpf_key_put (KF_RELEASE), bpf_task_acquire (a trusted task in, a referenced one or
// NULL out), bpf_task_from_pid (a referenced task or NULL) and bpf_task_release (KF_RELEASE). The pointers are `ptr_` registers (state.ts): reading
// through them (but a task's scalar fields, task.ts) or doing arithmetic is refused as not
// supported, as is passing them to anything but the kfuncs of their own type.

import type { LinkedKfunc } from "../object/link.js";
import { readReg } from "./alu.js";
import { freshId, type Env } from "./env.js";
import { mapAllRegs } from "./jumps.js";
import { RuleError } from "./messages.js";
import { scalarUnknown } from "./scalar.js";
import { NOT_INIT, type RegState, type VerifierState } from "./state.js";

/** Arguments of each modelled kfunc, as in Linux 6.18's prototypes (a model only applies to that prototype). */
const ARGS: Readonly<Record<string, number>> = { bpf_cast_to_kern_ctx: 1, bpf_rdonly_cast: 2, bpf_lookup_system_key: 1, bpf_key_put: 1, bpf_task_acquire: 1, bpf_task_release: 1, bpf_task_from_pid: 1 };

export const isObjectKfunc = (k: LinkedKfunc): boolean => ARGS[k.name] !== undefined && (!k.proto || k.proto.args.length === ARGS[k.name]);

const notSupported = (what: string, regno: number): never => {
  throw new RuleError(`${what} is not supported by tsbpf's verifier`, [regno]);
};

function finish(st: VerifierState, r0: RegState): void {
  const frame = st.frames[st.frames.length - 1]!;
  for (let r = 1; r <= 5; r++) frame.regs[r] = NOT_INIT;
  frame.regs[0] = r0;
}

/** KF_TRUSTED_ARGS / KF_RELEASE: a NULL constant or a maybe-NULL pointer is refused. */
function nonNull(r1: RegState): void {
  if (r1.type === "ptr_or_null_" || (r1.type === "scalar" && r1.s.tnum.mask === 0n && r1.s.tnum.value === 0n)) throw new RuleError("Possibly NULL pointer passed to trusted arg0", [1]);
}

/** KF_ACQUIRE | KF_RET_NULL: a fresh reference, which is also the null-check id (id = ref_obj_id). */
function acquire(env: Env, st: VerifierState, pc: number, btf: string): void {
  const ref = freshId(env);
  st.refs = [...st.refs, { id: ref, insn: pc }];
  finish(st, { type: "ptr_or_null_", btf, id: ref, ref });
}

/** KF_RELEASE of a referenced `btf` object in R1: every copy becomes an unknown scalar. */
function release(st: VerifierState, btf: string, name: string): void {
  const r1 = readReg(st, 1);
  nonNull(r1);
  if (r1.type !== "ptr_" || r1.btf !== btf || r1.ref === 0 || !st.refs.some((r) => r.id === r1.ref)) notSupported(`${name} of R1 other than a referenced struct ${btf}`, 1);
  const ref = (r1 as { ref: number }).ref;
  st.refs = st.refs.filter((r) => r.id !== ref);
  mapAllRegs(st, (r) => ("ref" in r && r.ref === ref ? { type: "scalar", s: scalarUnknown(), id: 0 } : r));
  finish(st, NOT_INIT);
}

/** check_kfunc_call for one of the modelled kfuncs at `pc`. */
export function checkObjectKfunc(env: Env, st: VerifierState, name: string, pc: number): void {
  switch (name) {
    case "bpf_cast_to_kern_ctx": {
      const r1 = readReg(st, 1);
      if (r1.type !== "ctx" || r1.off !== 0 || r1.var.tnum.mask !== 0n || r1.var.tnum.value !== 0n) notSupported(`bpf_cast_to_kern_ctx on R1 other than the unmodified context`, 1);
      finish(st, { type: "ptr_", btf: "xdp_buff", id: 0, ref: 0 });
      return;
    }
    case "bpf_rdonly_cast": {
      // obj__ign is not checked by the kernel; btf_id__k must be a known constant naming a
      // struct or union of the kernel's BTF (void and other ids are not modelled).
      readReg(st, 1);
      const r2 = readReg(st, 2);
      if (r2.type !== "scalar" || r2.s.tnum.mask !== 0n) return notSupported("bpf_rdonly_cast with a BTF id that is not a known constant", 2);
      const id = r2.s.tnum.value;
      const type = id > 0n && id < 1n << 31n ? env.kernelStruct?.(Number(id)) : undefined;
      if (!type) return notSupported(`bpf_rdonly_cast to BTF id ${id} (not a struct or union of the kernel BTF known here)`, 2);
      // PTR_UNTRUSTED: the name keeps it apart from the trusted sockets helpers take.
      finish(st, { type: "ptr_", btf: `untrusted ${type}`, id: 0, ref: 0 });
      return;
    }
    case "bpf_lookup_system_key": {
      if (readReg(st, 1).type !== "scalar") notSupported("bpf_lookup_system_key with a pointer id", 1);
      const ref = freshId(env);
      st.refs = [...st.refs, { id: ref, insn: pc }];
      // The acquired reference is also the null-check id (id = ref_obj_id), so a NULL result
      // drops the reference.
      finish(st, { type: "ptr_or_null_", btf: "bpf_key", id: ref, ref });
      return;
    }
    case "bpf_task_acquire": {
      const r1 = readReg(st, 1);
      // KF_TRUSTED_ARGS: a trusted, non-NULL task (the current task or a referenced one).
      nonNull(r1);
      if (r1.type !== "ptr_" || r1.btf !== "task_struct") notSupported("bpf_task_acquire of R1 other than a trusted struct task_struct", 1);
      acquire(env, st, pc, "task_struct");
      return;
    }
    case "bpf_task_from_pid": {
      if (readReg(st, 1).type !== "scalar") notSupported("bpf_task_from_pid with a pointer pid", 1);
      acquire(env, st, pc, "task_struct");
      return;
    }
    case "bpf_task_release":
      release(st, "task_struct", "bpf_task_release");
      return;
    case "bpf_key_put": {
      const r1 = readReg(st, 1);
      // KF_RELEASE takes a trusted, non-NULL pointer: a NULL constant or a maybe-NULL one is refused.
      if (r1.type === "ptr_or_null_" || (r1.type === "scalar" && r1.s.tnum.mask === 0n && r1.s.tnum.value === 0n)) throw new RuleError("Possibly NULL pointer passed to trusted arg0", [1]);
      if (r1.type !== "ptr_" || r1.btf !== "bpf_key" || r1.ref === 0 || !st.refs.some((r) => r.id === r1.ref)) notSupported(`bpf_key_put of R1 other than a referenced struct bpf_key`, 1);
      const ref = (r1 as { ref: number }).ref;
      st.refs = st.refs.filter((r) => r.id !== ref);
      // release_reference: every copy becomes an unknown scalar (privileged).
      mapAllRegs(st, (r) => ("ref" in r && r.ref === ref ? { type: "scalar", s: scalarUnknown(), id: 0 } : r));
      finish(st, NOT_INIT);
      return;
    }
  }
}
