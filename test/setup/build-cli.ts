// vitest global setup: compiles the project once so suites that spawn `tsbpf` run the
// current source. Type errors do not stop the run here (tsc still emits JavaScript);
// test/typecheck.test.ts is where they fail the suite.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export default function setup(): void {
  const root = resolve(import.meta.dirname, "..", "..");
  const r = spawnSync(process.execPath, [resolve(root, "node_modules", "typescript", "bin", "tsc"), "-p", resolve(root, "tsconfig.json")], { encoding: "utf8" });
  if (r.status !== 0) console.warn(`[tsbpf tests] tsc reported errors while building dist/ (see test/typecheck.test.ts):\n${r.stdout}`);
}
