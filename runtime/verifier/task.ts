// Loads through a trusted `struct task_struct` pointer (bpf_get_current_task_btf, bpf_task_acquire,
// bpf_task_from_pid): the kernel checks them against its own BTF (btf_struct_access). Modelled
// only for reads lying inside one integer or enum member at the top level of the struct, from
// the running kernel's BTF; pointer, nested-struct, array and bitfield members, writes,
// sign-extending loads and a kernel without readable BTF are refused as not supported.

import { readVmlinuxBtf } from "../object/kernel-btf.js";
import type { Env } from "./env.js";
import { RuleError } from "./messages.js";
import { scalarLoad } from "./scalar.js";
import type { BtfSockPtr, RegState } from "./state.js";

const notSupported = (what: string, regno: number): never => {
  throw new RuleError(`R${regno} ${what} is not supported by tsbpf's verifier`, [regno]);
};

/** A load of `size` bytes at `off` through the task pointer `reg` (R`regno`). */
export function taskAccess(env: Env, reg: BtfSockPtr, regno: number, off: number, size: number, write: boolean, signed: boolean): RegState {
  if (write) return notSupported("writes into struct task_struct", regno);
  if (signed) return notSupported("sign-extending loads from struct task_struct", regno);
  if (env.kernelBtf === undefined) env.kernelBtf = env.kernelBtfSource ? env.kernelBtfSource() : (readVmlinuxBtf() ?? null);
  const m = env.kernelBtf?.memberAt("task_struct", off);
  if (!m) return notSupported(`a read of struct task_struct at off=${off} (no member there in the kernel BTF known here)`, regno);
  if (!m.scalar) return notSupported(`a read of struct task_struct member ${m.name} (not an integer)`, regno);
  if (off + size > m.offset + m.size) return notSupported(`a read of struct task_struct off=${off} size=${size} beyond member ${m.name}`, regno);
  void reg;
  return { type: "scalar", s: scalarLoad(size as 1 | 2 | 4 | 8, false), id: 0 };
}
