// `tsbpf run` against `bpftool prog run`: the same line format (`Return value: R, duration: Tns`,
// with " (average)" when repeating, then the action's name), the same return value and output frame; the kernel's
// refusal of frames shorter than 14 bytes; and --pcap replay counting actions.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ethernet, ipv4, udp } from "../../runtime/packet/index.js";
import { writePcap } from "../../runtime/packet/capture/index.js";
import { tsbpf } from "../support/cli.js";
import { bpftool, kernelAccess, pinDir } from "../support/kernel.js";
import { referenceObjectPath } from "../support/reference-cases.js";
import { haveShared, sharedDir } from "../support/shared.js";

const present = haveShared("reference/obj");
const packet = (name: string): string => join(sharedDir, "reference", "packets", `${name}.bin`);
const LINE = /^Return value: (\d+), duration( \(average\))?: (\d+)ns$/;

describe.skipIf(!present)("tsbpf run", () => {
  const k = kernelAccess();
  const pins = k ? pinDir("tsbpf-run") : undefined;
  afterAll(() => pins?.cleanup());
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-run-"));

  it.skipIf(!k)("prints bpftool prog run's line with the kernel's return value and frame", () => {
    const obj = referenceObjectPath("xdp_reflect.o");
    bpftool(k!, ["prog", "loadall", obj, `${pins!.dir}/reflect`]);
    for (const repeat of ["1", "5"]) {
      const kernelOut = join(dir, `kernel-${repeat}.bin`);
      const vmOut = join(dir, `vm-${repeat}.bin`);
      const theirs = bpftool(k!, ["prog", "run", "pinned", `${pins!.dir}/reflect/xdp_reflect`, "data_in", packet("ipv4_udp_dns"), "data_out", kernelOut, "repeat", repeat]).trim();
      const ours = tsbpf(["run", obj, "--prog", "xdp_reflect", "--data-in", packet("ipv4_udp_dns"), "--data-out", vmOut, "--repeat", repeat]);
      expect(ours.status).toBe(0);
      // bpftool's line first; the action's name follows on its own line.
      const [t, o] = [LINE.exec(theirs), LINE.exec(ours.stdout.split("\n")[0]!)];
      expect(ours.stdout.split("\n")[1]).toBe("XDP_TX");
      expect(t, theirs).not.toBeNull();
      expect(o, ours.stdout).not.toBeNull();
      expect(o![1]).toBe(t![1]);
      expect(o![2]).toBe(t![2]);
      // Reflecting twice swaps back: repeat runs on the same frame, as in the kernel.
      expect(readFileSync(vmOut).toString("hex")).toBe(readFileSync(kernelOut).toString("hex"));
    }
  });

  it("refuses a frame shorter than an Ethernet header, as the kernel does (EINVAL)", () => {
    const r = tsbpf(["run", referenceObjectPath("xdp_pass.o"), "--prog", "xdp_pass", "--data-in", packet("truncated_10b")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsbpf: error: .*xdp_pass\.o: frame of 10 bytes is shorter than an Ethernet header \(14\); the kernel's test run refuses it with EINVAL\n$/);
  });

  it("replays a pcap and counts the actions", () => {
    const frames = [53, 53, 9999, 53].map((dport) => ethernet({}, ipv4({ src: "192.0.2.1", dst: "198.51.100.1" }, udp({ sport: 1000, dport }, "x"))));
    const file = join(dir, "replay.pcap");
    writeFileSync(file, writePcap(frames.map((data, i) => ({ timestampNs: BigInt(i) * 1000n, data }))));
    const r = tsbpf(["run", referenceObjectPath("xdp_udp53.o"), "--prog", "xdp_udp53", "--pcap", file]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("packets: 4\nXDP_DROP: 3\nXDP_PASS: 1\n");
  });

  it("names an unknown program", () => {
    const r = tsbpf(["run", referenceObjectPath("xdp_pass.o"), "--prog", "nope", "--data-in", packet("ipv4_udp_dns")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no program 'nope' in the object \(it has xdp_pass\)/);
  });
});
