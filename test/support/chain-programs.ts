// The small XDP programs the chain suites link (a packet counter, a DNS dropper, the blocklist
// example), and building them into a test's directory.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSource } from "../../compiler/build.js";
import { projectRoot } from "./shared.js";

/** Counts every packet in a hash map at key 0; passes everything. */
export const COUNT = `import { HashMap, UpdateFlags, XdpAction, type XdpContext, type u32 } from "tsbpf";
export const LICENSE = "GPL";
const packets = new HashMap<u32, u32>(4);
export function xdp_count(_ctx: XdpContext): XdpAction {
  const k: u32 = 0;
  const seen = packets.lookup(k);
  if (!seen) {
    packets.update(k, 1, UpdateFlags.ANY);
    return XdpAction.PASS;
  }
  packets.update(k, seen.value + 1, UpdateFlags.ANY);
  return XdpAction.PASS;
}
`;

/** Drops UDP to port 53. */
export const NODNS = `import { XdpAction, htons, type XdpContext } from "tsbpf";
import { HeaderSize, type UdpHdr } from "tsbpf/net";
export const LICENSE = "GPL";
export function xdp_nodns(ctx: XdpContext): XdpAction {
  const udp = ctx.header<UdpHdr>(HeaderSize.ETH + 20);
  if (!udp) return XdpAction.PASS;
  return udp.dest === htons(53) ? XdpAction.DROP : XdpAction.PASS;
}
`;

/** `source` with a libxdp run config for its program: `config` is xdpRunConfig's call, e.g. `xdpRunConfig(xdp_count, { priority: 10 })`. */
export function withRunConfig(source: string, config: string): string {
  return `${source.replace('import { ', "import { xdpRunConfig, ")}${config};\n`;
}

/** Builds `source` as `dir/name.ts` and returns the object's path. */
export function buildProgram(dir: string, name: string, source: string): string {
  const path = join(dir, `${name}.ts`);
  writeFileSync(path, source);
  const out = join(dir, `${name}.o`);
  writeFileSync(out, buildSource(path, source).object);
  return out;
}

/** Builds examples/blocklist.ts into `dir` and returns the object's path. */
export function buildBlocklist(dir: string): string {
  const src = join(projectRoot, "examples/blocklist.ts");
  const out = join(dir, "blocklist.o");
  writeFileSync(out, buildSource(src, readFileSync(src, "utf8")).object);
  return out;
}
