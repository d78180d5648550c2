// Splits a vreg that is assigned in several places into independent "webs": definitions that
// reach a common use belong together, and each web gets its own vreg. A local assigned once
// per step (`sum = f(sum); return g(sum)`) thus becomes a chain of single-definition values,
// which copy propagation and register allocation handle far better than one long-lived vreg.
// Parameters' incoming values count as a definition at the entry.

import { def, mapUses, uses, type Inst, type IrFunction, type Terminator, type VReg } from "../ir.js";

type AnyInst = Inst | Terminator;
const ENTRY = -1;

/** A definition site: block index and instruction index (ENTRY for parameters). */
const site = (b: number, i: number): string => `${b}:${i}`;

export function splitWebs(fn: IrFunction): boolean {
  const counts = new Map<VReg, number>();
  for (const p of fn.params) counts.set(p, 1);
  fn.blocks.forEach((b) =>
    b.insts.forEach((i) => {
      const d = def(i);
      if (d !== undefined) counts.set(d, (counts.get(d) ?? 0) + 1);
    }),
  );
  const multi = new Set([...counts].filter(([, n]) => n > 1).map(([v]) => v));
  if (multi.size === 0) return false;

  // Reaching definitions of the multi-defined vregs: per block, the defs live at its end.
  const gen = fn.blocks.map((b, bi) => {
    const last = new Map<VReg, string>();
    b.insts.forEach((i, ii) => {
      const d = def(i);
      if (d !== undefined && multi.has(d)) last.set(d, site(bi, ii));
    });
    return last;
  });
  const preds: number[][] = fn.blocks.map(() => []);
  fn.blocks.forEach((b, bi) => {
    const t = b.term;
    const succ = t?.op === "jmp" ? [t.target] : t?.op === "br" ? [t.then, t.else] : [];
    for (const s of succ) preds[s]!.push(bi);
  });
  const entryDefs = new Map<VReg, Set<string>>();
  for (const p of fn.params) if (multi.has(p)) entryDefs.set(p, new Set([site(ENTRY, fn.params.indexOf(p))]));
  const inSets: Map<VReg, Set<string>>[] = fn.blocks.map(() => new Map());
  const outSets: Map<VReg, Set<string>>[] = fn.blocks.map(() => new Map());
  let changed = true;
  while (changed) {
    changed = false;
    fn.blocks.forEach((_, bi) => {
      const inn = new Map<VReg, Set<string>>();
      const sources = bi === 0 ? [entryDefs, ...preds[bi]!.map((p) => outSets[p]!)] : preds[bi]!.map((p) => outSets[p]!);
      for (const src of sources) for (const [v, ds] of src) inn.set(v, new Set([...(inn.get(v) ?? []), ...ds]));
      const out = new Map(inn);
      for (const [v, d] of gen[bi]!) out.set(v, new Set([d]));
      const size = (m: Map<VReg, Set<string>>): number => [...m.values()].reduce((n, s) => n + s.size, 0);
      if (size(out) !== size(outSets[bi]!) || size(inn) !== size(inSets[bi]!)) changed = true;
      inSets[bi] = inn;
      outSets[bi] = out;
    });
  }

  // Union-find over definition sites that reach a common use.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string): void => {
    parent.set(find(a), find(b));
  };
  for (const ds of entryDefs.values()) for (const d of ds) parent.set(d, d);
  const useSites: { b: number; i: number; v: VReg; defs: Set<string> }[] = [];
  fn.blocks.forEach((b, bi) => {
    const current = new Map<VReg, Set<string>>(inSets[bi]!);
    const all = [...b.insts, ...(b.term ? [b.term] : [])] as AnyInst[];
    all.forEach((inst, ii) => {
      for (const u of uses(inst)) {
        if (!multi.has(u)) continue;
        const ds = current.get(u) ?? new Set<string>();
        const list = [...ds];
        for (const d of list) if (!parent.has(d)) parent.set(d, d);
        for (let k = 1; k < list.length; k++) union(list[0]!, list[k]!);
        useSites.push({ b: bi, i: ii, v: u, defs: ds });
      }
      const d = def(inst);
      if (d !== undefined && multi.has(d)) {
        const s = site(bi, ii);
        if (!parent.has(s)) parent.set(s, s);
        current.set(d, new Set([s]));
      }
    });
  });
  // A use with no reaching definition (an uninitialised path) keeps its web undecided: give up on that vreg.
  const unsafe = new Set(useSites.filter((u) => u.defs.size === 0).map((u) => u.v));

  // Rename: the web holding a parameter's entry definition keeps the parameter's vreg (the
  // argument arrives there); every other web gets a fresh vreg.
  const webVreg = new Map<string, VReg>();
  fn.params.forEach((p, idx) => {
    const s = site(ENTRY, idx);
    if (multi.has(p) && parent.has(s)) webVreg.set(find(s), p);
  });
  const vregOf = (s: string): VReg => {
    const root = find(s);
    let r = webVreg.get(root);
    if (r === undefined) webVreg.set(root, (r = fn.nextVReg++));
    return r;
  };
  let renamed = false;
  fn.blocks.forEach((b, bi) => {
    const current = new Map<VReg, Set<string>>(inSets[bi]!);
    const rewrite = (inst: AnyInst, ii: number): AnyInst => {
      const mapping = new Map<VReg, VReg>();
      for (const u of uses(inst)) {
        if (!multi.has(u) || unsafe.has(u)) continue;
        const ds = [...(current.get(u) ?? [])];
        if (ds.length > 0) mapping.set(u, vregOf(ds[0]!));
      }
      const d = def(inst);
      let out = substituteUses(inst, mapping);
      if (d !== undefined && multi.has(d)) {
        const s = site(bi, ii);
        current.set(d, new Set([s]));
        if (!unsafe.has(d)) {
          const nd = vregOf(s);
          if (nd !== d) out = { ...(out as Inst), dst: nd } as AnyInst;
        }
      }
      if (out !== inst) renamed = true;
      return out;
    };
    b.insts = b.insts.map((inst, ii) => rewrite(inst, ii) as Inst);
    if (b.term) b.term = rewrite(b.term, b.insts.length) as Terminator;
  });
  return renamed;
}

function substituteUses(inst: AnyInst, m: Map<VReg, VReg>): AnyInst {
  return m.size === 0 ? inst : mapUses(inst, (v) => m.get(v) ?? v);
}
