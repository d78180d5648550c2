// Every example also loads through tsbpf's own kernel backend (not only bpftool/libbpf) and
// gives the VM's return value and output frame on every reference packet, fed in order to one
// load, with map contents equal at the end.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KernelObject } from "../../runtime/kernel/index.js";
import { MapType } from "../../runtime/object/map-types.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { compileExample, exampleFiles } from "../support/examples.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { hex } from "../support/reference-cases.js";
import { haveShared, sharedDir } from "../support/shared.js";

const packetsDir = join(sharedDir, "reference", "packets");
const packets = haveShared("reference/packets") ? readdirSync(packetsDir).filter((f) => f.endsWith(".bin")).sort() : [];
const usable = await kernelBackendUsable();

describe.skipIf(!usable || packets.length === 0)("examples through tsbpf's kernel backend = VM", () => {
  it.each(exampleFiles())("%s", (file) => {
    const object = compileExample(file);
    const kernel = KernelObject.load(object, { name: file.replace(/\.ts$/, "").replace(/-/g, "_") });
    try {
      const vm = loadObject(object);
      for (const prog of vm.programs.keys()) {
        for (const p of packets) {
          const frame = new Uint8Array(readFileSync(join(packetsDir, p)));
          if (frame.length < 14) continue;
          const k = kernel.program(prog).testRun(frame, { cpu: 0 });
          const v = runXdp(vm, prog, frame);
          expect({ p, retval: v.retval, frame: hex(v.packet) }).toEqual({ p, retval: k.retval, frame: hex(k.packet) });
        }
      }
      for (const [name, map] of vm.maps) {
        const km = kernel.map(name);
        if (map.def.type === 14 /* DEVMAP */) continue;
        if (map.def.type === MapType.QUEUE || map.def.type === MapType.STACK) {
          // No keys to iterate: both are drained in order and must give the same elements.
          const drain = (pop: () => Uint8Array | number | undefined): string[] => {
            const out: string[] = [];
            for (let v = pop(); v instanceof Uint8Array; v = pop()) out.push(hex(v));
            return out;
          };
          expect(drain(() => map.pop()), `map ${name}`).toEqual(drain(() => km.pop()));
          continue;
        }
        const kEntries = [...km.entries()].map((e) => `${hex(e.key)}=${hex(km.cpuValue ? km.cpuValue(e.value, 0) : e.value)}`).sort();
        const vEntries = [...map.entries()].map((e) => `${hex(e.key)}=${hex(e.value.subarray(0, map.def.valueSize))}`).sort();
        expect(vEntries, `map ${name}`).toEqual(kEntries);
      }
    } finally {
      kernel.close();
    }
  });
});
