// `tsbpf link` against `bpftool gen object` (libbpf's linker) on the same inputs, clang-built
// and tsbpf-built: the same sections, symbols, BTF (as bpftool dumps it) and code with
// relocations (as llvm-objdump prints it); both outputs load in the kernel and give the same
// BPF_PROG_TEST_RUN results and maps; our VM runs the linked object as it runs the inputs;
// conflicts are refused where libbpf refuses them, naming both objects.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KernelObject, testRunXdp } from "tsbpf/kernel";
import { buildSource } from "../../compiler/build.js";
import { loadVerified, runXdp } from "../../runtime/harness/index.js";
import { SHT_REL, SHT_STRTAB, SHT_SYMTAB, SHN_UNDEF } from "../../runtime/object/elf/constants.js";
import { readObject } from "../../runtime/object/object-file.js";
import { tsbpf } from "../support/cli.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { projectRoot } from "../support/shared.js";
import { findTool } from "../support/tools.js";

const usable = (await kernelBackendUsable()) && findTool("bpftool") !== undefined && findTool("clang-19") !== undefined;
const dir = mkdtempSync(join(tmpdir(), "tsbpf-link-"));

const HEAD = "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n";
const MAP = "struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } counts SEC(\".maps\") __weak;\n";
const C_D = `${HEAD}${MAP}static volatile const int factor = 5;
static int bss_hits;
int dval = 3;
static __attribute__((noinline)) int helper(int x) { return x * dval + factor; }
SEC("xdp") int prog_d(struct xdp_md *ctx) { __u32 k = 2; __u64 *v = bpf_map_lookup_elem(&counts, &k); bss_hits++; if (v) *v += helper(bss_hits); return XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
`;
const C_E = `${HEAD}${MAP}struct xdp_md___mine { __u32 data; __u32 data_end; } __attribute__((preserve_access_index));
static volatile const int factor = 7;
static int bss_hits;
static __attribute__((noinline)) int helper(int x) { return x + factor; }
SEC("xdp") int prog_e(struct xdp_md *ctx) { __u32 k = 3; __u64 *v = bpf_map_lookup_elem(&counts, &k); bss_hits += 2; if (v) *v += helper(bss_hits); return __builtin_preserve_field_info(((struct xdp_md___mine *)ctx)->data_end, 2) && ctx->data_end - ctx->data > 60 ? XDP_DROP : XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
`;
const TS_COUNT = `import { HashMap, UpdateFlags, XdpAction, type XdpContext, type u32 } from "tsbpf";
export const LICENSE = "GPL";
const packets = new HashMap<u32, u32>(4);
let total: u32 = 0;
export function xdp_count(_ctx: XdpContext): XdpAction {
  const k: u32 = 0;
  total = total + 1;
  const seen = packets.lookup(k);
  if (!seen) {
    packets.update(k, 1, UpdateFlags.ANY);
    return XdpAction.PASS;
  }
  packets.update(k, seen.value + total, UpdateFlags.ANY);
  return XdpAction.PASS;
}
`;

function clang(name: string, source: string): string {
  const c = join(dir, `${name}.c`);
  const o = join(dir, `${name}.o`);
  writeFileSync(c, source);
  const r = spawnSync("clang-19", ["-O2", "-g", "--target=bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", c, "-o", o], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return o;
}
function ts(name: string, path: string, source: string): string {
  const o = join(dir, `${name}.o`);
  writeFileSync(o, buildSource(path, source).object);
  return o;
}
const tool = (cmd: string, args: string[]): { status: number | null; out: string; err: string } => {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return { status: r.status, out: r.stdout, err: r.stderr };
};

/** Sections (name, type, size; the regenerated tables and BTF bytes aside) and symbols (by section name), sorted. */
function shape(path: string): { sections: string[]; symbols: string[] } {
  const { elf } = readObject(new Uint8Array(readFileSync(path)));
  const sections = elf.sections
    .filter((s) => s.name !== "" && ![SHT_REL, SHT_SYMTAB, SHT_STRTAB].includes(s.type) && !s.name.startsWith(".BTF"))
    .map((s) => `${s.name} ${s.type} ${s.size}`)
    .sort();
  const symbols = elf.symbols
    .slice(1)
    .map((s) => `${s.name} ${s.type} ${s.bind} ${s.shndx === SHN_UNDEF ? "UND" : (elf.sections[s.shndx]?.name ?? s.shndx)} ${s.value} ${s.size}`)
    .sort();
  return { sections, symbols };
}

function frame(len: number, src: number): Uint8Array {
  const f = new Uint8Array(len);
  f.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00, 0x45, 0, 0, len - 14, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, src, 10, 0, 0, 1]);
  return f;
}
const FRAMES = [frame(60, 1), frame(64, 1), frame(98, 2), frame(60, 1), frame(60, 1)];

describe.skipIf(!usable)("tsbpf link = bpftool gen object", () => {
  afterAll(() => spawnSync("rm", ["-rf", dir]));
  const d = clang("d", C_D);
  const e = clang("e", C_E);
  const count = ts("count", join(dir, "count.ts"), TS_COUNT);
  const blocklist = ts("blocklist", join(projectRoot, "examples/blocklist.ts"), readFileSync(join(projectRoot, "examples/blocklist.ts"), "utf8"));

  it.each([
    ["two clang objects (weak map, static helpers of one name, .rodata/.bss/.data)", () => [d, e]],
    ["tsbpf and clang objects", () => [blocklist, count, d]],
  ])("%s", (_name, inputs) => {
    const files = inputs();
    const theirs = join(dir, `theirs-${files.length}.o`);
    const ours = join(dir, `ours-${files.length}.o`);
    expect(tool("bpftool", ["gen", "object", theirs, ...files]).status).toBe(0);
    const r = tsbpf(["link", ...files, "-o", ours]);
    expect(r.stderr).toBe("");
    expect(shape(ours)).toEqual(shape(theirs));
    expect(tool("bpftool", ["btf", "dump", "file", ours]).out).toBe(tool("bpftool", ["btf", "dump", "file", theirs]).out);
    // .BTF.ext: func_info, line_info and CO-RE relocations the same, record for record (the BTF ids agree).
    const ext = (p: string): unknown => readObject(new Uint8Array(readFileSync(p))).btfExt;
    expect(ext(ours)).toEqual(ext(theirs));
    const dis = (p: string): string => tool("llvm-objdump-19", ["-dr", "--no-show-raw-insn", p]).out.split("\n").slice(2).join("\n");
    expect(dis(ours)).toBe(dis(theirs));

    // Kernel: both outputs load and run alike; VM: the linked object runs as the inputs do.
    const kOurs = KernelObject.load(readFileSync(ours));
    const kTheirs = KernelObject.load(readFileSync(theirs));
    const vmLinked = loadVerified(new Uint8Array(readFileSync(ours)));
    const vmInputs = files.map((f) => loadVerified(new Uint8Array(readFileSync(f))));
    try {
      const progs = [...kTheirs.programs.keys()].sort();
      expect([...kOurs.programs.keys()].sort()).toEqual(progs);
      for (const f of FRAMES) {
        for (const p of progs) {
          const a = testRunXdp(kTheirs.program(p).fd, f);
          const b = testRunXdp(kOurs.program(p).fd, f);
          expect(b.retval).toBe(a.retval);
          expect([...b.packet]).toEqual([...a.packet]);
          const v = runXdp(vmLinked, p, f);
          expect(v.retval).toBe(a.retval);
          const own = vmInputs.find((o) => o.programs.has(p))!;
          expect(runXdp(own, p, f).retval).toBe(v.retval);
        }
      }
      for (const m of [...kTheirs.maps.keys()].sort()) {
        // Hash maps iterate in no fixed order: compare sorted entries.
        const dump = (o: KernelObject): string[] => o.map(m).entries().map((x) => JSON.stringify([[...x.key], [...x.value]])).sort();
        expect(dump(kOurs), m).toEqual(dump(kTheirs));
      }
    } finally {
      kOurs.close();
      kTheirs.close();
    }
  });

  it("carries CO-RE relocations", () => {
    const o = readObject(new Uint8Array(readFileSync(e)));
    expect(o.btfExt?.coreRelos.flatMap((c) => c.records).length).toBeGreaterThan(0);
  });

  it("refuses what libbpf refuses: two strong definitions, differing license sections, weak maps defined differently", () => {
    const other = clang("other-map", `${HEAD}${MAP.replace("max_entries, 4", "max_entries, 8")}SEC("xdp") int p3(struct xdp_md *ctx) { return XDP_PASS; }\nchar LICENSE[] SEC("license") = "GPL";\n`);
    expect(tool("bpftool", ["gen", "object", join(dir, "x.o"), d, other]).status).not.toBe(0);
    expect(tsbpf(["link", d, other, "-o", join(dir, "y.o")]).stderr).toBe(`tsbpf: error: ${join(dir, "y.o")}: map 'counts' is defined differently in ${d} and ${other}\n`);
    const strong = clang("strong", `${HEAD}int dval = 4;\nSEC("xdp") int other(struct xdp_md *ctx) { return dval; }\nchar LICENSE[] SEC("license") = "GPL";\n`);
    expect(tool("bpftool", ["gen", "object", join(dir, "x.o"), d, strong]).status).not.toBe(0);
    const r = tsbpf(["link", d, strong, "-o", join(dir, "y.o")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`tsbpf: error: ${join(dir, "y.o")}: global 'dval' is defined in both ${d} and ${strong} (two strong definitions; make one extern or __weak)\n`);
    const bsd = clang("bsd", `${HEAD}SEC("xdp") int p2(struct xdp_md *ctx) { return XDP_PASS; }\nchar LICENSE[] SEC("license") = "Dual BSD/GPL";\n`);
    expect(tool("bpftool", ["gen", "object", join(dir, "x.o"), d, bsd]).status).not.toBe(0);
    expect(tsbpf(["link", d, bsd, "-o", join(dir, "y.o")]).stderr).toContain(`${bsd}: section 'license' differs from ${d}'s`);
  });
});
