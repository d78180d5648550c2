// libxdp's per-program run config, read from an object's BTF: in DATASEC
// ".xdp_run_config" a VAR `_<prog>` whose STRUCT has `priority` and XDP_<ACTION> members,
// each an __uint(name, N) (a pointer to an array of N elements). Defaults are libxdp's:
// priority 50, chain on XDP_PASS only; an action member sets (N != 0) or clears its bit.

import type { Btf } from "../btf/types.js";
import { typeById } from "../btf/types.js";
import { StaticLinkError } from "./errors.js";

export const XDP_ACTIONS = ["ABORTED", "DROP", "PASS", "TX", "REDIRECT"] as const;
export const DEFAULT_RUN_PRIO = 50;
/** A bit per action number (1 << XDP_PASS). */
export const DEFAULT_CHAIN_ACTIONS = 1 << 2;

export interface RunConfig {
  readonly priority: number;
  /** Bit a set: the chain goes on when the program returns action a. */
  readonly chainActions: number;
}

/** The run config of program `prog` in an object's BTF (libxdp's defaults when it declares none). */
export function readRunConfig(btf: Btf | undefined, prog: string, file: string): RunConfig {
  let priority = DEFAULT_RUN_PRIO;
  let chainActions = DEFAULT_CHAIN_ACTIONS;
  const sec = btf?.types.find((t) => t.kind === "DATASEC" && t.name === ".xdp_run_config");
  if (!btf || sec?.kind !== "DATASEC") return { priority, chainActions };
  for (const v of sec.vars) {
    const variable = typeById(btf, v.type);
    if (variable?.kind !== "VAR" || variable.name !== `_${prog}`) continue;
    const def = typeById(btf, variable.type);
    if (def?.kind !== "STRUCT") throw new StaticLinkError(`${file}: run config '_${prog}' is not a struct`);
    for (const m of def.members) {
      const ptr = typeById(btf, m.type);
      const arr = ptr?.kind === "PTR" ? typeById(btf, ptr.type) : undefined;
      if (arr?.kind !== "ARRAY") throw new StaticLinkError(`${file}: run config '_${prog}' member '${m.name}' is not an __uint(${m.name}, N)`);
      if (m.name === "priority") {
        priority = arr.nelems;
        continue;
      }
      const action = XDP_ACTIONS.findIndex((a) => `XDP_${a}` === m.name);
      if (action < 0) throw new StaticLinkError(`${file}: run config '_${prog}' has member '${m.name}'; expected priority or XDP_ABORTED/DROP/PASS/TX/REDIRECT`);
      chainActions = arr.nelems !== 0 ? chainActions | (1 << action) : chainActions & ~(1 << action);
    }
  }
  return { priority, chainActions };
}

/** Parses "PASS,DROP" (or "XDP_PASS,...", any case) into an action bit set. */
export function parseChainActions(text: string): number {
  let bits = 0;
  for (const raw of text.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const a = XDP_ACTIONS.findIndex((x) => x === raw.toUpperCase().replace(/^XDP_/, ""));
    if (a < 0) throw new StaticLinkError(`unknown XDP action '${raw}' (expected ${XDP_ACTIONS.join(", ")})`);
    bits |= 1 << a;
  }
  return bits;
}
