// Kernel-differential checks of a tsbpf program against its C twin: both objects are loaded
// in the running kernel (our loader, bpf(2)), each frame is run through BPF_PROG_TEST_RUN in
// both and through our VM, and the return values, output frames and map contents must agree.
// Also a small deterministic frame set (Ethernet/IPv4/IPv6/ARP, TCP/UDP/ICMP, odd headers).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelObject } from "../../runtime/kernel/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";

/** clang-19 -O2 -g --target=bpf -mcpu=v3 on `source` (with `headers` beside it). */
export function compileC(clang: string, source: string, headers: Readonly<Record<string, string>> = {}): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-twin-"));
  try {
    for (const [name, text] of Object.entries(headers)) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, "twin.c"), source);
    execFileSync(clang, ["-O2", "-g", "--target=bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", "twin.c", "-o", "twin.o"], { cwd: dir });
    return new Uint8Array(readFileSync(join(dir, "twin.o")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TwinRun {
  readonly frame: string;
  readonly kernel: number;
  readonly c: number;
  readonly vm: number;
}

/**
 * Runs `frames` in order through the tsbpf object (kernel and VM) and the C object (kernel),
 * one fresh load of each; returns the three return values per frame and, per map named in
 * `maps` (array maps, keys 0..n-1), the values each side ended with.
 */
export function runTwins(
  tsObject: Uint8Array,
  cObject: Uint8Array,
  program: string,
  frames: readonly { name: string; bytes: Uint8Array }[],
  maps: readonly { name: string; entries: number }[],
): { runs: TwinRun[]; maps: { name: string; key: number; kernel: string; c: string; vm: string }[]; packetsEqual: boolean } {
  const ts = KernelObject.load(tsObject, { name: "twin_ts" });
  const c = KernelObject.load(cObject, { name: "twin_c" });
  try {
    const vm = loadObject(tsObject, { cpus: 1 });
    const runs: TwinRun[] = [];
    let packetsEqual = true;
    for (const f of frames) {
      const k = ts.program(program).testRun(f.bytes, { cpu: 0 });
      const kc = c.program(program).testRun(f.bytes, { cpu: 0 });
      const v = runXdp(vm, program, f.bytes);
      runs.push({ frame: f.name, kernel: k.retval, c: kc.retval, vm: v.retval });
      if (hex(k.packet) !== hex(v.packet) || hex(k.packet) !== hex(kc.packet)) packetsEqual = false;
    }
    const values = maps.flatMap((m) =>
      Array.from({ length: m.entries }, (_, key) => {
        const kb = new Uint8Array(new Uint32Array([key]).buffer);
        return { name: m.name, key, kernel: hex(ts.map(m.name).lookup(kb)), c: hex(c.map(m.name).lookup(kb)), vm: hex(vm.maps.get(m.name)!.lookup(kb, 0)?.slice(0, vm.maps.get(m.name)!.def.valueSize)) };
      }),
    );
    return { runs, maps: values, packetsEqual };
  } finally {
    ts.close();
    c.close();
  }
}

const hex = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString("hex") : "none");

/** Ethernet + IPv4 (+ L4 ports) frames, built byte by byte. */
function ipv4(proto: number, opts: { ttl?: number; ihl?: number; sport?: number; dport?: number; truncate?: number } = {}): Uint8Array {
  const ihl = opts.ihl ?? 5;
  const l3 = Math.max(ihl, 5) * 4;
  const out = new Uint8Array(14 + l3 + 20 + 8);
  out.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00], 0);
  out.set([0x40 | ihl, 0, 0, out.length - 14, 0, 1, 0, 0, opts.ttl ?? 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  const l4 = 14 + l3;
  const sport = opts.sport ?? 40000;
  const dport = opts.dport ?? 80;
  out.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff], l4);
  return opts.truncate !== undefined ? out.subarray(0, opts.truncate) : out;
}

/** A fixed set of frames covering the parsers' branches. */
export function twinFrames(): { name: string; bytes: Uint8Array }[] {
  const arp = new Uint8Array(42);
  arp.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06], 0);
  const ipv6 = new Uint8Array(14 + 40 + 8);
  ipv6.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd, 0x60], 0);
  ipv6[14 + 6] = 17;
  return [
    { name: "tcp:80", bytes: ipv4(6, { dport: 80 }) },
    { name: "tcp:22", bytes: ipv4(6, { dport: 22 }) },
    { name: "udp:23", bytes: ipv4(17, { dport: 23 }) },
    { name: "udp:53 sport 22", bytes: ipv4(17, { sport: 22, dport: 53 }) },
    { name: "udp:53", bytes: ipv4(17, { dport: 53 }) },
    { name: "icmp", bytes: ipv4(1) },
    { name: "tcp ttl 1", bytes: ipv4(6, { ttl: 1 }) },
    { name: "tcp with options (ihl 7):22", bytes: ipv4(6, { ihl: 7, dport: 22 }) },
    { name: "bad ihl 3", bytes: ipv4(6, { ihl: 3 }) },
    { name: "tcp truncated in l4", bytes: ipv4(6, { truncate: 14 + 20 + 2 }) },
    { name: "ipv4 truncated", bytes: ipv4(6, { truncate: 20 }) },
    { name: "ethernet only", bytes: ipv4(6, { truncate: 14 }) },
    { name: "arp", bytes: arp },
    { name: "ipv6 udp", bytes: ipv6 },
  ];
}
