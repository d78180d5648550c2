// xdpRunConfig in TypeScript: the object carries libxdp's run config (read back as libxdp
// reads it; xdp-loader itself is the oracle in netns.test.ts) and its struct is what clang
// makes of the same XDP_RUN_CONFIG declaration; misuse is one TS90003 diagnostic at the call.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { Code } from "../../compiler/diagnostics/codes.js";
import { typeById } from "../../runtime/object/btf/types.js";
import { readObject } from "../../runtime/object/object-file.js";
import { readRunConfig } from "../../runtime/object/static-link/run-config.js";
import { diagnoseWith, xdpProgram } from "../support/diagnose.js";
import { findTool } from "../support/tools.js";

const header = `import { XdpAction, xdpRunConfig, type XdpContext, type u32 } from "tsbpf";\n`;
const diagnose = diagnoseWith(header);

describe("xdpRunConfig", () => {
  it.skipIf(findTool("clang-19") === undefined)("emits the struct clang emits for XDP_RUN_CONFIG", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-rc-"));
    const ts = compileSource("/virtual/prog.ts", `${header}${xdpProgram("")}xdpRunConfig(prog, { priority: 7, chainActions: [XdpAction.DROP, XdpAction.PASS] });\n`).object;
    writeFileSync(join(dir, "ts.o"), ts);
    writeFileSync(
      join(dir, "c.c"),
      `#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nSEC("xdp") int prog(struct xdp_md *ctx) { return XDP_PASS; }\nstruct { __uint(priority, 7); __uint(XDP_ABORTED, 0); __uint(XDP_DROP, 1); __uint(XDP_PASS, 1); __uint(XDP_TX, 0); __uint(XDP_REDIRECT, 0); } _prog SEC(".xdp_run_config");\nchar LICENSE[] SEC("license") = "GPL";\n`,
    );
    expect(spawnSync("clang-19", ["-O2", "-g", "--target=bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", join(dir, "c.c"), "-o", join(dir, "c.o")]).status).toBe(0);
    const tsObj = readObject(new Uint8Array(readFileSync(join(dir, "ts.o"))));
    const cObj = readObject(new Uint8Array(readFileSync(join(dir, "c.o"))));
    expect(readRunConfig(tsObj.btf, "prog", "ts.o")).toEqual({ priority: 7, chainActions: 0b110 });
    expect(readRunConfig(tsObj.btf, "prog", "ts.o")).toEqual(readRunConfig(cObj.btf, "prog", "c.o"));
    // The struct itself, member by member: name, PTR to ARRAY of N, as clang lays it out.
    const shape = (o: typeof tsObj): string[] => {
      const btf = o.btf!;
      const v = btf.types.find((t) => t.kind === "VAR" && t.name === "_prog");
      const def = v?.kind === "VAR" ? typeById(btf, v.type) : undefined;
      if (def?.kind !== "STRUCT") return [];
      return def.members.map((m) => {
        const ptr = typeById(btf, m.type);
        const arr = ptr?.kind === "PTR" ? typeById(btf, ptr.type) : undefined;
        return `${m.name}@${m.bitsOffset}:${ptr?.kind}/${arr?.kind === "ARRAY" ? arr.nelems : "?"} size ${def.size}`;
      });
    };
    expect(shape(tsObj)).toHaveLength(6);
    expect(shape(tsObj)).toEqual(shape(cObj));
    spawnSync("rm", ["-rf", dir]);
  });

  it.each([
    ["a name that is no program", `${xdpProgram("")}xdpRunConfig(other, { priority: 1 });\nfunction other(ctx: XdpContext): XdpAction { return XdpAction.PASS; }\n`, /'other' is not an exported program of this file/],
    ["a second config", `${xdpProgram("")}xdpRunConfig(prog, { priority: 1 });\nxdpRunConfig(prog, { priority: 2 });\n`, /already has a run config/],
    ["a non-constant priority", `${xdpProgram("")}let p: u32 = 3;\nxdpRunConfig(prog, { priority: p });\n`, /priority must be a constant/],
    ["an unknown field", `${xdpProgram("")}xdpRunConfig(prog, { weight: 1 } as never);\n`, /is not a run config field/],
  ])("%s is one diagnostic", (_name, body, message) => {
    const ds = diagnose(body);
    expect(ds, JSON.stringify(ds.map((d) => d.message))).toHaveLength(1);
    expect(ds[0]!.code).toBe(Code.Unsupported);
    expect(ds[0]!.message).toMatch(message);
  });
});
