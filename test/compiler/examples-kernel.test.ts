// Every example compiles, loads in the running kernel (the real verifier, via bpftool), and
// gives the same results under the kernel's test run as in the VM on the reference packet
// corpus: return value and output frame for each packet (fed in order to one fresh load of
// each), then every map's contents.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MapType } from "../../runtime/object/map-types.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { compileExample, exampleFiles } from "../support/examples.js";
import { bpftool, bpftoolJson, kernelAccess, pinDir } from "../support/kernel.js";
import { hex } from "../support/reference-cases.js";
import { haveShared, sharedDir } from "../support/shared.js";

const packetsDir = join(sharedDir, "reference", "packets");
const packets = haveShared("reference/packets") ? readdirSync(packetsDir).filter((f) => f.endsWith(".bin")).sort() : [];
const k = kernelAccess();

describe.skipIf(!k || packets.length === 0)("examples: kernel = VM", () => {
  const pins = pinDir("tsbpf-examples");
  afterAll(() => pins.cleanup());
  const tmp = mkdtempSync(join(tmpdir(), "tsbpf-examples-"));

  it.each(exampleFiles())("%s", (file) => {
    const object = compileExample(file);
    const objPath = join(tmp, file.replace(/\.ts$/, ".o"));
    writeFileSync(objPath, object);
    const dir = join(pins.dir, file.replace(/\.ts$/, ""));
    mkdirSync(dir);
    bpftool(k!, ["prog", "loadall", objPath, `${dir}/p`, "pinmaps", `${dir}/m`]);
    const vm = loadObject(object, { cpus: 1 });
    for (const prog of vm.programs.keys()) {
      for (const p of packets) {
        const frame = new Uint8Array(readFileSync(join(packetsDir, p)));
        if (frame.length < 14) continue;
        const out = join(tmp, "out.bin");
        // Pinned to CPU 0, where the VM runs, so per-CPU maps compare slot for slot.
        const line = execFileSync("taskset", ["-c", "0", k!.bpftool, "prog", "run", "pinned", `${dir}/p/${prog}`, "data_in", join(packetsDir, p), "data_out", out], { encoding: "utf8" });
        const kernelRet = Number(/Return value: (\d+)/.exec(line)![1]);
        const got = runXdp(vm, prog, frame);
        expect({ packet: p, retval: got.retval, frame: hex(got.packet) }).toEqual({ packet: p, retval: kernelRet, frame: readFileSync(out).toString("hex") });
      }
    }
    for (const mapFile of existsSync(`${dir}/m`) ? readdirSync(`${dir}/m`) : []) {
      const name = mapFile.replace(/^[^.]*\.(bss|data|rodata)$/, ".$1");
      const map = vm.maps.get(name);
      if (!map) continue;
      if (map.def.type === MapType.QUEUE || map.def.type === MapType.STACK) {
        // No keys to dump: pop both empty (bpftool map pop fails once the kernel's is empty).
        const kernelPops: string[] = [];
        for (;;) {
          const popped = spawnSync(k!.bpftool, ["-j", "map", "pop", "pinned", `${dir}/m/${mapFile}`], { encoding: "utf8" });
          if (popped.status !== 0) break;
          kernelPops.push((JSON.parse(popped.stdout) as { value: string[] }).value.map((b) => b.slice(2)).join(""));
        }
        const vmPops: string[] = [];
        for (let v = map.pop(); v instanceof Uint8Array; v = map.pop()) vmPops.push(hex(v));
        expect(vmPops, `map ${name}`).toEqual(kernelPops);
        continue;
      }
      const dump = bpftoolJson<{ key: string[]; value?: string[]; values?: { value: string[] }[] }[]>(k!, ["map", "dump", "pinned", `${dir}/m/${mapFile}`]);
      // Redirect maps (devmap) hold interfaces, not bytes bpftool prints: nothing to compare.
      if (dump.some((e) => e.value !== undefined && !Array.isArray(e.value))) continue;
      const kernelEntries = dump.map((e) => ({ key: e.key.map((b) => b.slice(2)).join(""), value: (e.value ?? e.values?.[0]?.value ?? []).map((b) => b.slice(2)).join("") }));
      const vmEntries = [...map.entries()].map((e) => ({ key: hex(e.key), value: hex(e.value.subarray(0, map.def.valueSize)) }));
      const sort = (xs: { key: string }[]): { key: string }[] => [...xs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      expect(sort(vmEntries), `map ${name}`).toEqual(sort(kernelEntries));
    }
  });
});
