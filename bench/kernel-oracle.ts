// The kernel side of the benchmarks: loads an object with bpftool into a private bpffs
// directory and reads `bpftool prog run ... repeat N`'s average duration. Unavailable
// (with the reason) where bpftool, root or bpffs is missing.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type KernelOracle = { readonly ok: true; readonly bpftool: string } | { readonly ok: false; readonly why: string };

export function kernelOracle(): KernelOracle {
  const bpftool = ["/usr/sbin/bpftool", "/usr/bin/bpftool"].find((p) => existsSync(p));
  if (!bpftool) return { ok: false, why: "bpftool is not installed" };
  if (process.getuid?.() !== 0) return { ok: false, why: "not root" };
  if (!/ \/sys\/fs\/bpf bpf /.test(readFileSync("/proc/mounts", "utf8"))) return { ok: false, why: "bpffs is not mounted" };
  return { ok: true, bpftool };
}

/** Average ns per run of `program` in `object` on `frame`, from the kernel's own timer. */
export function kernelNsPerRun(bpftool: string, object: string, program: string, frame: Uint8Array, repeat: number): number {
  const pins = mkdtempSync("/sys/fs/bpf/tsbpf-bench-");
  const tmp = mkdtempSync(join(tmpdir(), "tsbpf-bench-"));
  try {
    execFileSync(bpftool, ["prog", "loadall", object, `${pins}/p`, "pinmaps", `${pins}/m`], { stdio: "pipe" });
    const input = join(tmp, "frame.bin");
    writeFileSync(input, frame);
    const out = execFileSync(bpftool, ["prog", "run", "pinned", `${pins}/p/${program}`, "data_in", input, "repeat", String(repeat)], { encoding: "utf8" });
    const m = /duration(?: \(average\))?: (\d+)ns/.exec(out);
    if (!m) throw new Error(`unexpected bpftool output: ${out}`);
    return Number(m[1]);
  } finally {
    rmSync(pins, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}
