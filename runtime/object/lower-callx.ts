// Indirect calls (`callx rX`, opcode 0x8d) of a linked program lowered to compare-and-branch
// ladders of direct bpf-to-bpf calls, so that clang's function-pointer code loads on kernels
// that have no callx (Linux 6.18 still says "unknown opcode 8d"):
//
//       r0 = <f1> ll          ; BPF_PSEUDO_FUNC
//       if rX == r0 goto L1
//       ...                   ; one rung per candidate but the last
//       call <fn>             ; the last candidate needs no compare
//       goto END
//   L1: call <f1>
//       goto END
//       ...
//   END:                      ; the instruction after the callx
//
// Candidates: every function whose address the program takes, i.e. every target of a
// BPF_PSEUDO_FUNC lddw, in slot order. That set is complete for function addresses: inside a
// BPF program a function's address can only come from such an lddw (there is no other way to
// name code; maps cannot hold function addresses), so whatever function rX points to at the
// callx is one of them, and the final unconditional rung is reached only by the last one.
// A callx through a plain number (a helper id, which the VM would call as a helper) is outside
// this set; the kernel loader therefore lowers only programs the bundled verifier accepts, which
// proves every callee register holds a function address.
//
// Scratch register: r0 is free before a call (the call overwrites it and it is no argument),
// so the rungs load each candidate into r0. For `callx r0` (what tsbpf build --target vm
// emits) the scratch is the highest of r5..r1 that no candidate can read on entry
// (entry-liveness.ts, conservative): the callees never see it, and the caller cannot read
// r1-r5 after a call. r6-r9 are never used (they may be live after the call). Without such a
// register, and in a program that takes no function address, the callx is refused with a
// CallxLoweringError naming the instruction.
//
// Invariants: pure and deterministic; the program's other instructions, its functions and its
// line_info are relocated by `spliceProgram`, each inserted instruction carrying the line of
// its callx.

import { formatInstruction, jumpTarget, Pseudo, type Instruction, type Reg } from "../isa/index.js";
import type { LinkedProgram } from "./link.js";
import { mayReadOnEntry } from "./entry-liveness.js";
import { spliceProgram, type Splice, type SpliceItem } from "./splice.js";

export class CallxLoweringError extends Error {
  override readonly name = "CallxLoweringError";
}

export interface LoweredCall {
  /** Slot of the callx in the program before lowering. */
  readonly slot: number;
  /** Its source line ("file:line: text"), when line_info has one. */
  readonly source?: string;
  readonly reg: Reg;
  /** The register the ladder loads candidates into (r0 unless the callx is through r0). */
  readonly scratch: Reg;
  /** The functions the ladder can call, in rung order. */
  readonly candidates: readonly string[];
}

export interface CallxLowering {
  readonly program: LinkedProgram;
  readonly lowered: readonly LoweredCall[];
}

const ARGUMENT_REGS: readonly Reg[] = [5, 4, 3, 2, 1];

/** The program's address-taken functions: each PSEUDO_FUNC lddw target, once, in slot order. */
export function addressTakenFunctions(prog: LinkedProgram): { readonly name: string; readonly slot: number }[] {
  const slots = new Set<number>();
  prog.insns.forEach((insn, i) => {
    if (insn?.kind === "lddw" && insn.pseudo === Pseudo.FUNC) slots.add(jumpTarget(i, insn.lo));
  });
  return [...slots]
    .sort((a, b) => a - b)
    .map((slot) => {
      const fn = prog.functions.find((f) => f.slot === slot);
      if (!fn) throw new CallxLoweringError(`${prog.name}: a function address (BPF_PSEUDO_FUNC) points at instruction ${slot}, which starts no function`);
      return { name: fn.name, slot };
    });
}

function sourceLine(prog: LinkedProgram, slot: number): string | undefined {
  let best: LinkedProgram["lineInfo"][number] | undefined;
  for (const l of prog.lineInfo) if (l.slot <= slot && (!best || l.slot > best.slot)) best = l;
  return best ? `${best.fileName}:${best.lineNumber}: ${best.line.trim()}` : undefined;
}

function ladder(reg: Reg, scratch: Reg, after: number, candidates: readonly { readonly slot: number }[]): SpliceItem[] {
  const func = (slot: number): SpliceItem => ({ insn: { kind: "lddw", dst: scratch, pseudo: Pseudo.FUNC, lo: 0, hi: 0 }, target: { kind: "original", slot } });
  const call = (slot: number): SpliceItem => ({ insn: { kind: "call", target: "local", imm: 0, off: 0 }, target: { kind: "original", slot } });
  const toEnd: SpliceItem = { insn: { kind: "ja", long: false, off: 0 }, target: { kind: "original", slot: after } };
  const rungs = candidates.slice(0, -1);
  const last = candidates[candidates.length - 1]!;
  // Item indexes: 2 per compare rung, then the last call (+ its jump), then one call (+ jump) per rung.
  const firstTarget = rungs.length * 2 + (rungs.length > 0 ? 2 : 1);
  const items: SpliceItem[] = [];
  rungs.forEach((c, k) => {
    items.push(func(c.slot));
    const cmp: Instruction = { kind: "jcond", width: 64, cond: "jeq", dst: reg, src: { kind: "reg", reg: scratch }, off: 0 };
    items.push({ insn: cmp, target: { kind: "item", index: firstTarget + 2 * k } });
  });
  items.push(call(last.slot));
  if (rungs.length > 0) items.push(toEnd);
  rungs.forEach((c, k) => {
    items.push(call(c.slot));
    // The last target falls through to the instruction after the callx.
    if (k < rungs.length - 1) items.push(toEnd);
  });
  return items;
}

/** Every callx of `prog` as a ladder of direct calls; the program unchanged when it has none. */
export function lowerIndirectCalls(prog: LinkedProgram): CallxLowering {
  const sites: { slot: number; insn: Extract<Instruction, { kind: "callx" }> }[] = [];
  prog.insns.forEach((insn, slot) => {
    if (insn?.kind === "callx") sites.push({ slot, insn });
  });
  if (sites.length === 0) return { program: prog, lowered: [] };

  const where = (slot: number, insn: Instruction): string => {
    const src = sourceLine(prog, slot);
    return `program '${prog.name}', instruction ${slot} (${formatInstruction(insn)})${src ? `, ${src}` : ""}`;
  };
  const candidates = addressTakenFunctions(prog);
  const splices: Splice[] = [];
  const lowered: LoweredCall[] = [];
  for (const { slot, insn } of sites) {
    if (candidates.length === 0) {
      throw new CallxLoweringError(`${where(slot, insn)}: lowering an indirect call to direct calls is not supported when the program takes no function address (no BPF_PSEUDO_FUNC load), since there is no function it could call`);
    }
    const scratch = insn.reg !== 0 ? 0 : ARGUMENT_REGS.find((r) => candidates.every((c) => !mayReadOnEntry(prog, c.slot, r)));
    if (scratch === undefined && candidates.length > 1) {
      throw new CallxLoweringError(
        `${where(slot, insn)}: lowering an indirect call through r0 is not supported here: the compare ladder needs a scratch register, and each of r1-r5 may be read by one of ${candidates.map((c) => c.name).join(", ")} (r6-r9 may be live after the call); put the function pointer in another register (tsbpf build --target kernel makes direct-call ladders itself)`,
      );
    }
    splices.push({ slot, items: ladder(insn.reg, scratch ?? 0, slot + 1, candidates) });
    const source = sourceLine(prog, slot);
    lowered.push({ slot, reg: insn.reg, scratch: scratch ?? 0, candidates: candidates.map((c) => c.name), ...(source ? { source } : {}) });
  }
  return { program: spliceProgram(prog, splices), lowered };
}
