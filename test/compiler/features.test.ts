// Language features, each compiled and run in the kernel (the oracle, through bpftool's test
// run) and in the VM: both must return the same value and leave the same map contents.
// The programs return computed values, so a mistranslated operation shows up as a mismatch.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { bpftool, bpftoolJson, kernelAccess, pinDir } from "../support/kernel.js";
import { hex } from "../support/reference-cases.js";
import { haveShared, sharedDir } from "../support/shared.js";

const header = `import { ArrayMap, HashMap, XdpAction, atomicAdd, bpfLoop, htons, i8, i16, i32, i64, ntohs, u8, u16, u32, u64, type XdpContext, type be16 } from "tsbpf";
import { HeaderSize, type EthHdr, type IPv4Hdr, type UdpHdr } from "tsbpf/net";
export const LICENSE = "GPL";
`;

const features: Record<string, string> = {
  "signed division, modulo, shifts and comparisons": `
export function prog(ctx: XdpContext): u32 {
  const a: i32 = -7; const b: i32 = 2;
  const q = a / b; const r = a % b; const s = a >> 1;
  const big: i64 = -9_000_000_000;
  let out: u32 = u32(q + 100) * 1000 + u32(r + 10) * 100 + u32(s + 10);
  if (big < -1) out += 1;
  if (u64(big) > 1) out += 2;
  return out;
}`,
  "8/16-bit wrap-around and promotion": `
export function prog(ctx: XdpContext): u32 {
  const x: u8 = 250; const y = u8(x + 10);
  const h: u16 = 0xfff0; const z = u16(h + 0x20);
  const n: i8 = -128; const m = i8(n - 1);
  const wide = x + 10;
  return u32(y) + u32(z) * 1000 + u32(i32(m) + 200) * 100000 + wide * 0 + u32(wide);
}`,
  "64-bit constants and arithmetic": `
let g: u64 = 0x1_0000_0005;
export function prog(ctx: XdpContext): u32 {
  g += 0xffff_ffff;
  const m: u64 = 0xdead_beef_0000_0001;
  return u32(g >> 4) ^ u32(m >> 32) ^ u32(m * 3);
}`,
  "switch, do/while, for with break and continue, ternaries": `
export function prog(ctx: XdpContext): u32 {
  let acc: u32 = 0;
  for (let i: u32 = 0; i < 10; i++) { if (i === 3) continue; if (i === 8) break; acc += i; }
  let j: u32 = 0;
  do { acc += 100; j++; } while (j < 3);
  switch (acc) { case 325: acc = 1; break; case 2: acc = 2; break; default: acc = acc * 2; }
  return acc > 10 ? acc : acc + 1000;
}`,
  "packet fields, network order and a hash map with a struct key": `
interface Key { saddr: u32; port: u16; proto: u8; }
const flows = new HashMap<Key, u64>(64);
export function prog(ctx: XdpContext): u32 {
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return 1;
  const udp = ctx.header<UdpHdr>(HeaderSize.ETH + HeaderSize.IPV4);
  if (!udp) return 2;
  const key: Key = { saddr: u32(ip.ttl), port: ntohs(udp.dest), proto: ip.protocol };
  const seen = flows.lookup(key);
  if (seen) seen.value += 1; else flows.update(key, 7);
  const f = flows.lookup(key);
  return f ? u32(f.value) + u32(ntohs(ip.totLen)) : 3;
}`,
  "atomics and globals": `
const counters = new ArrayMap<u32, u64>(2);
let seen: u32 = 0;
export function prog(ctx: XdpContext): u32 {
  const c = counters.lookup(1);
  if (!c) return 0;
  atomicAdd(c.value, 5);
  seen += 1;
  return u32(c.value) + seen;
}`,
  "bpf_loop with a callback over a stack struct (count known only at run time)": `
interface Acc { sum: u64; limit: u64; }
function step(i: u32, acc: Acc): i64 {
  acc.sum += u64(i);
  return acc.sum > acc.limit ? 1 : 0;
}
export function prog(ctx: XdpContext): u32 {
  const acc: Acc = { sum: 0, limit: 1000 };
  const calls = bpfLoop(ctx.length, step, acc);
  return u32(acc.sum) * 1000 + u32(calls);
}`,
  "subprograms with five arguments and struct references": `
interface Pair { a: u32; b: u32; }
function mix(a: u32, b: u32, c: u32, d: u32, e: u32): u32 { return (a * 31 + b) * 31 + c * d - e; }
function total(p: Pair): u32 { return p.a + p.b; }
export function prog(ctx: XdpContext): u32 {
  const p: Pair = { a: 3, b: 4 };
  return mix(1, 2, 3, 4, 5) + total(p) * 1000;
}`,
};

const k = kernelAccess();
const frameFile = join(sharedDir, "reference", "packets", "ipv4_udp_dns.bin");

describe.skipIf(!k || !haveShared("reference/packets"))("language features: kernel = VM", () => {
  const pins = pinDir("tsbpf-features");
  afterAll(() => pins.cleanup());
  const tmp = mkdtempSync(join(tmpdir(), "tsbpf-features-"));
  let n = 0;

  it.each(Object.entries(features))("%s", (_name, body) => {
    const { object } = compileSource(`/virtual/feature${n}.ts`, header + body, { displayName: `feature${n}.ts` });
    const objPath = join(tmp, `f${n}.o`);
    writeFileSync(objPath, object);
    const dir = join(pins.dir, `f${n++}`);
    mkdirSync(dir);
    bpftool(k!, ["prog", "loadall", objPath, `${dir}/p`, "pinmaps", `${dir}/m`]);
    const vm = loadObject(object);
    const frame = new Uint8Array(readFileSync(frameFile));
    for (let run = 0; run < 2; run++) {
      const line = bpftool(k!, ["prog", "run", "pinned", `${dir}/p/prog`, "data_in", frameFile]);
      expect(runXdp(vm, "prog", frame).retval).toBe(Number(/Return value: (\d+)/.exec(line)![1]));
    }
    for (const [name, map] of vm.maps) {
      if (name.startsWith(".")) continue;
      const dump = bpftoolJson<{ key: string[]; value: string[] }[]>(k!, ["map", "dump", "pinned", `${dir}/m/${name}`]);
      const kernel = dump.map((e) => `${e.key.map((b) => b.slice(2)).join("")}=${e.value.map((b) => b.slice(2)).join("")}`).sort();
      expect([...map.entries()].map((e) => `${hex(e.key)}=${hex(e.value)}`).sort()).toEqual(kernel);
    }
  });
});
