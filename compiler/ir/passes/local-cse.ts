// Block-local redundancy elimination:
//  - an lddw of a symbol already loaded earlier in the block reuses that register (its vreg is
//    defined once and never changes);
//  - a 64-bit load from the same base and offset as an earlier 64-bit store or load in the
//    block, with no store, atomic or call in between, reuses the value (store-to-load
//    forwarding). Narrower accesses are left alone: a load zero-extends what a store truncated.
// Both become movs that copy propagation then removes.

import { def, type Inst, type IrFunction, type Operand, type VReg } from "../ir.js";

function symbolKey(i: Extract<Inst, { op: "lddw" }>): string {
  const r = i.ref;
  return r.kind === "global" ? `g:${r.name}:${r.offset}` : r.kind === "imm64" ? `i:${r.value}` : `${r.kind}:${r.name}`;
}

export function localCse(fn: IrFunction): boolean {
  const defs = new Map<VReg, number>();
  for (const b of fn.blocks) for (const i of b.insts) {
    const d = def(i);
    if (d !== undefined) defs.set(d, (defs.get(d) ?? 0) + 1);
  }
  const once = (v: VReg): boolean => (defs.get(v) ?? 0) <= 1 && !fn.params.includes(v) || (fn.params.includes(v) && !defs.has(v));
  let changed = false;
  for (const b of fn.blocks) {
    const symbols = new Map<string, VReg>();
    let memory = new Map<string, Operand>();
    b.insts = b.insts.map((i): Inst => {
      switch (i.op) {
        case "lddw": {
          const key = symbolKey(i);
          const prior = symbols.get(key);
          if (prior !== undefined) {
            changed = true;
            return { op: "mov", dst: i.dst, src: { kind: "reg", reg: prior }, width: 64, line: i.line };
          }
          if (once(i.dst)) symbols.set(key, i.dst);
          return i;
        }
        case "store":
          memory = new Map();
          if (i.size === 8 && once(i.base) && (i.value.kind === "imm" || once(i.value.reg))) memory.set(`${i.base}:${i.off}`, i.value);
          return i;
        case "load": {
          const key = `${i.base}:${i.off}`;
          const known = i.size === 8 && once(i.base) ? memory.get(key) : undefined;
          if (known) {
            changed = true;
            return { op: "mov", dst: i.dst, src: known, width: 64, line: i.line };
          }
          if (i.size === 8 && once(i.base) && once(i.dst)) memory.set(key, { kind: "reg", reg: i.dst });
          return i;
        }
        case "atomic_add":
        case "call":
        case "spill":
          memory = new Map();
          return i;
        default:
          return i;
      }
    });
  }
  return changed;
}
