// Where the kernel demands precision (its mark_chain_precision call sites), computed from the
// state before an instruction runs: branches decided by a scalar's value (check_cond_jmp_op),
// pointer arithmetic with a scalar (adjust_reg_min_max_vals), helper sizes, allocation sizes,
// null arguments, constant array keys, the tail call index, bpf_loop's count and flags
// (check_func_arg, check_helper_call), zero stores that are not spills (check_stack_write_*).
// Also the history flags of spills and fills (insn_stack_access_flags) and the scalars linked
// to a compared register (collect_linked_regs).

import type { AluInsn, Instruction, JcondInsn } from "../isa/index.js";
import { MapType } from "../object/map-types.js";
import { branchTaken } from "./branch.js";
import type { Env } from "./env.js";
import { helperProto } from "./helpers.js";
import { scalarConstInt } from "./scalar.js";
import { rawKinds, slotOf } from "./stack.js";
import type { LinkedReg, RegState, VerifierState } from "./state.js";

export interface Marks {
  readonly regs: number[];
  readonly slots: { frame: number; spi: number }[];
}

const isZero = (r: RegState | undefined): boolean => r?.type === "scalar" && r.s.tnum.mask === 0n && r.s.tnum.value === 0n;
const isConst = (r: RegState | undefined): r is Extract<RegState, { type: "scalar" }> => r?.type === "scalar" && r.s.tnum.mask === 0n;
const regsOf = (st: VerifierState): readonly RegState[] => st.frames[st.frames.length - 1]!.regs;
const notNullPtr = (r: RegState): boolean => r.type === "map_value" || r.type === "mem" || r.type === "map_ptr";

/** A decided conditional jump makes its scalar operands precise. */
export function condMarks(st: VerifierState, insn: JcondInsn): number[] {
  const regs = regsOf(st);
  const dst = regs[insn.dst]!;
  const srcReg = insn.src.kind === "reg" ? insn.src.reg : -1;
  const src: RegState = srcReg >= 0 ? regs[srcReg]! : { type: "scalar", s: scalarConstInt(insn.src.kind === "imm" ? insn.src.imm : 0), id: 0 };
  if (dst.type === "scalar" && src.type === "scalar") {
    if (branchTaken(insn.cond, insn.width, dst.s, src.s) === undefined) return [];
    return srcReg >= 0 ? [insn.dst, srcReg] : [insn.dst];
  }
  // A valid pointer compared with 0 (is_branch_taken on a non-null pointer).
  if (notNullPtr(dst) && isZero(src) && (insn.cond === "jeq" || insn.cond === "jne") && srcReg >= 0) return [srcReg];
  return [];
}

/** Scalars of every frame sharing `id` (collect_linked_regs). */
function collectLinked(st: VerifierState, id: number, out: LinkedReg[]): void {
  st.frames.forEach((f, frame) => {
    for (let reg = 0; reg < 10; reg++) {
      const r = f.regs[reg]!;
      if (r.type === "scalar" && r.id === id) out.push({ frame, reg });
    }
    f.stack.forEach((s, spi) => {
      if (s.kind === "spill" && s.reg.type === "scalar" && s.reg.id === id) out.push({ frame, spi });
    });
  });
}

/** History flags of a conditional jump: stack-pointer operands, and linked scalars when it branches. */
export function condHistory(st: VerifierState, insn: JcondInsn): { srcStack: boolean; dstStack: boolean; linked: LinkedReg[] } {
  const regs = regsOf(st);
  const dst = regs[insn.dst]!;
  const src = insn.src.kind === "reg" ? regs[insn.src.reg]! : undefined;
  const linked: LinkedReg[] = [];
  if (src?.type === "scalar" && src.id !== 0) collectLinked(st, src.id, linked);
  if (dst.type === "scalar" && dst.id !== 0) collectLinked(st, dst.id, linked);
  return { srcStack: src?.type === "stack", dstStack: dst.type === "stack", linked };
}

/** ptr += scalar marks the scalar; scalar += ptr marks the destination. */
export function aluMarks(st: VerifierState, insn: AluInsn): number[] {
  if (insn.op === "mov" || insn.src.kind !== "reg") return [];
  const regs = regsOf(st);
  const dst = regs[insn.dst]!;
  const src = regs[insn.src.reg]!;
  const isPtr = (r: RegState): boolean => r.type !== "scalar" && r.type !== "not_init";
  if (src.type === "scalar" && isPtr(dst)) return [insn.src.reg];
  if (dst.type === "scalar" && isPtr(src)) return [insn.dst];
  return [];
}

/** The stack slot a fixed-offset access through register `regno` touches, if any. */
function stackSlot(st: VerifierState, regno: number, off: number): { frame: number; spi: number; byte: number } | undefined {
  const reg = regsOf(st)[regno]!;
  if (reg.type !== "stack" || reg.var.tnum.mask !== 0n) return undefined;
  const at = reg.off + Number(BigInt.asIntN(64, reg.var.tnum.value)) + off;
  if (at >= 0 || at < -512) return undefined;
  const { slot, byte } = slotOf(at);
  return { frame: reg.frame, spi: slot, byte };
}

/** A store at a slot start is a spill (its history entry lets backtracking follow the value). */
export function storeHistory(st: VerifierState, insn: Extract<Instruction, { kind: "st" | "stx" }>): { frame: number; spi: number } | undefined {
  const s = stackSlot(st, insn.dst, insn.off);
  return s && s.byte === 0 ? { frame: s.frame, spi: s.spi } : undefined;
}

/** A load that gives back a spilled register (check_stack_read_fixed_off keeps its flags). */
export function loadHistory(st: VerifierState, insn: Extract<Instruction, { kind: "ldx" }>): { frame: number; spi: number } | undefined {
  const s = stackSlot(st, insn.src, insn.off);
  if (!s) return undefined;
  const slot = st.frames[s.frame]!.stack[s.spi]!;
  if (slot.kind !== "spill") return undefined;
  const size = insn.size;
  if (size === 8 && slot.size === 8) return s.byte === 0 ? { frame: s.frame, spi: s.spi } : undefined;
  if (slot.reg.type !== "scalar") return undefined;
  if (s.byte === 0 && size <= slot.size) return { frame: s.frame, spi: s.spi };
  const kinds = rawKinds(slot);
  let spill = 0;
  for (let i = s.byte; i < s.byte + size; i++) if (kinds[i] === "spill") spill++;
  return spill === size && isZero(slot.reg) ? { frame: s.frame, spi: s.spi } : undefined;
}

/** A zero stored by a register where it is not a spill: the zero bytes rely on its value. */
export function storeZeroMarks(st: VerifierState, insn: Extract<Instruction, { kind: "stx" }>): number[] {
  const regs = regsOf(st);
  const dst = regs[insn.dst]!;
  if (dst.type !== "stack" || !isZero(regs[insn.src])) return [];
  if (dst.var.tnum.mask !== 0n) return [insn.src];
  const at = dst.off + Number(BigInt.asIntN(64, dst.var.tnum.value)) + insn.off;
  return at % 8 !== 0 ? [insn.src] : [];
}

/** Registers and slots a helper call relies on exactly. */
export function helperMarks(env: Env, st: VerifierState, id: number): Marks {
  const marks: Marks = { regs: [], slots: [] };
  const proto = helperProto(id);
  if (!proto) return marks;
  const regs = regsOf(st);
  let mapIndex: number | undefined;
  proto.args.forEach((kind, i) => {
    const regno = i + 1;
    const reg = regs[regno]!;
    switch (kind) {
      case "map_ptr":
        if (reg.type === "map_ptr") mapIndex = reg.map;
        break;
      case "mem_ro_or_null":
        if (isZero(reg)) marks.regs.push(regno);
        marks.regs.push(regno + 1);
        break;
      case "mem_ro":
      case "mem_rw":
      case "mem_uninit":
        marks.regs.push(regno + 1);
        break;
      case "alloc_size":
        marks.regs.push(regno);
        break;
      case "stack_or_null":
        if (isZero(reg)) marks.regs.push(regno);
        break;
      case "map_key": {
        const map = mapIndex === undefined ? undefined : env.maps[mapIndex];
        if (!map || (map.type !== MapType.ARRAY && map.type !== MapType.PERCPU_ARRAY)) break;
        const slot = constantKeySlot(st, regno, map.keySize);
        if (slot) marks.slots.push(slot);
        break;
      }
      default:
        break;
    }
  });
  if (proto.callback === true) {
    if (isZero(regs[4])) marks.regs.push(4);
    marks.regs.push(1);
  }
  if (proto.name === "tail_call") {
    const map = mapIndex === undefined ? undefined : env.maps[mapIndex];
    const r3 = regs[3];
    if (map && isConst(r3) && r3.s.tnum.value < BigInt(map.maxEntries)) marks.regs.push(3);
  }
  return marks;
}

/** get_constant_map_key: the spilled constant a key is read from (zero bytes need no mark). */
function constantKeySlot(st: VerifierState, regno: number, keySize: number): { frame: number; spi: number } | undefined {
  const s = stackSlot(st, regno, 0);
  if (!s) return undefined;
  const slot = st.frames[s.frame]!.stack[s.spi]!;
  const kinds = rawKinds(slot);
  let zeros = 0;
  for (let i = s.byte; i < 8 && kinds[i] === "zero"; i++) zeros++;
  if (zeros >= keySize) return undefined;
  if (slot.kind !== "spill" || slot.reg.type !== "scalar") return undefined;
  let spilled = 0;
  for (let i = s.byte; i < 8 && kinds[i] === "spill"; i++) spilled++;
  if (spilled !== keySize || slot.reg.s.tnum.mask !== 0n) return undefined;
  return { frame: s.frame, spi: s.spi };
}
