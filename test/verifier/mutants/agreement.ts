// Compares the bundled verifier's verdict with the kernel's on every mutant, program by
// program, and renders the summary: mutants and kernel labels per family, agreement overall
// and per family, unsafe accepts (the kernel rejects, we accept), stricter-than-kernel
// disagreements, and mutants left out (the kernel's loader refused them before verifying).
//
// Kernel verdicts come from a KernelLabeller: the running kernel by default, or the verdicts
// recorded from it (test/fixtures/kernel/verifier-mutation.json) where it cannot be used.

import { ObjectFormatError } from "../../../runtime/object/format-error.js";
import { verifyObject } from "../../../runtime/verifier/index.js";
import { FAMILIES, type Family } from "./candidate.js";
import type { Mutant } from "./corpus.js";
import { kernelLabel, type KernelLabel } from "./kernel-label.js";
import { objectNameOf } from "./sources.js";

export type OurVerdict =
  | { readonly kind: "accepted"; readonly processed: number }
  | { readonly kind: "rejected"; readonly message: string }
  /** The verifier refused the object as malformed (ObjectFormatError): a rejection. */
  | { readonly kind: "malformed"; readonly message: string }
  /** Anything else thrown: a verifier bug (bad input must never crash it). */
  | { readonly kind: "crashed"; readonly message: string };

export interface Comparison {
  readonly mutant: Mutant;
  readonly program: string;
  readonly kernel: KernelLabel;
  readonly ours: OurVerdict;
}

/** Our verdict for each program of an object, with target "kernel" (the kernel's rules). */
export function ourVerdicts(bytes: Uint8Array): Map<string, OurVerdict> | OurVerdict {
  try {
    const verdicts = verifyObject(bytes, { target: "kernel" });
    return new Map(
      verdicts.map((v) => [v.program, v.accepted ? { kind: "accepted", processed: v.processed } : { kind: "rejected", message: v.error ? `${v.error.message} (insn ${v.error.insn}: ${v.error.text})` : "rejected without an error" }]),
    );
  } catch (e) {
    if (e instanceof ObjectFormatError) return { kind: "malformed", message: e.message };
    return { kind: "crashed", message: e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : String(e) };
  }
}

/** Where the kernel's verdict comes from: the running kernel, or verdicts recorded from it. */
export type KernelLabeller = (bytes: Uint8Array, program: string, objectName: string) => KernelLabel;

export function compareMutant(m: Mutant, label: KernelLabeller = kernelLabel): Comparison[] {
  const ours = ourVerdicts(m.bytes);
  return m.programs.map((program) => {
    const kernel = label(m.bytes, program, objectNameOf(m.source));
    const mine: OurVerdict = ours instanceof Map ? (ours.get(program) ?? { kind: "crashed", message: `no verdict for program '${program}'` }) : ours;
    return { mutant: m, program, kernel, ours: mine };
  });
}

const weAccept = (c: Comparison): boolean => c.ours.kind === "accepted";
/** Compared: the kernel gave a verifier verdict. */
export const compared = (c: Comparison): boolean => c.kernel.kind !== "refused";
export const agrees = (c: Comparison): boolean => compared(c) && (c.kernel.kind === "accepted") === weAccept(c);
/** The kernel rejects, we accept: the one disagreement that is a soundness bug. */
export const unsafeAccept = (c: Comparison): boolean => c.kernel.kind === "rejected" && weAccept(c);
export const stricter = (c: Comparison): boolean => c.kernel.kind === "accepted" && !weAccept(c);

const pct = (n: number, d: number): string => (d === 0 ? "-" : `${((100 * n) / d).toFixed(1)}%`);

function kernelText(k: KernelLabel): string {
  switch (k.kind) {
    case "accepted":
      return `accepted (processed ${k.processed ?? "?"} insns)`;
    case "rejected":
      return `rejected (${k.errno}): ${k.message}`;
    case "refused":
      return `refused before verification: ${k.reason}`;
  }
}

function oursText(o: OurVerdict): string {
  switch (o.kind) {
    case "accepted":
      return `accepted (processed ${o.processed} insns)`;
    case "rejected":
      return `rejected: ${o.message}`;
    case "malformed":
      return `refused as malformed: ${o.message}`;
    case "crashed":
      return `CRASHED: ${o.message}`;
  }
}

export function describeComparison(c: Comparison): string {
  return `#${c.mutant.id} [${c.mutant.family}] ${c.mutant.description} — program ${c.program}\n    kernel: ${kernelText(c.kernel)}\n    ours:   ${oursText(c.ours)}`;
}

/** The printed summary (markdown-ish text). */
export function summarize(all: readonly Comparison[], firstN = 40, corpus = "mutation corpus", items = "mutants"): string {
  const lines: string[] = [];
  const mutants = new Set(all.map((c) => c.mutant.id)).size;
  const cmp = all.filter(compared);
  lines.push(`${corpus}: ${mutants} ${items}, ${all.length} (${items === "programs" ? "object" : items.replace(/s$/, "")}, program) pairs; ${cmp.length} compared, ${all.length - cmp.length} left out (kernel loader refused before verifying)`);
  lines.push(`agreement: ${cmp.filter(agrees).length}/${cmp.length} = ${pct(cmp.filter(agrees).length, cmp.length)}; unsafe accepts: ${all.filter(unsafeAccept).length}; stricter than the kernel: ${all.filter(stricter).length}; crashes: ${all.filter((c) => c.ours.kind === "crashed").length}`);
  lines.push("");
  lines.push(`${"family".padEnd(16)} ${items.padStart(8)} ${"k-acc".padStart(6)} ${"k-rej".padStart(6)} ${"k-refused".padStart(9)} ${"agree".padStart(7)} ${"unsafe".padStart(6)} ${"strict".padStart(6)}`);
  for (const f of FAMILIES) {
    const xs = all.filter((c) => c.mutant.family === f);
    if (xs.length === 0) continue;
    const fc = xs.filter(compared);
    lines.push(
      `${f.padEnd(16)} ${String(new Set(xs.map((c) => c.mutant.id)).size).padStart(8)} ${String(xs.filter((c) => c.kernel.kind === "accepted").length).padStart(6)} ${String(xs.filter((c) => c.kernel.kind === "rejected").length).padStart(6)} ${String(xs.length - fc.length).padStart(9)} ${pct(fc.filter(agrees).length, fc.length).padStart(7)} ${String(xs.filter(unsafeAccept).length).padStart(6)} ${String(xs.filter(stricter).length).padStart(6)}`,
    );
  }
  const refusedReasons = new Map<string, number>();
  for (const c of all) if (c.kernel.kind === "refused") refusedReasons.set(c.kernel.reason.replace(/\d+/g, "N"), (refusedReasons.get(c.kernel.reason.replace(/\d+/g, "N")) ?? 0) + 1);
  if (refusedReasons.size > 0) {
    lines.push("", "left out (refused before verification):");
    for (const [r, n] of refusedReasons) lines.push(`  ${n} × ${r}`);
  }
  const unsafe = all.filter(unsafeAccept);
  if (unsafe.length > 0) lines.push("", `UNSAFE ACCEPTS (${unsafe.length}):`, ...unsafe.map(describeComparison));
  const crashes = all.filter((c) => c.ours.kind === "crashed");
  if (crashes.length > 0) lines.push("", `CRASHES (${crashes.length}):`, ...crashes.slice(0, firstN).map(describeComparison));
  const strict = all.filter(stricter);
  if (strict.length > 0) lines.push("", `stricter than the kernel (${strict.length}, first ${Math.min(firstN, strict.length)}):`, ...strict.slice(0, firstN).map(describeComparison));
  return lines.join("\n");
}

/** Agreement per family, for asserts. */
export function familyAgreement(all: readonly Comparison[]): Map<Family, number> {
  const out = new Map<Family, number>();
  for (const f of FAMILIES) {
    const xs = all.filter((c) => c.mutant.family === f && compared(c));
    if (xs.length > 0) out.set(f, xs.filter(agrees).length / xs.length);
  }
  return out;
}
