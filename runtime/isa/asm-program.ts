// What both assemblers share: the assembly error with its line and column, number
// parsing, and a program builder that places labels and resolves symbolic jump and
// call targets to slot offsets once every instruction is known.

import { slotCount, type Instruction } from "./instruction.js";

export class AssemblyError extends Error {
  override readonly name = "AssemblyError";
  constructor(
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${line}:${column}: error: ${problem}`);
  }
}

/** A jump or call whose offset is a label still to be resolved. */
export type PendingTarget = { readonly label: string; readonly line: number; readonly column: number };

type Entry = { insn: Instruction; target?: PendingTarget; slot: number };

export class ProgramBuilder {
  private readonly entries: Entry[] = [];
  private readonly labels = new Map<string, number>();
  private slots = 0;

  label(name: string, line: number, column: number): void {
    if (this.labels.has(name)) throw new AssemblyError(line, column, `label '${name}' is defined twice`);
    this.labels.set(name, this.slots);
  }

  add(insn: Instruction, target?: PendingTarget): void {
    this.entries.push(target ? { insn, target, slot: this.slots } : { insn, slot: this.slots });
    this.slots += slotCount(insn);
  }

  get instructionCount(): number {
    return this.entries.length;
  }

  /**
   * Resolves labels to offsets relative to the next slot. `implicit` supplies labels that
   * exist without a definition (the conformance dialect's `exit`).
   */
  finish(implicit?: (name: string) => number | undefined): Instruction[] {
    return this.entries.map(({ insn, target, slot }) => {
      if (!target) return insn;
      const at = this.labels.get(target.label) ?? implicit?.(target.label);
      if (at === undefined) throw new AssemblyError(target.line, target.column, `undefined label '${target.label}'`);
      const off = at - (slot + 1);
      switch (insn.kind) {
        case "ja":
          if (!insn.long) checkOffset16(off, target);
          return { ...insn, off };
        case "jcond":
        case "may_goto":
          checkOffset16(off, target);
          return { ...insn, off };
        case "call":
          return { ...insn, imm: off };
        default:
          throw new AssemblyError(target.line, target.column, `a ${insn.kind} instruction takes no label`);
      }
    });
  }

  /** Slot index of the first instruction matching `pred`, if any. */
  firstSlot(pred: (insn: Instruction) => boolean): number | undefined {
    return this.entries.find((e) => pred(e.insn))?.slot;
  }
}

function checkOffset16(off: number, t: PendingTarget): void {
  if (off < -32768 || off > 32767) throw new AssemblyError(t.line, t.column, `label '${t.label}' is ${off} slots away, beyond a 16-bit jump offset`);
}

/** Parses a decimal or 0x-hex integer with optional sign; undefined if malformed. */
export function parseInteger(text: string): bigint | undefined {
  const m = /^([+-]?)(0x[0-9a-f]+|\d+)$/i.exec(text.trim());
  if (!m) return undefined;
  const v = BigInt(m[2]!.toLowerCase());
  return m[1] === "-" ? -v : v;
}

/**
 * An immediate for a 32-bit field: decimal must fit int32; hex up to 0xffffffff is taken as
 * that bit pattern (so 0xffffffff is -1). Returns an error message instead when out of range.
 */
export function imm32(text: string): number | string {
  const v = parseInteger(text);
  if (v === undefined) return `'${text}' is not a number`;
  const isHex = /^[+-]?0x/i.test(text.trim());
  if (isHex && v >= 0n && v <= 0xffffffffn) return Number(BigInt.asIntN(32, v));
  if (v < -2147483648n || v > 2147483647n) return `immediate ${text} does not fit in 32 bits`;
  return Number(v);
}

/** A 16-bit signed offset, or an error message. */
export function off16(v: bigint, text: string): number | string {
  if (v < -32768n || v > 32767n) return `offset ${text} does not fit in 16 bits`;
  return Number(v);
}

/** A 64-bit immediate: any value in int64 or uint64 range, as its 64-bit pattern. */
export function imm64(text: string): bigint | string {
  const v = parseInteger(text);
  if (v === undefined) return `'${text}' is not a number`;
  if (v < -(1n << 63n) || v > (1n << 64n) - 1n) return `immediate ${text} does not fit in 64 bits`;
  return BigInt.asUintN(64, v);
}
