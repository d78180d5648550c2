// What one verification run knows besides the path state: the program, its maps and static
// analysis, options, the id generator and per-subprogram stack depths. One Env per program;
// nothing here is shared between runs.

import type { LinkedProgram } from "../object/link.js";
import type { MapDefinition } from "../object/map-defs.js";
import type { Cfg } from "./cfg.js";
import type { GlobalSubprog } from "./global-subprogs.js";

export type Target = "vm" | "kernel";

export interface Env {
  readonly prog: LinkedProgram;
  readonly maps: readonly MapDefinition[];
  readonly cfg: Cfg;
  readonly target: Target;
  readonly section: string;
  /** Deepest stack byte touched, per subprogram (the kernel's subprog_info[].stack_depth). */
  readonly stackDepth: number[];
  /** Next fresh id (the kernel's env->id_gen). */
  idGen: number;
  /** Global subprograms by subprogram index (verified on their own; global-subprogs.ts). */
  readonly globals?: ReadonlyMap<number, GlobalSubprog>;
  /** Global subprograms some verified path calls, still to be verified. */
  readonly globalsCalled?: Set<number>;
  /**
   * Loop heads widen changed scalars (loops.ts) unless "exact"; `widened` records that some
   * widening happened on this run (index.ts retries an exact walk when a widened one fails).
   */
  readonly loopWidening?: "widen" | "exact";
  widened?: boolean;
}

export const freshId = (env: Env): number => ++env.idGen;
