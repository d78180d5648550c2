// The mutation corpus: every family applied to every source object (the loadable reference
// objects and the compiled examples), each family's candidates sampled down to a per-object
// cap with a seeded generator, written into new objects and deduplicated by bytes.
// Deterministic: the same sources and seed give the same mutants in the same order.

import { createHash } from "node:crypto";
import { type Candidate, type Family, type FunctionSite } from "./candidate.js";
import { ObjectCode } from "./code-view.js";
import { objectFacts } from "./facts.js";
import { boundsCheckFamilies, nullCheckFamilies } from "./families-checks.js";
import { helperArgumentFamilies, infiniteLoopFamilies, returnPointerFamilies, stackAcrossCallsFamilies } from "./families-control.js";
import { outOfBoundsFamilies, uninitFamilies } from "./families-memory.js";
import { randomFamily } from "./families-random.js";
import { Random } from "./random.js";

export interface SourceObject {
  /** File name, e.g. "xdp_udp53.o" or "examples/udp53.ts". */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface Mutant {
  readonly id: number;
  readonly family: Family;
  readonly source: string;
  readonly description: string;
  readonly bytes: Uint8Array;
  /** The programs whose linked code contains the mutated function. */
  readonly programs: readonly string[];
}

export interface CorpusOptions {
  readonly seed: number;
  /** Most candidates kept per (object, family), except random. */
  readonly perFamilyCap: number;
  /** Random single-field mutants per object. */
  readonly randomPerObject: number;
}

export const DEFAULT_CORPUS: CorpusOptions = { seed: 0x7b5f, perFamilyCap: 6, randomPerObject: 16 };

/** Every family's candidates for one object, before sampling. */
export function candidatesOf(code: ObjectCode): { sites: FunctionSite[]; byFamily: Map<Family, Candidate[]> } {
  const facts = objectFacts(code);
  const sites: FunctionSite[] = code.functions.map((fn) => ({ code, fn, facts: facts.get(fn)! }));
  const all: Candidate[] = [
    ...sites.flatMap(boundsCheckFamilies),
    ...sites.flatMap(nullCheckFamilies),
    ...sites.flatMap(uninitFamilies),
    ...sites.flatMap(outOfBoundsFamilies),
    ...sites.flatMap(infiniteLoopFamilies),
    ...stackAcrossCallsFamilies(sites),
    ...sites.flatMap(helperArgumentFamilies),
    ...sites.flatMap(returnPointerFamilies),
  ];
  const byFamily = new Map<Family, Candidate[]>();
  for (const c of all) byFamily.set(c.family, [...(byFamily.get(c.family) ?? []), c]);
  return { sites, byFamily };
}

export function buildCorpus(sources: readonly SourceObject[], options: CorpusOptions = DEFAULT_CORPUS): Mutant[] {
  const rng = new Random(options.seed);
  const seen = new Set<string>();
  const out: Mutant[] = [];
  for (const source of sources) {
    const code = new ObjectCode(source.name, source.bytes);
    seen.add(digest(source.bytes));
    const { sites, byFamily } = candidatesOf(code);
    const chosen = [...byFamily.values()].flatMap((cs) => rng.sample(cs, options.perFamilyCap));
    chosen.push(...randomFamily(sites, rng, options.randomPerObject));
    for (const c of chosen) {
      const bytes = code.rewrite(c.edits);
      const key = digest(bytes);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ id: out.length, family: c.family, source: source.name, description: c.description, bytes, programs: code.programsReaching(c.fn).map((p) => p.name) });
    }
  }
  return out;
}

const digest = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
