// PerfEventArray.output: bpf_perf_event_output with BPF_F_CURRENT_CPU (or an explicit slot) of
// a stack record plus packet bytes. The kernel's samples are read back from a real perf ring
// (perf_event_open through tsbpf's kernel backend, stored in slot 0 as libbpf's perf_buffer
// does) and must equal the VM's, record for record; return codes for a slot without a buffer
// (-ENOENT) and past the array (-E2BIG) agree too. The records hold the packet's own fields.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { KernelObject, PerfBuffer } from "../../runtime/kernel/index.js";
import { PerfEventArrayMap } from "../../runtime/vm/maps/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { hex } from "../support/reference-cases.js";
import { haveShared, sharedDir } from "../support/shared.js";

const source = `import { PerfEventArray, u32, type XdpContext, type u8, type be16 } from "tsbpf";
import { HeaderSize, type IPv4Hdr, type UdpHdr } from "tsbpf/net";
export const LICENSE = "GPL";
interface Event { len: u32; proto: u8; ttl: u8; port: be16; }
const events = new PerfEventArray(4);
export function prog(ctx: XdpContext): u32 {
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return u32(events.output(ctx, ctx.length, 0, 3) + 100);
  if (ip.protocol === 1) return u32(events.output(ctx, ctx.length, 0, 5) + 200);
  const udp = ctx.header<UdpHdr>(HeaderSize.ETH + HeaderSize.IPV4);
  // The Ethernet header and as many more bytes as the protocol's low nibble (a run-time count).
  const r = events.output<Event>(ctx, { len: ctx.length, proto: ip.protocol, ttl: ip.ttl, port: udp ? udp.dest : 0 }, 14 + u32(ip.protocol & 0xf));
  return u32(r + 1000);
}
`;

const names = ["ipv4_udp_dns", "ipv4_tcp_syn", "ipv4_udp_other", "arp_request", "ipv4_icmp_echo", "ipv6_udp", "ipv4_udp_1500b", "eth_only_14b"];
const present = haveShared("reference/packets");
const packets = present ? names.map((n) => new Uint8Array(readFileSync(join(sharedDir, "reference", "packets", `${n}.bin`)))) : [];
const usable = await kernelBackendUsable();

describe.skipIf(!present)("perf event output", () => {
  const { object } = compileSource("/virtual/perf.ts", source, { displayName: "perf.ts" });

  it("the VM's perf buffer holds each record with the packet's own fields and its first bytes", () => {
    const vm = loadObject(object);
    const map = vm.maps.get("events") as PerfEventArrayMap;
    map.openCpuBuffers();
    const retvals = packets.map((p) => runXdp(vm, "prog", p).retval);
    const samples = map.drain();
    const sent = packets.filter((_, i) => retvals[i] === 1000);
    expect(samples.map((s) => hex(s.data))).toEqual(
      sent.map((p) => {
        // UdpHdr's dest is read wherever a UDP header would fit, whatever the protocol.
        const l4 = p.length >= 42;
        const rec = new Uint8Array(8);
        new DataView(rec.buffer).setUint32(0, p.length, true);
        rec.set([p[23]!, p[22]!, l4 ? p[36]! : 0, l4 ? p[37]! : 0], 4);
        return hex(rec) + hex(p.subarray(0, 14 + (p[23]! & 0xf)));
      }),
    );
    expect(sent.length).toBeGreaterThan(2);
  });

  it.skipIf(!usable)("the kernel writes the same samples into a real perf ring and returns the same codes", () => {
    const kernel = KernelObject.load(object, { name: "perf" });
    const ring = PerfBuffer.open(0);
    try {
      kernel.map("events").update(new Uint8Array(4), ring.fd);
      const vm = loadObject(object);
      const map = vm.maps.get("events") as PerfEventArrayMap;
      map.openCpuBuffers();
      const kernelRets = packets.map((p) => kernel.program("prog").testRun(p, { cpu: 0 }).retval);
      const vmRets = packets.map((p) => runXdp(vm, "prog", p, { cpu: 0 }).retval);
      expect(vmRets).toEqual(kernelRets);
      // Both kinds of failure occurred: -ENOENT (an empty slot) and -E2BIG (past the array).
      expect(new Set(kernelRets.filter((r) => r !== 1000)).size).toBe(2);
      const vmSamples = map.drain();
      const kernelSamples = ring.drain();
      expect(vmSamples.length).toBeGreaterThan(2);
      expect(kernelSamples.length).toBe(vmSamples.length);
      // The kernel pads each raw record to 8 bytes (with its u32 size); compare what was written.
      expect(kernelSamples.map((s, i) => hex(s.raw.subarray(0, vmSamples[i]!.data.length)))).toEqual(vmSamples.map((s) => hex(s.data)));
    } finally {
      ring.close();
      kernel.close();
    }
  });
});
