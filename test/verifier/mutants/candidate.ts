// What a mutation family produces: a named, described set of instruction edits to one
// object, and the context every family reads (the object's code and its register facts).
// A Candidate becomes a Mutant once its edits are written into a new object.

import { formatInstruction, type Instruction } from "../../../runtime/isa/index.js";
import type { CodeFunction, Edit, ObjectCode } from "./code-view.js";
import type { FunctionFacts, State } from "./facts.js";

export type Family =
  | "bounds-check"
  | "off-by-one"
  | "pkt-end-arith"
  | "null-check"
  | "uninit-stack"
  | "uninit-reg"
  | "uninit-dst"
  | "oob-map-value"
  | "oob-stack"
  | "oob-ctx"
  | "ctx-write"
  | "rodata-write"
  | "data-write"
  | "infinite-loop"
  | "stack-calls"
  | "helper-args"
  | "return-pointer"
  | "random"
  /** Not a mutant: a program of the soundness fuzzer's generator (random-programs.ts). */
  | "generated";

export const FAMILIES: readonly Family[] = [
  "bounds-check",
  "off-by-one",
  "pkt-end-arith",
  "null-check",
  "uninit-stack",
  "uninit-reg",
  "uninit-dst",
  "oob-map-value",
  "oob-stack",
  "oob-ctx",
  "ctx-write",
  "rodata-write",
  "data-write",
  "infinite-loop",
  "stack-calls",
  "helper-args",
  "return-pointer",
  "random",
  "generated",
];

export interface Candidate {
  readonly family: Family;
  /** e.g. "xdp_udp53.o xdp_udp53 insn 13: drop bounds check (if r10 == 0x0 goto +0x13)". */
  readonly description: string;
  readonly edits: readonly Edit[];
  /** The function whose code changed first (its programs are the ones to compare). */
  readonly fn: CodeFunction;
}

/** One function with its facts, as the families walk it. */
export interface FunctionSite {
  readonly code: ObjectCode;
  readonly fn: CodeFunction;
  readonly facts: FunctionFacts;
}

/** Every reachable instruction of a function with the state before it. */
export function* instructions(site: FunctionSite): Generator<{ slot: number; insn: Instruction; state: State }> {
  for (const slot of site.code.slotsOf(site.fn)) {
    const state = site.facts.before.get(slot);
    const insn = site.code.insn(site.fn.sectionIndex, slot);
    if (state && insn) yield { slot, insn, state };
  }
}

/** An instruction replaced at a slot of the site's function's section, or of another section. */
export interface SlotEdit {
  readonly slot: number;
  readonly insn: Instruction;
  readonly sectionIndex?: number;
}

/** A candidate editing instructions of the site's function, described with the first edit. */
export function candidate(site: FunctionSite, family: Family, what: string, edits: readonly SlotEdit[]): Candidate {
  const first = edits[0]!;
  const text = edits.map((e) => formatInstruction(e.insn)).join("; ");
  return {
    family,
    description: `${site.code.name} ${site.fn.name} insn ${first.slot}: ${what} (${text})`,
    edits: edits.map((e) => ({ sectionIndex: e.sectionIndex ?? site.fn.sectionIndex, slot: e.slot, insn: e.insn })),
    fn: site.fn,
  };
}

/** A register never equal to 0 (the frame pointer), for branches the kernel decides statically. */
export const FP = 10;
