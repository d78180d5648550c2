// Proves the VM's helpers where the kernel cannot be the oracle here: bpf_fib_lookup against a
// routing table the test supplies, bpf_trace_printk's text, bpf_ktime_get_ns /
// bpf_ktime_get_boot_ns / bpf_get_prandom_u32 / bpf_get_smp_processor_id under injected clocks,
// generators and CPUs, the records a ring buffer and perf event array deliver. Every expectation
// follows from the helper's documented semantics (the comment above it in
// /usr/include/linux/bpf.h) and from what the test itself supplied (table, clock, frames), never
// from running the VM. The return codes and ring positions of the same ring buffer and perf
// programs are checked against the kernel in helpers-kernel.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ethernet, formatIpv4, formatIpv6, formatMac, ipv4, ipv6, udp } from "../../../runtime/packet/index.js";
import type { FibTable } from "../../../runtime/vm/helpers/fib-lookup.js";
import { loadObject, type VmObject } from "../../../runtime/vm/loader.js";
import { PerfEventArrayMap, RingbufMap } from "../../../runtime/vm/maps/index.js";
import { XdpAction, runXdp, type RunOptions } from "../../../runtime/vm/xdp.js";
import { requireTool } from "../../support/tools.js";
import { FRAMES } from "./frames.js";
import { SLOTS, compilePrograms, resOffset } from "./harness.js";

const clang = requireTool("clang-19");
const u32le = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);

/** Where each loaded object's res[][] is in its .bss. */
const resAt = new WeakMap<VmObject, number>();

/** res[run][slot] of the programs' .bss (programs/common.h). */
function results(obj: VmObject, run: number): bigint[] {
  const bss = obj.maps.get(".bss")!.userLookup(u32le(0)) as Uint8Array;
  const view = new DataView(bss.buffer, bss.byteOffset, bss.byteLength);
  return Array.from({ length: SLOTS }, (_, slot) => view.getBigInt64(resAt.get(obj)! + (run * SLOTS + slot) * 8, true));
}

// Errno values as the helpers return them.
const EINVAL = -22n;
const EFAULT = -14n;
const E2BIG = -7n;
const EOPNOTSUPP = -95n;

describe.skipIf(!clang)("VM-only helpers, against their documented semantics", () => {
  let work: string;
  let objects: Map<string, Uint8Array>;
  const load = (name: string, cpus = 1): VmObject => {
    const bytes = objects.get(name)!;
    const obj = loadObject(bytes, { cpus });
    resAt.set(obj, resOffset(bytes)!);
    return obj;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "tsbpf-vm-only-"));
    objects = await compilePrograms(clang!, ["vm_fib", "vm_trace", "vm_time", "ringbuf", "perf_output"], work);
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe("bpf_fib_lookup", () => {
    // Ingress is ifindex 2. 198.51.100.0/24 goes via the gateway 192.0.2.254 on ifindex 3 (MTU
    // 1400), 203.0.113.0/24 is directly on ifindex 3, IPv6 2001:db8::/64 directly on ifindex 4;
    // ifindex 5 does not forward.
    const fib: FibTable = {
      interfaces: [
        { ifindex: 2, mac: "02:00:00:00:00:22" },
        { ifindex: 3, mac: "02:00:00:00:00:33", mtu: 1400 },
        { ifindex: 4, mac: "02:00:00:00:00:44" },
        { ifindex: 5, mac: "02:00:00:00:00:55", forwarding: false },
      ],
      routes: [
        { prefix: "198.51.100.0/24", ifindex: 3, gateway: "192.0.2.254", metric: 20 },
        { prefix: "203.0.113.0/24", ifindex: 3, metric: 7 },
        { prefix: "192.0.2.128/25", type: "blackhole" },
        { prefix: "192.0.2.64/26", type: "unreachable" },
        { prefix: "10.0.0.0/8", type: "prohibit" },
        { prefix: "2001:db8::/64", ifindex: 4, metric: 1024 },
      ],
      neighbours: { "192.0.2.254": "aa:bb:cc:00:00:01", "203.0.113.80": "aa:bb:cc:00:00:02", "2001:db8::2": "aa:bb:cc:00:00:03" },
    };
    const BPF_FIB_LOOKUP_OUTPUT = 2;
    const BPF_FIB_LOOKUP_SKIP_NEIGH = 4;
    // BPF_FIB_LKUP_RET_* (enum in bpf.h).
    const RET = { SUCCESS: 0n, BLACKHOLE: 1n, UNREACHABLE: 2n, PROHIBIT: 3n, NOT_FWDED: 4n, FWD_DISABLED: 5n, NO_NEIGH: 7n, FRAG_NEEDED: 8n };

    /** IPv4/UDP to `dst`; the program takes the lookup flags from the IP id. */
    const v4 = (dst: string, flags = 0, size = 0): Uint8Array =>
      ethernet({}, ipv4({ src: "192.0.2.10", dst, id: flags }, udp({ sport: 1000, dport: 2000 }, new Uint8Array(size))));

    /** One lookup in a fresh object: its return code, the params it left, the XDP result. */
    function lookup(frame: Uint8Array, options: RunOptions = { ingressIfindex: 2 }) {
      const obj = load("vm_fib");
      const result = runXdp(obj, "xdp_fib", frame, { fib, ...options });
      const p = obj.maps.get("fib_params")!.userLookup(u32le(0)) as Uint8Array;
      const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
      const family = p[0];
      return {
        rc: results(obj, 0)[0]!,
        result,
        params: {
          mtuResult: view.getUint16(6, true),
          ifindex: view.getUint32(8, true),
          rtMetric: view.getUint32(12, true),
          dst: family === 10 ? formatIpv6(p.subarray(32, 48)) : formatIpv4(p.subarray(32, 36)),
          vlan: view.getUint32(48, true),
          smac: formatMac(p.subarray(52, 58)),
          dmac: formatMac(p.subarray(58, 64)),
        },
      };
    }

    it("forwards via the gateway: egress ifindex, next hop in ipv4_dst, metric, MTU, both MACs; the program rewrites and redirects", () => {
      const frame = v4("198.51.100.53");
      const { rc, params, result } = lookup(frame);
      expect(rc).toBe(RET.SUCCESS);
      expect(params).toEqual({ mtuResult: 1400, ifindex: 3, rtMetric: 20, dst: "192.0.2.254", vlan: 0, smac: "02:00:00:00:00:33", dmac: "aa:bb:cc:00:00:01" });
      expect(result.retval).toBe(XdpAction.REDIRECT);
      expect(result.redirect).toEqual({ kind: "ifindex", ifindex: 3, flags: 0 });
      const want = frame.slice();
      want.set([0xaa, 0xbb, 0xcc, 0, 0, 1, 2, 0, 0, 0, 0, 0x33]);
      expect(result.packet).toEqual(want);
    });

    it("a directly connected destination is its own next hop", () => {
      const { rc, params } = lookup(v4("203.0.113.80"));
      expect(rc).toBe(RET.SUCCESS);
      expect(params).toMatchObject({ ifindex: 3, rtMetric: 7, dst: "203.0.113.80", dmac: "aa:bb:cc:00:00:02", smac: "02:00:00:00:00:33" });
    });

    it("no neighbour for the next hop: NO_NEIGH, and smac/dmac are not outputs", () => {
      const frame = v4("203.0.113.9");
      const { rc, params, result } = lookup(frame);
      expect(rc).toBe(RET.NO_NEIGH);
      expect(params).toMatchObject({ smac: "00:00:00:00:00:00", dmac: "00:00:00:00:00:00" });
      expect(result.retval).toBe(XdpAction.PASS);
      expect(result.packet).toEqual(frame);
    });

    it("BPF_FIB_LOOKUP_SKIP_NEIGH: forwarded without the neighbour table, smac and dmac not set", () => {
      const { rc, params } = lookup(v4("203.0.113.9", BPF_FIB_LOOKUP_SKIP_NEIGH));
      expect(rc).toBe(RET.SUCCESS);
      expect(params).toMatchObject({ ifindex: 3, dst: "203.0.113.9", smac: "00:00:00:00:00:00", dmac: "00:00:00:00:00:00" });
    });

    it("drop routes and missing routes give their BPF_FIB_LKUP_RET_ codes", () => {
      expect(lookup(v4("192.0.2.200")).rc).toBe(RET.BLACKHOLE);
      expect(lookup(v4("192.0.2.70")).rc).toBe(RET.UNREACHABLE);
      expect(lookup(v4("10.1.2.3")).rc).toBe(RET.PROHIBIT);
      expect(lookup(v4("8.8.8.8")).rc).toBe(RET.NOT_FWDED);
    });

    it("a packet longer than the egress MTU: FRAG_NEEDED with the MTU in mtu_result", () => {
      const { rc, params, result } = lookup(v4("198.51.100.53", 0, 1400));
      expect(rc).toBe(RET.FRAG_NEEDED);
      expect(params.mtuResult).toBe(1400);
      expect(result.retval).toBe(XdpAction.PASS);
    });

    it("ingress without forwarding: FWD_DISABLED, for output lookups (OUTPUT) too, as the kernel decides (test/compiler/fib-lookup.test.ts)", () => {
      expect(lookup(v4("198.51.100.53"), { ingressIfindex: 5 }).rc).toBe(RET.FWD_DISABLED);
      expect(lookup(v4("198.51.100.53", BPF_FIB_LOOKUP_OUTPUT), { ingressIfindex: 5 }).rc).toBe(RET.FWD_DISABLED);
    });

    it("IPv6: forwards with the metric and both MACs", () => {
      const frame = ethernet({}, ipv6({ src: "2001:db8::1", dst: "2001:db8::2" }, udp({ sport: 1, dport: 2 }, "v6")));
      const { rc, params, result } = lookup(frame);
      expect(rc).toBe(RET.SUCCESS);
      expect(params).toMatchObject({ ifindex: 4, rtMetric: 1024, dst: "2001:db8::2", smac: "02:00:00:00:00:44", dmac: "aa:bb:cc:00:00:03" });
      expect(result.redirect).toEqual({ kind: "ifindex", ifindex: 4, flags: 0 });
    });

    it("invalid arguments are < 0: a struct shorter than bpf_fib_lookup, an unknown flag or family, an unknown ingress device; a longer struct is fine", () => {
      const obj = load("vm_fib");
      runXdp(obj, "xdp_fib_invalid", FRAMES.udp60, { fib, ingressIfindex: 2 });
      const [shortStruct, longStruct, badFlag, badFamily, badDevice] = results(obj, 0);
      expect(shortStruct).toBeLessThan(0n);
      expect(longStruct).toBe(RET.SUCCESS);
      expect(badFlag).toBeLessThan(0n);
      expect(badFamily).toBeLessThan(0n);
      expect(badDevice).toBeLessThan(0n);
    });

    it("without a routing table the run stops with a fault naming the missing option", () => {
      expect(() => runXdp(load("vm_fib"), "xdp_fib", v4("198.51.100.53"), { ingressIfindex: 2 })).toThrow(/routing table/);
    });
  });

  describe("bpf_trace_printk", () => {
    it("formats the documented conversions, returns the bytes written, and prints nothing for an unknown one (-EINVAL)", () => {
      const obj = load("vm_trace");
      const r = runXdp(obj, "xdp_trace", FRAMES.udp60);
      const want = [
        "len 60 tag beef",
        "int -5 -6 4294967289",
        "hex ffffffff long -8 18446744073709551607",
        "ll -10 18446744073709551605 123456789abcdef",
        "li -12 lx ff lli -13",
        "frame of 60 bytes",
        "no conversions",
      ];
      expect(r.trace).toEqual(want);
      const out = results(obj, 0);
      expect(out.slice(0, 6)).toEqual(want.slice(0, 6).map((l) => BigInt(l.length)));
      expect(out[6]).toBe(EINVAL);
      expect(out[7]).toBe(BigInt(want[6]!.length));
    });
  });

  describe("clocks, random numbers, CPU id", () => {
    it("take the run's injected clock, boot clock, generator and CPU", () => {
      let now = 1_000n;
      const numbers = [1, 0xffffffff, 42];
      const obj = load("vm_time", 2);
      runXdp(obj, "xdp_time", FRAMES.eth14, { cpu: 1, clock: () => (now += 10n), bootClock: () => 5_000_000_000n, random: () => numbers.shift()! });
      expect(results(obj, 0).slice(0, 7)).toEqual([1_010n, 1_020n, 5_000_000_000n, 1n, 0xffffffffn, 42n, 1n]);
    });

    it("by default: a monotonic clock, and u32 random numbers that a seed reproduces", () => {
      const run = (options: RunOptions) => {
        const obj = load("vm_time");
        runXdp(obj, "xdp_time", FRAMES.eth14, options);
        return results(obj, 0);
      };
      const a = run({});
      expect(a[1]!).toBeGreaterThanOrEqual(a[0]!);
      expect(a[0]!).toBeGreaterThan(0n);
      for (const v of a.slice(3, 6)) expect(v >= 0n && v <= 0xffffffffn).toBe(true);
      expect(run({}).slice(3, 6)).toEqual(a.slice(3, 6));
      expect(run({ random: 7 }).slice(3, 6)).toEqual(run({ random: 7 }).slice(3, 6));
      expect(run({ random: 7 }).slice(3, 6)).not.toEqual(a.slice(3, 6));
      expect(a[6]).toBe(0n);
    });
  });

  describe("ring buffer records", () => {
    /** struct record of ringbuf.c: len, seq, the first 14 bytes of the frame (16 with padding). */
    const record = (frame: Uint8Array, seq: number): Uint8Array => {
      const r = new Uint8Array(24);
      new DataView(r.buffer).setUint32(0, frame.length, true);
      new DataView(r.buffer).setUint32(4, seq, true);
      r.set(frame.subarray(0, 14), 8);
      return r;
    };

    it("delivers the output and submitted records in order, not the discarded ones, until the ring is full", () => {
      const obj = load("ringbuf");
      const frames = [FRAMES.udp60, FRAMES.tcpSyn, FRAMES.eth14];
      frames.forEach((f) => runXdp(obj, "xdp_ringbuf", f));
      const want: Uint8Array[] = [];
      frames.forEach((f, run) => {
        const out = results(obj, run);
        if (out[5] === 0n) want.push(record(f, run));
        expect(out[6]).toBe(EINVAL);
        if (out[7] === 0n) want.push(record(f, run));
        if (out[8] === 1n) want.push(record(f, run + 1000));
        if (out[11] === 1n) {
          const big = new Uint8Array(1500);
          big[0] = run;
          want.push(big);
        }
      });
      // The 4096-byte ring takes the records of the first runs only.
      expect(results(obj, 2)[11]).toBe(0n);
      expect((obj.maps.get("rb") as RingbufMap).drain()).toEqual(want);
    });

    it("once consumed, the consumer position catches up and nothing is left to read", () => {
      const obj = load("ringbuf");
      runXdp(obj, "xdp_ringbuf", FRAMES.udp60);
      const produced = results(obj, 0)[12]!;
      (obj.maps.get("rb") as RingbufMap).drain();
      runXdp(obj, "xdp_ringbuf", FRAMES.udp60);
      const [size, prod, cons, avail] = results(obj, 1);
      expect(size).toBe(4096n);
      expect(prod).toBe(produced);
      expect(cons).toBe(produced);
      expect(avail).toBe(0n);
    });
  });

  describe("bpf_perf_event_output", () => {
    it("with a perf event open on every CPU: the struct, then the struct and packet bytes (BPF_F_CTXLEN); errors for the rest", () => {
      const obj = load("perf_output", 2);
      const events = obj.maps.get("events") as PerfEventArrayMap;
      events.openCpuBuffers();
      const frame = FRAMES.udp60;
      runXdp(obj, "xdp_perf_output", frame, { cpu: 0 });
      const s = new Uint8Array(8);
      new DataView(s.buffer).setUint32(0, frame.length, true);
      new DataView(s.buffer).setUint32(4, 0xfeedbeef, true);
      const withBytes = (n: number): Uint8Array => Uint8Array.from([...s, ...frame.subarray(0, n)]);
      const out = results(obj, 0);
      // Current CPU without / with 14 / with every packet byte; one byte too many; index 7 of 4;
      // unknown flag bits; CPU 1's event from CPU 0; index 0 (this CPU's event).
      expect(out.slice(0, 8)).toEqual([0n, 0n, 0n, EFAULT, E2BIG, EINVAL, EOPNOTSUPP, 0n]);
      expect(events.drain()).toEqual([
        { cpu: 0, data: s },
        { cpu: 0, data: withBytes(14) },
        { cpu: 0, data: withBytes(frame.length) },
        { cpu: 0, data: s },
      ]);
    });
  });
});
