// The kernel-certified reference cases (../shared/reference/expected.json) and the packet
// corpus, typed, for the VM and kernel suites.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedDir } from "./shared.js";

export interface ExpectedResult {
  readonly retval: number | null;
  readonly data_out_hex: string | null;
  readonly error?: string;
}

export interface ExpectedMapEntry {
  readonly key: string;
  readonly value?: string;
  readonly value_prog?: string;
  readonly percpu_values?: readonly string[];
}

export interface ExpectedMap {
  readonly type: string;
  readonly key_size: number;
  readonly value_size: number;
  readonly max_entries: number;
  readonly flags: number;
  readonly entries: readonly ExpectedMapEntry[];
}

export interface ExpectedCase {
  readonly object: string;
  readonly program: string;
  readonly packets: readonly string[];
  readonly results: readonly ExpectedResult[];
  readonly maps: Readonly<Record<string, ExpectedMap>>;
  readonly setup?: { readonly prog_array?: Readonly<Record<string, Readonly<Record<string, string>>>> };
  readonly variant?: string;
}

const referenceDir = join(sharedDir, "reference");

export function expectedCases(): ExpectedCase[] {
  const file = join(referenceDir, "expected.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as ExpectedCase[]) : [];
}

export function referencePacket(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(referenceDir, "packets", `${name}.bin`)));
}

export function referenceObjectPath(name: string): string {
  return join(referenceDir, "obj", name);
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** A readable name for a case: object/program on its packets [variant]. */
export function caseName(c: ExpectedCase): string {
  return `${c.object} ${c.program} on ${c.packets.join(",")}${c.variant ? ` [${c.variant}]` : ""}`;
}
