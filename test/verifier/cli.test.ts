// `tsbpf verify`, and the verify steps of `tsbpf build` and `tsbpf run`: output and exit codes
// on accepted and rejected objects. The rejected TypeScript program is one the compiler accepts
// but the verifier (like the kernel) refuses: a loop of a million iterations.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tsbpf } from "../support/cli.js";
import { haveShared, referenceObjDir } from "../support/shared.js";
import { buildRuleObject } from "./rule-object.js";

const dir = mkdtempSync(join(tmpdir(), "tsbpf-verify-"));
// Progress lines every 100 ms instead of every second, so that the long loop below prints some
// however fast the machine (TSBPF_PROGRESS_MS; the CLI's children inherit it).
process.env.TSBPF_PROGRESS_MS = "100";
/** A progress line: a verification of more than the interval prints one per interval. */
const PROGRESS = /^tsbpf: verifying xdp_long: (\d+) insns processed, \d+ states stored, at insn \d+ \(\d+\.\d s\)$/m;
const unchecked = join(dir, "unchecked.o");
// Reads packet byte 12 without comparing against data_end first.
writeFileSync(unchecked, buildRuleObject({ asm: "  w2 = *(u32 *)(r1 + 0x0)\n  w3 = *(u32 *)(r1 + 0x4)\n  w0 = *(u8 *)(r2 + 0xc)\n  w0 = 0x2\n  exit" }));

const longLoop = join(dir, "long-loop.ts");
writeFileSync(
  longLoop,
  `import { XdpAction, type XdpContext, type u32 } from "tsbpf";

export const LICENSE = "GPL";

export function xdp_long(_ctx: XdpContext): XdpAction {
  let acc: u32 = 0;
  for (let i: u32 = 0; i < 1000000; i++) {
    acc = acc ^ (i * 3);
  }
  return acc == 7 ? XdpAction.DROP : XdpAction.PASS;
}
`,
);

describe("tsbpf verify", () => {
  it.skipIf(!haveShared("reference/obj"))("prints the processed instructions of an accepted program and exits 0", () => {
    const r = tsbpf(["verify", join(referenceObjDir, "xdp_tailcall.o")]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^xdp_entry: accepted \(processed \d+ insns\)\n/m);
    expect(r.stdout).toMatch(/^xdp_stage2: accepted \(processed \d+ insns\)\n/m);
  });

  it("prints the kernel-worded error with instruction and registers and exits 1", () => {
    const r = tsbpf(["verify", unchecked]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      [
        "rule: rejected: invalid access to packet, off=12 size=1, R2(id=0,off=12,r=0); R2 offset is outside of the packet",
        "  at xdp+0x10 insn 2",
        "  insn 2: w0 = *(u8 *)(r2 + 0xc)",
        "  R2=pkt(r=0)",
        "  hint: the checks on this path prove 0 byte(s) of packet from where R2 starts (r=0); reading 1 byte(s) at offset 12 needs 13. Compare that pointer plus 13 with data_end first (if (p + 13 > data_end) return) on every path to this line",
        "  (processed 3 insns)",
        "",
      ].join("\n"),
    );
  });

  it("--json gives the verdicts", () => {
    const r = tsbpf(["verify", unchecked, "--json"]);
    expect(r.status).toBe(1);
    const v = JSON.parse(r.stdout) as { program: string; accepted: boolean; error: { insn: number } }[];
    expect(v).toMatchObject([{ program: "rule", accepted: false, error: { insn: 2 } }]);
  });

  it.skipIf(!haveShared("reference/obj"))("--target kernel (the default) refuses callx with the kernel's message and the C source line", () => {
    const obj = join(referenceObjDir, "callx.o");
    expect(tsbpf(["verify", obj, "--target", "vm"]).status).toBe(0);
    expect(tsbpf(["verify", obj]).stdout).toBe(tsbpf(["verify", obj, "--target", "kernel"]).stdout);
    const r = tsbpf(["verify", obj, "--target", "kernel"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("xdp_callx: rejected: unknown opcode 8d\n  at ./callx.c:");
  });

  it("a malformed object is one error line", () => {
    const bad = join(dir, "bad.o");
    writeFileSync(bad, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1]));
    const r = tsbpf(["verify", bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsbpf: error: .*bad\.o: /);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("tsbpf build verifies", () => {
  it("reports a rejection at the TypeScript line in tsc's format and writes no object", () => {
    const out = join(dir, "long.o");
    const r = tsbpf(["build", longLoop, "-o", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${longLoop}:7:37 - error TS90501: the verifier rejects program 'xdp_long': BPF program is too large. Processed 1000001 insn`);
    expect(r.stderr).toContain("for (let i: u32 = 0; i < 1000000; i++) {");
    expect(r.stderr).toContain("hint: the verifier walks every path one instruction at a time, up to 1,000,000 instructions in total");
    expect(existsSync(out)).toBe(false);
    // A verification longer than a second reports its progress on stderr.
    expect(r.stderr).toMatch(PROGRESS);
  });

  it("--no-verify writes the object, which `tsbpf verify` then rejects", () => {
    const out = join(dir, "long-unverified.o");
    const r = tsbpf(["build", longLoop, "-o", out, "--no-verify"]);
    expect(r.status, r.stderr).toBe(0);
    const v = tsbpf(["verify", out]);
    expect(v.status).toBe(1);
    expect(v.stdout).toContain("xdp_long: rejected: BPF program is too large. Processed 1000001 insn");
    expect(v.stdout).toMatch(/at .*long-loop\.ts:7:37: for \(let i/);
    const lines = v.stderr.split("\n").filter((l) => l !== "");
    expect(lines.length).toBeGreaterThan(0);
    const processed = lines.map((l) => Number(PROGRESS.exec(l)?.[1]));
    expect(processed.every((n, i) => n > 0 && n < 1000001 && (i === 0 || n > processed[i - 1]!))).toBe(true);
  });
});

describe("tsbpf run verifies", () => {
  const frame = join(dir, "frame.bin");
  writeFileSync(frame, new Uint8Array(64));
  it("refuses a program the verifier rejects, and runs it with --no-verify", () => {
    const r = tsbpf(["run", unchecked, "--prog", "rule", "--data-in", frame]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the bundled verifier rejects the program");
    expect(r.stderr).toContain("R2 offset is outside of the packet");
    const ok = tsbpf(["run", unchecked, "--prog", "rule", "--data-in", frame, "--no-verify"]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Return value: 2, duration/);
    expect(readFileSync(frame).length).toBe(64);
  });

  it("reports the progress of a long verification before refusing", () => {
    const obj = join(dir, "long-run.o");
    expect(tsbpf(["build", longLoop, "-o", obj, "--no-verify"]).status).toBe(0);
    const r = tsbpf(["run", obj, "--prog", "xdp_long", "--data-in", frame]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(PROGRESS);
    expect(r.stderr).toContain("BPF program is too large. Processed 1000001 insn");
  });
});
