// Which subprograms may change packet data (the kernel's subprog_info.changes_pkt_data, set in
// check_cfg and merged from callees): a helper that changes it (xdp_adjust_head/tail/meta...),
// a tail call, or a call of such a subprogram. A caller's packet pointers do not survive a call
// of such a global subprogram (verified on its own, so its walk cannot invalidate them).

import { Pseudo, jumpTarget } from "../isa/index.js";
import type { Env } from "./env.js";
import { helperProto } from "./helpers.js";

const BPF_FUNC_TAIL_CALL = 12;

/** Per subprogram index, whether it (or anything it calls) may change packet data. */
function compute(env: Env): boolean[] {
  const { subprogs, subprogAt } = env.cfg;
  const insns = env.prog.insns;
  const changes = subprogs.map(() => false);
  const callees = subprogs.map(() => [] as number[]);
  subprogs.forEach((s, k) => {
    for (let i = s.start; i < s.end; i++) {
      const insn = insns[i];
      if (insn?.kind === "call" && insn.target === "helper" && (insn.imm === BPF_FUNC_TAIL_CALL || helperProto(insn.imm)?.changesPkt === true)) changes[k] = true;
      // Callbacks count as callees too (stricter than direct calls only, never unsafe).
      const target = insn?.kind === "call" && insn.target === "local" ? jumpTarget(i, insn.imm) : insn?.kind === "lddw" && insn.pseudo === Pseudo.FUNC ? jumpTarget(i, insn.lo) : undefined;
      const callee = target === undefined ? undefined : subprogAt.get(target);
      if (callee !== undefined) callees[k]!.push(callee);
    }
  });
  let changed = true;
  while (changed) {
    changed = false;
    for (let k = 0; k < subprogs.length; k++) {
      if (!changes[k] && callees[k]!.some((c) => changes[c])) {
        changes[k] = true;
        changed = true;
      }
    }
  }
  return changes;
}

export function subprogChangesPkt(env: Env, subprog: number): boolean {
  env.pktChanges ??= compute(env);
  return env.pktChanges[subprog] === true;
}
