// Maps pinned by name: `new ArrayMap<u32, u64>(4, { pinning: Pinning.BY_NAME })` emits libbpf's
// `__uint(pinning, LIBBPF_PIN_BY_NAME)` in the map's BTF definition, as clang does for the C
// twin. libbpf (a C loader with pin_root_path, the oracle) pins it under that root by its name
// and a second load reuses it (same kernel map, value kept), for our object as for clang's;
// the map without the option is not pinned. Our VM and kernel loader accept the attribute.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { Code } from "../../compiler/diagnostics/codes.js";
import { KernelObject } from "../../runtime/kernel/index.js";
import { mapDefinitions } from "../../runtime/object/map-defs.js";
import { readObject } from "../../runtime/object/object-file.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { diagnoseWith } from "../support/diagnose.js";
import { kernelAccess, kernelBackendUsable, pinDir } from "../support/kernel.js";
import { PIN_LOADER_C } from "../support/pin-loader.js";
import { requireTool } from "../support/tools.js";

const TS = `import { XdpAction, ArrayMap, HashMap, Pinning, type XdpContext, type u32, type u64 } from "tsbpf";
export const LICENSE = "GPL";
const pin_hits = new ArrayMap<u32, u64>(4, { pinning: Pinning.BY_NAME });
const plain = new HashMap<u32, u64>(8, { pinning: Pinning.NONE });
export function xdp_pin(ctx: XdpContext): XdpAction {
  const v = pin_hits.lookup(0);
  if (v) v.value += 1;
  plain.update(1, 2);
  return XdpAction.PASS;
}
`;

const C_TWIN = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pin_hits SEC(".maps");
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} plain SEC(".maps");
SEC("xdp") int xdp_pin(struct xdp_md *ctx)
{
	__u32 k = 0, one = 1;
	__u64 two = 2, *v = bpf_map_lookup_elem(&pin_hits, &k);
	if (v)
		*v += 1;
	bpf_map_update_elem(&plain, &one, &two, 0);
	return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
`;

const ours = compileSource("/virtual/pin.ts", TS, { displayName: "pin.ts" }).object;
const clang = requireTool("clang-19");
const tmp = mkdtempSync(join(tmpdir(), "tsbpf-pin-"));
const ourPath = join(tmp, "pin.o");
writeFileSync(ourPath, ours);

const shape = (bytes: Uint8Array) =>
  mapDefinitions(readObject(bytes))
    .filter((d) => !d.dataSection)
    .map(({ name, type, keySize, valueSize, maxEntries, flags, pinning }) => ({ name, type, keySize, valueSize, maxEntries, flags, pinning }));

function clangTwin(): string {
  const c = join(tmp, "pin.c");
  const o = join(tmp, "pin-c.o");
  writeFileSync(c, C_TWIN);
  execFileSync(clang!, ["-O2", "-g", "--target=bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", c, "-o", o]);
  return o;
}

describe("map pinning: the object", () => {
  it("carries __uint(pinning, 1) on the pinned map only, read back by our map reader", () => {
    const defs = shape(ours);
    expect(defs.find((d) => d.name === "pin_hits")?.pinning).toBe(1);
    expect(defs.find((d) => d.name === "plain")?.pinning).toBeUndefined();
  });

  it.skipIf(!clang)("has the map definitions clang-19 emits for the C twin", () => {
    const twin = shape(new Uint8Array(readFileSync(clangTwin())));
    expect(shape(ours)).toEqual(twin);
  });

  it("loads in the VM, which keeps the pinning in the definition", () => {
    const vm = loadObject(ours, { cpus: 1 });
    expect([...vm.maps.keys()].sort()).toEqual(["pin_hits", "plain"]);
  });

  it("reports a malformed option once, with its place", () => {
    const diagnose = diagnoseWith(`import { XdpAction, ArrayMap, ProgArray, Pinning, type XdpContext, type u32, type u64 } from "tsbpf";\n`);
    const prog = "\nexport function prog(ctx: XdpContext): XdpAction { return XdpAction.PASS; }\n";
    const unknownOption = diagnose(`const m = new ArrayMap<u32, u64>(4, { pinning: Pinning.BY_NAME, pinPath: 1 } as any);${prog}`);
    expect(unknownOption.map((d) => [d.code, d.span?.line])).toEqual([[Code.BadMapDeclaration, 2]]);
    expect(unknownOption[0]!.message).toMatch(/'pinPath: 1' is not a map option/);
    const badValue = diagnose(`const m = new ArrayMap<u32, u64>(4, { pinning: 2 as Pinning });${prog}`);
    expect(badValue.map((d) => d.code)).toEqual([Code.BadMapDeclaration]);
    expect(badValue[0]!.message).toMatch(/Pinning.NONE or Pinning.BY_NAME/);
    const notLiteral = diagnose(`const o = { pinning: Pinning.BY_NAME };\nconst m = new ArrayMap<u32, u64>(4, o);${prog}`);
    expect(notLiteral.map((d) => d.code)).toContain(Code.BadMapDeclaration);
    expect(notLiteral.find((d) => d.code === Code.BadMapDeclaration)!.message).toMatch(/options are an object literal/);
  });
});

const k = clang && existsSync("/usr/include/bpf/libbpf.h") ? kernelAccess() : undefined;

describe.skipIf(!k)("map pinning: libbpf pins by name and reuses the pin", () => {
  const pins = pinDir("tsbpf-pin");
  afterAll(() => pins.cleanup());
  const loader = join(tmp, "pin-loader");
  const build = () => {
    if (existsSync(loader)) return;
    writeFileSync(`${loader}.c`, PIN_LOADER_C);
    execFileSync(clang!, ["-O1", "-Werror", "-o", loader, `${loader}.c`, "-lbpf"]);
  };
  const load = (obj: string, root: string, map: string, write?: string) =>
    execFileSync(loader, [obj, root, map, ...(write !== undefined ? [write] : [])], { encoding: "utf8" }).trim();
  /** Two loads: the first writes 42 under key 0, the second reads it. Ids are replaced by "first"/"other". */
  const twice = (obj: string, root: string, map: string) => {
    const first = load(obj, root, map, "42");
    const second = load(obj, root, map);
    const id = (s: string) => /id=(\d+)/.exec(s)![1];
    return [first, second].map((s) => s.replace(/id=\d+/, id(s) === id(first) ? "id=first" : "id=other").replace(root, "ROOT"));
  };

  it.each([
    ["ours", () => ourPath],
    ["clang's twin", () => clangTwin()],
  ])("%s: pinned under pin_root_path, reused by the next load; the plain map is neither", (who, path) => {
    build();
    const root = join(pins.dir, who === "ours" ? "ours" : "clang");
    mkdirSync(root);
    const obj = path();
    expect(twice(obj, root, "pin_hits")).toEqual(["pinned=1 path=ROOT/pin_hits id=first value=0", "pinned=1 path=ROOT/pin_hits id=first value=42"]);
    expect(twice(obj, root, "plain").map((s) => s.replace(/ value=\d+/, ""))).toEqual(["pinned=0 path=- id=first", "pinned=0 path=- id=other"]);
    expect(readdirSync(root)).toEqual(["pin_hits"]);
  });

  it("our kernel loader accepts the attribute", async () => {
    if (!(await kernelBackendUsable())) return;
    const obj = KernelObject.load(ours, { name: "pin" });
    try {
      expect([...obj.maps.keys()].sort()).toEqual(["pin_hits", "plain"]);
    } finally {
      obj.close();
    }
  });
});
