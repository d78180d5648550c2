// Ring buffers: `new RingBuf(size)` becomes a BPF_MAP_TYPE_RINGBUF with no key or value,
// `output<T>(record)` copies a struct through bpf_ringbuf_output. The VM's ring holds the
// records; the kernel (through tsbpf's backend) accepts the program and returns the same values.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { KernelObject } from "../../runtime/kernel/index.js";
import { RingbufMap } from "../../runtime/vm/maps/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { haveShared, sharedDir } from "../support/shared.js";

const source = `import { RingBuf, XdpAction, u32, type XdpContext, type u8, type u16 } from "tsbpf";
import { HeaderSize, type IPv4Hdr } from "tsbpf/net";
export const LICENSE = "GPL";
interface Event { len: u32; proto: u8; ttl: u8; pad: u16; }
const events = new RingBuf(4096);
export function prog(ctx: XdpContext): u32 {
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return 7;
  const r = events.output<Event>({ len: ctx.length, proto: ip.protocol, ttl: ip.ttl, pad: 0 });
  return r === 0 ? XdpAction.PASS : XdpAction.ABORTED;
}
`;

const present = haveShared("reference/packets");
const frame = present ? new Uint8Array(readFileSync(join(sharedDir, "reference", "packets", "ipv4_udp_dns.bin"))) : new Uint8Array();
const usable = await kernelBackendUsable();

describe.skipIf(!present)("ring buffers", () => {
  const { object } = compileSource("/virtual/ringbuf.ts", source, { displayName: "ringbuf.ts" });

  it("the VM's ring holds one record per frame with the program's fields", () => {
    const vm = loadObject(object);
    expect(runXdp(vm, "prog", frame).retval).toBe(2);
    expect(runXdp(vm, "prog", frame).retval).toBe(2);
    const ring = vm.maps.get("events")!;
    expect(ring).toBeInstanceOf(RingbufMap);
    const records = (ring as RingbufMap).drain();
    expect(records.map((r) => Buffer.from(r).toString("hex"))).toEqual(Array(2).fill(Buffer.from([71, 0, 0, 0, 17, 64, 0, 0]).toString("hex")));
  });

  it.skipIf(!usable)("the kernel loads the program and returns the VM's values", () => {
    const kernel = KernelObject.load(object, { name: "ringbuf" });
    try {
      const vm = loadObject(object);
      for (let i = 0; i < 3; i++) expect(kernel.program("prog").testRun(frame, { cpu: 0 }).retval).toBe(runXdp(vm, "prog", frame).retval);
    } finally {
      kernel.close();
    }
  });
});
