// The bench's C twins (bench/twins/X.ts and X.c, measured by `npm run bench` / `bench:size`)
// do the same thing: on the same frames, each TypeScript program gives its C twin's verdicts,
// output frames and map contents in the kernel, and the same verdicts and frames in our VM.
// Each twin's frames reach every verdict it has (checked), so agreement is not vacuous.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ethernet, icmpEchoRequest, icmpv6EchoRequest, ipv4, ipv6, tcp, udp } from "../../runtime/packet/index.js";
import { compileC, compileTs, runInKernel, runInVm } from "../support/c-twin.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { requireTool } from "../support/tools.js";

const twins = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bench", "twins");
const usable = await kernelBackendUsable();
const clang = usable ? requireTool("clang-19") : undefined;

const v4 = (p: Parameters<typeof ipv4>[1], o: Partial<Parameters<typeof ipv4>[0]> = {}): Uint8Array => ethernet({}, ipv4({ src: "10.0.0.1", dst: "10.0.0.2", ...o }, p));
const v6 = (dst: string, p?: Parameters<typeof ipv6>[1], src = "2001:db8::1"): Uint8Array => ethernet({}, ipv6({ src, dst }, p));
const syn = (options: Parameters<typeof tcp>[0]["options"], o: Partial<Parameters<typeof ipv4>[0]> = {}): Uint8Array => v4(tcp({ sport: 40000, dport: 80, flags: { syn: true }, options }), o);
const dns = (dport: number, o: Partial<Parameters<typeof ipv4>[0]> = {}, data = "q"): Uint8Array => v4(udp({ sport: 5353, dport }, data), o);
const echo = (o: Partial<Parameters<typeof ipv4>[0]> = {}): Uint8Array => v4(icmpEchoRequest({ id: 7, seq: 1 }, "ping"), o);
const arp = new Uint8Array([...new Uint8Array(12).fill(2), 0x08, 0x06, ...new Uint8Array(28)]);

/** [twin, program, maps compared (in the kernel), frames]. */
const cases: [string, string, string[], Uint8Array[]][] = [
  ["lpm-v6", "xdp_lpm_v6", ["seen"], [v6("2001:db8::2"), v6("2001:db8::2"), v6("2001:db8::3", undefined, "2001:db8::9"), v6("2001:db8::2", undefined, "2001:db8::9"), dns(53)]],
  ["lpm-v4", "xdp_lpm_v4", ["peers"], [dns(53), dns(53, { src: "10.0.0.2", dst: "10.0.0.1" }), dns(53, { src: "10.0.0.3", dst: "10.0.0.4" }), dns(53, { src: "10.0.0.2", dst: "10.0.0.1" }), arp]],
  ["tcp-options", "xdp_tcp_options", [], [
    syn([{ kind: "mss", value: 1460 }]),
    syn([{ kind: "mss", value: 500 }]),
    syn([{ kind: "nop" }, { kind: "nop" }, { kind: "timestamps", value: 1, echo: 2 }, { kind: "nop" }, { kind: "windowScale", shift: 7 }, { kind: "mss", value: 400 }]),
    syn([{ kind: "nop" }, { kind: "nop" }, { kind: "nop" }, { kind: "nop" }, { kind: "nop" }, { kind: "nop" }, { kind: "nop" }, { kind: "nop" }, { kind: "mss", value: 100 }]),
    syn([{ kind: "sackPermitted" }, { kind: "eol" }]),
    syn(new Uint8Array([2, 1, 0, 0])),
    dns(53),
  ]],
  ["v6-scan", "xdp_v6_scan", [], [v6("::1"), v6("::ffff:0:1"), v6("2001:db8::1"), v6("::"), v6("::1:2:3"), dns(53)]],
  ["nat-rewrite", "xdp_nat", [], [dns(53), dns(53, {}, "a longer payload"), v4(udp({ sport: 1, dport: 2, checksum: "none" }, "x")), dns(53, { dst: "10.0.0.3" }), syn([])]],
  ["icmp-echo", "xdp_icmp_echo", [], [echo(), echo({ src: "192.168.1.9", dst: "192.168.1.1" }), v4(icmpEchoRequest({ id: 1, seq: 2 }), {}), dns(53), v6("::1")]],
  ["ipip-decap", "xdp_ipip_decap", [], [v4(ipv4({ src: "172.16.0.1", dst: "172.16.0.2" }, udp({ sport: 1, dport: 53 }, "inner")), { protocol: 4 }), v4(new Uint8Array(30).fill(0x11), { protocol: 4 }), dns(53), arp]],
  ["percpu-stats", "xdp_percpu_stats", ["stats"], [syn([]), dns(53), echo(), arp, dns(53, {}, "more data here"), v6("::1")]],
  ["tail-stages", "xdp_tail_entry", [], [dns(53), syn([]), v6("::1", icmpv6EchoRequest({ id: 1, seq: 1 })), v6("::1", udp({ sport: 1, dport: 2 }, "x")), arp]],
  ["ringbuf-sample", "xdp_ringbuf_sample", [], [syn([]), v4(tcp({ sport: 1, dport: 2, flags: { syn: true, ack: true } })), dns(53), arp]],
  ["fn-table", "xdp_fn_table", [], [dns(52), dns(53), dns(54, { ttl: 10 }), dns(54), dns(55), dns(55, {}, "a payload longer than thirty-two bytes"), syn([])]],
];

describe.skipIf(!usable || !clang)("bench/twins: each TypeScript twin agrees with its C twin", () => {
  it.each(cases)("%s", (name, prog, maps, frames) => {
    const c = compileC(clang!, readFileSync(join(twins, `${name}.c`), "utf8"));
    const ours = compileTs(readFileSync(join(twins, `${name}.ts`), "utf8"));
    const cKernel = runInKernel(c, prog, frames, maps);
    expect(runInKernel(ours, prog, frames, maps)).toEqual(cKernel);
    // The VM runs with one CPU: per-CPU map values differ in size, so only the runs are compared there.
    expect(runInVm(ours, prog, frames, []).runs).toEqual(cKernel.runs);
    // The frames exercise more than one outcome (or rewrite the frame), or fill the compared maps.
    const outcomes = new Set(cKernel.runs.map((r, i) => `${r.retval}:${r.frame === Buffer.from(frames[i]!).toString("hex")}`));
    const filled = Object.values(cKernel.maps).some((entries) => entries.length > 0);
    expect(outcomes.size > 1 || filled).toBe(true);
  });
});
