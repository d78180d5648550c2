// `tsbpf build --target kernel|vm`: the default is the kernel target (no callx, loads in stock
// Linux); --target vm emits callx for indirect calls; each target's object is deterministic;
// a bad target is one clear error.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tsbpf } from "../support/cli.js";
import { examplesDir } from "../support/examples.js";
import { requireTool } from "../support/tools.js";

const source = join(examplesDir, "dispatch.ts");
const objdump = requireTool("llvm-objdump-19");

describe("tsbpf build --target", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-build-"));
  const build = (out: string, ...extra: string[]): Buffer => {
    const r = tsbpf(["build", source, "-o", join(dir, out), ...extra]);
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(join(dir, out));
  };

  it("defaults to the kernel target, and each target's object is byte-for-byte reproducible", () => {
    const kernel = build("kernel.o", "--target", "kernel");
    expect(build("default.o")).toEqual(kernel);
    const vm = build("vm.o", "--target", "vm");
    expect(build("vm-again.o", "--target", "vm")).toEqual(vm);
    expect(vm).not.toEqual(kernel);
  });

  it.skipIf(!objdump)("llvm-objdump-19 finds callx in the vm target only", () => {
    const dis = (f: string): string => execFileSync(objdump!, ["-d", "--no-show-raw-insn", join(dir, f)], { encoding: "utf8" });
    expect(dis("vm.o")).toMatch(/\bcallx r\d+/);
    expect(dis("kernel.o")).not.toMatch(/\bcallx\b/);
  });

  it("rejects an unknown target", () => {
    const r = tsbpf(["build", source, "-o", join(dir, "x.o"), "--target", "arm"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/expected kernel or vm/);
  });
});
