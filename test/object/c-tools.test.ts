// The objects tsbpf builds are read by C tools as clang's are: for every example,
// `bpftool btf dump file X.o format c` is a header clang-19 compiles (for BPF, and for the
// host after <linux/types.h>), and `bpftool gen skeleton X.o` is a header a C loader compiles
// against (libbpf) and uses to open and load the object in the running kernel; what that
// loader reads back (map info, zero-key lookups, every global through the skeleton) equals
// the VM's view of the same object.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadObject } from "../../runtime/vm/loader.js";
import { globalVars, LOOKUP_TYPES, loaderSource } from "../support/c-loader.js";
import { compileExample, exampleFiles } from "../support/examples.js";
import { kernelAccess } from "../support/kernel.js";
import { hex } from "../support/reference-cases.js";
import { requireTool } from "../support/tools.js";

const clang = requireTool("clang-19");
const bpftool = requireTool("bpftool");
const haveLibbpf = existsSync("/usr/include/bpf/libbpf.h");
if (!haveLibbpf) console.warn("[tsbpf tests] skipping skeleton loaders: libbpf-dev is not installed (/usr/include/bpf/libbpf.h)");
const tmp = mkdtempSync(join(tmpdir(), "tsbpf-c-tools-"));
const ident = (file: string): string => file.replace(/\.ts$/, "").replace(/[^A-Za-z0-9_]/g, "_");

function writeObject(file: string): string {
  const path = join(tmp, `${ident(file)}.o`);
  writeFileSync(path, compileExample(file));
  return path;
}

const run = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], cwd: tmp });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${err.stderr ?? ""}${err.stdout ?? ""}`);
  }
};

describe.skipIf(!clang || !bpftool)("bpftool btf dump … format c compiles", () => {
  it.each(exampleFiles())("%s", (file) => {
    const header = join(tmp, `${ident(file)}.h`);
    writeFileSync(header, run(bpftool!, ["btf", "dump", "file", writeObject(file), "format", "c"]));
    // For BPF, as a vmlinux.h-style header (preserve_access_index is known there).
    writeFileSync(join(tmp, "bpf-tu.c"), `#include "${header}"\nint uses_ctx(struct xdp_md *ctx) { return ctx->data_end - ctx->data; }\n`);
    run(clang!, ["--target=bpf", "-fsyntax-only", "-Werror", "-x", "c", join(tmp, "bpf-tu.c")]);
    // For the host after the uapi headers: the dumped typedefs agree with <linux/types.h>'s.
    writeFileSync(join(tmp, "host-tu.c"), `#include <linux/types.h>\n#include "${header}"\n`);
    run(clang!, ["-DBPF_NO_PRESERVE_ACCESS_INDEX", "-fsyntax-only", "-Werror", "-x", "c", join(tmp, "host-tu.c")]);
  });
});

const k = clang && bpftool && haveLibbpf ? kernelAccess() : undefined;

describe.skipIf(!k)("bpftool gen skeleton: a C loader opens, loads and reads every example", () => {
  it.each(exampleFiles())("%s", (file) => {
    const name = ident(file);
    const obj = writeObject(file);
    writeFileSync(join(tmp, `${name}.skel.h`), run(bpftool!, ["gen", "skeleton", obj, "name", name]));
    const vars = globalVars(compileExample(file));
    writeFileSync(join(tmp, `${name}-loader.c`), loaderSource(name, vars));
    const exe = join(tmp, `${name}-loader`);
    run(clang!, ["-O1", "-Werror", "-I", tmp, "-o", exe, join(tmp, `${name}-loader.c`), "-lbpf"]);
    const lines = run(exe, []).trim().split("\n").filter((l) => l !== "");

    // The same reads in the VM's load of the object.
    const vm = loadObject(compileExample(file), { cpus: 1 });
    const expected: string[] = [...vm.programs.keys()].map((p) => `prog ${p} fd=ok`);
    const kernelName = (line: string): string => /^map (\S+)/.exec(line)![1]!;
    for (const line of lines.filter((l) => l.startsWith("map "))) {
      const kname = kernelName(line);
      const map = vm.maps.get(kname.replace(/^[^.]*\.(bss|data|rodata)$/, ".$1"));
      expect(map, `VM map for ${kname}`).toBeDefined();
      const d = map!.def;
      expected.push(`map ${kname} type=${d.type} key=${d.keySize} value=${d.valueSize} max=${d.maxEntries}`);
      if (LOOKUP_TYPES.has(d.type)) {
        const got = map!.userLookup(new Uint8Array(d.keySize));
        expected.push(typeof got === "number" ? `lookup ${kname} rc=${got}` : `lookup ${kname} rc=0 ${hex(got)}`);
      }
    }
    for (const v of vars) {
      const data = vm.maps.get(v.section)!.userLookup(new Uint8Array(4));
      expect(typeof data).not.toBe("number");
      expected.push(`global ${v.section} ${v.name} ${hex((data as Uint8Array).subarray(v.offset, v.offset + v.size))}`);
    }
    expect(lines).toEqual(expected);
  });
});
