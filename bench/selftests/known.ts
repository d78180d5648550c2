// The known disagreements of the bundled verifier with the kernel on the selftest corpus
// (test/selftests/known-disagreements.json: program, outcome, reason), and the table of them
// that docs/verifier.md carries, generated from the list (`npm run docs:selftests`).
import { readFileSync } from "node:fs";
import type { Outcome } from "./compare.js";

export interface KnownDisagreement {
  /** OBJECT/PROGRAM */
  readonly program: string;
  readonly outcome: Exclude<Outcome, "agree">;
  readonly reason: string;
}

export function readKnown(path: string): KnownDisagreement[] {
  return JSON.parse(readFileSync(path, "utf8")) as KnownDisagreement[];
}

export const TABLE_START = "<!-- known-disagreements: generated from test/selftests/known-disagreements.json by npm run docs:selftests -->";
export const TABLE_END = "<!-- end of known-disagreements -->";

/** One row per reason and outcome, with its programs, most programs first. */
export function knownTable(known: readonly KnownDisagreement[]): string {
  const groups = new Map<string, { outcome: string; reason: string; programs: string[] }>();
  for (const k of known) {
    const g = groups.get(`${k.outcome}\n${k.reason}`) ?? { outcome: k.outcome, reason: k.reason, programs: [] };
    g.programs.push(k.program);
    groups.set(`${k.outcome}\n${k.reason}`, g);
  }
  const rows = [...groups.values()].sort((a, b) => b.programs.length - a.programs.length || (a.outcome < b.outcome ? -1 : 1));
  return [
    TABLE_START,
    "",
    `${known.length} known disagreements:`,
    "",
    "| outcome | programs | why | which |",
    "| --- | --- | --- | --- |",
    ...rows.map((g) => `| ${g.outcome} | ${g.programs.length} | ${g.reason.replace(/\|/g, "\\|")} | ${g.programs.map((p) => `\`${p}\``).join(", ")} |`),
    "",
    TABLE_END,
  ].join("\n");
}
