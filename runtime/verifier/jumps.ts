// Conditional jumps (the kernel's check_cond_jmp_op): which way a branch can go, and what each
// way teaches about the registers: scalar bounds (branch.ts) propagated to every linked copy,
// null checks turning every copy of a helper result into a pointer or into 0, and packet range
// proofs from comparisons of packet pointers with pkt_end (or of pkt_meta with pkt).

import type { JcondInsn } from "../isa/index.js";
import { branchTaken, refineBranch } from "./branch.js";
import { readReg } from "./alu.js";
import { scalarConst, scalarConstInt, zext32To64, type Scalar } from "./scalar.js";
import { scalarAlu } from "./scalar-alu.js";
import { copyState, isPointer, mayBeNull, type PktPtr, type RegState, type ScalarReg, type VerifierState } from "./state.js";

const MAX_PACKET_OFF = 0xffff;

/** Applies `f` to every register and spilled register of every frame. */
export function mapAllRegs(st: VerifierState, f: (r: RegState) => RegState): void {
  for (const fr of st.frames) {
    for (let i = 0; i < fr.regs.length; i++) {
      const r = fr.regs[i]!;
      const n = f(r);
      if (n !== r) fr.regs[i] = n;
    }
    for (let i = 0; i < fr.stack.length; i++) {
      const s = fr.stack[i]!;
      if (s.kind !== "spill") continue;
      const n = f(s.reg);
      if (n !== s.reg) fr.stack[i] = { ...s, reg: n };
    }
  }
}

/**
 * sync_linked_regs: every scalar sharing the refined register's id takes its value, moved by
 * the difference of their deltas (a copy with delta d holds linked value + d, modulo 2^64).
 * Each register keeps its own id and delta.
 */
function syncLinked(st: VerifierState, known: ScalarReg): void {
  if (known.id === 0) return;
  const kd = known.delta ?? 0;
  mapAllRegs(st, (r) => {
    if (r.type !== "scalar" || r.id !== known.id) return r;
    const d = (r.delta ?? 0) - kd;
    if (d === 0) return { ...r, s: known.s };
    // A 32-bit linked copy (BPF_ADD_CONST32) is zero-extended after the move (6.18.44 tests
    // the linked register's flag, not the known one's).
    const moved = scalarAlu("add", 64, known.s, scalarConst(BigInt(d)));
    return { ...r, s: r.d32 ? zext32To64(moved) : moved };
  });
}

function setReg(st: VerifierState, r: number, v: RegState): void {
  st.frames[st.frames.length - 1]!.regs[r] = v;
}

/** mark_ptr_or_null_regs: after a null check, every copy is either 0 or a valid pointer. */
function markNull(st: VerifierState, id: number, isNull: boolean): void {
  mapAllRegs(st, (r): RegState => {
    if (mayBeNull(r) && "id" in r && r.id === id) {
      if (isNull) return { type: "scalar", s: scalarConst(0n), id: 0 };
      return notNullOf(r);
    }
    return r;
  });
  if (isNull) st.refs = st.refs.filter((ref) => ref.id !== id);
}

/** A maybe-null pointer known not to be null (mark_ptr_not_null_reg; a socket keeps its reference). */
function notNullOf(r: RegState): RegState {
  switch (r.type) {
    case "map_value_or_null":
      return { ...r, type: "map_value", id: r.lock ? r.id : 0 };
    case "mem_or_null":
      return { ...r, type: "mem" };
    case "sock_or_null":
      return { ...r, type: "sock", id: 0 };
    case "sock_common_or_null":
      return { ...r, type: "sock_common", id: 0 };
    case "map_ptr_or_null":
      return { type: "map_ptr", map: r.map };
    case "ptr_or_null_":
      return { ...r, type: "ptr_", id: 0 };
    default:
      return r;
  }
}

/** find_good_pkt_pointers: `pkt` (off bytes past its base) is at most the end (or below it when open). */
function markPktRange(st: VerifierState, pkt: PktPtr, open: boolean): void {
  if (pkt.off < 0 || (pkt.off === 0 && open)) return;
  if (pkt.var.umax > BigInt(MAX_PACKET_OFF) || pkt.var.umax + BigInt(pkt.off) > BigInt(MAX_PACKET_OFF)) return;
  // `pkt + off < end` proves off + 1 bytes (the kernel's range_right_open).
  const range = pkt.off + (open ? 1 : 0);
  mapAllRegs(st, (r) => (r.type === pkt.type && r.id === pkt.id && r.range < range ? { ...r, range } : r));
}

/** A packet pointer's range when it is known to be at the end (pkt >= end) or beyond it (pkt > end). */
export const AT_PKT_END = -1;
export const BEYOND_PKT_END = -2;

/** mark_pkt_end: register `regno` (a packet pointer; not pkt_meta) is at or beyond the end. */
function markPktEnd(st: VerifierState, regno: number, beyond: boolean): void {
  const regs = st.frames[st.frames.length - 1]!.regs;
  const r = regs[regno]!;
  if (r.type === "pkt") regs[regno] = { ...r, range: beyond ? BEYOND_PKT_END : AT_PKT_END };
}

/** is_pkt_ptr_branch_taken: a pointer known at or beyond the end decides its next comparison with it. */
function pktBranchTaken(cond: JcondInsn["cond"], dst: RegState, src: RegState): boolean | undefined {
  const isPktAny = (r: RegState): boolean => r.type === "pkt" || r.type === "pkt_meta" || r.type === "pkt_end";
  if (!isPktAny(dst) || !isPktAny(src)) return undefined;
  let pkt: RegState;
  let c = cond;
  if (src.type === "pkt_end") pkt = dst;
  else if (dst.type === "pkt_end") {
    pkt = src;
    c = cond === "jgt" ? "jlt" : cond === "jlt" ? "jgt" : cond === "jge" ? "jle" : cond === "jle" ? "jge" : cond;
  } else return undefined;
  if ((pkt.type !== "pkt" && pkt.type !== "pkt_meta") || pkt.range >= 0) return undefined;
  switch (c) {
    case "jle":
    case "jgt":
      return pkt.range === BEYOND_PKT_END ? c === "jgt" : undefined;
    case "jlt":
    case "jge":
      return c === "jge";
    default:
      return undefined;
  }
}

const isInitPkt = (r: RegState): boolean => r.type === "pkt" && r.off === 0 && r.var.tnum.mask === 0n && r.var.tnum.value === 0n;
/** `a` is a packet pointer and `b` the end it is checked against. */
const pktAgainstEnd = (a: RegState, b: RegState): a is PktPtr => (a.type === "pkt" && b.type === "pkt_end") || (a.type === "pkt_meta" && isInitPkt(b));

/** Non-null pointer types for tests against 0 (reg_not_null). */
const notNull = (r: RegState): boolean => r.type === "map_value" || r.type === "mem" || r.type === "map_ptr" || r.type === "sock" || r.type === "sock_common" || r.type === "ptr_";

export interface Branches {
  /** State of the fall-through path, if feasible. */
  readonly fall?: VerifierState;
  /** State of the jump path, if feasible. */
  readonly taken?: VerifierState;
}

/**
 * Splits `st` (consumed) into the feasible successors of conditional jump `insn`.
 */
export function condJump(st: VerifierState, insn: JcondInsn): Branches {
  const dst = readReg(st, insn.dst);
  const srcIsReg = insn.src.kind === "reg";
  const src: RegState = insn.src.kind === "reg" ? readReg(st, insn.src.reg) : { type: "scalar", s: scalarConstInt(insn.src.imm), id: 0 };
  const { cond, width } = insn;

  if (dst.type === "scalar" && src.type === "scalar") {
    const known = branchTaken(cond, width, dst.s, src.s);
    if (known === true) return { taken: st };
    if (known === false) return { fall: st };
    const t = refineBranch(cond, width, dst.s, src.s, true);
    const f = refineBranch(cond, width, dst.s, src.s, false);
    const apply = (s: VerifierState, pair: readonly [Scalar, Scalar]): VerifierState => {
      setReg(s, insn.dst, { ...dst, s: pair[0] });
      syncLinked(s, { ...dst, s: pair[0] });
      if (srcIsReg) {
        setReg(s, insn.src.kind === "reg" ? insn.src.reg : 0, { ...src, s: pair[1] });
        syncLinked(s, { ...src, s: pair[1] });
        // The same register on both sides: the first refinement wins.
        if (insn.src.kind === "reg" && insn.src.reg === insn.dst) setReg(s, insn.dst, { ...dst, s: pair[0] });
      }
      return s;
    };
    if (!t && !f) return {};
    if (!t) return { fall: apply(st, f!) };
    if (!f) return { taken: apply(st, t) };
    const other = copyState(st);
    return { fall: apply(st, f), taken: apply(other, t) };
  }

  // Null checks of helper results: `if rX == 0` / `if rX != 0` (64-bit, immediate 0).
  if (width === 64 && !srcIsReg && insn.src.kind === "imm" && insn.src.imm === 0 && (cond === "jeq" || cond === "jne") && mayBeNull(dst) && "id" in dst) {
    const other = copyState(st);
    markNull(other, dst.id, cond === "jeq");
    markNull(st, dst.id, cond !== "jeq");
    return { fall: st, taken: other };
  }

  // A valid pointer is never 0, at 64 bits: its low 32 bits may be (6.18.44 leaves a JMP32
  // test of a pointer against 0 undecided).
  if (width === 64 && src.type === "scalar" && src.s.tnum.mask === 0n && src.s.tnum.value === 0n && notNull(dst) && (cond === "jeq" || cond === "jne")) {
    return cond === "jeq" ? { fall: st } : { taken: st };
  }

  // A pointer that may be null equal to one that cannot be is not null: on the equal side
  // that register (not its copies) becomes the pointer (check_cond_jmp_op).
  if (width === 64 && insn.src.kind === "reg" && (cond === "jeq" || cond === "jne") && isPointer(dst) && isPointer(src) && mayBeNull(dst) !== mayBeNull(src)) {
    const other = copyState(st);
    const eq = cond === "jeq" ? other : st;
    const r = mayBeNull(dst) ? insn.dst : insn.src.reg;
    const regs = eq.frames[eq.frames.length - 1]!.regs;
    const reg = regs[r]!;
    regs[r] = notNullOf(reg);
    return { fall: st, taken: other };
  }

  // Packet range proofs (try_match_pkt_pointers), 64-bit register comparisons only. The side
  // that proves nothing learns that the compared pointer is at or beyond the end (mark_pkt_end):
  // no access through that register, and a later comparison of it with the end is decided.
  if (width === 64 && insn.src.kind === "reg") {
    const decided = pktBranchTaken(cond, dst, src);
    if (decided === true) return { taken: st };
    if (decided === false) return { fall: st };
    let fallRange: [PktPtr, boolean] | undefined;
    let takenRange: [PktPtr, boolean] | undefined;
    // [register, beyond (pkt > end) or at (pkt >= end)] for each side.
    let fallEnd: [number, boolean] | undefined;
    let takenEnd: [number, boolean] | undefined;
    const d = insn.dst;
    const r = insn.src.reg;
    if (pktAgainstEnd(dst, src)) {
      // pkt' OP end
      if (cond === "jgt") [fallRange, takenEnd] = [[dst, false], [d, true]];
      else if (cond === "jlt") [takenRange, fallEnd] = [[dst, true], [d, false]];
      else if (cond === "jge") [fallRange, takenEnd] = [[dst, true], [d, false]];
      else if (cond === "jle") [takenRange, fallEnd] = [[dst, false], [d, true]];
    } else if (pktAgainstEnd(src, dst)) {
      // end OP pkt'
      if (cond === "jgt") [takenRange, fallEnd] = [[src, true], [r, false]];
      else if (cond === "jlt") [fallRange, takenEnd] = [[src, false], [r, true]];
      else if (cond === "jge") [takenRange, fallEnd] = [[src, false], [r, true]];
      else if (cond === "jle") [fallRange, takenEnd] = [[src, true], [r, false]];
    }
    if (fallRange || takenRange) {
      const other = copyState(st);
      if (fallRange) markPktRange(st, fallRange[0], fallRange[1]);
      if (takenRange) markPktRange(other, takenRange[0], takenRange[1]);
      if (fallEnd) markPktEnd(st, fallEnd[0], fallEnd[1]);
      if (takenEnd) markPktEnd(other, takenEnd[0], takenEnd[1]);
      return { fall: st, taken: other };
    }
  }
  return { fall: st, taken: copyState(st) };
}
