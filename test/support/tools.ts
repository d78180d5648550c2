// Finds the Debian tools some suites compare against (llvm-objdump-19, bpftool, clang-19)
// and reports why a suite skips when one is missing. Under CI as root (where npm test's
// pretest installs them) a missing tool is a failure, not a skip: the oracle must run there.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const mustHave = process.env.CI === "true" && typeof process.getuid === "function" && process.getuid() === 0;

export function findTool(name: string): string | undefined {
  for (const dir of ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"]) {
    if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

export function requireTool(name: string): string | undefined {
  const path = findTool(name);
  if (!path) {
    if (mustHave) throw new Error(`${name} is missing under CI as root: npm test's pretest should have installed it`);
    console.warn(`[tsbpf tests] skipping: ${name} is not installed (npm test's pretest installs it when run as root)`);
  }
  return path;
}

export function run(tool: string, args: string[], input?: string): string {
  return execFileSync(tool, args, { encoding: "utf8", maxBuffer: 64 << 20, ...(input !== undefined ? { input } : {}) });
}
