// kfunc calls (the kernel's add_kfunc_call before the walk, check_kfunc_call during it): the
// linker resolved each `__ksym` extern against the kernel's BTF and recorded whether XDP may
// call it. Kfuncs outside XDP's id sets get the kernel's refusal, sleepable ones theirs, and
// the kfuncs modelled (bpf_rcu_read_lock/unlock; the num and bits open-coded iterators, iter.ts;
// kernel-object kfuncs, kfunc-objects.ts) are checked by their rules; every
// other kfunc is refused as not supported rather than guessed at.

import type { CallInsn } from "../isa/index.js";
import type { LinkedKfunc, LinkedProgram } from "../object/link.js";
import type { Env } from "./env.js";
import { Reject, RuleError } from "./messages.js";
import { checkIterCall, iterArgCount, iterKfunc } from "./iter.js";
import { checkObjectKfunc, isObjectKfunc } from "./kfunc-objects.js";
import { NOT_INIT, type VerifierState } from "./state.js";


/** What a kfunc call asks the walk to do besides continuing after it. */
export interface KfuncEffect {
  /** A second path to explore from `pc` (an iterator's next element). */
  readonly branch?: { readonly st: VerifierState; readonly pc: number };
}

/** The kfunc the linker put at `pc`. */
export function kfuncAt(prog: LinkedProgram, pc: number): LinkedKfunc | undefined {
  return prog.kfuncs?.find((k) => k.slot === pc);
}

/**
 * add_kfunc_call's checks, which run over every kfunc call before any path is walked: the XDP
 * hardware-metadata kfuncs need a device-bound program, and tsbpf loads none.
 */
export function checkKfuncsStatic(prog: LinkedProgram): void {
  for (const k of prog.kfuncs ?? []) {
    if (k.name.startsWith("bpf_xdp_metadata_") && k.xdpAllowed) throw new Reject("metadata kfuncs require device-bound program", k.slot);
  }
}

/** bpf_rcu_read_lock / _unlock: one region at a time, closed before the program exits. */
function rcuCall(st: VerifierState, lock: boolean): KfuncEffect {
  if (lock && st.rcuLock) throw new RuleError("nested rcu read lock (kernel function bpf_rcu_read_lock)");
  if (!lock && !st.rcuLock) throw new RuleError("unmatched rcu read unlock (kernel function bpf_rcu_read_unlock)");
  st.rcuLock = lock;
  const frame = st.frames[st.frames.length - 1]!;
  for (let r = 0; r <= 5; r++) frame.regs[r] = NOT_INIT;
  return {};
}

/** check_kfunc_call: the call at `pc` on the current path. */
export function checkKfuncCall(env: Env, st: VerifierState, insn: CallInsn, pc: number): KfuncEffect {
  const k = kfuncAt(env.prog, pc);
  if (!k) throw new RuleError(`kfunc call (BTF id ${insn.imm}) without a linked name is not supported by tsbpf's verifier`);
  if (!k.xdpAllowed) throw new RuleError(`calling kernel function ${k.name} is not allowed`);
  if (k.sleepable) throw new RuleError(`program must be sleepable to call sleepable kfunc ${k.name}`);
  if ((k.name === "bpf_rcu_read_lock" || k.name === "bpf_rcu_read_unlock") && (!k.proto || k.proto.args.length === 0)) return rcuCall(st, k.name === "bpf_rcu_read_lock");
  if (isObjectKfunc(k)) {
    checkObjectKfunc(env, st, k.name, pc);
    return {};
  }
  const iter = iterKfunc(k.name);
  // A model applies only to the prototype it was written for.
  if (iter && (!k.proto || k.proto.args.length === iterArgCount(iter.iter, iter.op))) return checkIterCall(env, st, k.name, pc);
  throw new RuleError(`kfunc ${k.name} is not supported by tsbpf's verifier`);
}
