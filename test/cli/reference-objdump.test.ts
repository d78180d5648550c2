// `tsbpf objdump` and `tsbpf btf` against the oracles on every clang-19 reference object:
// the whole of `llvm-objdump-19 -h -t -dr --mcpu=v4` (sections, symbols, every instruction,
// jump annotations, relocations) and the whole of `bpftool btf dump file`.
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { referenceObjects } from "../support/shared.js";
import { requireTool, run } from "../support/tools.js";
import { tsbpf } from "../support/cli.js";

const objects = referenceObjects();
const objdump = requireTool("llvm-objdump-19");
const bpftool = requireTool("bpftool");

describe.skipIf(objects.length === 0 || !objdump)("tsbpf objdump = llvm-objdump-19 -h -t -dr", () => {
  it.each(objects.map((o) => [basename(o), o]))("%s", (_name, obj) => {
    const ours = tsbpf(["objdump", "--no-source", obj]);
    expect(ours.stderr).toBe("");
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe(run(objdump!, ["-h", "-t", "-dr", "--mcpu=v4", obj]));
  });

  it("prints line_info source lines before their instructions", () => {
    const obj = objects.find((o) => o.endsWith("xdp_globals.o"))!;
    const out = tsbpf(["objdump", "-d", obj]).stdout;
    expect(out).toContain("; \tbytes_seen += len;\n       3:\t18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00\tr1 = 0x0 ll\n\t\t0000000000000018:  R_BPF_64_64\tbytes_seen");
  });
});

describe.skipIf(objects.length === 0 || !bpftool)("tsbpf btf = bpftool btf dump file", () => {
  it.each(objects.map((o) => [basename(o), o]))("%s", (_name, obj) => {
    const ours = tsbpf(["btf", obj]);
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe(run(bpftool!, ["btf", "dump", "file", obj]));
  });
});

describe("CLI errors", () => {
  it("a missing file is one line and exit status 1", () => {
    const r = tsbpf(["objdump", "/nonexistent/x.o"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsbpf: error: \/nonexistent\/x\.o: cannot read object file: no such file or directory\n$/);
  });
});
