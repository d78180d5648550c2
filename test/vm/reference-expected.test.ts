// The VM against the kernel's certified results: every case of ../shared/reference/expected.json
// (one fresh load per case, packets fed in order) gives the kernel's return value, output
// frame and, after the last packet, map contents. Frames the kernel refuses (EINVAL, shorter
// than an Ethernet header) are refused by the VM too. callx.o, which the kernel cannot run,
// returns the value its README derives: XDP_DROP.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MapType } from "../../runtime/object/map-types.js";
import { loadObject } from "../../runtime/vm/loader.js";
import type { BpfMap } from "../../runtime/vm/maps/types.js";
import type { ExecProgram } from "../../runtime/vm/program.js";
import { XdpInputError, runXdp } from "../../runtime/vm/xdp.js";
import { caseName, expectedCases, hex, referenceObjectPath, referencePacket, type ExpectedMapEntry } from "../support/reference-cases.js";
import { haveShared } from "../support/shared.js";

const cases = haveShared("reference/expected.json") ? expectedCases() : [];
/** The recording host had 2 possible CPUs and pinned the runner to CPU 0. */
const CPUS = 2;

const u32le = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);

/** A map's contents in expected.json's shape: keys in order, hash/LPM sorted by key hex. */
function dumpMap(map: BpfMap, programs: ReadonlyMap<string, ExecProgram>): ExpectedMapEntry[] {
  const out: ExpectedMapEntry[] = [];
  for (let key = map.nextKey(undefined); typeof key !== "number"; key = map.nextKey(key)) {
    if (map.def.type === MapType.PROG_ARRAY) {
      const prog = map.getProgram?.(new DataView(key.buffer, key.byteOffset, 4).getUint32(0, true)) as ExecProgram | undefined;
      if (prog) out.push({ key: hex(key), value_prog: [...programs].find(([, p]) => p === prog)![0] });
      continue;
    }
    const value = map.userLookup(key);
    if (typeof value === "number") continue;
    if (map.def.type === MapType.PERCPU_ARRAY || map.def.type === MapType.PERCPU_HASH) {
      const stride = Math.ceil(map.def.valueSize / 8) * 8;
      const perCpu = Array.from({ length: CPUS }, (_, cpu) => hex(value.subarray(cpu * stride, cpu * stride + map.def.valueSize)));
      out.push({ key: hex(key), percpu_values: perCpu, value: perCpu[0]! });
    } else {
      out.push({ key: hex(key), value: hex(value) });
    }
  }
  const sorted = map.def.type === MapType.HASH || map.def.type === MapType.LPM_TRIE;
  return sorted ? out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : out;
}

describe.skipIf(cases.length === 0)("VM = kernel on expected.json", () => {
  it.each(cases.map((c) => [caseName(c), c] as const))("%s", (_name, c) => {
    const obj = loadObject(new Uint8Array(readFileSync(referenceObjectPath(c.object))), { cpus: CPUS });
    for (const [mapName, slots] of Object.entries(c.setup?.prog_array ?? {})) {
      for (const [index, progName] of Object.entries(slots)) obj.maps.get(mapName)!.userUpdate(u32le(Number(index)), obj.programs.get(progName)!, 0);
    }
    c.packets.forEach((packet, i) => {
      const want = c.results[i]!;
      const frame = referencePacket(packet);
      if (want.error) {
        expect(want.error).toBe("EINVAL");
        expect(() => runXdp(obj, c.program, frame, { cpu: 0 })).toThrow(XdpInputError);
        return;
      }
      const got = runXdp(obj, c.program, frame, { cpu: 0 });
      expect({ retval: got.retval, data_out_hex: hex(got.packet) }).toEqual({ retval: want.retval, data_out_hex: want.data_out_hex });
    });
    for (const [mapName, want] of Object.entries(c.maps)) {
      const map = obj.maps.get(mapName);
      expect(map, `map ${mapName}`).toBeDefined();
      expect({ key_size: map!.def.keySize, value_size: map!.def.valueSize, max_entries: map!.def.maxEntries, flags: map!.def.flags }).toEqual({
        key_size: want.key_size,
        value_size: want.value_size,
        max_entries: want.max_entries,
        flags: want.flags,
      });
      const strip = (e: ExpectedMapEntry): ExpectedMapEntry => ({ key: e.key, ...(e.value !== undefined ? { value: e.value } : {}), ...(e.value_prog ? { value_prog: e.value_prog } : {}), ...(e.percpu_values ? { percpu_values: e.percpu_values } : {}) });
      expect(dumpMap(map!, obj.programs)).toEqual(want.entries.map(strip));
    }
  });

  it("runs callx.o's indirect call to the README's value, XDP_DROP, on every frame", () => {
    const obj = loadObject(new Uint8Array(readFileSync(referenceObjectPath("callx.o"))));
    for (const packet of ["ipv4_udp_dns", "ipv6_udp", "arp_request", "eth_only_14b"]) {
      expect(runXdp(obj, "xdp_callx", referencePacket(packet)).retval).toBe(1);
    }
  });
});
