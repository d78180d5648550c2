// The proof that our ELF, BTF and relocations are right: an object built only through the
// project's API (no clang) loads into the running kernel with `bpftool prog loadall`,
// returns the expected value from `bpftool prog run`, and leaves the expected map value.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readObject } from "../../runtime/object/object-file.js";
import { buildApiObject } from "../support/api-object.js";
import { bpftool, bpftoolJson, kernelAccess, pinDir } from "../support/kernel.js";

describe("an object built through the API", () => {
  it("is deterministic and reads back with every part", () => {
    const bytes = buildApiObject();
    expect(buildApiObject()).toEqual(bytes);
    const obj = readObject(bytes);
    expect(obj.btfExt?.funcInfo.map((f) => [f.section, f.records.length])).toEqual([
      [".text", 1],
      ["xdp", 1],
    ]);
    expect(obj.btfExt?.lineInfo.find((l) => l.section === "xdp")?.records.map((r) => r.line)).toContain("results.update(0, v);");
  });

  const k = kernelAccess();
  const pins = k ? pinDir("tsbpf-api") : undefined;
  afterAll(() => pins?.cleanup());

  it.skipIf(!k)("loads in the kernel, runs, and fills the map", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-api-"));
    const objPath = join(dir, "api_object.o");
    writeFileSync(objPath, buildApiObject());
    const pkt = join(dir, "pkt.bin");
    writeFileSync(pkt, new Uint8Array(64));
    bpftool(k!, ["prog", "loadall", objPath, `${pins!.dir}/progs`, "pinmaps", `${pins!.dir}/maps`]);
    const out = bpftool(k!, ["prog", "run", "pinned", `${pins!.dir}/progs/api_prog`, "data_in", pkt, "repeat", "1"]);
    expect(out).toMatch(/^Return value: 3, duration/);
    const dump = bpftoolJson<{ formatted: { key: number; value: number } }[]>(k!, ["map", "dump", "pinned", `${pins!.dir}/maps/results`]);
    expect(dump.map((e) => e.formatted)).toEqual([
      { key: 0, value: 43 },
      { key: 1, value: 0 },
      { key: 2, value: 0 },
      { key: 3, value: 0 },
    ]);
    // The kernel kept our func_info and line_info: xlated code shows the source lines.
    const xlated = bpftool(k!, ["prog", "dump", "xlated", "pinned", `${pins!.dir}/progs/api_prog`]);
    expect(xlated).toContain("; results.update(0, v);");
    expect(xlated).toContain("; return a * b + 1;");
  });
});
