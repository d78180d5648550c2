// Strongly connected components of the instruction graph (the kernel's compute_scc, Linux
// 6.16+), within each subprogram: loops. A bpf_loop call site is a component of its own (its
// callback is an implicit loop). States inside a component that is still being explored may
// have incomplete precision marks; explore.ts uses the component ids to know when.

import type { Instruction } from "../isa/index.js";

/** Successors of slot `i` inside its subprogram (calls continue at the next slot). */
export function successors(insns: readonly (Instruction | undefined)[], i: number): number[] {
  const insn = insns[i];
  if (insn === undefined) return [];
  const next = i + (insn.kind === "lddw" ? 2 : 1);
  switch (insn.kind) {
    case "exit":
      return [];
    case "ja":
      return [i + 1 + insn.off];
    case "jcond":
    case "may_goto":
      return [next, i + 1 + insn.off];
    default:
      return next < insns.length ? [next] : [];
  }
}

/** Component id per slot (0: in no loop), by Tarjan's algorithm without recursion. */
export function computeScc(insns: readonly (Instruction | undefined)[], callsCallback: Uint8Array): Int32Array {
  const n = insns.length;
  const scc = new Int32Array(n);
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const succ = insns.map((_, i) => successors(insns, i));
  let counter = 0;
  let nextId = 1;
  for (let root = 0; root < n; root++) {
    if (insns[root] === undefined || index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, k] = top;
      const ss = succ[v]!;
      if (k < ss.length) {
        top[1]++;
        const w = ss[k]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const u = work[work.length - 1]![0];
        low[u] = Math.min(low[u]!, low[v]!);
      }
      if (low[v] !== index[v]) continue;
      const members: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = 0;
        members.push(w);
      } while (w !== v);
      const loop = members.length > 1 || ss.includes(v) || callsCallback[v] === 1;
      if (loop) {
        for (const m of members) scc[m] = nextId;
        nextId++;
      }
    }
  }
  return scc;
}
