// The static checks the kernel makes before walking any path (resolve_pseudo_ldimm64,
// check_subprogs, check_cfg), and a static register liveness used by state pruning.
//
// Subprograms are the program's functions plus every call and function-address target. The
// instruction graph is explored from slot 0 (calls and function addresses lead into their
// callee); any slot left unvisited is dead code, which the kernel refuses.

import { Pseudo, type Instruction, jumpTarget } from "../isa/index.js";
import type { LinkedProgram } from "../object/link.js";
import { Reject } from "./messages.js";
import { helperProto } from "./helpers.js";
import { computeScc, successorTable, type SuccessorTable } from "./scc.js";

export interface Subprog {
  readonly start: number;
  /** One past its last slot. */
  readonly end: number;
  readonly name: string;
}

export interface Cfg {
  readonly subprogs: readonly Subprog[];
  /** Subprogram index of every slot. */
  readonly subprogOf: Int32Array;
  /** The kernel's prune points (conditional jumps, branch and jump targets, after calls). */
  readonly prunePoint: Uint8Array;
  /** Helper calls that call back into the program (bpf_loop): forced checkpoints. */
  readonly callsCallback: Uint8Array;
  /** Slots reached by a jump or a return (the kernel's jmp_point): the path history records them. */
  readonly jmpPoint: Uint8Array;
  /** Loop (strongly connected component) id of each slot, 0 outside loops. */
  readonly scc: Int32Array;
  /** Registers live on entry to each slot (bit r). */
  readonly liveIn: Uint16Array;
  /** Subprogram index of each subprogram start slot. */
  readonly subprogAt: ReadonlyMap<number, number>;
}

const BPF_FUNC_LOOP = 181;

/** Target slot of a jump, call or function address, or undefined. */
function target(insn: Instruction, at: number): number | undefined {
  switch (insn.kind) {
    case "ja":
      return jumpTarget(at, insn.off);
    case "jcond":
    case "may_goto":
      return jumpTarget(at, insn.off);
    case "call":
      return insn.target === "local" ? jumpTarget(at, insn.imm) : undefined;
    case "lddw":
      return insn.pseudo === Pseudo.FUNC ? jumpTarget(at, insn.lo) : undefined;
    default:
      return undefined;
  }
}

const isSubprogEntry = (insn: Instruction): boolean => (insn.kind === "call" && insn.target === "local") || (insn.kind === "lddw" && insn.pseudo === Pseudo.FUNC);

export function buildCfg(prog: LinkedProgram, mode: "vm" | "kernel"): Cfg {
  const insns = prog.insns;
  const n = insns.length;
  if (n === 0) throw new Reject("empty program", 0);
  // Opcodes the kernel does not know (resolve_pseudo_ldimm64 runs before anything else).
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (insn === undefined) continue;
    if (insn.kind === "callx" && mode === "kernel") throw new Reject("unknown opcode 8d", i);
    if (insn.kind === "lddw" && (insn.pseudo === Pseudo.MAP_FD || insn.pseudo === Pseudo.MAP_VALUE || insn.pseudo === Pseudo.BTF_ID)) {
      throw new Reject(`ld_imm64 with pseudo source ${insn.pseudo} is not supported by the bundled verifier (link the object first)`, i);
    }
  }
  // Subprogram starts.
  const starts = new Set<number>([0]);
  for (const f of prog.functions) starts.add(f.slot);
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (insn === undefined || !isSubprogEntry(insn)) continue;
    const t = target(insn, i)!;
    if (t < 0 || t >= n || insns[t] === undefined) throw new Reject(insn.kind === "call" ? "call to invalid destination" : "invalid func address", i);
    starts.add(t);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  const subprogs: Subprog[] = sorted.map((start, k) => ({
    start,
    end: sorted[k + 1] ?? n,
    name: prog.functions.find((f) => f.slot === start)?.name ?? `func#${k}`,
  }));
  const subprogOf = new Int32Array(n);
  subprogs.forEach((s, k) => subprogOf.fill(k, s.start, s.end));
  const subprogAt = new Map(subprogs.map((s, k) => [s.start, k]));

  // check_subprogs: jumps stay inside their subprogram; the last slot is an exit or a jump.
  for (const [k, s] of subprogs.entries()) {
    for (let i = s.start; i < s.end; i++) {
      const insn = insns[i];
      if (insn === undefined) continue;
      if (insn.kind === "ja" || insn.kind === "jcond" || insn.kind === "may_goto") {
        const t = target(insn, i)!;
        if (t < s.start || t >= s.end) throw new Reject(`jump out of range from insn ${i} to ${t}`, i);
        if (insns[t] === undefined) throw new Reject(`jump into the middle of ldimm64 insn ${t - 1}`, i);
      }
    }
    let last = s.end - 1;
    while (last > s.start && insns[last] === undefined) last--;
    const end = insns[last];
    if (!end || (end.kind !== "exit" && end.kind !== "ja")) throw new Reject("last insn is not an exit or jmp", last);
    void k;
  }

  // check_cfg: every slot reachable; prune points as the kernel marks them.
  const prunePoint = new Uint8Array(n);
  const callsCallback = new Uint8Array(n);
  const jmpPoint = new Uint8Array(n);
  const seen = new Uint8Array(n);
  const work = [0];
  const visit = (t: number): void => {
    if (!seen[t]) {
      seen[t] = 1;
      work.push(t);
    }
  };
  seen[0] = 1;
  while (work.length > 0) {
    const i = work.pop()!;
    const insn = insns[i]!;
    const next = i + (insn.kind === "lddw" ? 2 : 1);
    switch (insn.kind) {
      case "exit":
        break;
      case "ja": {
        const t = target(insn, i)!;
        prunePoint[t] = 1;
        jmpPoint[t] = 1;
        visit(t);
        break;
      }
      case "jcond":
      case "may_goto": {
        const t = target(insn, i)!;
        prunePoint[i] = 1;
        prunePoint[t] = 1;
        jmpPoint[t] = 1;
        visit(next);
        visit(t);
        break;
      }
      case "call":
      case "callx":
        if (insn.kind === "call" && insn.target === "helper" && insn.imm === BPF_FUNC_LOOP) {
          callsCallback[i] = 1;
          prunePoint[i] = 1;
          jmpPoint[i] = 1;
        }
        // An iterator's _next call is a loop head the kernel always checkpoints (iter.ts).
        if (insn.kind === "call" && insn.target === "kfunc" && prog.kfuncs?.some((k) => k.slot === i && /^bpf_iter_\w+_next$/.test(k.name))) prunePoint[i] = 1;
        if (insn.kind === "call" && insn.target === "local") {
          prunePoint[i] = 1;
          const t = target(insn, i)!;
          prunePoint[t] = 1;
          jmpPoint[t] = 1;
          visit(t);
        }
        if (next < n) prunePoint[next] = 1;
        if (next < n) jmpPoint[next] = 1;
        if (next >= n) throw new Reject(`jump out of range from insn ${i} to ${next}`, i);
        visit(next);
        break;
      case "lddw":
        if (insn.pseudo === Pseudo.FUNC) {
          const t = target(insn, i)!;
          prunePoint[t] = 1;
          jmpPoint[t] = 1;
          visit(t);
        }
        if (next >= n) throw new Reject(`jump out of range from insn ${i} to ${next}`, i);
        visit(next);
        break;
      default:
        if (next >= n) throw new Reject(`jump out of range from insn ${i} to ${next}`, i);
        visit(next);
    }
  }
  for (let i = 0; i < n; i++) if (insns[i] !== undefined && !seen[i]) throw new Reject(`unreachable insn ${i}`, i);
  const succ = successorTable(insns);

  return { subprogs, subprogOf, prunePoint, callsCallback, jmpPoint, scc: computeScc(insns, callsCallback, succ), liveIn: liveness(insns, succ, kfuncParams(prog)), subprogAt };
}

const ARGS = 0b111110; // r1-r5
const CALLER_SAVED = 0b111111; // r0-r5
const bit = (r: number): number => 1 << r;

/** Registers an instruction reads and writes (r10 is never tracked). */
/** Parameters of each kfunc call with a known prototype, by slot (get_call_summary's num_params). */
function kfuncParams(prog: LinkedProgram): ReadonlyMap<number, number> {
  const out = new Map<number, number>();
  for (const k of prog.kfuncs ?? []) if (k.proto) out.set(k.slot, k.proto.args.length);
  return out;
}

function useDef(insn: Instruction, params: number | undefined): { use: number; def: number } {
  switch (insn.kind) {
    case "alu":
      return { use: (insn.op === "mov" ? 0 : bit(insn.dst)) | (insn.src.kind === "reg" ? bit(insn.src.reg) : 0), def: bit(insn.dst) };
    case "neg":
    case "endian":
      return { use: bit(insn.dst), def: bit(insn.dst) };
    case "movsx":
      return { use: bit(insn.src), def: bit(insn.dst) };
    case "lddw":
      return { use: 0, def: bit(insn.dst) };
    case "ldx":
      return { use: bit(insn.src), def: bit(insn.dst) };
    case "st":
      return { use: bit(insn.dst), def: 0 };
    case "stx":
      return { use: bit(insn.dst) | bit(insn.src), def: 0 };
    case "atomic": {
      const use = bit(insn.dst) | bit(insn.src) | (insn.op === "cmpxchg" ? 1 : 0);
      const def = insn.op === "cmpxchg" ? 1 : insn.fetch ? bit(insn.src) : 0;
      return { use, def };
    }
    case "ldabs":
      return { use: bit(6), def: CALLER_SAVED };
    case "ldind":
      return { use: bit(6) | bit(insn.src), def: CALLER_SAVED };
    case "ja":
    case "may_goto":
      return { use: 0, def: 0 };
    case "jcond":
      return { use: bit(insn.dst) | (insn.src.kind === "reg" ? bit(insn.src.reg) : 0), def: 0 };
    case "call": {
      // A helper or a kfunc with a known prototype reads only its parameters
      // (compute_live_registers' call summary).
      const n = insn.target === "helper" ? helperProto(insn.imm)?.args.length : params;
      return { use: n !== undefined ? ARGS & ((1 << (n + 1)) - 1) : ARGS, def: CALLER_SAVED };
    }
    case "callx":
      return { use: ARGS | bit(insn.reg), def: CALLER_SAVED };
    case "exit":
      return { use: 1, def: 0 };
  }
}

/** Backward may-liveness per subprogram: live-in = use ∪ (live-out − def). */
function liveness(insns: readonly (Instruction | undefined)[], succ: SuccessorTable, kfuncParams: ReadonlyMap<number, number>): Uint16Array {
  const n = insns.length;
  const live = new Uint16Array(n);
  const { first, second } = succ;
  const use = new Uint16Array(n);
  const def = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (insn === undefined) continue;
    const ud = useDef(insn, insn.kind === "call" && insn.target === "kfunc" ? kfuncParams.get(i) : undefined);
    use[i] = ud.use;
    def[i] = ud.def;
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      if (insns[i] === undefined) continue;
      const a = first[i]!;
      const b = second[i]!;
      const out = (a === -1 ? 0 : live[a]!) | (b === -1 ? 0 : live[b]!);
      const v = use[i]! | (out & ~def[i]!);
      if (v !== live[i]) {
        live[i] = v;
        changed = true;
      }
    }
  }
  return live;
}
