// Function values, run-time array indices and struct copies, kernel = VM: each program is compiled for the
// kernel target (indirect calls as ladders of direct calls) and loaded through tsbpf's kernel
// backend, whose BPF_PROG_TEST_RUN results (return value, output frame, maps) the VM must
// reproduce on the packet corpus; the same source compiled for the VM target (callx) must give
// the kernel's results in the VM. llvm-objdump-19 confirms callx is in the one and not the other.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { CompileError } from "../../compiler/diagnostics/diagnostic.js";
import { KernelObject } from "../../runtime/kernel/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { bpftool, kernelAccess, kernelBackendUsable, pinDir } from "../support/kernel.js";
import { hex } from "../support/reference-cases.js";
import { haveShared, sharedDir } from "../support/shared.js";
import { examplesDir } from "../support/examples.js";
import { requireTool } from "../support/tools.js";

const header = `import { ArrayMap, HashMap, XdpAction, assign, copy, htons, u8, u16, u32, u64, i32, type XdpContext, type FixedArray, type be16, type be32 } from "tsbpf";
import { HeaderSize, type EthHdr, type IPv4Hdr, type UdpHdr } from "tsbpf/net";
export const LICENSE = "GPL";
`;

export const programs: Record<string, string> = {
  "function values in locals, ?:, reassignment, arguments and tables": `
function a(x: u32): u32 { return x * 3 + 1; }
/** @noinline */
function b(x: u32): u32 { return x ^ 0x55; }
/** @noinline */
function c(x: u32): u32 { return x + 100; }
const T = [a, b, c];
/** @noinline */
function apply(h: (x: u32) => u32, v: u32): u32 { return h(v) + 1; }
export function prog(ctx: XdpContext): u32 {
  const n = ctx.length;
  const h = n > 60 ? a : b;
  let g = c;
  if (n > 90) g = b;
  let acc: u32 = h(n) + g(n) * 7 + apply(c, n) + apply(h, 2);
  const i = n % 3;
  acc += T[i](n);
  const f = T[n & 1];
  acc += f(5);
  switch (n & 3) { case 0: g = a; break; case 1: g = c; break; }
  const five = n > 70 ? m5a : m5b;
  acc += five(n, 2, 3, acc, 5);
  return acc + g(1) * 1000;
}
/** @noinline */
function m5a(p: u32, q: u32, r: u32, s: u32, t: u32): u32 { return p * 7 + q * 5 + r * 3 + s + t; }
/** @noinline */
function m5b(p: u32, q: u32, r: u32, s: u32, t: u32): u32 { return p ^ q ^ r ^ (s >> 1) ^ t; }`,
  "run-time indices into packet, map-value and stack arrays": `
interface Bytes { b: FixedArray<u8, 20>; }
interface Slots { n: FixedArray<u32, 6>; total: u64; }
const slots = new ArrayMap<u32, Slots>(2);
interface Acc { v: FixedArray<u16, 8>; last: u32; }
export function prog(ctx: XdpContext): u32 {
  const ip = ctx.header<Bytes>(HeaderSize.ETH);
  if (!ip) return 1;
  const s = slots.lookup(0);
  if (!s) return 2;
  const acc = { last: 0 } as Acc;
  let sum: u32 = 0;
  for (let i: u32 = 0; i < 20; i++) {
    sum += u32(ip.b[i]);
    acc.v[i & 7] = u16(acc.v[i & 7] + u16(ip.b[i]));
  }
  const k = u32(ip.b[9]) % 6;
  s.n[k] += 1;
  const j = u32(ip.b[8]);
  if (j >= 6) return sum;
  s.n[j] += 10;
  s.total += u64(acc.v[j]);
  ip.b[j + 10] = u8(j);
  ip.b[k] ^= 0xff;
  return sum + u32(acc.v[3]) * 65536;
}`,
  "struct copies between packet, stack, map values and globals; global arrays": `
interface Flow { saddr: be32; daddr: be32; sport: be16; dport: be16; proto: u8; }
interface Wrap { n: u32; eth: EthHdr; }
const flows = new HashMap<Flow, IPv4Hdr>(16);
const macs = new ArrayMap<u32, EthHdr>(2);
let lastEth!: EthHdr;
let history!: FixedArray<u32, 8>;
let seen: u32 = 0;
export function prog(ctx: XdpContext): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return 1;
  const saved = copy(eth);
  assign(lastEth, eth);
  seen += 1;
  history[seen & 7] = ctx.length;
  const slot = macs.lookup(seen & 1);
  if (slot) assign(slot, saved);
  eth.dst = saved.src;
  eth.src = saved.dst;

  if (eth.proto !== htons(0x0800)) return 100 + u32(lastEth.src[5]);
  const ip = ctx.header<IPv4Hdr>(14);
  if (!ip) return 2;
  const udp = ctx.header<UdpHdr>(34);
  if (!udp) return 3;
  const key: Flow = { saddr: ip.saddr, daddr: ip.daddr, sport: udp.source, dport: udp.dest, proto: ip.protocol };
  flows.update(key, ip);
  const stored = flows.lookup(key);
  if (!stored) return 4;
  const rewritten = { ...stored, ttl: 1 };
  assign(stored, rewritten);
  const again = { ...key, proto: 99 };
  flows.update(again, rewritten);
  // Overlapping copy within the packet: the header moved 4 bytes on, as memmove would.
  const moved = ctx.header<EthHdr>(4);
  if (moved) assign(moved, eth);
  const w: Wrap = { n: 7, eth: saved };
  return u32(stored.ttl) * 1000 + u32(saved.dst[0]) + history[1] + u32(w.eth.src[1]) * w.n;
}`,
};

const packetsDir = join(sharedDir, "reference", "packets");
const packets = haveShared("reference/packets") ? readdirSync(packetsDir).filter((f) => f.endsWith(".bin")).sort() : [];
const frames = packets.map((p) => ({ name: p, bytes: new Uint8Array(readFileSync(join(packetsDir, p))) })).filter((f) => f.bytes.length >= 14);
const usable = await kernelBackendUsable();

interface Outcome {
  runs: { packet: string; retval: number; frame: string }[];
  maps: Record<string, string[]>;
}

function inVm(object: Uint8Array, prog: string): Outcome {
  const vm = loadObject(object, { cpus: 1 });
  const runs = frames.map((f) => {
    const r = runXdp(vm, prog, f.bytes);
    return { packet: f.name, retval: r.retval, frame: hex(r.packet) };
  });
  const maps: Record<string, string[]> = {};
  for (const [name, map] of vm.maps) if (!name.startsWith(".")) maps[name] = [...map.entries()].map((e) => `${hex(e.key)}=${hex(e.value.subarray(0, map.def.valueSize))}`).sort();
  return { runs, maps };
}

function inKernel(object: Uint8Array, prog: string): Outcome {
  const obj = KernelObject.load(object, { name: "fv" });
  try {
    const runs = frames.map((f) => {
      const r = obj.program(prog).testRun(f.bytes, { cpu: 0 });
      return { packet: f.name, retval: r.retval, frame: hex(r.packet) };
    });
    const maps: Record<string, string[]> = {};
    for (const name of loadObject(object).maps.keys()) if (!name.startsWith(".")) maps[name] = obj.map(name).entries().map((e) => `${hex(e.key)}=${hex(e.value)}`).sort();
    return { runs, maps };
  } finally {
    obj.close();
  }
}

const objdump = requireTool("llvm-objdump-19");

function disassembly(object: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-fv-"));
  writeFileSync(join(dir, "o.o"), object);
  return execFileSync(objdump!, ["-d", "--no-show-raw-insn", join(dir, "o.o")], { encoding: "utf8" });
}

const cases: [string, string, string][] = [
  ...Object.entries(programs).map(([name, body]): [string, string, string] => [name, header + body, "prog"]),
  ["examples/dispatch.ts (per-protocol handler table)", readFileSync(join(examplesDir, "dispatch.ts"), "utf8"), "xdp_dispatch"],
];

describe.skipIf(frames.length === 0)("function values and run-time indices: kernel = VM", () => {
  it.each(cases)("%s", (name, source, prog) => {
    const kernelObj = compileSource(`/virtual/fv.ts`, source, { displayName: "fv.ts" }).object;
    const vmObj = compileSource(`/virtual/fv.ts`, source, { displayName: "fv.ts", target: "vm" }).object;
    // Deterministic per target.
    expect(compileSource(`/virtual/fv.ts`, source, { displayName: "fv.ts", target: "vm" }).object).toEqual(vmObj);
    const vmOfKernelTarget = inVm(kernelObj, prog);
    const vmOfVmTarget = inVm(vmObj, prog);
    expect(vmOfVmTarget).toEqual(vmOfKernelTarget);
    // The programs tell the packets apart, so a mistranslation has somewhere to show.
    expect(new Set(vmOfKernelTarget.runs.map((r) => r.retval)).size).toBeGreaterThan(2);
    if (objdump && (name.startsWith("function") || name.startsWith("examples"))) {
      expect(disassembly(vmObj)).toMatch(/\bcallx r\d+/);
      expect(disassembly(kernelObj)).not.toMatch(/\bcallx\b/);
    }
    if (usable) expect(vmOfKernelTarget).toEqual(inKernel(kernelObj, prog));
  });

  it.skipIf(!usable)("the kernel itself rejects the VM target's callx (why the kernel target exists); bpftool/libbpf load it unchanged", () => {
    const k = kernelAccess()!;
    const vmObj = compileSource(`/virtual/fv.ts`, header + programs["function values in locals, ?:, reassignment, arguments and tables"], { target: "vm" }).object;
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-fvx-"));
    const file = join(dir, "fvx.o");
    writeFileSync(file, vmObj);
    const pins = pinDir("tsbpf-fvx");
    try {
      expect(() => bpftool(k, ["prog", "load", file, join(pins.dir, "p")])).toThrow("unknown opcode 8d");
    } finally {
      pins.cleanup();
    }
  });
});

describe("function values and indices: diagnostics", () => {
  const diag = (body: string): string => {
    try {
      compileSource("/virtual/d.ts", header + body);
    } catch (e) {
      if (e instanceof CompileError) return e.diagnostics.map((d) => `TS${d.code} ${d.message}`).join("\n");
      throw e;
    }
    return "compiled";
  };
  it("an index the compiler cannot bound is TS90106 with a hint", () => {
    const src = `interface A { x: FixedArray<u32, 4>; }
const m = new ArrayMap<u32, A>(1);
export function prog(ctx: XdpContext): u32 { const v = m.lookup(0); if (!v) return 0; return v.x[ctx.length]; }`;
    expect(diag(src)).toMatch(/TS90106 cannot prove this index is below 4/);
    expect(diag(src.replace("v.x[ctx.length]", "v.x[ctx.length & 3]"))).toBe("compiled");
    expect(diag(src.replace("return v.x[ctx.length];", "const i = ctx.length; if (i >= 4) return 9; return v.x[i];"))).toBe("compiled");
    expect(diag(src.replace("return v.x[ctx.length];", "let i = ctx.length; if (i >= 4) return 9; i += 1; return v.x[i];"))).toMatch(/TS90106/);
  });
  it("range facts follow scopes, early exits, && and ||, mirrored compares, and end at assignments and loop back edges", () => {
    const prog = (body: string): string => `interface A { x: FixedArray<u32, 4>; }
const m = new ArrayMap<u32, A>(1);
export function prog(ctx: XdpContext): u32 { const v = m.lookup(0); if (!v) return 0; let i = ctx.length; let j = ctx.length >> 1; let out: u32 = 0; ${body} return out; }`;
    const ok = [
      "if (i < 4) { out = v.x[i]; }",
      "if (4 > i) { out = v.x[i]; }",
      "if (i <= 3) { out = v.x[i]; }",
      "if (i < 4) { } else { return 9; } out = v.x[i];",
      "if (i < 4 && j < 4) { out = v.x[i] + v.x[j]; }",
      "if (i >= 4 || j >= 4) return 1; out = v.x[i] + v.x[j];",
      "if (!(i >= 4)) { out = v.x[i]; }",
      "for (let k: u32 = 0; k < 4; k++) { out += v.x[k]; }",
      "const k = i % 3; out = v.x[k + 1];",
    ];
    for (const body of ok) expect(diag(prog(body)), body).toBe("compiled");
    const bad = [
      "if (i < 4) { } out = v.x[i];",
      "if (i < 5) { out = v.x[i]; }",
      "if (i < 4) { i += 1; out = v.x[i]; }",
      "if (i < 4) { for (let k: u32 = 0; k < 3; k++) { out += v.x[i]; i++; } }",
      "if (i < 4 || j < 4) { out = v.x[i]; }",
      "for (let k: u32 = 0; k < 4; k++) { k += 1; out += v.x[k]; }",
      "const k = i % 3; out = v.x[k + 2];",
    ];
    for (const body of bad) expect(diag(prog(body)), body).toMatch(/TS90106/);
  });
  it("candidates of one call must share a signature; programs and closures are not function values", () => {
    expect(diag(`function a(x: u32): u32 { return x; }
function b(x: u16): u32 { return u32(x); }
export function prog(ctx: XdpContext): u32 { const h = ctx.length > 3 ? a : b; return h(1); }`)).toMatch(/TS90101 the two functions have different signatures/);
    expect(diag(`function a(x: u32): u32 { return x; }
function b(x: u16): u32 { return u32(x); }
const T = [a, b];
export function prog(ctx: XdpContext): u32 { return T[0](1); }`)).toMatch(/different signatures/);
    expect(diag(`export function other(ctx: XdpContext): u32 { return 1; }
export function prog(ctx: XdpContext): u32 { const p = other; return 2; }`)).toMatch(/TS90003 'other' is a program/);
    expect(diag(`export function prog(ctx: XdpContext): u32 { const h = (x: u32): u32 => x; return h(1); }`)).toMatch(/TS90203 closures/);
    expect(diag(`function a(x: u32): u32 { return x; }
function pick(): (x: u32) => u32 { return a; }
export function prog(ctx: XdpContext): u32 { return pick()(1); }`)).toMatch(/functions return integers or booleans/);
    expect(diag(`function a(x: u32): u32 { return x; }
const T = [a];
export function prog(ctx: XdpContext): u32 { const t = T; return 1; }`)).toMatch(/function table 'T' can only be indexed/);
  });
  it("indices are unsigned; copies need one layout on both sides; whole globals are copied with assign", () => {
    expect(diag(`interface A { x: FixedArray<u32, 4>; }
const m = new ArrayMap<u32, A>(1);
export function prog(ctx: XdpContext): u32 { const v = m.lookup(0); if (!v) return 0; const i: i32 = ctx.length > 3 ? 1 : 2; return v.x[i]; }`)).toMatch(/index with an unsigned integer, not i32/);
    expect(diag(`interface P { a: u32; b: u32; }
interface Q { a: u32; b: u16; }
export function prog(ctx: XdpContext): u32 { const p: P = { a: 1, b: 2 }; const q: Q = { a: 1, b: 2 }; assign(p, q as unknown as P); return 0; }`)).toMatch(/a Q cannot be copied into a P/);
    expect(diag(`let g!: EthHdr;
export function prog(ctx: XdpContext): u32 { const e = ctx.header<EthHdr>(0); if (!e) return 0; g = e; return 1; }`)).toMatch(/'g' is a EthHdr; assign its fields or elements, or assign\(g, src\)/);
  });
});
