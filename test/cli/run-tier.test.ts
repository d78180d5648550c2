// `tsbpf run --tier wasm|interp`: both tiers print the same return value and write the same
// output frame, which is the kernel's (BPF_PROG_TEST_RUN) when a kernel is at hand; an unknown
// tier is refused by the option parser.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tsbpf } from "../support/cli.js";
import { bpftool, kernelAccess, pinDir } from "../support/kernel.js";
import { referenceObjectPath } from "../support/reference-cases.js";
import { haveShared, sharedDir } from "../support/shared.js";

const present = haveShared("reference/obj");
const packet = (name: string): string => join(sharedDir, "reference", "packets", `${name}.bin`);
const LINE = /^Return value: (\d+), duration( \(average\))?: (\d+)ns$/;

describe.skipIf(!present)("tsbpf run --tier", () => {
  const k = kernelAccess();
  const pins = k ? pinDir("tsbpf-run-tier") : undefined;
  afterAll(() => pins?.cleanup());
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-run-tier-"));

  it("wasm and interp print the same return value and frame (the kernel's when available)", () => {
    const obj = referenceObjectPath("xdp_vlan_pop.o");
    const out = (tier: string): { value: string; action: string; frame: string } => {
      const file = join(dir, `${tier}.bin`);
      const r = tsbpf(["run", obj, "--prog", "xdp_vlan_pop", "--data-in", packet("vlan100_ipv4_udp_dns"), "--data-out", file, "--tier", tier]);
      expect(r.status, r.stderr).toBe(0);
      // bpftool's line, then the action's name.
      const [line, action] = r.stdout.trim().split("\n");
      const m = LINE.exec(line!);
      expect(m, r.stdout).not.toBeNull();
      return { value: m![1]!, action: action!, frame: readFileSync(file).toString("hex") };
    };
    const wasm = out("wasm");
    expect(wasm).toEqual(out("interp"));
    if (k) {
      bpftool(k, ["prog", "loadall", obj, `${pins!.dir}/vlan`]);
      const kernelOut = join(dir, "kernel.bin");
      const theirs = bpftool(k, ["prog", "run", "pinned", `${pins!.dir}/vlan/xdp_vlan_pop`, "data_in", packet("vlan100_ipv4_udp_dns"), "data_out", kernelOut]).trim();
      expect(LINE.exec(theirs)![1]).toBe(wasm.value);
      expect(readFileSync(kernelOut).toString("hex")).toBe(wasm.frame);
    }
  });

  it("refuses an unknown tier", () => {
    const r = tsbpf(["run", referenceObjectPath("xdp_pass.o"), "--prog", "xdp_pass", "--data-in", packet("ipv4_udp_dns"), "--tier", "jit"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/expected wasm or interp/);
  });
});
