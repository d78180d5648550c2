// Builds an IrFunction: blocks, vregs, stack slots and source lines, with a current
// insertion block. The frontend lowers TypeScript through this and nothing else.

import type { AluOp, JmpCond } from "../../runtime/isa/index.js";
import { imm, reg, type Block, type CallTarget, type Inst, type IrFunction, type LineRef, type Operand, type SourceLine, type Symbolic, type Terminator, type VReg, type Width } from "./ir.js";

export class IrBuilder {
  readonly fn: IrFunction;
  private current: Block;
  line: LineRef = 0;
  private readonly lineIndex = new Map<string, LineRef>();

  constructor(name: string, section: string | undefined, paramCount: number) {
    const params = Array.from({ length: paramCount }, (_, i) => i);
    this.fn = { name, section, params, blocks: [], slots: [], lines: [], nextVReg: paramCount };
    this.current = this.newBlock();
  }

  newBlock(): Block {
    const b: Block = { id: this.fn.blocks.length, insts: [], term: undefined };
    this.fn.blocks.push(b);
    return b;
  }

  get block(): Block {
    return this.current;
  }

  /** Continues in `b`. */
  enter(b: Block): void {
    this.current = b;
  }

  /** True when the current block already ended (code after a return is unreachable). */
  get terminated(): boolean {
    return this.current.term !== undefined;
  }

  vreg(): VReg {
    return this.fn.nextVReg++;
  }

  /** Sets the source line for the instructions that follow. */
  at(line: SourceLine): void {
    const key = `${line.file}:${line.line}:${line.column}`;
    let ref = this.lineIndex.get(key);
    if (ref === undefined) {
      ref = this.fn.lines.length;
      this.fn.lines.push(line);
      this.lineIndex.set(key, ref);
    }
    this.line = ref;
  }

  slot(size: number, align: number): number {
    this.fn.slots.push({ size, align });
    return this.fn.slots.length - 1;
  }

  emit(i: Inst): void {
    if (this.current.term) {
      // Unreachable code after a return/break: lower it into a fresh, unreachable block (dead code removes it).
      this.current = this.newBlock();
    }
    this.current.insts.push(i);
  }

  end(t: Terminator): void {
    if (this.current.term) this.current = this.newBlock();
    this.current.term = t;
  }

  mov(src: Operand, width: Width = 64, dst = this.vreg()): VReg {
    this.emit({ op: "mov", dst, src, width, line: this.line });
    return dst;
  }

  /** An operand an instruction can encode: a 64-bit immediate outside int32 goes to a register first. */
  private encodable(b: Operand, width: Width): Operand {
    if (b.kind !== "imm" || width === 32) return b;
    const v = BigInt.asIntN(64, b.value);
    return v >= -(1n << 31n) && v < 1n << 31n ? b : reg(this.mov(b, 64));
  }

  alu(alu: AluOp, a: VReg, b: Operand, width: Width, dst = this.vreg()): VReg {
    this.emit({ op: "alu", alu, dst, a, b: this.encodable(b, width), width, line: this.line });
    return dst;
  }

  neg(src: VReg, width: Width): VReg {
    const dst = this.vreg();
    this.emit({ op: "neg", dst, src, width, line: this.line });
    return dst;
  }

  ext(src: VReg, bits: 8 | 16 | 32, signed: boolean, width: Width): VReg {
    const dst = this.vreg();
    this.emit({ op: "ext", dst, src, bits, signed, width, line: this.line });
    return dst;
  }

  bswap(src: VReg, bits: 16 | 32 | 64): VReg {
    const dst = this.vreg();
    this.emit({ op: "bswap", dst, src, bits, line: this.line });
    return dst;
  }

  load(base: VReg, off: number, size: 1 | 2 | 4 | 8): VReg {
    const dst = this.vreg();
    this.emit({ op: "load", dst, base, off, size, line: this.line });
    return dst;
  }

  store(base: VReg, off: number, size: 1 | 2 | 4 | 8, value: Operand): void {
    this.emit({ op: "store", base, off, size, value: size === 8 ? this.encodable(value, 64) : value, line: this.line });
  }

  lddw(ref: Symbolic): VReg {
    const dst = this.vreg();
    this.emit({ op: "lddw", dst, ref, line: this.line });
    return dst;
  }

  stackaddr(slot: number): VReg {
    const dst = this.vreg();
    this.emit({ op: "stackaddr", dst, slot, line: this.line });
    return dst;
  }

  call(target: CallTarget, args: readonly Operand[], wantResult = true): VReg | undefined {
    const dst = wantResult ? this.vreg() : undefined;
    this.emit({ op: "call", dst, target, args, line: this.line });
    return dst;
  }

  jmp(target: Block): void {
    this.end({ op: "jmp", target: target.id, line: this.line });
  }

  br(cond: JmpCond, width: Width, a: VReg, b: Operand, then: Block, otherwise: Block): void {
    const operand = this.encodable(b, width);
    this.end({ op: "br", cond, width, a, b: operand, then: then.id, else: otherwise.id, line: this.line });
  }

  ret(value: Operand): void {
    this.end({ op: "ret", value, line: this.line });
  }
}

export { imm, reg };
