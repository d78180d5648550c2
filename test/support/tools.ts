// Finds the Debian tools some suites compare against (llvm-objdump-19, bpftool)
// and reports why a suite skips when one is missing.
import { execFileSync } from "node:child_process";

export function findTool(name: string): string | undefined {
  for (const dir of ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"]) {
    try {
      execFileSync("test", ["-x", `${dir}/${name}`]);
      return `${dir}/${name}`;
    } catch {
      /* not in this dir */
    }
  }
  return undefined;
}

export function requireTool(name: string): string | undefined {
  const path = findTool(name);
  if (!path) console.warn(`[tsbpf tests] skipping: ${name} is not installed (npm test's pretest installs it as root)`);
  return path;
}

export function run(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: "utf8", maxBuffer: 64 << 20 });
}
