// XDP attach in the running kernel, end to end: two network namespaces of our own joined by a
// veth pair (names unique per run, link-local 169.254.0.0/30 addresses inside those
// namespaces only), a program compiled by clang-19 at test time that counts and drops IPv4
// ICMP, attached with `tsbpf attach` (run inside the namespace with nsenter --net, so the
// device resolves there while bpffs stays shared). A bounded ping fails and the pinned
// counter rose; `tsbpf detach` removes it and the ping succeeds. Driver mode and the default
// link pin work too, and `ip link ... xdp obj` accepts a reference object (and `tsbpf detach`
// points at `ip link ... xdp off` for it). Cleanup (namespaces, pins, files) always runs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPinnedMap } from "../../runtime/kernel/index.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { referenceObjectPath } from "../support/reference-cases.js";
import { haveShared, projectRoot } from "../support/shared.js";
import { requireTool } from "../support/tools.js";

const tools = { ip: requireTool("ip"), ping: requireTool("ping"), nsenter: requireTool("nsenter"), clang: requireTool("clang-19") };
const usable = Object.values(tools).every((t) => t !== undefined) && existsSync("/usr/include/bpf/bpf_helpers.h") && (await kernelBackendUsable());

const id = `${process.pid}`;
const nsA = `tsbpf-${id}-a`;
const nsB = `tsbpf-${id}-b`;
const devA = `tb${id}a`.slice(0, 15);
const devB = `tb${id}b`.slice(0, 15);
const addrA = "169.254.0.1";
const addrB = "169.254.0.2";
const pinDir = `/sys/fs/bpf/tsbpf-attach-${id}`;
const defaultPin = `/sys/fs/bpf/tsbpf/xdp-${devA}`;

const PROGRAM = `// Counts and drops IPv4 ICMP; passes everything else.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} icmp_drops SEC(".maps");

SEC("xdp")
int xdp_icmp_drop(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
  struct iphdr *ip = (void *)(eth + 1);
  if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_ICMP) return XDP_PASS;
  __u32 key = 0;
  __u64 *count = bpf_map_lookup_elem(&icmp_drops, &key);
  if (count) __sync_fetch_and_add(count, 1);
  return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
`;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 20_000 });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function must(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** `tsbpf ARGS` inside namespace A: interface names resolve there, bpffs is the host's. */
const tsbpfInA = (args: string[]): Run => run(tools.nsenter!, [`--net=/var/run/netns/${nsA}`, process.execPath, join(projectRoot, "dist", "cli", "main.js"), ...args]);
const pingAFromB = (): Run => run(tools.ip!, ["netns", "exec", nsB, tools.ping!, "-c", "2", "-W", "1", "-i", "0.2", addrA]);
const counter = (): bigint => {
  const map = openPinnedMap(join(pinDir, "maps", "icmp_drops"));
  try {
    return new DataView(map.lookup(new Uint8Array(4))!.buffer).getBigUint64(0, true);
  } finally {
    map.close();
  }
};
/** The XDP attachment of devA as iproute2 reports it: mode 1 = driver, 2 = generic (skb). */
function xdpState(): { mode?: number; prog?: { id: number } } | undefined {
  const [link] = JSON.parse(must(tools.ip!, ["-n", nsA, "-j", "-d", "link", "show", "dev", devA])) as { xdp?: { mode?: number; prog?: { id: number } } }[];
  return link?.xdp;
}

describe.skipIf(!usable || !haveShared("reference/obj"))("XDP attach on a veth between our own namespaces", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-attach-"));
  const object = join(dir, "icmp_drop.o");

  beforeAll(() => {
    writeFileSync(join(dir, "icmp_drop.c"), PROGRAM);
    must(tools.clang!, ["-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu", "-c", join(dir, "icmp_drop.c"), "-o", object]);
    must(tools.ip!, ["netns", "add", nsA]);
    must(tools.ip!, ["netns", "add", nsB]);
    must(tools.ip!, ["link", "add", devA, "netns", nsA, "type", "veth", "peer", "name", devB, "netns", nsB]);
    must(tools.ip!, ["-n", nsA, "addr", "add", `${addrA}/30`, "dev", devA]);
    must(tools.ip!, ["-n", nsB, "addr", "add", `${addrB}/30`, "dev", devB]);
    must(tools.ip!, ["-n", nsA, "link", "set", devA, "up"]);
    must(tools.ip!, ["-n", nsB, "link", "set", devB, "up"]);
  });

  afterAll(() => {
    // Deleting the namespaces removes the veth pair and with it any attachment.
    for (const ns of [nsA, nsB]) run(tools.ip!, ["netns", "del", ns]);
    rmSync(pinDir, { recursive: true, force: true });
    rmSync(defaultPin, { force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it("drops and counts pings while attached (skb mode), passes them after detach", () => {
    expect(pingAFromB().status, "ping before attaching").toBe(0);
    const attached = tsbpfInA(["attach", object, "--prog", "xdp_icmp_drop", "--dev", devA, "--mode", "skb", "--pin", join(pinDir, "link"), "--pin-maps", join(pinDir, "maps")]);
    expect(attached.stderr).toBe("");
    expect(attached.stdout).toMatch(new RegExp(`^attached xdp_icmp_drop \\(icmp_drop\\.o\\) to ${devA} \\(ifindex \\d+, skb mode\\), link id \\d+\\npinned link ${pinDir}/link\\n`));
    expect(xdpState()?.mode).toBe(2);
    const before = counter();
    const blocked = pingAFromB();
    expect(blocked.status, blocked.stdout).not.toBe(0);
    expect(counter() - before).toBeGreaterThanOrEqual(2n);

    const detached = tsbpfInA(["detach", "--dev", devA, "--pin", join(pinDir, "link")]);
    expect(detached.stderr).toBe("");
    expect(detached.stdout).toMatch(new RegExp(`^detached XDP link \\d+ from ${devA}, removed ${pinDir}/link\\n$`));
    expect(existsSync(join(pinDir, "link"))).toBe(false);
    expect(xdpState()?.prog).toBeUndefined();
    const after = counter();
    expect(pingAFromB().status, "ping after detaching").toBe(0);
    expect(counter()).toBe(after);
  });

  it("attaches in driver mode with the default link pin, and detaches by device", () => {
    const attached = tsbpfInA(["attach", object, "--prog", "xdp_icmp_drop", "--dev", devA, "--mode", "drv"]);
    expect(attached.stderr).toBe("");
    expect(attached.stdout).toContain(`pinned link ${defaultPin}`);
    expect(xdpState()?.mode).toBe(1);
    expect(pingAFromB().status).not.toBe(0);
    const detached = tsbpfInA(["detach", "--dev", devA]);
    expect(detached.stderr).toBe("");
    expect(detached.stdout).toMatch(new RegExp(`^detached XDP link \\d+ from ${devA}, removed ${defaultPin}\\n$`));
    expect(xdpState()?.prog).toBeUndefined();
    expect(pingAFromB().status).toBe(0);
  });

  it("`ip link set dev X xdpgeneric obj FILE.o sec xdp` accepts a reference object; tsbpf detach points at `xdp off`", () => {
    must(tools.ip!, ["-n", nsA, "link", "set", "dev", devA, "xdpgeneric", "obj", referenceObjectPath("xdp_drop.o"), "sec", "xdp"]);
    try {
      expect(xdpState()?.mode).toBe(2);
      expect(pingAFromB().status).not.toBe(0);
      const r = tsbpfInA(["detach", "--dev", devA]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`no XDP link on ${devA}; a program attached with 'ip link set dev ${devA} xdp ...' is removed with 'ip link set dev ${devA} xdp off'`);
    } finally {
      must(tools.ip!, ["-n", nsA, "link", "set", "dev", devA, "xdpgeneric", "off"]);
    }
    expect(pingAFromB().status).toBe(0);
  });
});
