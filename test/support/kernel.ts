// Access to the running kernel through bpftool for the suites that use it as the oracle.
// Skips (with the reason printed) where bpftool is missing, we are not root, or bpffs is not
// mounted; under CI as root that is a failure instead, because the oracle must run there.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { findTool } from "./tools.js";

export interface KernelAccess {
  readonly bpftool: string;
}

function probe(): KernelAccess | string {
  // Lets a root developer run the suites as an unprivileged one would (recorded kernel verdicts).
  if (process.env.TSBPF_KERNEL === "off") return "TSBPF_KERNEL=off";
  const bpftool = findTool("bpftool");
  if (!bpftool) return "bpftool is not installed";
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "not root: loading BPF programs needs CAP_BPF";
  const mounts = existsSync("/proc/mounts") ? readFileSync("/proc/mounts", "utf8") : "";
  if (!/ \/sys\/fs\/bpf bpf /.test(mounts)) return "bpffs is not mounted at /sys/fs/bpf";
  return { bpftool };
}

const probed = probe();

/** The kernel oracle, or undefined (having printed why) when it cannot be used here. */
export function kernelAccess(): KernelAccess | undefined {
  if (typeof probed === "string") {
    if (process.env.CI === "true" && typeof process.getuid === "function" && process.getuid() === 0) {
      throw new Error(`the kernel oracle is unavailable under CI as root: ${probed}`);
    }
    console.warn(`[tsbpf tests] skipping kernel suite: ${probed}`);
    return undefined;
  }
  return probed;
}

/** A fresh directory on bpffs, removed (with every pin in it) by the returned cleanup. */
export function pinDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join("/sys/fs/bpf", `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function bpftoolJson<T>(k: KernelAccess, args: string[]): T {
  return JSON.parse(execFileSync(k.bpftool, ["-j", ...args], { encoding: "utf8" })) as T;
}

/** Runs bpftool; on failure the error carries bpftool's stderr (the verifier log, for loads). */
export function bpftool(k: KernelAccess, args: string[]): string {
  try {
    return execFileSync(k.bpftool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    throw new Error(`bpftool ${args.join(" ")} failed:\n${err.stderr ?? ""}${err.stdout ?? ""}`);
  }
}

/**
 * Whether our own loader (runtime/kernel, bpf(2) through koffi) may be used here: probes by
 * loading a one-type BTF blob. Undefined-free: returns false having printed why, or throws
 * under CI as root, where the kernel suites must run.
 */
export async function kernelBackendUsable(): Promise<boolean> {
  let reason: string | undefined;
  if (process.env.TSBPF_KERNEL === "off") reason = "TSBPF_KERNEL=off";
  else if (process.platform !== "linux") reason = `bpf(2) needs Linux, this is ${process.platform}`;
  else {
    try {
      const { loadRawBtf } = await import("../../runtime/kernel/index.js");
      const { BtfBuilder, writeBtf } = await import("../../runtime/object/btf/index.js");
      const b = new BtfBuilder();
      b.addInt("int", 4);
      loadRawBtf(writeBtf(b.build())).close();
    } catch (e) {
      reason = `bpf() is not permitted or not reachable: ${(e as Error).message}`;
    }
  }
  if (reason === undefined) return true;
  if (process.env.CI === "true" && typeof process.getuid === "function" && process.getuid() === 0) throw new Error(`the kernel backend is unusable under CI as root: ${reason}`);
  console.warn(`[tsbpf tests] skipping kernel backend suite: ${reason}`);
  return false;
}
