// Runs the built `tsbpf` CLI (compiled by the global setup) and captures its result.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "./shared.js";

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function tsbpf(args: string[]): CliResult {
  const r = spawnSync(process.execPath, [join(projectRoot, "dist", "cli", "main.js"), ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
