// Tail calls: `new ProgArray(n, { 1: stage2 })` fills slot 1 at load time (libbpf's declarative
// `.values`), `jumps.tailCall(ctx, i)` continues there and falls through when the slot is empty.
// The kernel (through bpftool/libbpf and through tsbpf's backend) and the VM agree.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { KernelObject } from "../../runtime/kernel/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { bpftool, kernelAccess, kernelBackendUsable, pinDir } from "../support/kernel.js";
import { haveShared, sharedDir } from "../support/shared.js";

const source = `import { ProgArray, XdpAction, u32, type XdpContext } from "tsbpf";
export const LICENSE = "GPL";
export function stage2(ctx: XdpContext): XdpAction {
  return ctx.length >= 64 ? XdpAction.TX : XdpAction.DROP;
}
const jumps = new ProgArray(4, { 1: stage2 });
export function entry(ctx: XdpContext): XdpAction {
  jumps.tailCall(ctx, u32(ctx.length & 1) + 1);
  return XdpAction.ABORTED;
}
`;

const packets = haveShared("reference/packets") ? ["ipv4_udp_dns", "ipv4_udp_other", "ipv4_tcp_syn", "eth_only_14b", "ipv4_udp_1500b"] : [];
const file = (p: string): string => join(sharedDir, "reference", "packets", `${p}.bin`);
const k = kernelAccess();
const usable = await kernelBackendUsable();

describe.skipIf(packets.length === 0)("tail calls", () => {
  const { object } = compileSource("/virtual/tail.ts", source, { displayName: "tail.ts" });
  const vm = loadObject(object);
  const vmResults = packets.map((p) => runXdp(vm, "entry", new Uint8Array(readFileSync(file(p)))).retval);

  it("the VM jumps through slot 1 for even lengths and falls through on the empty slot 2", () => {
    const lengths = packets.map((p) => readFileSync(file(p)).length);
    expect(vmResults).toEqual(lengths.map((n) => (n % 2 === 1 ? 0 : n >= 64 ? 3 : 1)));
  });

  const pins = k ? pinDir("tsbpf-tail") : undefined;
  afterAll(() => pins?.cleanup());
  it.skipIf(!k)("bpftool (libbpf) loads it with slot 1 filled, and the kernel agrees", () => {
    const tmp = mkdtempSync(join(tmpdir(), "tsbpf-tail-"));
    writeFileSync(join(tmp, "tail.o"), object);
    mkdirSync(`${pins!.dir}/t`);
    bpftool(k!, ["prog", "loadall", join(tmp, "tail.o"), `${pins!.dir}/t/p`, "pinmaps", `${pins!.dir}/t/m`]);
    const kernel = packets.map((p) => Number(/Return value: (\d+)/.exec(bpftool(k!, ["prog", "run", "pinned", `${pins!.dir}/t/p/entry`, "data_in", file(p)]))![1]));
    expect(vmResults).toEqual(kernel);
  });

  it.skipIf(!usable)("tsbpf's kernel backend fills the slot too, and agrees", () => {
    const obj = KernelObject.load(object, { name: "tail" });
    try {
      expect(packets.map((p) => obj.program("entry").testRun(new Uint8Array(readFileSync(file(p))), { cpu: 0 }).retval)).toEqual(vmResults);
    } finally {
      obj.close();
    }
  });
});
