// A program as the VM runs it: one linked instruction sequence (the entry function followed
// by every subprogram it reaches, calls and function addresses resolved to slot offsets, as
// libbpf links them for the kernel), with map references as map-index pseudo loads and the
// source line of each instruction from line_info.

import type { Instruction } from "../isa/index.js";
import type { BpfMap } from "./maps/types.js";

/** A function inside a linked program: where it starts and what it is called. */
export interface LinkedFunction {
  readonly name: string;
  readonly slot: number;
}

export interface ExecProgram {
  readonly name: string;
  /** ELF section (SEC name) the program came from, e.g. "xdp". */
  readonly section: string;
  /** Instructions by slot; the second slot of an lddw is undefined. */
  readonly code: readonly (Instruction | undefined)[];
  readonly functions: readonly LinkedFunction[];
  /** "file:line: text" by slot, where line_info has one. */
  readonly lines: ReadonlyMap<number, string>;
  /** The map table that map-index pseudo loads (src 5 and 6) index into. */
  readonly maps: readonly BpfMap[];
}

/** The source line in effect at `slot`: the nearest line_info record at or before it. */
export function sourceAt(program: ExecProgram, slot: number): string | undefined {
  for (let s = slot; s >= 0; s--) {
    const line = program.lines.get(s);
    if (line !== undefined) return line;
  }
  return undefined;
}

/** The linked function that contains `slot`. */
export function functionAt(program: ExecProgram, slot: number): LinkedFunction | undefined {
  let best: LinkedFunction | undefined;
  for (const f of program.functions) if (f.slot <= slot && (!best || f.slot > best.slot)) best = f;
  return best;
}
