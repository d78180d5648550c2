// The whole project, tests included, type-checks under strict TypeScript.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { projectRoot } from "./support/shared.js";

it("tsc -p tsconfig.test.json reports no errors", () => {
  const r = spawnSync(process.execPath, [join(projectRoot, "node_modules", "typescript", "bin", "tsc"), "-p", join(projectRoot, "tsconfig.test.json")], { encoding: "utf8" });
  expect(r.stdout + r.stderr).toBe("");
  expect(r.status).toBe(0);
});
