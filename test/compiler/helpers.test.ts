// Helpers and map kinds of issue 5, each compiled from TypeScript and run on real packets in
// the kernel (tsbpf's backend: BPF_PROG_TEST_RUN on the JIT) and in the VM: return values,
// frames after the run and the contents of array/hash maps and globals must agree, packet by
// packet. Each object is also loaded by bpftool (libbpf) so its BTF and .maps are libbpf's.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { KernelObject } from "../../runtime/kernel/index.js";
import { MapType } from "../../runtime/object/map-types.js";
import { loadObject, type VmObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { checksumValid } from "../../runtime/packet/checksum.js";
import { bpftool, kernelAccess, kernelBackendUsable, pinDir } from "../support/kernel.js";
import { hex } from "../support/reference-cases.js";
import { haveShared, sharedDir } from "../support/shared.js";

const header = `import { ArrayMap, ArrayOfMaps, CpuMap, HashMap, HashOfMaps, QueueMap, StackMap, UpdateFlags, XskMap, XdpAction, csumDiff, csumFold, htons, ntohs, u8, u16, u32, u64, i64, type XdpContext, type XdpFragsContext, type be16, type be32 } from "tsbpf";
import { HeaderSize, type EthHdr, type IPv4Hdr, type UdpHdr } from "tsbpf/net";
export const LICENSE = "GPL";
`;

interface Case {
  readonly source: string;
  /** Reference packets by name, or [name, frame] for frames made here. */
  readonly packets: readonly (string | readonly [string, Uint8Array])[];
  /** Fills maps the same way in both before the runs (e.g. a CPU in a cpumap). */
  readonly prepare?: (kernel: KernelObject, vm: VmObject) => void;
  /** What the kernel's results must show besides agreeing with the VM. */
  readonly check?: (results: readonly KernelResult[]) => void;
}

interface KernelResult {
  readonly packet: string;
  readonly input: Uint8Array;
  readonly retval: number;
  readonly output: Uint8Array;
}

/**
 * Jumbo frames: the 1500-byte UDP reference packet with its payload continued by a byte
 * pattern to `n` bytes, so that test_run makes them multi-buffer (3520 linear bytes, then
 * page-sized fragments).
 */
function jumbo(n: number): readonly [string, Uint8Array] {
  const base = readFileSync(join(sharedDir, "reference", "packets", "ipv4_udp_1500b.bin"));
  const f = new Uint8Array(n);
  f.set(base.subarray(0, Math.min(n, base.length)));
  for (let i = base.length; i < n; i++) f[i] = (i * 7 + 3) & 0xff;
  return [`jumbo ${n}`, f];
}

const ALL = ["ipv4_udp_dns", "ipv4_udp_other", "ipv4_tcp_syn", "ipv4_icmp_echo", "ipv6_udp", "vlan100_ipv4_udp_dns", "eth_only_14b", "ipv4_udp_1500b", "arp_request"];

export const cases: Record<string, Case> = {
  "csumDiff: an incremental IPv4 checksum after rewriting the TTL equals a full recomputation": {
    packets: ALL,
    source: `
/** Bytes 8..11 of the IPv4 header, the checksum read raw (memory order), as csum_diff sums. */
interface TtlWord { ttl: u8; proto: u8; check: u16; }
function fold(c: u64): u32 {
  let s = c;
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return u32(s);
}
export function prog(ctx: XdpContext): u32 {
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return 1;
  // The sum of the header as it arrived, checksum included: 0xffff when it is valid.
  const whole = csumDiff(null, ip);
  if (whole < 0) return 2;
  const w = ctx.header<TtlWord>(HeaderSize.ETH + 8);
  if (!w) return 3;
  const old: TtlWord = { ttl: w.ttl, proto: w.proto, check: 0 };
  w.ttl = u8(w.ttl - 1);
  const now: TtlWord = { ttl: w.ttl, proto: w.proto, check: 0 };
  // RFC 1624 through csum_diff: new check = ~(~old check + sum(new) - sum(old)).
  const diff = csumDiff(old, now, u32(~w.check & 0xffff));
  w.check = u16(~fold(u64(diff)) & 0xffff);
  return u32(whole) * 0x10000 + u32(csumDiff(null, ip));
}`,
    check: (results) => {
      const ipv4 = results.filter((r) => r.input.length >= 34 && r.input[12] === 0x08 && r.input[13] === 0x00);
      expect(ipv4.length).toBeGreaterThan(3);
      for (const r of ipv4) {
        // Valid before (sum 0xffff) and valid after the incremental update, with the TTL one lower.
        expect(r.retval.toString(16)).toBe("ffffffff");
        expect(checksumValid(r.output, 14, 34)).toBe(true);
        expect(r.output[22]).toBe((r.input[22]! - 1) & 0xff);
      }
    },
  },
  "csumDiff with a network-order seed and csumFold: the header summed before and after the TTL change": {
    packets: ALL,
    source: `
export function prog(ctx: XdpContext): u32 {
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return 1;
  const partial = csumDiff(ip, null, ip.check ^ 0xffff);
  ip.ttl = u8(ip.ttl - 3);
  ip.check = csumFold(csumDiff(null, ip, partial));
  // A valid header sums to 0xffff, so folding its sum gives 0.
  return u32(ntohs(csumFold(csumDiff(null, ip)))) + 7;
}`,
    check: (results) => {
      const ipv4 = results.filter((r) => r.input.length >= 34 && r.input[12] === 0x08 && r.input[13] === 0x00);
      expect(ipv4.length).toBeGreaterThan(3);
      for (const r of ipv4) {
        expect(r.retval).toBe(7);
        expect(checksumValid(r.output, 14, 34)).toBe(true);
        expect(r.output[22]).toBe((r.input[22]! - 3) & 0xff);
      }
    },
  },
  "ctx.loadBytes at a run-time offset and ctx.storeBytes write the frame": {
    packets: ALL,
    source: `
interface Ports { src: be16; dst: be16; }
export function prog(ctx: XdpContext): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return 1;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return 2;
  const off = HeaderSize.ETH + u32(ip.verIhl & 0xf) * 4;
  const ports = ctx.loadBytes<Ports>(off);
  if (!ports) return 3;
  const swapped: Ports = { src: ports.dst, dst: ports.src };
  const r = ctx.storeBytes(off, swapped);
  const beyond = ctx.loadBytes<Ports>(ctx.length - 2);
  return u32(r + 10) * 1000 + (beyond ? 500 : 0) + u32(ntohs(ports.dst) & 0xff);
}`,
  },
  "loadBytes and storeBytes in an xdp.frags program": {
    packets: ALL,
    source: `
export function prog(ctx: XdpFragsContext): u32 {
  const last = ctx.loadBytes<u32>(ctx.length - 4);
  if (!last) return 7;
  const v: u32 = last.value ^ 0x5a5a5a5a;
  const r = ctx.storeBytes<u32>(ctx.length - 4, v);
  const again = ctx.loadBytes<u32>(ctx.length - 4);
  return again ? u32(r + 1) + (again.value & 0xffff) * 16 : 9;
}`,
  },
  "multi-buffer frames: loadBytes/storeBytes across the linear part and the fragments, bufferLength": {
    // Without ../shared the suite skips; jumbo frames are made from its packets only when present.
    packets: ["ipv4_udp_dns", "ipv4_udp_1500b", ...(haveShared("reference/packets") ? [jumbo(3520), jumbo(3521), jumbo(3600), jumbo(6000), jumbo(9000), jumbo(73152)] : [])],
    source: `
interface Straddle { a: u32; b: u32; }
export function prog(ctx: XdpFragsContext): u32 {
  const total = ctx.bufferLength();
  const last = ctx.loadBytes<u64>(total - 8);
  if (!last) return 1;
  const r1 = ctx.storeBytes<u64>(total - 8, last.value ^ 0x0102030405060708);
  // Eight bytes that straddle the end of the linear part when there are fragments.
  const at = ctx.length - 4;
  const s = ctx.loadBytes<Straddle>(at);
  const r2 = s ? ctx.storeBytes<Straddle>(at, { a: s.b, b: s.a }) : 77;
  const past = ctx.loadBytes<u32>(total - 2);
  return (total & 0xffff) * 10000 + ctx.length + u32(r1 + r2) * 3 + (past ? 1 : 0) + (s ? u32(s.a & 0xf) : 0);
}`,
    check: (results) => {
      // Frames past the linear area arrive split: ctx.length stays 3520, bufferLength is the whole frame.
      const big = results.filter((r) => r.input.length > 3520 && r.input.length <= 0xffff);
      expect(big.length).toBe(4);
      for (const r of big) expect(Math.floor(r.retval / 10000)).toBe(r.input.length);
      // Where the eight straddling bytes exist, both stores succeed (0 + 0) and a.low = 7 from the pattern.
      for (const r of big.filter((x) => x.input.length >= 3524)) expect(r.retval % 10000).toBe(3520 + 7);
      // An offset above 0xffff is refused (-EFAULT), so the largest frame's tail is out of reach.
      expect(results.find((r) => r.input.length === 73152)!.retval).toBe(1);
    },
  },
  "QueueMap: FIFO order, peek, overwrite of the oldest with UpdateFlags.EXIST": {
    packets: ["ipv4_udp_dns", "ipv4_tcp_syn", "ipv4_udp_other", "ipv6_udp", "ipv4_icmp_echo", "arp_request", "ipv4_udp_1500b"],
    source: `
interface Rec { len: u32; proto: u16; pad: u16; }
const q = new QueueMap<Rec>(3);
const small = new QueueMap<u32>(2);
let runs: u32 = 0;
export function prog(ctx: XdpContext): u32 {
  runs += 1;
  const pushed = q.push({ len: ctx.length, proto: 0, pad: 0 });
  small.push(ctx.length, UpdateFlags.EXIST);
  let out: u32 = u32(pushed + 100);
  if (runs % 2 === 0) {
    const head = q.peek();
    const r = q.pop();
    if (!r || !head) return 1;
    out = out * 10000 + r.len + head.len * 0;
  }
  const s = small.peek();
  return s ? out * 3 + s.value : 2;
}`,
  },
  "StackMap: LIFO order and pop of an empty stack": {
    packets: ["ipv4_udp_dns", "ipv4_tcp_syn", "ipv4_udp_other", "ipv6_udp", "ipv4_icmp_echo", "arp_request"],
    source: `
const st = new StackMap<u64>(4);
let runs: u32 = 0;
export function prog(ctx: XdpContext): u32 {
  runs += 1;
  if (runs % 3 === 0) {
    const a = st.pop();
    const b = st.pop();
    const c = st.pop();
    return (a ? u32(a.value) : 1) * 1000000 + (b ? u32(b.value) : 2) * 1000 + (c ? 9 : 3);
  }
  return u32(st.push(u64(ctx.length)) + 50);
}`,
  },
  "ArrayOfMaps and HashOfMaps: inner maps filled at load time, looked up and updated through the outer map": {
    packets: ALL,
    source: `
const tableA = new ArrayMap<u32, u64>(4);
const tableB = new ArrayMap<u32, u64>(4);
const tables = new ArrayOfMaps(4, tableA, { 0: tableA, 1: tableB });
const tcp = new HashMap<u32, u64>(8);
const udp = new HashMap<u32, u64>(8);
const byProto = new HashOfMaps<u32, HashMap<u32, u64>>(8, tcp, { 6: tcp, 17: udp });
const lengths = new QueueMap<u32>(2);
const queues = new ArrayOfMaps(2, lengths, { 1: lengths });
export function prog(ctx: XdpContext): u32 {
  // An inner queue: push through the outer map, then see the oldest length.
  const lq = queues.lookup(1);
  if (!lq) return 5;
  lq.push(ctx.length, UpdateFlags.EXIST);
  const oldest = lq.peek();
  if (!oldest) return 6;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return 1 + oldest.value * 10;
  const slot = u32(ip.protocol >> 2) & 3;
  const t = tables.lookup(slot);
  if (!t) return 100 + slot;
  const c = t.lookup(slot);
  if (!c) return 3;
  c.value += u64(ctx.length);
  const h = byProto.lookup(u32(ip.protocol));
  if (h === null) return 200 + u32(ip.protocol);
  const key = u32(ip.ttl);
  const e = h.lookup(key);
  if (e) e.value += 1;
  else h.update(key, 1000);
  return (u32(c.value) * 10 + slot) * 10000 + oldest.value;
}`,
  },
  "CpuMap and XskMap redirects: empty slots take the fallback, a filled cpumap slot redirects": {
    packets: ["ipv4_udp_dns", "ipv4_tcp_syn", "ipv4_udp_other", "arp_request", "ipv6_udp", "ipv4_udp_1500b", "ipv4_icmp_echo", "vlan100_ipv4_udp_dns"],
    prepare: (kernel, vm) => {
      // struct bpf_cpumap_val { qsize = 192, prog fd = 0 } in slot 0 (CPU 0).
      const key = new Uint8Array(4);
      const value = new Uint8Array(new Uint32Array([192, 0]).buffer);
      kernel.map("cpus").update(key, value);
      expect(vm.maps.get("cpus")!.userUpdate(key, value, 0)).toBe(0);
    },
    source: `
const cpus = new CpuMap(4);
const xsks = new XskMap(4);
export function prog(ctx: XdpContext): XdpAction {
  const n = ctx.length;
  if (n < 64) return cpus.redirect(1, XdpAction.PASS);
  if (n < 72) return xsks.redirect(ctx.rxQueueIndex, XdpAction.DROP);
  if (n < 76) return xsks.redirect(0);
  return cpus.redirect(0, XdpAction.DROP);
}`,
  },
};

const packetFile = (p: string): string => join(sharedDir, "reference", "packets", `${p}.bin`);
const packet = (p: string): Uint8Array => new Uint8Array(readFileSync(packetFile(p)));
const k = kernelAccess();
const usable = await kernelBackendUsable();
const comparable = new Set<number>([MapType.ARRAY, MapType.HASH]);

/** Array/hash maps and globals as sorted key=value lines. */
function vmMaps(vm: VmObject): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, map] of vm.maps) if (comparable.has(map.def.type)) out[name] = [...map.entries()].map((e) => `${hex(e.key)}=${hex(e.value)}`).sort();
  return out;
}
function kernelMaps(kernel: KernelObject): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, map] of kernel.maps) if (comparable.has(map.type)) out[name] = map.entries().map((e) => `${hex(e.key)}=${hex(e.value)}`).sort();
  return out;
}

describe.skipIf(!haveShared("reference/packets"))("helpers and map kinds: kernel = VM on real packets", () => {
  const pins = k ? pinDir("tsbpf-helpers") : undefined;
  afterAll(() => pins?.cleanup());
  const tmp = mkdtempSync(join(tmpdir(), "tsbpf-helpers-"));
  let n = 0;

  it.each(Object.entries(cases))("%s", (name, c) => {
    const file = `helper${n++}`;
    const { object } = compileSource(`/virtual/${file}.ts`, header + c.source, { displayName: `${file}.ts` });
    if (k) {
      writeFileSync(join(tmp, `${file}.o`), object);
      bpftool(k, ["prog", "loadall", join(tmp, `${file}.o`), `${pins!.dir}/${file}`]);
    }
    if (!usable) return;
    const kernel = KernelObject.load(object, { name: file });
    try {
      const vm = loadObject(object);
      c.prepare?.(kernel, vm);
      const results = c.packets.map((entry) => {
        const [p, frame] = typeof entry === "string" ? [entry, packet(entry)] : entry;
        const k1 = kernel.program("prog").testRun(frame, { cpu: 0, dataOutSize: frame.length + 4096 });
        const v1 = runXdp(vm, "prog", frame);
        return { p, frame, kernel: [k1.retval, hex(k1.packet)], vm: [v1.retval, hex(v1.packet)], out: k1.packet };
      });
      if (process.env.TSBPF_SHOW) console.log(name, JSON.stringify(results.map((r) => [r.p, r.kernel[0], r.vm[0]])));
      for (const r of results) expect({ p: r.p, ...r.vm }, name).toEqual({ p: r.p, ...r.kernel });
      c.check?.(results.map((r) => ({ packet: r.p, input: r.frame, retval: r.kernel[0] as number, output: r.out })));
      expect(vmMaps(vm)).toEqual(kernelMaps(kernel));
    } finally {
      kernel.close();
    }
  });
});
