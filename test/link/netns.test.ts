// The chain on a real interface: a veth pair between the root namespace and a test-owned one
// (ip netns), the rootlet of count → nodns → blocklist attached (skb mode) to the root side;
// five pings from the other side reach the rootlet, whose blocklist lets the first two
// through and drops the rest: ping gets exactly two replies and the maps count what came.
// libxdp itself (xdp-loader -v) reads our TypeScript run config as `tsbpf link --chain` does.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attachXdp, interfaceIndex, KernelObject } from "tsbpf/kernel";
import { tsbpf } from "../support/cli.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { COUNT, NODNS, buildBlocklist, buildProgram, withRunConfig } from "../support/chain-programs.js";
import { findTool } from "../support/tools.js";

const usable = (await kernelBackendUsable()) && findTool("ip") !== undefined && findTool("ping") !== undefined;
const haveXdpLoader = findTool("xdp-loader") !== undefined;
const dir = mkdtempSync(join(tmpdir(), "tsbpf-netns-"));
const ns = `tsbpf-chain-${process.pid}`;
const host = `tsbc${process.pid % 100000}`;

const sh = (cmd: string, args: string[]): { status: number | null; out: string } => {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};
const must = (cmd: string, args: string[]): string => {
  const r = sh(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.out}`);
  return r.out;
};

const COUNT_RC = withRunConfig(COUNT, "xdpRunConfig(xdp_count, { priority: 10, chainActions: [XdpAction.PASS] })");
const NODNS_RC = withRunConfig(NODNS, "xdpRunConfig(xdp_nodns, { priority: 20, chainActions: [XdpAction.PASS, XdpAction.TX] })");

describe.skipIf(!usable)("a chain attached to a veth pair", () => {
  afterAll(() => {
    sh("ip", ["netns", "del", ns]); // takes the veth pair with it
    spawnSync("rm", ["-rf", dir]);
  });
  const count = buildProgram(dir, "count", COUNT_RC);
  const nodns = buildProgram(dir, "nodns", NODNS_RC);
  const blocklist = buildBlocklist(dir);

  it.skipIf(!haveXdpLoader)("libxdp reads the TypeScript run configs as tsbpf link --chain does", () => {
    must("ip", ["netns", "add", ns]);
    must("ip", ["-n", ns, "link", "add", "lx0", "type", "veth", "peer", "name", "lx1"]);
    // xdp-loader prints each program's parsed run config before it attaches (which may fail here: no bpffs in the namespace).
    const out = sh("ip", ["netns", "exec", ns, "xdp-loader", "load", "-v", "-m", "skb", "lx0", blocklist, nodns, count]).out;
    const libxdp = [...out.matchAll(/Run prio: (\d+)\. Chain call actions: ([A-Z_,]+)/g)].map((m) => `${m[1]} ${m[2]!.replace(/XDP_/g, "")}`).sort();
    expect(libxdp).toHaveLength(3);
    const r = tsbpf(["link", blocklist, nodns, count, "--chain", "root", "-o", join(dir, "chain.o")]);
    expect(r.stderr).toBe("");
    const ours = [...r.stdout.matchAll(/priority (\d+) chain on ([A-Z,]+)/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(ours).toEqual(libxdp);
    sh("ip", ["netns", "del", ns]);
  });

  it("pings through the chain: two replies, the rest dropped by the blocklist", () => {
    const chained = join(dir, "chain.o");
    expect(tsbpf(["link", blocklist, nodns, count, "--chain", "root", "-o", chained]).stderr).toBe("");
    must("ip", ["netns", "add", ns]);
    must("ip", ["link", "add", host, "type", "veth", "peer", "name", "peer0", "netns", ns]);
    must("ip", ["addr", "add", "10.251.77.1/24", "dev", host]);
    must("ip", ["link", "set", host, "up"]);
    must("ip", ["-n", ns, "addr", "add", "10.251.77.2/24", "dev", "peer0"]);
    must("ip", ["-n", ns, "link", "set", "peer0", "up"]);
    must("ip", ["-n", ns, "link", "set", "lo", "up"]);
    const obj = KernelObject.load(readFileSync(chained));
    const link = attachXdp(obj.program("root").fd, interfaceIndex(host), "skb");
    try {
      const ping = sh("ip", ["netns", "exec", ns, "ping", "-c", "5", "-i", "0.2", "-W", "1", "10.251.77.1"]);
      expect(ping.out).toMatch(/5 packets transmitted, 2 received/);
      const saddr = new Uint8Array([10, 251, 77, 2]);
      const sightings = obj.map("sightings").lookup(saddr);
      expect(sightings && new DataView(sightings.buffer, sightings.byteOffset).getUint32(0, true)).toBe(5);
      const packets = obj.map("packets").lookup(new Uint8Array(4));
      // Every frame (the pings, ARP, IPv6 neighbour discovery …) passed the counter first.
      expect(packets && new DataView(packets.buffer, packets.byteOffset).getUint32(0, true)).toBeGreaterThanOrEqual(5);
    } finally {
      link.close();
      obj.close();
    }
  });
});
