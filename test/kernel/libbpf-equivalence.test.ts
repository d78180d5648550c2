// Our loader does what libbpf does, checked against bpftool (libbpf 1.1) in the same kernel:
// for every reference object, `tsbpf load --pin` and `bpftool prog loadall ... pinmaps` give
// maps with the same kernel names, types, sizes, flags and frozen state, programs with the
// same translated code (map ids aside) and source lines, and BTF that the kernel dumps
// identically (so the DATASEC fix-up matches libbpf's). BTF sanitised for a kernel without
// any of the newer kinds still loads, and an object loaded that way still runs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { btfFeatures, fixupDatasecs, KernelObject, loadRawBtf, sanitizeBtf, type BtfFeatures } from "../../runtime/kernel/index.js";
import { writeBtf } from "../../runtime/object/btf/index.js";
import { readObject } from "../../runtime/object/object-file.js";
import { tsbpf } from "../support/cli.js";
import { bpftool, bpftoolJson, kernelAccess, kernelBackendUsable, pinDir } from "../support/kernel.js";
import { referencePacket } from "../support/reference-cases.js";
import { haveShared, referenceObjects } from "../support/shared.js";

const usable = haveShared("reference/obj") && (await kernelBackendUsable());
const k = usable ? kernelAccess() : undefined;
// callx.o: libbpf (bpftool) refuses it ("unknown opcode 8d"); our loader lowers its callx (test/kernel/callx-lowering.test.ts).
const objects = k ? referenceObjects().filter((o) => !o.endsWith("/callx.o")) : [];
const NONE: BtfFeatures = { func: false, funcGlobal: false, datasec: false, float: false, declTag: false, typeTag: false, enum64: false };

interface MapShow {
  name: string;
  type: string;
  bytes_key: number;
  bytes_value: number;
  max_entries: number;
  flags: number;
  frozen?: number;
  btf_id?: number;
}
interface ProgShow {
  name: string;
  type: string;
  bytes_xlated: number;
  map_ids?: number[];
  btf_id?: number;
}

describe.skipIf(objects.length === 0)("tsbpf load = bpftool prog loadall (libbpf)", () => {
  const pins = k ? pinDir("tsbpf-equiv") : undefined;
  afterAll(() => pins?.cleanup());

  it.each(objects.map((o) => [o.slice(o.lastIndexOf("/") + 1), o] as const))("%s", (name, path) => {
    // bpffs refuses dots in names.
    const stem = name.replace(/\.o$/, "");
    const theirs = join(pins!.dir, `${stem}-bpftool`);
    const ours = join(pins!.dir, `${stem}-tsbpf`);
    bpftool(k!, ["prog", "loadall", path, theirs, "pinmaps", join(theirs, "maps")]);
    const r = tsbpf(["load", path, "--pin", ours]);
    expect(r.stderr).toBe("");
    const ls = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);
    expect(ls(join(ours, "maps"))).toEqual(ls(join(theirs, "maps")));
    for (const m of ls(join(theirs, "maps"))) {
      const a = bpftoolJson<MapShow>(k!, ["map", "show", "pinned", join(theirs, "maps", m)]);
      const b = bpftoolJson<MapShow>(k!, ["map", "show", "pinned", join(ours, "maps", m)]);
      const shape = (s: MapShow): object => ({ name: s.name, type: s.type, key: s.bytes_key, value: s.bytes_value, max: s.max_entries, flags: s.flags, frozen: s.frozen ?? 0, btf: s.btf_id !== undefined });
      expect(shape(b), m).toEqual(shape(a));
    }
    const progs = ls(theirs).filter((p) => p !== "maps");
    expect(ls(ours).filter((p) => p !== "maps")).toEqual(progs);
    for (const p of progs) {
      const a = bpftoolJson<ProgShow>(k!, ["prog", "show", "pinned", join(theirs, p)]);
      const b = bpftoolJson<ProgShow>(k!, ["prog", "show", "pinned", join(ours, p)]);
      expect({ name: b.name, type: b.type, xlated: b.bytes_xlated, maps: b.map_ids?.length ?? 0 }).toEqual({ name: a.name, type: a.type, xlated: a.bytes_xlated, maps: a.map_ids?.length ?? 0 });
      const xlated = (pin: string): string => bpftool(k!, ["prog", "dump", "xlated", "pinned", pin]).replace(/map\[id:\d+\]/g, "map[id:N]");
      expect(xlated(join(ours, p))).toBe(xlated(join(theirs, p)));
      const btf = (id: number | undefined): string => (id === undefined ? "" : bpftool(k!, ["btf", "dump", "id", String(id)]));
      expect(btf(b.btf_id)).toBe(btf(a.btf_id));
    }
  });
});

describe.skipIf(objects.length === 0)("BTF sanitising", () => {
  it("finds every BTF kind supported by this kernel", () => {
    const features = btfFeatures();
    console.log(`[tsbpf kernel] BTF features: ${JSON.stringify(features)}`);
    expect(Object.values(features).every(Boolean)).toBe(true);
  });

  it.each(objects.map((o) => [o.slice(o.lastIndexOf("/") + 1), o] as const))("%s: BTF sanitised for a kernel without newer kinds loads, and so does the object", (_name, path) => {
    const obj = readObject(new Uint8Array(readFileSync(path)));
    const sanitized = sanitizeBtf(fixupDatasecs(obj.btf!, obj.elf), NONE);
    const kinds = new Set(sanitized.types.map((t) => t.kind));
    for (const kind of ["VAR", "DATASEC", "FUNC", "FUNC_PROTO", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64"]) expect(kinds.has(kind as never), kind).toBe(false);
    loadRawBtf(writeBtf(sanitized)).close();
    const loaded = KernelObject.load(obj, { btfFeatures: NONE });
    try {
      for (const p of loaded.programs.values()) expect(p.info().funcInfoCount).toBe(0);
      const first = [...loaded.programs.values()][0]!;
      expect(first.testRun(referencePacket("ipv4_udp_dns")).retval).toBeLessThanOrEqual(4);
    } finally {
      loaded.close();
    }
  });
});
