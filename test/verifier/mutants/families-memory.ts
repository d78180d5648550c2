// Mutation families around memory: reads of uninitialised stack and registers, accesses
// shifted out of their object (map value past value_size, stack below -512 or above the
// frame, ctx past struct xdp_md or into fields XDP may not read), stores to the ctx and to
// global data (.rodata must refuse them; .data/.bss are the accepted controls).

import type { Instruction } from "../../../runtime/isa/index.js";
import { candidate, instructions, type Candidate, type FunctionSite } from "./candidate.js";
import type { Fact, State } from "./facts.js";

const XDP_MD_SIZE = 24;
const MAX_STACK = 512;

type MemInsn = Extract<Instruction, { kind: "ldx" | "st" | "stx" | "atomic" }>;

/** The base register of a memory access. */
const baseReg = (insn: MemInsn): number => (insn.kind === "ldx" ? insn.src : insn.dst);

/** The lowest frame offset any stack pointer of the function reaches (0 when none). */
export function stackLow(site: FunctionSite): number {
  let low = 0;
  for (const { insn, state } of instructions(site)) {
    for (const r of state.regs) if (r.fact.t === "stack" && r.fact.off !== undefined) low = Math.min(low, r.fact.off);
    if (insn.kind === "ldx" || insn.kind === "st" || insn.kind === "stx" || insn.kind === "atomic") {
      const b = state.regs[baseReg(insn)]!.fact;
      if (b.t === "stack" && b.off !== undefined) low = Math.min(low, b.off + insn.off);
    }
  }
  return low;
}

function withOff(insn: MemInsn, off: number): MemInsn | undefined {
  return off >= -32768 && off <= 32767 ? { ...insn, off } : undefined;
}

export function uninitFamilies(site: FunctionSite): Candidate[] {
  const out: Candidate[] = [];
  const unused = Math.floor((stackLow(site) - 64) / 8) * 8;
  for (const { slot, insn, state } of instructions(site)) {
    if (insn.kind === "ldx") {
      const b = state.regs[insn.src]!.fact;
      if (b.t === "stack" && b.off !== undefined && unused >= -MAX_STACK) {
        const m = withOff(insn, unused - b.off);
        if (m) out.push(candidate(site, "uninit-stack", `read never-written stack fp${unused} instead of fp${b.off + insn.off}`, [{ slot, insn: m }]));
      }
    }
    // `rD = x` where rD is not initialised, turned into `rD += x`: reads the destination
    // (at program start, after a call, after a helper returning void such as bpf_tail_call).
    if (insn.kind === "alu" && insn.op === "mov" && state.regs[insn.dst]!.fact.t === "uninit") {
      out.push(candidate(site, "uninit-dst", `read r${insn.dst}, not initialised here, as an ALU destination`, [{ slot, insn: { ...insn, op: "add" } }]));
      out.push(candidate(site, "uninit-dst", `xor r${insn.dst}, not initialised here, with the value`, [{ slot, insn: { ...insn, op: "xor" } }]));
    }
    const uninit = uninitRegister(state);
    if (uninit === undefined) continue;
    const swapped = swapSource(insn, uninit);
    if (swapped) out.push(candidate(site, "uninit-reg", `read r${uninit}, not initialised here`, [{ slot, insn: swapped }]));
  }
  return out;
}

function uninitRegister(state: State): number | undefined {
  for (const r of [6, 7, 8, 9, 1, 2, 3, 4, 5, 0]) if (state.regs[r]!.fact.t === "uninit") return r;
  return undefined;
}

/** The instruction with its (first) source register replaced, or undefined if it reads none. */
function swapSource(insn: Instruction, r: number): Instruction | undefined {
  switch (insn.kind) {
    case "alu":
      return insn.src.kind === "reg" ? { ...insn, src: { kind: "reg", reg: r } } : insn.op === "mov" ? undefined : { ...insn, dst: r };
    case "jcond":
      return insn.src.kind === "reg" ? { ...insn, src: { kind: "reg", reg: r } } : { ...insn, dst: r };
    case "stx":
      return { ...insn, src: r };
    case "ldx":
      return { ...insn, src: r };
    case "movsx":
      return { ...insn, src: r };
    default:
      return undefined;
  }
}

export function outOfBoundsFamilies(site: FunctionSite): Candidate[] {
  const out: Candidate[] = [];
  const maps = site.code.maps;
  for (const { slot, insn, state } of instructions(site)) {
    if (insn.kind !== "ldx" && insn.kind !== "st" && insn.kind !== "stx" && insn.kind !== "atomic") continue;
    const b: Fact = state.regs[baseReg(insn)]!.fact;
    const size = insn.size;
    const push = (family: "oob-map-value" | "oob-stack" | "oob-ctx", what: string, absolute: number, base: number): void => {
      const m = withOff(insn, absolute - base);
      if (m && m.off !== insn.off) out.push(candidate(site, family, what, [{ slot, insn: m }]));
    };
    if (b.t === "map_value" && !b.nullable && b.off !== undefined) {
      const vs = maps[b.map]!.valueSize;
      const name = maps[b.map]!.name;
      push("oob-map-value", `${size}-byte access straddling the end of ${name} (value_size ${vs})`, vs - size + 1, b.off);
      push("oob-map-value", `${size}-byte access just past ${name} (value_size ${vs})`, vs, b.off);
      push("oob-map-value", `${size}-byte access before the start of ${name}`, -size, b.off);
      push("oob-map-value", `${size}-byte access at the last in-bounds offset of ${name} (safe)`, vs - size, b.off);
    } else if (b.t === "stack" && b.off !== undefined) {
      push("oob-stack", `${size}-byte stack access below fp-${MAX_STACK}`, -MAX_STACK - size, b.off);
      push("oob-stack", `${size}-byte stack access at fp+0, above the frame`, 0, b.off);
      push("oob-stack", `${size}-byte stack access at the deepest slot fp-${MAX_STACK} (safe)`, -MAX_STACK, b.off);
    } else if (b.t === "ctx" && b.off !== undefined) {
      push("oob-ctx", `${size}-byte ctx access past struct xdp_md (${XDP_MD_SIZE} bytes)`, XDP_MD_SIZE, b.off);
      push("oob-ctx", `${size}-byte ctx access misaligned by one byte`, b.off + insn.off + 1, b.off);
      push("oob-ctx", `${size}-byte ctx read of egress_ifindex (devmap programs only)`, 20, b.off);
      push("oob-ctx", `${size}-byte ctx access at a negative offset`, -4, b.off);
    }
    if (insn.kind !== "ldx") continue;
    if (b.t === "ctx") {
      out.push(candidate(site, "ctx-write", `store to the ctx field the load read`, [{ slot, insn: { kind: "st", size, dst: insn.src, off: insn.off, imm: 0 } }]));
      out.push(candidate(site, "ctx-write", `store r${insn.src} into the ctx`, [{ slot, insn: { kind: "stx", size, dst: insn.src, src: insn.src, off: insn.off } }]));
    }
    if (b.t === "map_value" && maps[b.map]?.dataSection !== undefined && !b.nullable) {
      const family = b.readonly ? "rodata-write" : "data-write";
      const what = `store to ${maps[b.map]!.dataSection} where the load read${b.readonly ? "" : " (writable: safe)"}`;
      out.push(candidate(site, family, what, [{ slot, insn: { kind: "st", size, dst: insn.src, off: insn.off, imm: 0 } }]));
    }
  }
  return out;
}

