// Under `noUncheckedIndexedAccess` (tsc --init's default) a run-time index reads as
// `T | undefined`, so programs write `a[i]!` and `T[i]!(x)`. The `!` changes nothing in the
// code: every code section and relocation is the same as without it, for both targets. (The
// objects differ only in the source text line_info quotes.) And a constant FixedArray index
// type-checks as T without `!` (the indices below N are properties of FixedArray).
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { readObject } from "../../runtime/object/object-file.js";

const program = (bang: string): string => `import { XdpAction, u32, type XdpContext, type u8 } from "tsbpf";
import { HeaderSize, type EthHdr, type IPv4Hdr } from "tsbpf/net";
export const LICENSE = "GPL";
function other(_ip: IPv4Hdr): XdpAction { return XdpAction.PASS; }
function icmp(_ip: IPv4Hdr): XdpAction { return XdpAction.DROP; }
function tcp(ip: IPv4Hdr): XdpAction { return ip.ttl > 1 ? XdpAction.PASS : XdpAction.DROP; }
const handlers = [other, icmp, tcp];
export function xdp_nn(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return XdpAction.PASS;
  const first: u8 = eth.dst[0];
  const i = eth.src[5] & 3;
  const b: u8 = eth.dst[i]${bang};
  if (b === first) return XdpAction.TX;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return XdpAction.PASS;
  const slot = u32(ip.protocol) % 3;
  return handlers[slot]${bang}(ip);
}
`;

/** The code sections and their relocations, by name. */
function code(object: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of readObject(object).elf.sections) {
    if (s.name === "xdp" || s.name === ".text" || s.name === ".relxdp" || s.name === ".rel.text") out[s.name] = Buffer.from(s.data).toString("hex");
  }
  return out;
}

describe("a[i]! and T[i]!(x)", () => {
  it.each(["kernel", "vm"] as const)("compile to the same code as without '!' (target %s)", (target) => {
    const plain = code(compileSource("nn.ts", program(""), { target }).object);
    const bang = code(compileSource("nn.ts", program("!"), { target }).object);
    expect(Object.keys(plain)).toContain("xdp");
    expect(bang).toEqual(plain);
  });
});
