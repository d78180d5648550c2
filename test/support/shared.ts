// Locates ../shared (the test material beside the project root) and its parts.
// Suites that need it skip with a printed reason when it is absent.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const sharedDir = process.env.TSBPF_SHARED ?? resolve(projectRoot, "..", "shared");
export const referenceObjDir = join(sharedDir, "reference", "obj");
export const conformanceDir = join(sharedDir, "conformance");
export const referencePacketDir = join(sharedDir, "reference", "packets");

export function haveShared(part: string): boolean {
  const ok = existsSync(join(sharedDir, part));
  if (!ok) console.warn(`[tsbpf tests] skipping: ${join(sharedDir, part)} is absent`);
  return ok;
}

/** The reference objects (clang-19 output), sorted by name; empty when absent. */
export function referenceObjects(): string[] {
  if (!existsSync(referenceObjDir)) return [];
  return readdirSync(referenceObjDir)
    .filter((f) => f.endsWith(".o"))
    .sort()
    .map((f) => join(referenceObjDir, f));
}

/** The reference packet corpus (`*.bin`), sorted by name; empty when absent. */
export function referencePackets(): { name: string; bytes: Uint8Array }[] {
  if (!existsSync(referencePacketDir)) return [];
  return readdirSync(referencePacketDir)
    .filter((f) => f.endsWith(".bin"))
    .sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(referencePacketDir, f))) }));
}

export { projectRoot };
