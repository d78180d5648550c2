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
  readonly meta: { readonly kernel: { readonly release: string } };
  readonly programs: readonly ProgramLabel[];
}

/**
 * agree: same verdict. unsafe: we accept what Linux rejects. stricter: we reject with a rule
 * Linux does not apply here. unsupported: we refuse because we do not model something.
 * error: no verdict (an exception while reading or verifying).
 */
export type Outcome = "agree" | "unsafe" | "stricter" | "unsupported" | "error";

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

/** Runs our verifier on every labelable program of `labels` found under `corpusDir/xdp`. */
export function compareCorpus(corpusDir: string, labels: Labels, filter?: (l: ProgramLabel) => boolean): ProgramResult[] {
  const out: ProgramResult[] = [];
  const byObject = new Map<string, ProgramLabel[]>();
  for (const l of labels.programs) {
    if (l.xdp.verdict === "unlabelable" || (filter && !filter(l))) continue;
    const list = byObject.get(l.object) ?? [];
    list.push(l);
    byObject.set(l.object, list);
  }
  // The running kernel's kfunc table (vmlinux BTF), read once, when a program first calls a kfunc.
  let kfuncs: KfuncTable | undefined;
  const kfuncsOnce = (): KfuncTable => (kfuncs ??= kfuncTable());
  for (const [object, list] of [...byObject].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const file = join(corpusDir, "xdp", `${object}.o`);
    let prepared: { obj: ReturnType<typeof readObject>; maps: ReturnType<typeof mapDefinitions> } | undefined;
    let objError: string | undefined;
    if (!existsSync(file)) objError = `missing object ${file}`;
    else {
      try {
        const obj = readObject(new Uint8Array(readFileSync(file)));
        prepared = { obj, maps: mapDefinitions(obj) };
      } catch (e) {
        objError = e instanceof Error ? e.message : String(e);
      }
    }
    for (const l of list) {
      const kernel = l.xdp.verdict as "accept" | "reject";
      const base = { object, program: l.program, kernel, kernelMessage: l.xdp.message, kernelProcessed: l.xdp.processed ?? undefined };
      if (!prepared) {
        out.push({ ...base, outcome: UNSUPPORTED.test(objError!) ? "unsupported" : "error", detail: objError, micros: 0 });
        continue;
      }
      const t0 = process.hrtime.bigint();
      let ours: ProgramVerdict | undefined;
      let detail: string | undefined;
      try {
        ours = verifyProgram(prepared.obj, prepared.maps, l.program, { target: "kernel" }, kfuncsOnce);
      } catch (e) {
        detail = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
      }
      const micros = Number(process.hrtime.bigint() - t0) / 1000;
      if (!ours) {
        out.push({ ...base, outcome: UNSUPPORTED.test(detail!) ? "unsupported" : "error", detail, micros });
        continue;
      }
      const msg = ours.error?.message;
      let outcome: Outcome;
      if (ours.accepted === (kernel === "accept")) outcome = "agree";
      else if (ours.accepted) outcome = "unsafe";
      else outcome = msg && UNSUPPORTED.test(msg) ? "unsupported" : "stricter";
      out.push({ ...base, outcome, ours, detail: msg, micros });
    }
  }
  return out;
}

export function summarize(results: readonly ProgramResult[]): Record<Outcome, number> & { total: number } {
  const s = { total: results.length, agree: 0, unsafe: 0, stricter: 0, unsupported: 0, error: 0 };
  for (const r of results) s[r.outcome]++;
  return s;
}
