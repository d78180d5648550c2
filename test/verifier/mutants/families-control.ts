// Mutation families around control flow and calls: infinite loops (self jumps, loop exits
// that can no longer be taken), frames that grow past the 512-byte combined stack across
// bpf-to-bpf calls, wrong helper arguments (a map or memory argument replaced by a scalar,
// the frame top or a pointer of another type), and pointers returned from programs and
// subprograms.

import type { Instruction } from "../../../runtime/isa/index.js";
import { candidate, FP, instructions, type Candidate, type FunctionSite, type SlotEdit } from "./candidate.js";
import type { Fact } from "./facts.js";
import { stackLow } from "./families-memory.js";

const MAX_STACK = 512;

export function infiniteLoopFamilies(site: FunctionSite): Candidate[] {
  const out: Candidate[] = [];
  const jumps = [...instructions(site)].filter((x) => x.insn.kind === "ja" || x.insn.kind === "jcond");
  for (const { slot, insn } of jumps) {
    if (insn.kind === "ja") out.push(candidate(site, "infinite-loop", "goto itself", [{ slot, insn: { ...insn, off: -1 } }]));
    if (insn.kind === "jcond") out.push(candidate(site, "infinite-loop", "conditional jump to itself", [{ slot, insn: { ...insn, off: -1 } }]));
  }
  // Real loops (back-edges): every conditional exit from the loop body made impossible.
  for (const { slot: tail, insn: back } of jumps) {
    if (back.kind !== "ja" && back.kind !== "jcond") continue;
    const head = tail + 1 + back.off;
    if (head > tail) continue;
    for (const { slot, insn } of jumps) {
      if (insn.kind !== "jcond" || slot < head || slot > tail) continue;
      const target = slot + 1 + insn.off;
      const takenExits = target < head || target > tail + 1;
      const fallExits = slot === tail;
      if (takenExits === fallExits) continue;
      const never: Instruction = takenExits ? { kind: "jcond", width: 64, cond: "jeq", dst: FP, src: { kind: "imm", imm: 0 }, off: insn.off } : { kind: "jcond", width: 64, cond: "jne", dst: FP, src: { kind: "imm", imm: 0 }, off: insn.off };
      out.push(candidate(site, "infinite-loop", `remove the exit of the loop ${head}..${tail}`, [{ slot, insn: never }]));
    }
  }
  return out;
}

/**
 * The function's frame moved down by `delta` bytes: every access through r10 and every
 * `rX = r10; rX += N` address gets `delta` more. Undefined when the function has no frame.
 */
function shiftFrame(site: FunctionSite, delta: number): { slot: number; insn: Instruction }[] | undefined {
  const edits: { slot: number; insn: Instruction }[] = [];
  for (const { slot, insn, state } of instructions(site)) {
    if ((insn.kind === "ldx" && insn.src === FP) || ((insn.kind === "st" || insn.kind === "stx" || insn.kind === "atomic") && insn.dst === FP)) {
      edits.push({ slot, insn: { ...insn, off: insn.off + delta } });
    } else if (insn.kind === "alu" && insn.width === 64 && (insn.op === "add" || insn.op === "sub") && insn.src.kind === "imm") {
      const f = state.regs[insn.dst]!.fact;
      if (f.t === "stack" && f.off === 0) edits.push({ slot, insn: { ...insn, src: { kind: "imm", imm: insn.src.imm + (insn.op === "add" ? delta : -delta) } } });
    }
  }
  return edits.length > 0 ? edits : undefined;
}

/**
 * Edits giving a function a frame of exactly `target` bytes: its own frame shifted down, or,
 * for a function without one, a scalar load turned into a read of fp-target (uninitialised
 * stack is readable for root). Undefined when neither applies.
 */
function frameOf(site: FunctionSite, target: number): SlotEdit[] | undefined {
  const depth = -stackLow(site);
  if (depth > 0) return shiftFrame(site, -(target - depth))?.map((e) => ({ ...e, sectionIndex: site.fn.sectionIndex }));
  const load = [...instructions(site)].find(({ insn, state }) => insn.kind === "ldx" && insn.src !== FP && !["ctx", "stack", "uninit"].includes(state.regs[insn.src]!.fact.t));
  if (load?.insn.kind !== "ldx") return undefined;
  return [{ slot: load.slot, sectionIndex: site.fn.sectionIndex, insn: { kind: "ldx", size: 8, signed: false, dst: load.insn.dst, src: FP, off: -target } }];
}

/** Frames grown in functions that call or are called: one frame near 512, and both ends of a call summing to just under, at and over 512. */
export function stackAcrossCallsFamilies(sites: readonly FunctionSite[]): Candidate[] {
  const out: Candidate[] = [];
  const pairs: [FunctionSite, FunctionSite][] = [];
  for (const caller of sites) {
    for (const { slot, insn } of instructions(caller)) {
      if (insn.kind !== "call" || insn.target !== "local") continue;
      const callee = sites.find((s) => s.fn === caller.code.callTarget(caller.fn.sectionIndex, slot));
      if (callee && !pairs.some(([a, b]) => a === caller && b === callee)) pairs.push([caller, callee]);
    }
  }
  const inCalls = [...new Set(pairs.flat())];
  for (const site of inCalls) {
    for (const target of [MAX_STACK - 16, MAX_STACK]) {
      const edits = frameOf(site, target);
      if (edits) out.push(candidate(site, "stack-calls", `give ${site.fn.name} a ${target}-byte frame`, edits));
    }
  }
  for (const [caller, callee] of pairs) {
    for (const [a, b] of [
      [256, 248],
      [256, 256],
      [256, 264],
      [320, 320],
    ] as const) {
      const ea = frameOf(caller, a);
      const eb = frameOf(callee, b);
      if (ea && eb) out.push(candidate(caller, "stack-calls", `frames of ${a} bytes in ${caller.fn.name} and ${b} bytes in the callee ${callee.fn.name} (${a + b} combined)`, [...ea, ...eb]));
    }
  }
  return out;
}

const isPointer = (f: Fact): boolean => ["ctx", "pkt", "pkt_meta", "pkt_end", "stack", "map_ptr", "map_value", "mem", "func"].includes(f.t);

export function helperArgumentFamilies(site: FunctionSite): Candidate[] {
  const out: Candidate[] = [];
  for (const { slot, insn, state } of instructions(site)) {
    if (insn.kind !== "call" || insn.target !== "helper") continue;
    for (let r = 1; r <= 5; r++) {
      const arg = state.regs[r]!;
      if (!isPointer(arg.fact) || arg.def === undefined) continue;
      const def = site.code.insn(site.fn.sectionIndex, arg.def);
      if (!def || def.kind === "call" || arg.def === slot) continue;
      const what = `helper ${insn.imm} at insn ${slot}: argument r${r} (${arg.fact.t})`;
      if (def.kind === "lddw") {
        if (site.code.hasReloc(site.fn.sectionIndex, arg.def)) out.push(candidate(site, "helper-args", `${what} not set (its lddw loads r0)`, [{ slot: arg.def, insn: { ...def, dst: 0 } }]));
        continue;
      }
      out.push(candidate(site, "helper-args", `${what} replaced by the scalar 0`, [{ slot: arg.def, insn: { kind: "alu", width: 64, op: "mov", dst: r, src: { kind: "imm", imm: 0 } } }]));
      if (arg.fact.t === "stack") out.push(candidate(site, "helper-args", `${what} pointing at fp+0 (above the frame)`, [{ slot: arg.def, insn: { kind: "alu", width: 64, op: "mov", dst: r, src: { kind: "reg", reg: FP } } }]));
      const defState = site.facts.before.get(arg.def);
      const other = defState?.regs.findIndex((x, i) => i !== r && i !== FP && isPointer(x.fact) && x.fact.t !== arg.fact.t);
      if (other !== undefined && other >= 0) {
        out.push(candidate(site, "helper-args", `${what} replaced by r${other} (${defState!.regs[other]!.fact.t})`, [{ slot: arg.def, insn: { kind: "alu", width: 64, op: "mov", dst: r, src: { kind: "reg", reg: other } } }]));
      }
    }
  }
  return out;
}

export function returnPointerFamilies(site: FunctionSite): Candidate[] {
  const out: Candidate[] = [];
  const done = new Set<number>();
  for (const { insn, state } of instructions(site)) {
    if (insn.kind !== "exit") continue;
    const def = state.regs[0]!.def;
    if (def === undefined || done.has(def)) continue;
    const old = site.code.insn(site.fn.sectionIndex, def);
    if (!old || old.kind === "lddw" || old.kind === "call") continue;
    done.add(def);
    const who = site.fn.isProgram ? "program" : "subprogram";
    out.push(candidate(site, "return-pointer", `${who} returns the frame pointer`, [{ slot: def, insn: { kind: "alu", width: 64, op: "mov", dst: 0, src: { kind: "reg", reg: FP } } }]));
    const before = site.facts.before.get(def);
    const p = before?.regs.findIndex((x, i) => i !== FP && i !== 0 && isPointer(x.fact));
    if (p !== undefined && p >= 0) {
      out.push(candidate(site, "return-pointer", `${who} returns r${p} (${before!.regs[p]!.fact.t})`, [{ slot: def, insn: { kind: "alu", width: 64, op: "mov", dst: 0, src: { kind: "reg", reg: p } } }]));
    }
  }
  return out;
}
