// Programs over several modules: `./x`, `./x.js` and `./x.ts` imports, namespace imports,
// `export *` and `export { a as b }` barrels, anonymous default exports (a function, a map),
// const enums, constants and a global from other modules, and a package in node_modules that ships TypeScript source.
// A map declared in one module and used from two is one map; diagnostics and line_info name
// each file. The program runs in the kernel and the VM like its C twin (a header with static
// __noinline parsers). What stays refused (a package with only .d.ts, two maps of one name) is
// one diagnostic.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildSource } from "../../compiler/build.js";
import { compileSource } from "../../compiler/compile.js";
import { CompileError, type Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { Code } from "../../compiler/diagnostics/codes.js";
import { readObject } from "../../runtime/object/object-file.js";
import { mapDefinitions } from "../../runtime/object/map-defs.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { requireTool } from "../support/tools.js";
import { compileC, runTwins, twinFrames } from "../support/twin.js";

const usable = await kernelBackendUsable();
const clang = usable ? requireTool("clang-19") : undefined;
const objdump = requireTool("llvm-objdump-19");

const FILES: Record<string, string> = {
  "maps.ts": `import { ArrayMap, type u32, type u64 } from "tsbpf";
/** Frames per slot (see proto.ts): one map, used from main.ts and from lib/count.ts. */
export const hits = new ArrayMap<u32, u64>(4);
const drops = new ArrayMap<u32, u64>(2);
export default drops;
`,
  "proto.ts": `export const SSH_PORT = 22;
const TX_AT = 4;
export { TX_AT as TX_AFTER };
export const enum Slot { TCP = 0, UDP = 1, OTHER = 2, SSH = 3 }
`,
  "lib/count.ts": `import type { u32 } from "tsbpf";
import { hits } from "../maps.js";
/** Frames counted so far: a global of this module that main.ts reads. */
export let total: u32 = 0;
export function count(slot: u32): void {
  total += 1;
  const v = hits.lookup(slot);
  if (v) v.value += 1;
}
`,
  "lib/ssh.ts": `import type { u16 } from "tsbpf";
import { SSH_PORT } from "../proto";
export default function (port: u16): boolean {
  return port === SSH_PORT;
}
`,
  "lib/index.ts": `export * from "./count";
export { SSH_PORT as SSH } from "../proto";
export { default as isSsh } from "./ssh";
`,
  "node_modules/pktlib/package.json": `{ "name": "pktlib", "version": "1.0.0", "type": "module", "exports": { ".": { "types": "./src/index.ts" } } }
`,
  "node_modules/pktlib/src/index.ts": `import { htons, u32, type XdpContext } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv4Hdr } from "tsbpf/net";
/** The offset of the L4 header of an IPv4 frame, or 0. @noinline */
export function l4Offset(ctx: XdpContext): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return 0;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return 0;
  const ihl = u32(ip.verIhl & 0x0f);
  if (ihl < 5) return 0;
  return HeaderSize.ETH + ihl * 4;
}
/** @noinline */
export function l4Proto(ctx: XdpContext): u32 {
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  return ip ? u32(ip.protocol) : 0;
}
`,
  "node_modules/declonly/package.json": `{ "name": "declonly", "version": "1.0.0", "types": "./index.d.ts" }
`,
  "node_modules/declonly/index.d.ts": `import type { u32 } from "tsbpf";
export declare function parse(x: u32): u32;
`,
  "main.ts": `import { XdpAction, ntohs, u16, u32, type XdpContext } from "tsbpf";
import { IpProto, type UdpHdr } from "tsbpf/net";
import * as lib from "./lib/index";
import drops, { hits as frames } from "./maps.ts";
import { Slot, TX_AFTER } from "./proto.js";
import { l4Offset, l4Proto } from "pktlib";

export const LICENSE = "GPL";

export function xdp_modules(ctx: XdpContext): XdpAction {
  const all = frames.lookup(Slot.OTHER);
  if (all) all.value += 1;
  const off = l4Offset(ctx);
  if (off === 0) return XdpAction.PASS;
  const ports = ctx.header<UdpHdr>(off);
  if (!ports) return XdpAction.ABORTED;
  const proto = l4Proto(ctx);
  if (proto === IpProto.TCP) lib.count(Slot.TCP);
  else if (proto === IpProto.UDP) lib.count(Slot.UDP);
  if (lib.isSsh(u16(ntohs(ports.dest))) || u32(ntohs(ports.source)) === lib.SSH) {
    lib.count(Slot.SSH);
    const d = drops.lookup(0);
    if (d) d.value += 1;
    return XdpAction.DROP;
  }
  return lib.total === TX_AFTER ? XdpAction.TX : XdpAction.PASS;
}
`,
};

const PKTLIB_H = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
static __noinline __u32 l4_offset(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) return 0;
	struct iphdr *ip = data + 14;
	if ((void *)(ip + 1) > end) return 0;
	__u32 ihl = ip->ihl;
	if (ihl < 5) return 0;
	return 14 + ihl * 4;
}
static __noinline __u32 l4_proto(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + 14;
	return (void *)(ip + 1) > end ? 0 : ip->protocol;
}
`;

const C_TWIN = `#include "pktlib.h"
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } hits SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u64); } drops SEC(".maps");
static __u32 total;
static __noinline void count(__u32 slot) { total += 1; __u64 *v = bpf_map_lookup_elem(&hits, &slot); if (v) *v += 1; }
SEC("xdp")
int xdp_modules(struct xdp_md *ctx)
{
	__u32 other = 2;
	__u64 *all = bpf_map_lookup_elem(&hits, &other);
	if (all) *all += 1;
	__u32 off = l4_offset(ctx);
	if (off == 0) return XDP_PASS;
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct udphdr *ports = data + off;
	if ((void *)(ports + 1) > end) return XDP_ABORTED;
	__u32 proto = l4_proto(ctx);
	if (proto == 6) count(0);
	else if (proto == 17) count(1);
	if (bpf_ntohs(ports->dest) == 22 || bpf_ntohs(ports->source) == 22) {
		count(3);
		__u32 zero = 0;
		__u64 *d = bpf_map_lookup_elem(&drops, &zero);
		if (d) *d += 1;
		return XDP_DROP;
	}
	return total == 4 ? XDP_TX : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-modules-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function diagnostics(dir: string, entry: string, source: string): readonly Diagnostic[] {
  try {
    compileSource(join(dir, entry), source, { displayName: `app/${entry}` });
  } catch (e) {
    if (e instanceof CompileError) return e.diagnostics;
    throw e;
  }
  return [];
}

describe("programs over several modules", () => {
  const dir = project(FILES);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const build = () => buildSource(join(dir, "main.ts"), FILES["main.ts"]!, { displayName: "app/main.ts" });

  it("compiles imported functions, constants, enums, maps and a global into one object, each map once", () => {
    const { object, functions } = build();
    // l4Offset and l4Proto (@noinline, from the package) stay subprograms, and count (called
    // three times, four statements); the default export is inlined.
    expect(functions.map((f) => f.name)).toEqual(["xdp_modules", "l4Offset", "l4Proto", "count"]);
    // hits is used from main.ts and lib/count.ts: one map; total is one .bss variable.
    expect(mapDefinitions(readObject(object)).map((m) => m.name)).toEqual(["hits", "drops", ".bss"]);
  });

  it.skipIf(!objdump)("records each module's file name in line_info", () => {
    const { object } = build();
    const path = join(dir, "main.o");
    writeFileSync(path, object);
    const files = new Set([...execFileSync(objdump!, ["-d", "-l", path], { encoding: "utf8" }).matchAll(/^; (.*):\d+$/gm)].map((m) => m[1]));
    expect([...files].sort()).toEqual(["app/lib/count.ts", "app/lib/ssh.ts", "app/main.ts", "app/node_modules/pktlib/src/index.ts"]);
  });

  it.skipIf(!usable || !clang)("returns what its C twin returns in the kernel, and the VM agrees, with the same map", () => {
    const c = compileC(clang!, C_TWIN, { "pktlib.h": PKTLIB_H });
    const r = runTwins(build().object, c, "xdp_modules", twinFrames(), [{ name: "hits", entries: 4 }, { name: "drops", entries: 2 }]);
    for (const run of r.runs) expect({ frame: run.frame, ts: run.kernel, vm: run.vm }).toEqual({ frame: run.frame, ts: run.c, vm: run.c });
    for (const m of r.maps) expect({ key: m.key, ts: m.kernel, vm: m.vm }).toEqual({ key: m.key, ts: m.c, vm: m.c });
    expect(new Set(r.runs.map((x) => x.c))).toEqual(new Set([0, 1, 2, 3]));
    expect(r.maps.filter((m) => m.c === "0000000000000000").map((m) => `${m.name}[${m.key}]`)).toEqual(["drops[1]"]);
  });

  it("reads an imported module again when it changed on disk", () => {
    const before = build().functions.map((f) => f.name);
    const changed = project({ ...FILES, "node_modules/pktlib/src/index.ts": FILES["node_modules/pktlib/src/index.ts"]!.replaceAll("@noinline", "") });
    try {
      const after = compileSource(join(changed, "main.ts"), FILES["main.ts"]!).functions.map((f) => f.name);
      expect(before).toEqual(["xdp_modules", "l4Offset", "l4Proto", "count"]);
      // Without @noinline, both parsers (called once each) are inlined.
      expect(after).toEqual(["xdp_modules", "count"]);
      writeFileSync(join(changed, "node_modules/pktlib/src/index.ts"), FILES["node_modules/pktlib/src/index.ts"]!);
      expect(compileSource(join(changed, "main.ts"), FILES["main.ts"]!).functions.map((f) => f.name)).toEqual(before);
    } finally {
      rmSync(changed, { recursive: true, force: true });
    }
  });

  it("keeps functions of one name in two modules apart", () => {
    const main = `import { XdpAction, type XdpContext, type u32 } from "tsbpf";
import { count } from "./lib/count";
import { hits } from "./maps";
/** @noinline */
function count2(x: u32): u32 { return x + 1; }
export function p(ctx: XdpContext): XdpAction {
  count(count2(1));
  const h = hits.lookup(2);
  return h && h.value === 1 ? XdpAction.DROP : XdpAction.PASS;
}
`;
    const named = project({ ...FILES, "lib/count.ts": FILES["lib/count.ts"]!.replace("export function count(slot: u32): void {", "/** @noinline */\nexport function count(slot: u32): void {\n  count2(slot);").concat("/** @noinline */\nfunction count2(s: u32): u32 { return s; }\n") });
    try {
      const names = compileSource(join(named, "main.ts"), main).functions.map((f) => f.name);
      expect(names).toEqual(["p", "count2", "count", "count2__count"]);
    } finally {
      rmSync(named, { recursive: true, force: true });
    }
  });
});

describe("symbol names across modules", () => {
  it("another module's function named like a map is renamed; a map named like a program is one diagnostic", () => {
    const dir = project({
      "lib.ts": `import type { u32 } from "tsbpf";\n/** @noinline */\nexport function hits(x: u32): u32 { return x + 1; }\n`,
      "maps.ts": `import { ArrayMap, type u32, type u64 } from "tsbpf";\nexport const counts = new ArrayMap<u32, u64>(4);\nexport const p2 = new ArrayMap<u32, u64>(4);\n`,
    });
    try {
      const ok = compileSource(join(dir, "main.ts"), `import { ArrayMap, XdpAction, type XdpContext, type u32, type u64 } from "tsbpf";
import { hits as h } from "./lib";
const hits = new ArrayMap<u32, u64>(4);
export function p(ctx: XdpContext): XdpAction { const v = hits.lookup(h(1)); return v ? XdpAction.DROP : XdpAction.PASS; }
`);
      expect(ok.functions.map((f) => f.name)).toEqual(["p", "hits__lib"]);
      expect(mapDefinitions(readObject(ok.object)).map((m) => m.name)).toEqual(["hits"]);
      const ds = diagnostics(dir, "main2.ts", `import { XdpAction, type XdpContext } from "tsbpf";
import { counts } from "./maps";
export function p2(ctx: XdpContext): XdpAction { return counts.lookup(1) ? XdpAction.DROP : XdpAction.PASS; }
`);
      expect(ds.map((d) => [d.code, d.span?.file, d.span?.line, d.message])).toEqual([[Code.DuplicateName, "app/maps.ts", 3, "'p2' is also the name of the function at app/main2.ts:3; functions, maps and globals share the object's symbol names"]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("what stays refused across modules", () => {
  const dir = project(FILES);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a function from a package that ships only .d.ts: one diagnostic naming the declaration file", () => {
    const ds = diagnostics(dir, "bad.ts", `import { XdpAction, type XdpContext } from "tsbpf";
import { parse } from "declonly";
export function p(ctx: XdpContext): XdpAction {
  return parse(ctx.length) === 1 ? XdpAction.DROP : XdpAction.PASS;
}
`);
    expect(ds.map((d) => [d.code, d.span?.file, d.span?.line, d.span?.column])).toEqual([[Code.ImportWithoutSource, "app/bad.ts", 4, 10]]);
    expect(ds[0]!.message).toBe("function 'parse' is only declared in node_modules/declonly/index.d.ts, a declaration file: tsbpf compiles functions, maps and constants from TypeScript source, so the package must ship its .ts files (point its \"types\" or \"exports\" at the .ts source)");
  });

  it("two maps of one name in two modules: one diagnostic naming both places", () => {
    const ds = diagnostics(dir, "dup.ts", `import { XdpAction, ArrayMap, type XdpContext, type u32 } from "tsbpf";
import { count } from "./lib/count";
const hits = new ArrayMap<u32, u32>(2);
export function p(ctx: XdpContext): XdpAction {
  count(1);
  return hits.lookup(0) ? XdpAction.DROP : XdpAction.PASS;
}
`);
    expect(ds.map((d) => [d.code, d.span?.file, d.span?.line])).toEqual([[Code.DuplicateName, "app/dup.ts", 3]]);
    expect(ds[0]!.message).toMatch(/^'hits' is also declared at app\/maps\.ts:3; /);
  });

  it("errors inside an imported module name that module's file", () => {
    const bad = project({ ...FILES, "lib/count.ts": FILES["lib/count.ts"]!.replace("if (v) v.value += 1;", 'if (v) v.value += 1;\n  const s = "x";') });
    try {
      const ds = diagnostics(bad, "main.ts", FILES["main.ts"]!);
      expect(ds.map((d) => [d.code, d.span?.file, d.span?.line])).toEqual([[Code.StringNotSupported, "app/lib/count.ts", 9]]);
      const typeError = project({ ...FILES, "lib/ssh.ts": FILES["lib/ssh.ts"]!.replace("return port === SSH_PORT;", "const wide: u16 = undefined;\n  return port === SSH_PORT;") });
      try {
        const ts = diagnostics(typeError, "main.ts", FILES["main.ts"]!);
        expect(ts.map((d) => [d.code, d.span?.file, d.span?.line])).toEqual([[2322, "app/lib/ssh.ts", 4]]);
      } finally {
        rmSync(typeError, { recursive: true, force: true });
      }
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
