// The example programs in examples/*.ts, compiled once per test process.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { compileSource } from "../../compiler/compile.js";
import { projectRoot } from "./shared.js";

export const examplesDir = join(projectRoot, "examples");

export function exampleFiles(): string[] {
  return readdirSync(examplesDir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort();
}

const cache = new Map<string, Uint8Array>();

/** The object of examples/<file>, compiled from source (cached per process). */
export function compileExample(file: string): Uint8Array {
  let obj = cache.get(file);
  if (!obj) {
    const path = join(examplesDir, file);
    obj = compileSource(path, readFileSync(path, "utf8"), { displayName: `examples/${file}` }).object;
    cache.set(file, obj);
  }
  return obj;
}
