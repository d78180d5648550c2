// The catch-all family: one field (register, offset, immediate, condition, operation, size)
// of one random instruction changed at random. Relocated lddw and local calls are left
// alone (changing them breaks the object, not the program), and every result must encode.

import { encode, formatInstruction, type AluOp, type Instruction, type JmpCond } from "../../../runtime/isa/index.js";
import { candidate, instructions, type Candidate, type FunctionSite } from "./candidate.js";
import type { Random } from "./random.js";

const ALU_OPS: readonly AluOp[] = ["add", "sub", "mul", "div", "sdiv", "or", "and", "lsh", "rsh", "mod", "smod", "xor", "mov", "arsh"];
const CONDS: readonly JmpCond[] = ["jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "jlt", "jle", "jslt", "jsle"];
const SIZES = [1, 2, 4, 8] as const;
/** The largest helper id of Linux 6.18's bpf_func_id, plus a few beyond it. */
const MAX_HELPER = 215;

function smallImm(rng: Random, old: number): number {
  switch (rng.int(0, 3)) {
    case 0:
      return old + rng.pick([-1, 1]);
    case 1:
      return rng.int(-16, 64);
    case 2:
      return rng.pick([0, 1, 0x7fffffff, -0x80000000, -1, 0xffff, 255]);
    default:
      return (rng.u32() | 0) >> rng.int(0, 24);
  }
}

const delta = (rng: Random): number => rng.pick([-8, -4, -2, -1, 1, 2, 4, 8, 16, 64]);

/** One random single-field change of `insn`, or undefined when the draw does not apply. */
function mutateField(rng: Random, insn: Instruction): { insn: Instruction; field: string } | undefined {
  const reg = (): number => rng.int(0, 10);
  switch (insn.kind) {
    case "alu":
      switch (rng.int(0, 3)) {
        case 0:
          return { insn: { ...insn, op: rng.pick(ALU_OPS) }, field: "operation" };
        case 1:
          return { insn: { ...insn, dst: reg() }, field: "dst" };
        case 2:
          return insn.src.kind === "reg" ? { insn: { ...insn, src: { kind: "reg", reg: reg() } }, field: "src" } : { insn: { ...insn, src: { kind: "imm", imm: smallImm(rng, insn.src.imm) } }, field: "immediate" };
        default:
          return { insn: { ...insn, width: insn.width === 64 ? 32 : 64 }, field: "width" };
      }
    case "neg":
    case "endian":
      return { insn: { ...insn, dst: reg() }, field: "dst" };
    case "movsx":
      return rng.bool() ? { insn: { ...insn, dst: reg() }, field: "dst" } : { insn: { ...insn, src: reg() }, field: "src" };
    case "lddw":
      return rng.bool() ? { insn: { ...insn, dst: reg() }, field: "dst" } : { insn: { ...insn, lo: smallImm(rng, insn.lo) }, field: "immediate" };
    case "ldx":
      switch (rng.int(0, 3)) {
        case 0:
          return { insn: { ...insn, dst: reg() }, field: "dst" };
        case 1:
          return { insn: { ...insn, src: reg() }, field: "src" };
        case 2:
          return { insn: { ...insn, off: insn.off + delta(rng) }, field: "offset" };
        default:
          return { insn: { ...insn, size: rng.pick(SIZES), signed: false }, field: "size" };
      }
    case "st":
      switch (rng.int(0, 3)) {
        case 0:
          return { insn: { ...insn, dst: reg() }, field: "dst" };
        case 1:
          return { insn: { ...insn, imm: smallImm(rng, insn.imm) }, field: "immediate" };
        case 2:
          return { insn: { ...insn, off: insn.off + delta(rng) }, field: "offset" };
        default:
          return { insn: { ...insn, size: rng.pick(SIZES) }, field: "size" };
      }
    case "stx":
    case "atomic":
      switch (rng.int(0, 2)) {
        case 0:
          return { insn: { ...insn, dst: reg() }, field: "dst" };
        case 1:
          return { insn: { ...insn, src: reg() }, field: "src" };
        default:
          return { insn: { ...insn, off: insn.off + delta(rng) }, field: "offset" };
      }
    case "ja":
      return { insn: { ...insn, off: insn.off + rng.pick([-2, -1, 1, 2]) }, field: "offset" };
    case "jcond":
      switch (rng.int(0, 3)) {
        case 0:
          return { insn: { ...insn, cond: rng.pick(CONDS) }, field: "condition" };
        case 1:
          return { insn: { ...insn, dst: reg() }, field: "dst" };
        case 2:
          return insn.src.kind === "reg" ? { insn: { ...insn, src: { kind: "reg", reg: reg() } }, field: "src" } : { insn: { ...insn, src: { kind: "imm", imm: smallImm(rng, insn.src.imm) } }, field: "immediate" };
        default:
          return { insn: { ...insn, off: insn.off + rng.pick([-2, -1, 1, 2]) }, field: "offset" };
      }
    case "call":
      return insn.target === "helper" ? { insn: { ...insn, imm: rng.int(1, MAX_HELPER) }, field: "helper id" } : undefined;
    case "exit":
    case "callx":
    case "ldabs":
    case "ldind":
    case "may_goto":
      return undefined;
  }
}

function encodes(insn: Instruction): boolean {
  try {
    encode(insn);
    return true;
  } catch {
    return false;
  }
}

/** `count` random single-field mutants over the functions of one object. */
export function randomFamily(sites: readonly FunctionSite[], rng: Random, count: number): Candidate[] {
  const pool = sites.flatMap((site) =>
    [...instructions(site)]
      .filter(({ slot, insn }) => !(insn.kind === "lddw" && site.code.hasReloc(site.fn.sectionIndex, slot)) && !(insn.kind === "call" && insn.target === "local"))
      .map((x) => ({ site, ...x })),
  );
  const out: Candidate[] = [];
  for (let tries = 0; out.length < count && tries < count * 20 && pool.length > 0; tries++) {
    const { site, slot, insn } = rng.pick(pool);
    const m = mutateField(rng, insn);
    if (!m || JSON.stringify(m.insn) === JSON.stringify(insn) || !encodes(m.insn)) continue;
    out.push(candidate(site, "random", `random ${m.field} change of \`${formatInstruction(insn)}\``, [{ slot, insn: m.insn }]));
  }
  return out;
}
