// What one verification run knows besides the path state: the program, its maps and static
// analysis, options, the id generator and per-subprogram stack depths. One Env per program;
// nothing here is shared between runs.

import type { KernelBtfIndex } from "../object/kernel-btf.js";
import type { LinkedProgram } from "../object/link.js";
import type { MapDefinition } from "../object/map-defs.js";
import type { Cfg } from "./cfg.js";
import type { GlobalSubprog } from "./global-subprogs.js";

export type Target = "vm" | "kernel";

export interface Env {
  readonly prog: LinkedProgram;
  /** The program's maps, then the inner maps of maps of maps (see innerMap). */
  readonly maps: readonly MapDefinition[];
  /** For a map of maps at index i, the index in `maps` of its inner map definition. */
  readonly innerMap: ReadonlyMap<number, number>;
  readonly cfg: Cfg;
  readonly target: Target;
  readonly section: string;
  /** Deepest stack byte touched, per subprogram (the kernel's subprog_info[].stack_depth). */
  readonly stackDepth: number[];
  /** The license allows gpl_only helpers (prog->gpl_compatible). */
  readonly gplCompatible: boolean;
  /** Per load/store instruction, the kind of pointer it first accessed (insn_aux_data.ptr_type). */
  readonly accessTypes: Map<number, string>;
  /** Next fresh id (the kernel's env->id_gen). */
  idGen: number;
  /** Subprograms with a may_goto the walk reached (the kernel's fixup gives them a hidden counter). */
  readonly mayGoto: Set<number>;
  /** The kernel BTF's struct or union by type id (bpf_rdonly_cast); absent: not known. */
  readonly kernelStruct?: (id: number) => string | undefined;
  /** Global subprograms by subprogram index (verified on their own; global-subprogs.ts). */
  readonly globals?: ReadonlyMap<number, GlobalSubprog>;
  /** Global subprograms some verified path calls, still to be verified. */
  readonly globalsCalled?: Set<number>;
  /** Per subprogram, whether it may change packet data (pkt-changes.ts; computed on first use). */
  pktChanges?: boolean[];
  /** The running kernel's BTF (task.ts reads struct layouts from it; null: not readable). */
  kernelBtf?: KernelBtfIndex | null;
  /** Where `kernelBtf` comes from when first needed (the caller's shared reader). */
  readonly kernelBtfSource?: () => KernelBtfIndex | null;
}

/** The program's maps followed by the inner map definitions of maps of maps. */
export function withInnerMaps(maps: readonly MapDefinition[]): { maps: MapDefinition[]; innerMap: Map<number, number> } {
  const all = [...maps];
  const innerMap = new Map<number, number>();
  maps.forEach((m, i) => {
    if (m.innerMap) innerMap.set(i, all.push(m.innerMap) - 1);
  });
  return { maps: all, innerMap };
}

export const freshId = (env: Env): number => ++env.idGen;
