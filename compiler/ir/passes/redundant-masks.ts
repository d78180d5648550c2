// Removes `and` masks that cannot clear a bit: `x & m` where x is known to fit in m already,
// because x's only definition is a narrower load or an `and` with a mask inside m (a 32-bit
// result is also zero above bit 31). The front end restates index bounds for the verifier
// with a mask (lower-index.ts) right after the author's own mask or a byte load; the second
// mask is a no-op for the verifier too, which tracks the first one's bounds.
import { def, type Inst, type IrFunction, type VReg } from "../ir.js";

/** The bits the single definition `d` can set, or undefined when any. */
function possibleBits(d: Inst): bigint | undefined {
  if (d.op === "load" && d.size < 8) return (1n << BigInt(d.size * 8)) - 1n;
  if (d.op === "alu" && d.alu === "and" && d.b.kind === "imm" && d.b.value >= 0n) return d.b.value & (d.width === 32 ? 0xffffffffn : (1n << 64n) - 1n);
  return undefined;
}

export function removeRedundantMasks(fn: IrFunction): boolean {
  const defs = new Map<VReg, Inst[]>();
  for (const b of fn.blocks) for (const i of b.insts) {
    const d = def(i);
    if (d !== undefined) defs.set(d, [...(defs.get(d) ?? []), i]);
  }
  let changed = false;
  for (const b of fn.blocks) {
    b.insts = b.insts.map((i) => {
      if (i.op !== "alu" || i.alu !== "and" || i.b.kind !== "imm" || i.b.value < 0n || fn.params.includes(i.a)) return i;
      const only = defs.get(i.a);
      if (only?.length !== 1) return i;
      const bits = possibleBits(only[0]!);
      const mask = i.b.value & (i.width === 32 ? 0xffffffffn : (1n << 64n) - 1n);
      if (bits === undefined || (bits & ~mask) !== 0n) return i;
      changed = true;
      // A 32-bit and of a value that already fits 32 bits is the same as a copy of it.
      return { op: "mov", dst: i.dst, src: { kind: "reg", reg: i.a }, width: 64, line: i.line } satisfies Inst;
    });
  }
  return changed;
}
