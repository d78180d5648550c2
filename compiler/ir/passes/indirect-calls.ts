// Indirect calls (a call whose target is a function value in a vreg), per target:
//  - every target: when the only function that can reach the vreg is known, the call becomes a
//    direct BPF_PSEUDO_CALL;
//  - "vm": the rest stay indirect and become `callx` (opcode 0x8d, as LLVM emits it);
//  - "kernel" (stock Linux rejects 0x8d): each becomes a compare-and-branch ladder over the
//    functions that can reach the vreg, one direct call per rung.
//
// Which functions can reach a vreg: function values only ever come from `lddw` of a
// module-level function (the front end allows no other source: no function values in memory,
// none from helpers). So the vreg's definitions, followed back through copies, are either all
// such lddws — then that set is exact — or include a parameter (a function value passed into a
// subprogram), and then the set is every address-taken function of the call's signature, which
// is all a caller can pass. Either way the value is one of the set by construction, so the
// ladder's last rung needs no compare and there is no "none of them" path.

import { def, type Block, type Inst, type IrFunction, type VReg } from "../ir.js";

export type CodeTarget = "kernel" | "vm";

/** The functions that can reach `v`, or undefined when a value of unknown origin (a parameter) reaches it. */
function reachingFunctions(fn: IrFunction, defs: ReadonlyMap<VReg, Inst[]>, v: VReg): Set<string> | undefined {
  const out = new Set<string>();
  const seen = new Set<VReg>();
  const work = [v];
  while (work.length > 0) {
    const r = work.pop()!;
    if (seen.has(r)) continue;
    seen.add(r);
    const ds = defs.get(r);
    if (fn.params.includes(r) || !ds || ds.length === 0) return undefined;
    for (const d of ds) {
      if (d.op === "lddw" && d.ref.kind === "func") out.add(d.ref.name);
      else if (d.op === "mov" && d.src.kind === "reg") work.push(d.src.reg);
      else return undefined;
    }
  }
  return out;
}

type CallInst = Extract<Inst, { op: "call" }>;

/**
 * Lowers the indirect calls of `fn` for `target`. `candidatesOf(sig)` lists, in a fixed order,
 * the address-taken functions of a signature. Returns whether anything changed.
 */
export function lowerIndirectCalls(fn: IrFunction, target: CodeTarget, candidatesOf: (sig: string) => readonly string[]): boolean {
  const defs = new Map<VReg, Inst[]>();
  for (const b of fn.blocks) {
    for (const i of b.insts) {
      const d = def(i);
      if (d !== undefined) defs.set(d, [...(defs.get(d) ?? []), i]);
    }
  }
  let changed = false;
  // Blocks appended while splitting are visited too; they hold no indirect call before the split point.
  for (let bi = 0; bi < fn.blocks.length; bi++) {
    const block = fn.blocks[bi]!;
    for (let k = 0; k < block.insts.length; k++) {
      const call = block.insts[k]!;
      if (call.op !== "call" || call.target.kind !== "indirect") continue;
      const order = candidatesOf(call.target.sig);
      const reaching = reachingFunctions(fn, defs, call.target.reg);
      const set = order.filter((n) => (reaching ? reaching.has(n) : true));
      if (set.length === 0) {
        // No function of this signature has its address taken, so no caller can supply a value: unreachable.
        block.insts[k] = { op: "mov", dst: call.dst ?? fn.nextVReg++, src: { kind: "imm", value: 0n }, width: 64, line: call.line };
        changed = true;
        continue;
      }
      if (set.length === 1) {
        block.insts[k] = { ...call, target: { kind: "func", name: set[0]! } };
        changed = true;
        continue;
      }
      if (target === "vm") continue;
      ladder(fn, block, k, call, set);
      changed = true;
      break; // the rest of this block moved to a new block, visited later
    }
  }
  return changed;
}

/** Splits `block` at instruction k and replaces the call there with a ladder of direct calls. */
function ladder(fn: IrFunction, block: Block, k: number, call: CallInst, set: readonly string[]): void {
  const newBlock = (): Block => {
    const b: Block = { id: fn.blocks.length, insts: [], term: undefined };
    fn.blocks.push(b);
    return b;
  };
  const after = newBlock();
  after.insts = block.insts.slice(k + 1);
  after.term = block.term;
  block.insts = block.insts.slice(0, k);
  const target = call.target as Extract<CallInst["target"], { kind: "indirect" }>;
  const line = call.line;
  let current = block;
  set.forEach((name, j) => {
    const rung = newBlock();
    rung.insts.push({ ...call, target: { kind: "func", name } });
    rung.term = { op: "jmp", target: after.id, line };
    if (j === set.length - 1) {
      // The last candidate: by construction the value is this function.
      current.term = { op: "jmp", target: rung.id, line };
      return;
    }
    const addr = fn.nextVReg++;
    current.insts.push({ op: "lddw", dst: addr, ref: { kind: "func", name }, line });
    const next = newBlock();
    current.term = { op: "br", cond: "jeq", width: 64, a: target.reg, b: { kind: "reg", reg: addr }, then: rung.id, else: next.id, line };
    current = next;
  });
}
