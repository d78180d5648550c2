// The compiler's IR: functions of basic blocks over virtual registers (64-bit, not SSA:
// a local variable is one vreg assigned many times). Operations are already at eBPF's
// level — 32/64-bit ALU, loads and stores of 1/2/4/8 bytes, calls by the BPF convention —
// so instruction selection is nearly one-to-one; what the IR adds over instructions is
// symbolic control flow, unlimited registers, symbolic stack slots and symbolic references
// to maps, globals and functions. Every instruction carries the source line it came from.

import type { AluOp, JmpCond } from "../../runtime/isa/index.js";

export type VReg = number;

export type Operand = { readonly kind: "reg"; readonly reg: VReg } | { readonly kind: "imm"; readonly value: bigint };

export type Width = 32 | 64;

/** What an lddw loads: a map, the address of a global (data section + offset), a function, or a constant. */
export type Symbolic =
  | { readonly kind: "map"; readonly name: string }
  | { readonly kind: "global"; readonly name: string; readonly offset: number }
  | { readonly kind: "func"; readonly name: string }
  | { readonly kind: "imm64"; readonly value: bigint };

/**
 * What a call reaches: a helper, a function by name (BPF_PSEUDO_CALL), or a function value held
 * in a vreg (`sig` names its signature; every function that can reach the vreg has it). An
 * indirect call becomes `callx` for the VM, or a ladder of direct calls for the kernel
 * (passes/indirect-calls.ts).
 */
export type CallTarget =
  | { readonly kind: "helper"; readonly id: number }
  | { readonly kind: "func"; readonly name: string }
  | { readonly kind: "indirect"; readonly reg: VReg; readonly sig: string };

/** Index of a source line record in the function's `lines` table. */
export type LineRef = number;

export type Inst =
  | { readonly op: "mov"; readonly dst: VReg; readonly src: Operand; readonly width: Width; readonly line: LineRef }
  | { readonly op: "alu"; readonly alu: AluOp; readonly dst: VReg; readonly a: VReg; readonly b: Operand; readonly width: Width; readonly line: LineRef }
  | { readonly op: "neg"; readonly dst: VReg; readonly src: VReg; readonly width: Width; readonly line: LineRef }
  /** dst = src with bits above `bits` cleared (signed: sign-extended to 64, or to 32 when width 32). */
  | { readonly op: "ext"; readonly dst: VReg; readonly src: VReg; readonly bits: 8 | 16 | 32; readonly signed: boolean; readonly width: Width; readonly line: LineRef }
  /** dst = byte-swapped low `bits` of src (host ↔ network order on a little-endian machine). */
  | { readonly op: "bswap"; readonly dst: VReg; readonly src: VReg; readonly bits: 16 | 32 | 64; readonly line: LineRef }
  | { readonly op: "load"; readonly dst: VReg; readonly base: VReg; readonly off: number; readonly size: 1 | 2 | 4 | 8; readonly line: LineRef }
  | { readonly op: "store"; readonly base: VReg; readonly off: number; readonly size: 1 | 2 | 4 | 8; readonly value: Operand; readonly line: LineRef }
  | { readonly op: "atomic_add"; readonly base: VReg; readonly off: number; readonly size: 4 | 8; readonly value: VReg; readonly line: LineRef }
  | { readonly op: "lddw"; readonly dst: VReg; readonly ref: Symbolic; readonly line: LineRef }
  /** dst = address of stack slot `slot` + off. */
  | { readonly op: "stackaddr"; readonly dst: VReg; readonly slot: number; readonly line: LineRef }
  | { readonly op: "call"; readonly dst: VReg | undefined; readonly target: CallTarget; readonly args: readonly Operand[]; readonly line: LineRef }
  /** Register allocation's spill code: a vreg saved to / restored from stack slot `slot`. */
  | { readonly op: "spill"; readonly slot: number; readonly src: VReg; readonly line: LineRef }
  | { readonly op: "reload"; readonly dst: VReg; readonly slot: number; readonly line: LineRef };

export type Terminator =
  | { readonly op: "jmp"; readonly target: number; readonly line: LineRef }
  | {
      readonly op: "br";
      readonly cond: JmpCond;
      readonly width: Width;
      readonly a: VReg;
      readonly b: Operand;
      readonly then: number;
      readonly else: number;
      readonly line: LineRef;
    }
  | { readonly op: "ret"; readonly value: Operand; readonly line: LineRef };

export interface Block {
  readonly id: number;
  insts: Inst[];
  term: Terminator | undefined;
}

export interface StackSlot {
  readonly size: number;
  readonly align: number;
}

export interface SourceLine {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

export interface IrFunction {
  readonly name: string;
  /** The program section for entry points ("xdp", "xdp.frags"), or undefined for subprograms. */
  readonly section: string | undefined;
  /** VRegs holding the arguments on entry, in order (r1..r5). */
  readonly params: readonly VReg[];
  readonly blocks: Block[];
  readonly slots: StackSlot[];
  readonly lines: SourceLine[];
  nextVReg: number;
  /** Instructions jump threading may still copy into other blocks (set on its first run): a budget, so it never unrolls a loop at compile time. */
  threadBudget?: number;
}

export const reg = (r: VReg): Operand => ({ kind: "reg", reg: r });
export const imm = (v: number | bigint): Operand => ({ kind: "imm", value: BigInt(v) });

/** VRegs an instruction reads. */
export function uses(i: Inst | Terminator): VReg[] {
  const op = (o: Operand): VReg[] => (o.kind === "reg" ? [o.reg] : []);
  switch (i.op) {
    case "mov":
      return op(i.src);
    case "alu":
      return [i.a, ...op(i.b)];
    case "neg":
    case "ext":
    case "bswap":
      return [i.src];
    case "load":
      return [i.base];
    case "store":
      return [i.base, ...op(i.value)];
    case "atomic_add":
      return [i.base, i.value];
    case "spill":
      return [i.src];
    case "reload":
      return [];
    case "lddw":
    case "stackaddr":
    case "jmp":
      return [];
    case "call":
      return [...i.args.flatMap(op), ...(i.target.kind === "indirect" ? [i.target.reg] : [])];
    case "br":
      return [i.a, ...op(i.b)];
    case "ret":
      return op(i.value);
  }
}

/**
 * The instruction with every register it reads passed through `r`, and every operand it reads
 * through `o` (by default: the operand's register through `r`). Definitions are unchanged.
 */
export function mapUses<T extends Inst | Terminator>(i: T, r: (v: VReg) => VReg, o: (op: Operand) => Operand = (op) => (op.kind === "reg" ? { kind: "reg", reg: r(op.reg) } : op)): T {
  const x = i as Inst | Terminator;
  switch (x.op) {
    case "mov":
      return { ...x, src: o(x.src) } as T;
    case "alu":
      return { ...x, a: r(x.a), b: o(x.b) } as T;
    case "neg":
    case "ext":
    case "bswap":
      return { ...x, src: r(x.src) } as T;
    case "load":
      return { ...x, base: r(x.base) } as T;
    case "store":
      return { ...x, base: r(x.base), value: o(x.value) } as T;
    case "atomic_add":
      return { ...x, base: r(x.base), value: r(x.value) } as T;
    case "call":
      return { ...x, args: x.args.map(o), target: x.target.kind === "indirect" ? { ...x.target, reg: r(x.target.reg) } : x.target } as unknown as T;
    case "spill":
      return { ...x, src: r(x.src) } as T;
    case "br":
      return { ...x, a: r(x.a), b: o(x.b) } as T;
    case "ret":
      return { ...x, value: o(x.value) } as T;
    case "lddw":
    case "stackaddr":
    case "reload":
    case "jmp":
      return i;
  }
}

/** The VReg an instruction writes, if any. */
export function def(i: Inst | Terminator): VReg | undefined {
  switch (i.op) {
    case "mov":
    case "alu":
    case "neg":
    case "ext":
    case "bswap":
    case "load":
    case "lddw":
    case "stackaddr":
    case "reload":
      return i.dst;
    case "call":
      return i.dst;
    default:
      return undefined;
  }
}

/** Successor block ids of a terminator. */
export function successors(t: Terminator | undefined): number[] {
  if (!t) return [];
  switch (t.op) {
    case "jmp":
      return [t.target];
    case "br":
      return t.then === t.else ? [t.then] : [t.then, t.else];
    case "ret":
      return [];
  }
}

/** Keeps the blocks whose ids are in `order`, in that order, renumbered 0.. with their branch targets. */
export function reorderBlocks(fn: IrFunction, order: readonly number[]): void {
  const renumber = new Map(order.map((id, i) => [id, i]));
  const to = (id: number): number => renumber.get(id)!;
  const blocks = order.map((id) => fn.blocks[id]!);
  fn.blocks.length = 0;
  blocks.forEach((b, i) => {
    const t = b.term;
    const term = t?.op === "jmp" ? { ...t, target: to(t.target) } : t?.op === "br" ? { ...t, then: to(t.then), else: to(t.else) } : t;
    fn.blocks.push({ id: i, insts: b.insts, term });
  });
}
