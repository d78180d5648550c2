// Strongly connected components of the instruction graph (the kernel's compute_scc, Linux
// 6.16+), within each subprogram: loops. A bpf_loop call site is a component of its own (its
// callback is an implicit loop). States inside a component that is still being explored may
// have incomplete precision marks; explore.ts uses the component ids to know when.

import type { Instruction } from "../isa/index.js";
import { jumpTarget } from "../isa/instruction.js";

/**
 * The successors of every slot inside its subprogram (calls continue at the next slot), in two
 * flat arrays (-1: none): the first and second successor.
 * Built once per program for the static passes (no array per instruction).
 */
export interface SuccessorTable {
  readonly first: Int32Array;
  readonly second: Int32Array;
}

export function successorTable(insns: readonly (Instruction | undefined)[]): SuccessorTable {
  const n = insns.length;
  const first = new Int32Array(n).fill(-1);
  const second = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (insn === undefined) continue;
    const next = i + (insn.kind === "lddw" ? 2 : 1);
    switch (insn.kind) {
      case "exit":
        break;
      case "ja":
        first[i] = jumpTarget(i, insn.off);
        break;
      case "jcond":
      case "may_goto":
        first[i] = next;
        second[i] = jumpTarget(i, insn.off);
        break;
      default:
        if (next < n) first[i] = next;
    }
  }
  return { first, second };
}

/** Component id per slot (0: in no loop), by Tarjan's algorithm without recursion. */
export function computeScc(insns: readonly (Instruction | undefined)[], callsCallback: Uint8Array, table: SuccessorTable = successorTable(insns)): Int32Array {
  const n = insns.length;
  const scc = new Int32Array(n);
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const { first, second } = table;
  // The DFS work stack: slots and how many of their successors were taken.
  const workV = new Int32Array(n);
  const workK = new Uint8Array(n);
  let counter = 0;
  let nextId = 1;
  for (let root = 0; root < n; root++) {
    if (insns[root] === undefined || index[root] !== -1) continue;
    workV[0] = root;
    workK[0] = 0;
    let depth = 1;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (depth > 0) {
      const v = workV[depth - 1]!;
      const k = workK[depth - 1]!;
      const t = k === 0 ? first[v]! : k === 1 ? second[v]! : -1;
      if (t !== -1) {
        workK[depth - 1] = k + 1;
        if (index[t] === -1) {
          index[t] = low[t] = counter++;
          stack.push(t);
          onStack[t] = 1;
          workV[depth] = t;
          workK[depth] = 0;
          depth++;
        } else if (onStack[t]) {
          low[v] = Math.min(low[v]!, index[t]!);
        }
        continue;
      }
      depth--;
      if (depth > 0) {
        const u = workV[depth - 1]!;
        low[u] = Math.min(low[u]!, low[v]!);
      }
      if (low[v] !== index[v]) continue;
      let w = stack.pop()!;
      onStack[w] = 0;
      // Most components are one straight-line slot: no member list for those.
      if (w === v) {
        if (first[v] === v || second[v] === v || callsCallback[v] === 1) scc[v] = nextId++;
        continue;
      }
      const members: number[] = [w];
      do {
        w = stack.pop()!;
        onStack[w] = 0;
        members.push(w);
      } while (w !== v);
      const loop = members.length > 1 || first[v] === v || second[v] === v || callsCallback[v] === 1;
      if (loop) {
        for (const m of members) scc[m] = nextId;
        nextId++;
      }
    }
  }
  return scc;
}
