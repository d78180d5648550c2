// fibLookup (bpf_fib_lookup) from TypeScript. The kernel's test run looks routes up in the
// network namespace of the process that runs it, so the test builds its own namespace (a veth
// pair with addresses, a permanent neighbour, gateway, blackhole, unreachable and prohibit
// routes, forwarding on one side only) and runs the kernel there through bpftool under
// nsenter; the VM gets that namespace's table as the kernel reports it (`ip -j`, sysctl).
// Frames crafted per case carry the lookup's inputs (destination, ifindex in the IP id or
// payload length, flags in the TOS or hop limit); the program copies the params after the
// lookup into the frame, so return codes and every output field (egress ifindex, MACs, MTU,
// next hop, metric) are compared between the kernel and the VM.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { KernelObject } from "../../runtime/kernel/index.js";
import { parseIpv4, parseIpv6 } from "../../runtime/packet/address.js";
import type { FibTable } from "../../runtime/vm/helpers/fib-lookup.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { kernelAccess, kernelBackendUsable, pinDir } from "../support/kernel.js";
import { hex } from "../support/reference-cases.js";
import { findTool } from "../support/tools.js";

const source = `import { AddressFamily, FibLookupFlags, htons, ntohs, u32, u8, type FibLookupParams, type FixedArray, type XdpContext, type be16, type be32 } from "tsbpf";
import { HeaderSize, type EthHdr, type IPv4Hdr } from "tsbpf/net";
export const LICENSE = "GPL";
/** IPv6 with its addresses as four 32-bit words, as struct bpf_fib_lookup holds them. */
interface V6 { verTcFlow: be32; payloadLen: be16; nexthdr: u8; hopLimit: u8; saddr: FixedArray<be32, 4>; daddr: FixedArray<be32, 4>; }
export function prog(ctx: XdpContext): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return 1;
  // Fields left out of the literal (the address and MAC arrays) start as zero.
  const p = {} as FibLookupParams;
  let flags: u32 = 0;
  let out: u32 = 0;
  if (eth.proto === htons(0x0800)) {
    const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
    if (!ip) return 2;
    // TOS bit 0x40 asks for a family the kernel does not route.
    p.family = (ip.tos & 0x40) !== 0 ? 7 : AddressFamily.INET;
    p.l4Protocol = ip.protocol;
    p.totLen = ntohs(ip.totLen);
    p.ifindex = u32(ntohs(ip.id));
    p.src[0] = ip.saddr;
    p.dst[0] = ip.daddr;
    flags = u32(ip.tos & 0xbf);
    out = HeaderSize.ETH + HeaderSize.IPV4;
  } else {
    const ip6 = ctx.header<V6>(HeaderSize.ETH);
    if (!ip6) return 3;
    p.family = AddressFamily.INET6;
    p.l4Protocol = ip6.nexthdr;
    p.ifindex = u32(ntohs(ip6.payloadLen));
    p.src[0] = ip6.saddr[0]; p.src[1] = ip6.saddr[1]; p.src[2] = ip6.saddr[2]; p.src[3] = ip6.saddr[3];
    p.dst[0] = ip6.daddr[0]; p.dst[1] = ip6.daddr[1]; p.dst[2] = ip6.daddr[2]; p.dst[3] = ip6.daddr[3];
    flags = u32(ip6.hopLimit);
    out = HeaderSize.ETH + HeaderSize.IPV6;
  }
  const rc = fibLookup(ctx, p, flags);
  ctx.storeBytes(out, p);
  return u32(rc);
}
`.replace("type XdpContext,", "type XdpContext, fibLookup,");

interface IpLink { ifindex: number; ifname: string; mtu: number; address?: string }
interface IpRoute { dst: string; gateway?: string; dev?: string; type?: string; metric?: number }
interface IpNeigh { dst: string; dev: string; lladdr?: string; state?: string[] }

const ns = `tsbpf-fib-${process.pid}`;
const must = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const ip = <T>(...args: string[]): T => JSON.parse(must("ip", ["-n", ns, "-j", ...args]) || "[]") as T;
const sysctl = (key: string): string => must("ip", ["netns", "exec", ns, "sysctl", "-n", key]).trim();
/** Neighbour states in which bpf_fib_lookup uses the entry (NUD_VALID). */
const VALID = new Set(["REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT", "NOARP"]);

/** The namespace's routing as the kernel reports it, as the VM's FibTable. */
function kernelFibTable(links: IpLink[]): FibTable {
  const index = new Map(links.map((l) => [l.ifname, l.ifindex]));
  const routes = (family: "-4" | "-6"): FibTable["routes"] =>
    ip<IpRoute[]>(family, "route", "show", "table", "main").map((r) => ({
      prefix: r.dst === "default" ? (family === "-4" ? "0.0.0.0/0" : "::/0") : r.dst,
      ...(r.dev ? { ifindex: index.get(r.dev)! } : {}),
      ...(r.gateway ? { gateway: r.gateway } : {}),
      ...(r.type && r.type !== "unicast" ? { type: r.type as "blackhole" } : {}),
      ...(r.metric ? { metric: r.metric } : {}),
    }));
  const neighbours: Record<string, string> = {};
  for (const n of ip<IpNeigh[]>("neigh")) if (n.lladdr && n.state?.some((s) => VALID.has(s))) neighbours[n.dst] = n.lladdr;
  return {
    routes: [...routes("-4"), ...routes("-6")],
    interfaces: links.map((l) => ({ ifindex: l.ifindex, mac: l.address ?? "00:00:00:00:00:00", mtu: l.mtu, forwarding: sysctl(`net.ipv4.conf.${l.ifname}.forwarding`) === "1" })),
    neighbours,
  };
}

function ethernet(type: number): Uint8Array {
  const f = new Uint8Array(14);
  f.set([2, 0, 0, 0, 0, 0xaa, 2, 0, 0, 0, 0, 0xbb, type >> 8, type & 0xff]);
  return f;
}

/** Ethernet + IPv4 (ifindex in the id, flags in the TOS) + 64 zero bytes for the params. */
function v4Frame(dst: string, ifindex: number, tos: number, totLen = 84): Uint8Array {
  const f = new Uint8Array(14 + 20 + 64);
  f.set(ethernet(0x0800));
  f.set([0x45, tos, totLen >> 8, totLen & 0xff, ifindex >> 8, ifindex & 0xff, 0, 0, 64, 17, 0, 0], 14);
  f.set(parseIpv4("198.18.0.1"), 26);
  f.set(parseIpv4(dst), 30);
  return f;
}

/** Ethernet + IPv6 (ifindex in the payload length, flags in the hop limit) + 64 bytes. */
function v6Frame(dst: string, ifindex: number, flags: number): Uint8Array {
  const f = new Uint8Array(14 + 40 + 64);
  f.set(ethernet(0x86dd));
  f.set([0x60, 0, 0, 0, ifindex >> 8, ifindex & 0xff, 17, flags], 14);
  f.set(parseIpv6("fd00:1::1"), 22);
  f.set(parseIpv6(dst), 38);
  return f;
}

const OUTPUT = 2;
const SKIP_NEIGH = 4;
const DIRECT = 1;
const k = kernelAccess();
const usable = (await kernelBackendUsable()) && k !== undefined && findTool("nsenter") !== undefined && findTool("ip") !== undefined;

describe.skipIf(!usable)("fibLookup: the kernel's FIB and the VM's model of it agree", () => {
  const tmp = mkdtempSync(join(tmpdir(), "tsbpf-fib-"));
  const pins = pinDir("tsbpf-fib");
  let made = false;

  beforeAll(() => {
    must("ip", ["netns", "add", ns]);
    made = true;
    const n = (...args: string[]): string => must("ip", ["-n", ns, ...args]);
    n("link", "add", "fa", "type", "veth", "peer", "name", "fb");
    n("link", "set", "fa", "mtu", "1400");
    for (const dev of ["lo", "fa", "fb"]) n("link", "set", dev, "up");
    n("addr", "add", "198.18.0.1/24", "dev", "fa");
    n("-6", "addr", "add", "fd00:1::1/64", "dev", "fa", "nodad");
    n("neigh", "add", "198.18.0.5", "lladdr", "02:00:00:00:00:05", "dev", "fa", "nud", "permanent");
    n("-6", "neigh", "add", "fd00:1::5", "lladdr", "02:00:00:00:00:06", "dev", "fa", "nud", "permanent");
    n("route", "add", "198.19.0.0/16", "via", "198.18.0.5", "dev", "fa");
    n("route", "add", "198.20.0.0/16", "via", "198.18.0.6", "dev", "fa", "metric", "7");
    n("route", "add", "blackhole", "203.0.113.0/24");
    n("route", "add", "unreachable", "198.51.100.0/24");
    n("route", "add", "prohibit", "192.0.2.0/24");
    n("route", "add", "198.21.0.0/16", "dev", "fb");
    n("-6", "route", "add", "2001:db8:1::/48", "via", "fd00:1::5", "dev", "fa");
    n("-6", "route", "add", "2001:db8:2::/48", "via", "fd00:1::6", "dev", "fa");
    must("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.fa.forwarding=1", "net.ipv6.conf.fa.forwarding=1", "net.ipv4.conf.fb.forwarding=1"]);
  });

  afterAll(() => {
    if (made) must("ip", ["netns", "del", ns]);
    pins.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("return codes and written params for IPv4 and IPv6 destinations", () => {
    const links = ip<IpLink[]>("link");
    const fa = links.find((l) => l.ifname === "fa")!.ifindex;
    const fb = links.find((l) => l.ifname === "fb")!.ifindex;
    const lo = links.find((l) => l.ifname === "lo")!.ifindex;
    const table = kernelFibTable(links);
    const frames: [string, Uint8Array][] = [
      ["a neighbour on the link", v4Frame("198.18.0.5", fa, 0)],
      ["via a gateway", v4Frame("198.19.1.1", fa, 0)],
      ["via a gateway, output", v4Frame("198.19.1.1", fa, OUTPUT)],
      ["via a gateway, direct table lookup", v4Frame("198.19.1.1", fa, DIRECT)],
      ["gateway without a neighbour", v4Frame("198.20.1.1", fa, 0)],
      ["gateway without a neighbour, skip neighbour", v4Frame("198.20.1.1", fa, SKIP_NEIGH)],
      ["blackhole route", v4Frame("203.0.113.9", fa, 0)],
      ["unreachable route", v4Frame("198.51.100.9", fa, 0)],
      ["prohibit route", v4Frame("192.0.2.9", fa, 0)],
      ["no route", v4Frame("10.9.9.9", fa, 0)],
      ["tot_len above the MTU", v4Frame("198.19.1.1", fa, 0, 1500)],
      ["forwarding disabled on the device", v4Frame("198.19.1.1", lo, 0)],
      // The kernel checks forwarding on params->ifindex's device for output lookups too.
      ["forwarding disabled on the device, output", v4Frame("198.19.1.1", lo, OUTPUT)],
      // Output lookups want a route out of params->ifindex.
      ["output from a device the route does not use", v4Frame("198.19.1.1", fb, OUTPUT)],
      ["output from the route's device, skip neighbour", v4Frame("198.21.1.1", fb, OUTPUT | SKIP_NEIGH)],
      ["forwarding to another device's route, skip neighbour", v4Frame("198.21.1.1", fa, SKIP_NEIGH)],
      ["no such ifindex", v4Frame("198.19.1.1", 999, 0)],
      ["unknown family", v4Frame("198.19.1.1", fa, 0x40)],
      ["unknown flag", v4Frame("198.19.1.1", fa, 0x80)],
      ["IPv6 via a gateway", v6Frame("2001:db8:1::9", fa, 0)],
      ["IPv6 gateway without a neighbour", v6Frame("2001:db8:2::9", fa, 0)],
      ["IPv6 gateway without a neighbour, skip neighbour", v6Frame("2001:db8:2::9", fa, SKIP_NEIGH)],
    ];
    const { object } = compileSource("/virtual/fib.ts", source, { displayName: "fib.ts" });
    const kernel = KernelObject.load(object, { name: "fib" });
    try {
      kernel.program("prog").pin(join(pins.dir, "prog"));
    } finally {
      kernel.close();
    }
    const vm = loadObject(object);
    const results = frames.map(([name, f], i) => {
      const input = join(tmp, `in${i}.bin`);
      const output = join(tmp, `out${i}.bin`);
      writeFileSync(input, f);
      // The test run happens in bpftool's network namespace: ours.
      const line = must("nsenter", [`--net=/var/run/netns/${ns}`, k!.bpftool, "prog", "run", "pinned", join(pins.dir, "prog"), "data_in", input, "data_out", output]);
      const rc = Number(/Return value: (\d+)/.exec(line)![1]) | 0;
      const v = runXdp(vm, "prog", f, { fib: table });
      return { name, kernel: { rc, frame: hex(new Uint8Array(readFileSync(output))) }, vm: { rc: v.retval | 0, frame: hex(v.packet) } };
    });
    if (process.env.TSBPF_SHOW) console.log(results.map((r) => `${r.name}: kernel ${r.kernel.rc} vm ${r.vm.rc}`).join("\n"));
    for (const r of results) expect({ name: r.name, ...r.vm }).toEqual({ name: r.name, ...r.kernel });
    // Every outcome the cases aim at occurred: SUCCESS, BLACKHOLE, UNREACHABLE, PROHIBIT,
    // NOT_FWDED, FWD_DISABLED, NO_NEIGH, FRAG_NEEDED, -ENODEV, -EAFNOSUPPORT, -EINVAL.
    expect([...new Set(results.map((r) => r.kernel.rc))].sort((a, b) => a - b)).toEqual([-97, -22, -19, 0, 1, 2, 3, 4, 5, 7, 8]);
  });
});
