// A TypeScript program and its C twin (clang-19) run on the same frames: the C object and ours
// in the running kernel (BPF_PROG_TEST_RUN through runtime/kernel), ours in the VM. Returns
// every run's verdict and output frame and the named maps' contents, for the caller to compare.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSource } from "../../compiler/compile.js";
import { KernelObject } from "../../runtime/kernel/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { hex } from "./reference-cases.js";

export interface TwinRun {
  /** Per frame: return value and output frame (hex). */
  readonly runs: { retval: number; frame: string }[];
  /** Per map: its entries as "key=value" hex strings, sorted. */
  readonly maps: Record<string, string[]>;
}

/** clang-19 -O2 -g --target=bpf -mcpu=v3 on `source`. */
export function compileC(clang: string, source: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-twin-"));
  try {
    writeFileSync(join(dir, "twin.c"), source);
    execFileSync(clang, ["-O2", "-g", "--target=bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", "twin.c", "-o", "twin.o"], { cwd: dir });
    return new Uint8Array(readFileSync(join(dir, "twin.o")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles TypeScript `source` for the kernel (the object `tsbpf build` writes, before verification). */
export function compileTs(source: string): Uint8Array {
  return compileSource("/virtual/prog.ts", source, { displayName: "prog.ts" }).object;
}

const sorted = (entries: Iterable<{ key: Uint8Array; value: Uint8Array }>): string[] => [...entries].map((e) => `${hex(e.key)}=${hex(e.value)}`).sort();

/** `object` loaded in the kernel, program `prog` run on each frame in order (on CPU 0), then `maps` read. */
export function runInKernel(object: Uint8Array, prog: string, frames: readonly Uint8Array[], maps: readonly string[]): TwinRun {
  const obj = KernelObject.load(object, { name: "twin" });
  try {
    const p = obj.program(prog);
    const runs = frames.map((f) => {
      const r = p.testRun(f, { cpu: 0 });
      return { retval: r.retval, frame: hex(r.packet) };
    });
    return { runs, maps: Object.fromEntries(maps.map((m) => [m, sorted(obj.map(m).entries())])) };
  } finally {
    obj.close();
  }
}

/** The same in the VM. */
export function runInVm(object: Uint8Array, prog: string, frames: readonly Uint8Array[], maps: readonly string[]): TwinRun {
  const vm = loadObject(object, { cpus: 1 });
  const runs = frames.map((f) => {
    const r = runXdp(vm, prog, f);
    return { retval: r.retval, frame: hex(r.packet) };
  });
  return { runs, maps: Object.fromEntries(maps.map((m) => [m, sorted(vm.maps.get(m)!.entries())])) };
}
