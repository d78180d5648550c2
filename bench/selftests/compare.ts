// Compares the bundled verifier with kernel labels on the selftest corpus
// (tools/testing/selftests/bpf/progs/verifier_*.c rebuilt as XDP programs; see
// docs/verifier.md, "The selftest corpus"). Pure: reads objects and labels, runs our
// verifier in process, classifies every labelable program. The labels carry the kernel
// release that gave them; callers decide what a disagreement means.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { mapDefinitions } from "../../runtime/object/map-defs.js";
import { kfuncTable, type KfuncTable } from "../../runtime/object/kfuncs.js";
import { readObject } from "../../runtime/object/object-file.js";
import { verifyProgram, type ProgramVerdict } from "../../runtime/verifier/index.js";

export type KernelVerdict = "accept" | "reject" | "unlabelable";

export interface ProgramLabel {
  readonly object: string;
  readonly program: string;
  readonly xdp: { readonly verdict: KernelVerdict; readonly processed?: number | null; readonly message?: string; readonly verify_us?: number | null };
}

export interface Labels {
  readonly meta: { readonly kernel: { readonly release: string }; readonly [k: string]: unknown };
  /** Each labelled object's sha256: labels hold for these bytes only. */
  readonly objects?: Readonly<Record<string, { readonly xdp_sha256: string }>>;
  readonly programs: readonly ProgramLabel[];
}

/**
 * agree: same verdict. unsafe: we accept what Linux rejects. stricter: we reject with a rule
 * Linux does not apply here. unsupported: we refuse because we do not model something.
 * error: no verdict (an exception while reading or verifying). timeout: no verdict within the
 * time allowed for one program (set by the caller that runs programs under a limit).
 */
export type Outcome = "agree" | "unsafe" | "stricter" | "unsupported" | "error" | "timeout";

export interface ProgramResult {
  readonly object: string;
  readonly program: string;
  readonly kernel: "accept" | "reject";
  readonly outcome: Outcome;
  readonly ours?: ProgramVerdict;
  /** Our message (or the exception's) when we reject or fail. */
  readonly detail?: string;
  readonly kernelMessage?: string;
  readonly kernelProcessed?: number;
  readonly micros: number;
}

const UNSUPPORTED = /not supported by (the bundled verifier|tsbpf)/;

export function loadLabels(path: string): Labels {
  return JSON.parse(readFileSync(path, "utf8")) as Labels;
}

/** An object read once for all its programs, or why it could not be read. */
export type PreparedObject = { readonly obj: ReturnType<typeof readObject>; readonly maps: ReturnType<typeof mapDefinitions> } | { readonly error: string };

export function prepareObject(corpusDir: string, object: string): PreparedObject {
  const file = join(corpusDir, "xdp", `${object}.o`);
  if (!existsSync(file)) return { error: `missing object ${file}` };
  try {
    const obj = readObject(new Uint8Array(readFileSync(file)));
    return { obj, maps: mapDefinitions(obj) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Our verdict on one labelable program, classified against its label. */
export function compareProgram(prepared: PreparedObject, l: ProgramLabel, kfuncs?: () => KfuncTable): ProgramResult {
  const kernel = l.xdp.verdict as "accept" | "reject";
  const base = { object: l.object, program: l.program, kernel, kernelMessage: l.xdp.message, kernelProcessed: l.xdp.processed ?? undefined };
  if ("error" in prepared) return { ...base, outcome: UNSUPPORTED.test(prepared.error) ? "unsupported" : "error", detail: prepared.error, micros: 0 };
  const t0 = process.hrtime.bigint();
  let ours: ProgramVerdict | undefined;
  let detail: string | undefined;
  try {
    ours = verifyProgram(prepared.obj, prepared.maps, l.program, { target: "kernel" }, kfuncs);
  } catch (e) {
    detail = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
  }
  const micros = Number(process.hrtime.bigint() - t0) / 1000;
  if (!ours) return { ...base, outcome: UNSUPPORTED.test(detail!) ? "unsupported" : "error", detail, micros };
  const msg = ours.error?.message;
  let outcome: Outcome;
  if (ours.accepted === (kernel === "accept")) outcome = "agree";
  else if (ours.accepted) outcome = "unsafe";
  else outcome = msg && UNSUPPORTED.test(msg) ? "unsupported" : "stricter";
  return { ...base, outcome, ours, detail: msg, micros };
}

/** The labels our verifier is compared on: every program the kernel gave a verdict, by object. */
export function labelable(labels: Labels, filter?: (l: ProgramLabel) => boolean): ProgramLabel[] {
  return labels.programs
    .filter((l) => l.xdp.verdict !== "unlabelable" && (!filter || filter(l)))
    .sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0));
}

/** The running kernel's kfunc table (vmlinux BTF), read once, when a program first calls a kfunc. */
export function kfuncsOnce(): () => KfuncTable {
  let kfuncs: KfuncTable | undefined;
  return () => (kfuncs ??= kfuncTable());
}

/** Runs our verifier on every labelable program of `labels` found under `corpusDir/xdp`. */
export function compareCorpus(corpusDir: string, labels: Labels, filter?: (l: ProgramLabel) => boolean): ProgramResult[] {
  const out: ProgramResult[] = [];
  let current: { object: string; prepared: PreparedObject } | undefined;
  const kfuncs = kfuncsOnce();
  for (const l of labelable(labels, filter)) {
    if (current?.object !== l.object) current = { object: l.object, prepared: prepareObject(corpusDir, l.object) };
    out.push(compareProgram(current.prepared, l, kfuncs));
  }
  return out;
}

export function summarize(results: readonly ProgramResult[]): Record<Outcome, number> & { total: number } {
  const s = { total: results.length, agree: 0, unsafe: 0, stricter: 0, unsupported: 0, error: 0, timeout: 0 };
  for (const r of results) s[r.outcome]++;
  return s;
}
