// `const _features = section<u32>("features", v)`: an integer in an ELF section of its own, for
// user-space tools that read the object (xdp-filter's `__u32 _features SEC("features")`, read
// with `readelf -x features`). Checked against clang-19's C twin with LLVM's tools: the same
// section (type, flags, alignment, bytes), symbols and BTF DATASEC. libbpf (bpftool prog load,
// the oracle) skips the section for both objects and refuses the C twin that reads the
// variable from its program, which is why tsbpf refuses that at compile time.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { Code } from "../../compiler/diagnostics/codes.js";
import { KernelObject } from "../../runtime/kernel/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { diagnoseWith } from "../support/diagnose.js";
import { kernelAccess, kernelBackendUsable, pinDir } from "../support/kernel.js";
import { requireTool } from "../support/tools.js";

const TS = `import { XdpAction, section, type XdpContext, type u16, type u32 } from "tsbpf";
export const LICENSE = "GPL";
const enum Feat { TCP = 1, UDP = 2, IPV4 = 8 }
const _features = section<u32>("features", Feat.TCP | Feat.UDP | Feat.IPV4);
const _spare = section<u16>("features", 0);
export function xdp_sec(ctx: XdpContext): XdpAction {
  return XdpAction.PASS;
}
`;

const twin = (read: boolean): string => `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
__u32 _features SEC("features") = 1 | 2 | 8;
__u16 _spare SEC("features") = 0;
SEC("xdp") int xdp_sec(struct xdp_md *ctx)
{
	return ${read ? "_features == 11 ? XDP_PASS : XDP_DROP" : "XDP_PASS"};
}
char LICENSE[] SEC("license") = "GPL";
`;

const clang = requireTool("clang-19");
const readelf = requireTool("llvm-readelf-19");
const objdump = requireTool("llvm-objdump-19");
const tmp = mkdtempSync(join(tmpdir(), "tsbpf-section-"));
const ours = compileSource("/virtual/sec.ts", TS, { displayName: "sec.ts" }).object;
const ourPath = join(tmp, "sec.o");
writeFileSync(ourPath, ours);

function cTwin(read: boolean): string {
  const c = join(tmp, `twin-${read}.c`);
  const o = join(tmp, `twin-${read}.o`);
  writeFileSync(c, twin(read));
  execFileSync(clang!, ["-O2", "-g", "--target=bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", c, "-o", o]);
  return o;
}

const tool = (path: string, args: string[], obj: string): string => execFileSync(path, [...args, obj], { encoding: "utf8" });
/** The `features` section's header line from llvm-readelf -S, without its index and file offset. */
const sectionHeader = (obj: string): string => {
  const line = tool(readelf!, ["-S", "-W"], obj).split("\n").find((l) => / features /.test(l))!;
  const f = line.replace(/^\s*\[\s*\d+\]\s*/, "").split(/\s+/);
  return [f[0], f[1], f[4], f[6], f.at(-1)].join(" "); // name, type, size, flags, alignment
};
const symbols = (obj: string): string[] =>
  tool(readelf!, ["-s", "-W"], obj)
    .split("\n")
    .filter((l) => /_features|_spare/.test(l))
    .map((l) => l.trim().split(/\s+/).slice(1, 5).join(" ") + " " + l.trim().split(/\s+/).at(-1));
const datasec = (obj: string): string[] => {
  const dump = execFileSync("bpftool", ["btf", "dump", "file", obj], { encoding: "utf8" });
  const at = dump.indexOf("DATASEC 'features'");
  const vars = dump.slice(at).split("\n").slice(1, 3).map((l) => l.replace(/type_id=\d+ /, "").replace(/offset=\d+ /, "").trim());
  const varTypes = ["_features", "_spare"].map((n) => {
    const id = new RegExp(`VAR '${n}' type_id=(\\d+)`).exec(dump)![1];
    return new RegExp(`^\\[${id}\\] (\\S+ '[^']*')`, "m").exec(dump)![1];
  });
  return [...vars, ...varTypes];
};

describe.skipIf(!clang || !readelf || !objdump)("section<T>(name, v): the object, against clang's", () => {
  it("has the section, its bytes, symbols and BTF that clang-19 emits for the C twin", () => {
    const c = cTwin(false);
    expect(sectionHeader(ourPath)).toEqual(sectionHeader(c));
    expect(sectionHeader(ourPath)).toMatch(/^features PROGBITS 000006 WA 4$/);
    const bytes = (o: string) => tool(objdump!, ["-s", "-j", "features"], o).split("\n").filter((l) => /^ 0000/.test(l));
    expect(bytes(ourPath)).toEqual(bytes(c));
    expect(symbols(ourPath).sort()).toEqual(symbols(c).sort());
    // clang leaves DATASEC sizes and offsets for libbpf to fill in; the variables and their types agree.
    expect(datasec(ourPath)).toEqual(datasec(c));
    expect(datasec(ourPath)).toEqual(["size=4 (VAR '_features')", "size=2 (VAR '_spare')", "TYPEDEF '__u32'", "TYPEDEF '__u16'"]);
  });

  it("loads in the VM, which (like libbpf) makes no map of it", () => {
    const vm = loadObject(ours, { cpus: 1 });
    expect([...vm.maps.keys()]).toEqual([]);
    expect([...vm.programs.keys()]).toEqual(["xdp_sec"]);
  });
});

const k = clang ? kernelAccess() : undefined;

describe.skipIf(!k)("section<T>(name, v): libbpf", () => {
  const load = (obj: string) => {
    const pins = pinDir("tsbpf-section");
    try {
      return spawnSync(k!.bpftool, ["-d", "prog", "load", obj, join(pins.dir, "p")], { encoding: "utf8" });
    } finally {
      pins.cleanup();
    }
  };

  it("skips the section of ours and of clang's twin, and loads both", () => {
    for (const obj of [ourPath, cTwin(false)]) {
      const r = load(obj);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/skipping unrecognized data section\(\d+\) features/);
    }
  });

  it("loads through our kernel loader, which (like libbpf) leaves the section alone", async () => {
    if (!(await kernelBackendUsable())) return;
    const obj = KernelObject.load(ours, { name: "sec" });
    try {
      expect([...obj.maps.keys()]).toEqual([]);
      expect([...obj.programs.keys()]).toEqual(["xdp_sec"]);
    } finally {
      obj.close();
    }
  });

  it("refuses the twin whose program reads the variable (what tsbpf refuses at compile time)", () => {
    const r = load(cTwin(true));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/bad map relo against '_features' in section 'features'/);
  });
});

describe("section<T>(name, v): diagnostics", () => {
  const diagnose = diagnoseWith(`import { XdpAction, section, type XdpContext, type u32 } from "tsbpf";\n`);
  const prog = (body = "") => `\nexport function prog(ctx: XdpContext): XdpAction {\n${body}  return XdpAction.PASS;\n}\n`;
  const one = (src: string) => {
    const ds = diagnose(src);
    expect(ds.map((d) => d.code)).toEqual([Code.BadGlobal]);
    return ds[0]!;
  };

  it("refuses a program's read of it, at the read", () => {
    const d = one(`const feats = section<u32>("features", 3);${prog("  if (feats === 3) return XdpAction.DROP;\n")}`);
    expect(d.message).toMatch(/'feats' lives in section 'features' for user space; programs cannot use it/);
    expect(d.span?.line).toBe(4);
  });

  it.each([
    [".data", /letters, digits/],
    ["license", /already has a meaning/],
    ["xdp", /already has a meaning/],
    ["1st", /letters, digits/],
  ])("refuses section name %s", (name, message) => {
    expect(one(`const feats = section<u32>(${JSON.stringify(name)}, 3);${prog()}`).message).toMatch(message);
  });

  it("refuses a section name that is not a literal, and a value that is not constant", () => {
    expect(one(`const feats = section<u32>(\`features\`, 3);${prog()}`).message).toMatch(/must be a string literal/);
    expect(one(`let v: u32 = 1;\nconst feats = section<u32>("features", v);${prog()}`).message).toMatch(/needs an integer type and a constant value/);
  });
});

process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
