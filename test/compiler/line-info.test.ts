// line_info points at the TypeScript: the kernel keeps it, so `bpftool prog dump xlated` shows
// the program's TypeScript lines between its instructions, as it shows C for clang's objects.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileExample } from "../support/examples.js";
import { bpftool, kernelAccess, pinDir } from "../support/kernel.js";

const k = kernelAccess();

describe.skipIf(!k)("TypeScript source lines in the kernel", () => {
  const pins = pinDir("tsbpf-lines");
  afterAll(() => pins.cleanup());

  it("bpftool prog dump xlated shows examples/udp53.ts", () => {
    const tmp = mkdtempSync(join(tmpdir(), "tsbpf-lines-"));
    writeFileSync(join(tmp, "udp53.o"), compileExample("udp53.ts"));
    bpftool(k!, ["prog", "loadall", join(tmp, "udp53.o"), `${pins.dir}/p`]);
    const xlated = bpftool(k!, ["prog", "dump", "xlated", "pinned", `${pins.dir}/p/xdp_udp53`]);
    expect(xlated).toContain("; const eth = ctx.header<EthHdr>(0);");
    expect(xlated).toContain("; return udp.dest === htons(53) ? XdpAction.DROP : XdpAction.PASS;");
  });
});
