// Verifier errors: the kernel's wording, plus where (instruction index and text), the states of
// the registers involved (kernel log style) and the source line from line_info.

import { formatInstruction } from "../isa/index.js";
import type { LinkedProgram } from "../object/link.js";
import { formatScalar, type Scalar } from "./scalar.js";
import type { RegState } from "./state.js";
import { hintFor } from "./hints.js";

// Rejections are verdicts, not bugs: they are built without a stack trace (capturing one was
// most of their cost, and a rejected program raises a couple).

/** A rejection raised inside the walk; `regs` are the registers the message is about. */
export class Reject extends Error {
  readonly insn: number;
  readonly regs: readonly number[];
  constructor(message: string, insn: number, regs: readonly number[] = []) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "Reject";
    this.insn = insn;
    this.regs = regs;
  }
}

/** A rejection raised by a rule that does not know the instruction index; the walk adds it. */
export class RuleError extends Error {
  readonly regs: readonly number[];
  constructor(message: string, regs: readonly number[] = []) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "RuleError";
    this.regs = regs;
  }
}

export interface SourceLine {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly source: string;
}

export interface VerifierError {
  readonly message: string;
  readonly insn: number;
  readonly text: string;
  readonly registers: string;
  readonly line?: SourceLine;
  /** What proof is missing, in words (hints.ts). */
  readonly hint?: string;
}

/** The line_info record covering slot `insn` (the last one at or before it). */
export function sourceLineAt(prog: LinkedProgram, insn: number): SourceLine | undefined {
  let best: (typeof prog.lineInfo)[number] | undefined;
  for (const r of prog.lineInfo) if (r.slot <= insn && (!best || r.slot >= best.slot)) best = r;
  if (!best) return undefined;
  return { file: best.fileName, line: best.lineNumber, column: best.column, source: best.line.trimEnd() };
}

function offsets(off: number, v: Scalar): string[] {
  const out: string[] = [];
  if (off !== 0) out.push(`off=${off}`);
  if (!(v.tnum.mask === 0n && v.tnum.value === 0n)) out.push(`var=${formatScalar(v)}`);
  return out;
}

/** A register state as the kernel's print_verifier_state shows it after `R<n>=`. */
export function formatReg(r: RegState): string {
  switch (r.type) {
    case "not_init":
      return "?";
    case "scalar":
      return r.id !== 0 && r.s.tnum.mask !== 0n ? formatScalar(r.s).replace("scalar(", `scalar(id=${r.id}${r.delta === undefined ? "" : r.delta < 0 ? r.delta : `+${r.delta}`},`).replace(",)", ")") : formatScalar(r.s);
    case "ctx":
      return `ctx(${offsets(r.off, r.var).join(",")})`;
    case "pkt":
    case "pkt_meta":
      return `${r.type}(${[...(r.id ? [`id=${r.id}`] : []), ...offsets(r.off, r.var), `r=${r.range}`].join(",")})`;
    case "pkt_end":
      return "pkt_end()";
    case "map_value":
    case "map_value_or_null":
      return `${r.type}(${[...(r.id ? [`id=${r.id}`] : []), `map=${r.map}`, ...offsets(r.off, r.var)].join(",")})`;
    case "map_ptr":
      return `map_ptr(map=${r.map})`;
    case "map_ptr_or_null":
      return `map_ptr_or_null(id=${r.id},map=${r.map})`;
    case "ptr_":
    case "ptr_or_null_":
      return `${r.type}${r.btf}(${[...(r.id ? [`id=${r.id}`] : []), ...(r.ref ? [`ref_obj_id=${r.ref}`] : [])].join(",")})`;
    case "stack":
      return r.var.tnum.mask === 0n && r.var.tnum.value === 0n ? `fp${r.off}` : `fp(${offsets(r.off, r.var).join(",")})`;
    case "func":
      return `func(${r.targets.map((t) => `#${t}`).join(",")})`;
    case "mem":
    case "mem_or_null":
      return `${r.type === "mem" ? "ringbuf_mem" : "ringbuf_mem_or_null"}(${[`id=${r.id}`, `ref_obj_id=${r.ref}`, `sz=${r.size}`, ...offsets(r.off, r.var)].join(",")})`;
    case "sock":
    case "sock_or_null":
    case "sock_common":
    case "sock_common_or_null":
      return `${r.type}(${[...(r.id ? [`id=${r.id}`] : []), `ref_obj_id=${r.ref}`].join(",")})`;
    case "iter":
      return `iter_${r.iter}(ref_id=${r.ref},state=${r.state},depth=${r.depth})`;
  }
}

export function buildError(prog: LinkedProgram, e: Reject, regs: readonly RegState[] | undefined): VerifierError {
  const insn = prog.insns[e.insn];
  const line = sourceLineAt(prog, e.insn);
  const hint = hintFor(e.message);
  return {
    message: e.message,
    insn: e.insn,
    text: insn ? formatInstruction(insn, { callKinds: true }) : "",
    registers: regs ? e.regs.map((r) => `R${r}=${formatReg(regs[r]!)}`).join(" ") : "",
    ...(line ? { line } : {}),
    ...(hint ? { hint } : {}),
  };
}
