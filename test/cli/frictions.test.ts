// The CLI's everyday paths: `build` of many sources in one process (--out-dir; each object next
// to its source by default), `run` picking an object's only program and printing the action's
// name after bpftool's line, `run x.ts` told to build first, every missing or malformed input
// named as itself, `verify` defaulting to the kernel target as `build` does, and
// `tsbpf packet SPEC`.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writePcap } from "../../runtime/packet/capture/index.js";
import { ethernet, ipv4, tcp, udp } from "../../runtime/packet/index.js";
import { tsbpf } from "../support/cli.js";
import { examplesDir } from "../support/examples.js";
import { bpftool, kernelAccess, pinDir } from "../support/kernel.js";
import { projectRoot } from "../support/shared.js";

const dir = mkdtempSync(join(tmpdir(), "tsbpf-cli-"));
const dns = join(examplesDir, "packets", "dns-query.bin");
const twoPrograms = join(dir, "two.ts");
writeFileSync(
  twoPrograms,
  `import { XdpAction, type XdpContext } from "tsbpf";
export const LICENSE = "GPL";
export function xdp_a(_ctx: XdpContext): XdpAction {
  return XdpAction.PASS;
}
export function xdp_b(_ctx: XdpContext): XdpAction {
  return XdpAction.DROP;
}
`,
);
for (const f of ["udp53.ts", "reflect.ts", "dispatch.ts"]) copyFileSync(join(examplesDir, f), join(dir, f));

describe("tsbpf build", () => {
  it("builds several sources in one process into --out-dir, the same objects as one at a time", () => {
    const sources = ["udp53.ts", "reflect.ts", "dispatch.ts"].map((f) => join(dir, f));
    const r = tsbpf(["build", ...sources, "--out-dir", join(dir, "out")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const s of sources) {
      const single = join(dir, `single-${s.split("/").pop()!.replace(".ts", ".o")}`);
      expect(tsbpf(["build", s, "-o", single]).status).toBe(0);
      expect(readFileSync(join(dir, "out", s.split("/").pop()!.replace(".ts", ".o")))).toEqual(readFileSync(single));
    }
  });

  it("writes x.o next to x.ts without -o", () => {
    const r = tsbpf(["build", join(dir, "udp53.ts")]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "udp53.o"))).toEqual(readFileSync(join(dir, "out", "udp53.o")));
  });

  it("names a missing source, still builds the others, and exits 1", () => {
    const r = tsbpf(["build", join(dir, "nope.ts"), twoPrograms, "--out-dir", join(dir, "partial")]);
    expect(r.stderr).toBe(`tsbpf: error: ${join(dir, "nope.ts")}: cannot read source file: no such file or directory\n`);
    expect(r.status).toBe(1);
    expect(readFileSync(join(dir, "partial", "two.o")).subarray(0, 4)).toEqual(Buffer.from("\x7fELF", "latin1"));
  });

  it("refuses -o with several sources, and two sources writing one object", () => {
    const many = tsbpf(["build", twoPrograms, join(dir, "udp53.ts"), "-o", join(dir, "x.o")]);
    expect(many.status).toBe(1);
    expect(many.stderr).toMatch(/-o names one object, but 2 sources were given; use --out-dir DIR/);
    const clash = tsbpf(["build", twoPrograms, twoPrograms, "--out-dir", join(dir, "clash")]);
    expect(clash.status).toBe(1);
    expect(clash.stderr).toMatch(/two\.ts and .*two\.ts would both be written to .*clash\/two\.o/);
  });
});

describe("tsbpf run", () => {
  const udp53 = join(dir, "run-udp53.o");
  const two = join(dir, "two.o");
  expect(tsbpf(["build", join(examplesDir, "udp53.ts"), "-o", udp53]).status).toBe(0);
  expect(tsbpf(["build", twoPrograms, "-o", two]).status).toBe(0);

  it("runs the only program without --prog and prints bpftool's line, then the action", () => {
    const r = tsbpf(["run", udp53, "--data-in", dns]);
    expect(r.stderr).toBe("");
    // udp53 drops this DNS query; the kernel returns 1 too (test/cli/readme.test.ts, and below).
    expect(r.stdout).toMatch(/^Return value: 1, duration: \d+ns\nXDP_DROP\n$/);
  });

  it.skipIf(!kernelAccess())("--kernel prints the same two lines from BPF_PROG_TEST_RUN", () => {
    const r = tsbpf(["run", "--kernel", udp53, "--data-in", dns]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Return value: 1, duration: \d+ns\nXDP_DROP\n$/);
  });

  it("asks for --prog when the object has several programs", () => {
    const r = tsbpf(["run", two, "--data-in", dns]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`tsbpf: error: ${two}: the object has 2 programs (xdp_a, xdp_b); choose one with --prog NAME\n`);
    expect(tsbpf(["run", two, "--prog", "xdp_b", "--data-in", dns]).stdout).toMatch(/\nXDP_DROP\n$/);
  });

  it("tells to build a TypeScript source first", () => {
    const r = tsbpf(["run", join(dir, "udp53.ts"), "--data-in", dns]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`tsbpf: error: ${join(dir, "udp53.ts")}: this is TypeScript source, not a BPF object; build it first: tsbpf build ${join(dir, "udp53.ts")} (writes ${join(dir, "udp53.o")})\n`);
  });

  it("names the missing input, not the object", () => {
    const packet = tsbpf(["run", udp53, "--data-in", join(dir, "no-packet.bin")]);
    expect(packet.stderr).toBe(`tsbpf: error: ${join(dir, "no-packet.bin")}: cannot read --data-in file: no such file or directory\n`);
    const pcap = tsbpf(["run", udp53, "--pcap", join(dir, "no.pcap")]);
    expect(pcap.stderr).toBe(`tsbpf: error: ${join(dir, "no.pcap")}: cannot read --pcap file: no such file or directory\n`);
    const object = tsbpf(["run", join(dir, "no.o"), "--data-in", dns]);
    expect(object.stderr).toBe(`tsbpf: error: ${join(dir, "no.o")}: cannot read object file: no such file or directory\n`);
    const out = tsbpf(["run", udp53, "--data-in", dns, "--data-out", join(dir, "no-dir", "out.bin")]);
    expect(out.stderr).toBe(`tsbpf: error: ${join(dir, "no-dir", "out.bin")}: no such file or directory (open)\n`);
    for (const r of [packet, pcap, object, out]) expect(r.status).toBe(1);
  });

  it("names a malformed capture, not the object", () => {
    const bad = join(dir, "bad.pcap");
    writeFileSync(bad, writePcap([{ timestampNs: 0n, data: ethernet({}, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, udp({ sport: 1, dport: 53 }, "q"))) }]).subarray(0, 30));
    const r = tsbpf(["run", udp53, "--pcap", bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^tsbpf: error: ${bad.replace(/[.]/g, "\\.")}: `));
  });
});

describe("tsbpf verify defaults to the kernel target, as build does", () => {
  const vm = join(dir, "dispatch-vm.o");
  expect(tsbpf(["build", join(examplesDir, "dispatch.ts"), "-o", vm, "--target", "vm"]).status).toBe(0);

  it("refuses a callx object by default and accepts it with --target vm", () => {
    const r = tsbpf(["verify", vm]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^xdp_dispatch: rejected: unknown opcode 8d/);
    expect(tsbpf(["verify", vm, "--target", "vm"]).status).toBe(0);
  });

  it.skipIf(!kernelAccess())("the kernel refuses that object too", () => {
    const k = kernelAccess()!;
    const pins = pinDir("tsbpf-verify-default");
    try {
      expect(() => bpftool(k, ["prog", "loadall", vm, `${pins.dir}/p`])).toThrow(/unknown opcode 8d/);
    } finally {
      pins.cleanup();
    }
  });
});

describe("tsbpf packet", () => {
  it("writes the README's DNS query from a one-line spec", () => {
    const out = join(dir, "dns.bin");
    const r = tsbpf(["packet", "eth/ipv4/udp sport=3333 dport=53/data text=q", "-o", out]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // examples/packets/dns-query.bin is tsbpf/packet's frame (test/cli/readme.test.ts checks that).
    expect(readFileSync(out)).toEqual(readFileSync(join(projectRoot, "examples", "packets", "dns-query.bin")));
  });

  it("builds what the layers say, as tsbpf/packet does", () => {
    const out = join(dir, "tcp.bin");
    expect(tsbpf(["packet", "eth src=02:00:00:00:00:0a/ipv4 src=198.51.100.1 dst=203.0.113.9 ttl=7/tcp sport=4000 dport=80 flags=syn,ack/data hex=0102ff", "-o", out]).status).toBe(0);
    const expected = ethernet({ src: "02:00:00:00:00:0a" }, ipv4({ src: "198.51.100.1", dst: "203.0.113.9", ttl: 7 }, tcp({ sport: 4000, dport: 80, flags: { syn: true, ack: true } }, new Uint8Array([1, 2, 0xff]))));
    expect(new Uint8Array(readFileSync(out))).toEqual(expected);
  });

  it("one error line naming the spec and what is wrong in it", () => {
    const cases: [string, RegExp][] = [
      ["eth/ipv4/udp", /udp needs dport=N/],
      ["eth/ipx", /unknown layer 'ipx' \(layers: eth, vlan, ipv4, ipv6, udp, tcp, icmp, data\)/],
      ["eth/ipv4 port=1/udp dport=1", /ipv4 has no key 'port' \(keys: src, dst, ttl, tos, id, df, protocol\)/],
      ["eth/ipv4 src=1.2.3/udp dport=1", /IPv4 address: "1\.2\.3"/],
      ["eth/data text=x/ipv4", /data must be the last layer/],
      ["eth/ipv4/udp dport=fifty", /udp dport=fifty: expected a number/],
    ];
    for (const [spec, message] of cases) {
      const r = tsbpf(["packet", spec, "-o", join(dir, "bad.bin")]);
      expect(r.status, spec).toBe(1);
      expect(r.stderr.split("\n").length, spec).toBe(2);
      expect(r.stderr, spec).toMatch(new RegExp(`^tsbpf: error: packet '${spec.replace(/[.]/g, "\\.")}': ${message.source}`));
    }
  });
});
