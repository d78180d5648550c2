// The maps whose values are references: PROG_ARRAY (tail call targets), ARRAY_OF_MAPS and
// HASH_OF_MAPS (inner maps checked against the template), PERF_EVENT_ARRAY (per-CPU output of
// bpf_perf_event_output with its index, CPU and context-length rules).
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import {
  BPF_ANY,
  BPF_EXIST,
  BPF_F_CURRENT_CPU,
  BPF_F_INNER_MAP,
  BPF_NOEXIST,
  createMap,
  E2BIG,
  EEXIST,
  EFAULT,
  EINVAL,
  ENOENT,
  ENOTSUPP,
  EOPNOTSUPP,
  type MapDef,
} from "../../../runtime/vm/maps/index.js";
import { bytes, hex, readU32, u32 } from "./fixtures.js";

describe("PROG_ARRAY", () => {
  const progs = (maxEntries = 4) => createMap({ name: "jmp", type: MapType.PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries, flags: 0 });
  const prog = { id: 42, name: "next" };

  it("holds program handles for tail calls", () => {
    const m = progs();
    expect(m.getProgram(1)).toBeUndefined();
    expect(m.userUpdate(u32(1), prog)).toBe(0);
    expect(m.getProgram(1)).toBe(prog);
    expect(m.getProgram(4)).toBeUndefined();
    expect(m.getProgram(-1)).toBeUndefined();
  });

  it("user updates: BPF_ANY only, E2BIG past the end; deleting an empty slot is ENOENT", () => {
    const m = progs(2);
    expect(m.userUpdate(u32(0), prog, BPF_NOEXIST)).toBe(-EINVAL);
    expect(m.userUpdate(u32(0), prog, BPF_EXIST)).toBe(-EINVAL);
    expect(m.userUpdate(u32(2), prog)).toBe(-E2BIG);
    expect(m.userDelete(u32(0))).toBe(-ENOENT);
    expect(m.userDelete(u32(2))).toBe(-E2BIG);
    m.userUpdate(u32(0), prog);
    expect(m.userDelete(u32(0))).toBe(0);
    expect(m.getProgram(0)).toBeUndefined();
  });

  it("user lookups give the program's id; programs can neither look up nor update", () => {
    const m = progs();
    m.userUpdate(u32(3), prog);
    expect(m.userLookup(u32(3))).toEqual(u32(42));
    expect(m.userLookup(u32(2))).toBe(-ENOENT);
    expect(m.lookup(u32(3))).toBeUndefined();
    expect(m.update(u32(3))).toBe(-EOPNOTSUPP);
    expect([...m.entries()].map((e) => [readU32(e.key), readU32(e.value)])).toEqual([[3, 42]]);
  });
});

describe("ARRAY_OF_MAPS and HASH_OF_MAPS", () => {
  const innerDef: MapDef = { name: "inner", type: MapType.ARRAY, keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 };
  const outer = (type: MapType.ARRAY_OF_MAPS | MapType.HASH_OF_MAPS, innerMap = innerDef, maxEntries = 2) =>
    createMap({ name: "outer", type, keySize: 4, valueSize: 4, maxEntries, flags: 0, innerMap });

  it("stores maps that match the template and gives them back to programs", () => {
    const m = createMap({ name: "outer", type: MapType.ARRAY_OF_MAPS, keySize: 4, valueSize: 4, maxEntries: 2, flags: 0, innerMap: innerDef });
    const inner = createMap(innerDef);
    expect(m.userUpdate(u32(1), inner)).toBe(0);
    expect(m.getInnerMap(u32(1))).toBe(inner);
    expect(m.getInnerMap(1)).toBe(inner);
    expect(m.userLookup(u32(1))).toEqual(u32(inner.id));
    expect(m.lookup(u32(1))).toBeUndefined();
    expect(m.update(u32(1))).toBe(-EOPNOTSUPP);
  });

  it("refuses inner maps of another type, sizes, flags or (for arrays) max_entries", () => {
    const m = outer(MapType.ARRAY_OF_MAPS);
    const wrong: Partial<MapDef>[] = [{ type: MapType.PERCPU_ARRAY }, { valueSize: 4 }, { flags: 0x80 }, { maxEntries: 5 }];
    for (const w of wrong) expect(m.userUpdate(u32(0), createMap({ ...innerDef, ...w })), JSON.stringify(w)).toBe(-EINVAL);
    // RDONLY/WRONLY belong to the file descriptor, not the map: they do not count.
    expect(m.userUpdate(u32(0), createMap({ ...innerDef, flags: 0x8 }))).toBe(0);
  });

  it("accepts any max_entries when the array template has BPF_F_INNER_MAP; hash templates never compare it", () => {
    const flexible = outer(MapType.ARRAY_OF_MAPS, { ...innerDef, flags: BPF_F_INNER_MAP });
    expect(flexible.userUpdate(u32(0), createMap({ ...innerDef, flags: BPF_F_INNER_MAP, maxEntries: 100 }))).toBe(0);
    const hashInner: MapDef = { name: "h", type: MapType.HASH, keySize: 4, valueSize: 4, maxEntries: 8, flags: 0 };
    const byHash = outer(MapType.HASH_OF_MAPS, hashInner);
    expect(byHash.userUpdate(u32(0), createMap({ ...hashInner, maxEntries: 1000 }))).toBe(0);
  });

  it("ARRAY_OF_MAPS: BPF_ANY only, E2BIG past the end, ENOENT deleting an empty slot", () => {
    const m = outer(MapType.ARRAY_OF_MAPS);
    const inner = createMap(innerDef);
    expect(m.userUpdate(u32(0), inner, BPF_NOEXIST)).toBe(-EINVAL);
    expect(m.userUpdate(u32(2), inner)).toBe(-E2BIG);
    expect(m.userDelete(u32(0))).toBe(-ENOENT);
    expect(m.nextKey(u32(1))).toBe(-ENOENT);
  });

  it("HASH_OF_MAPS: the hash flag rules and E2BIG when full", () => {
    const m = outer(MapType.HASH_OF_MAPS, innerDef, 1);
    const a = createMap(innerDef);
    const b = createMap(innerDef);
    expect(m.userUpdate(u32(7), a, BPF_EXIST)).toBe(-ENOENT);
    expect(m.userUpdate(u32(7), a, BPF_NOEXIST)).toBe(0);
    expect(m.userUpdate(u32(7), b, BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.userUpdate(u32(7), b, BPF_ANY)).toBe(0);
    expect(m.getInnerMap(u32(7))).toBe(b);
    expect(m.userUpdate(u32(8), a)).toBe(-E2BIG);
    expect(m.userDelete(u32(7))).toBe(0);
    expect(m.userDelete(u32(7))).toBe(-ENOENT);
  });
});

describe("PERF_EVENT_ARRAY", () => {
  const perf = (maxEntries = 4, cpus = 2) =>
    createMap({ name: "events", type: MapType.PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries, flags: 0 }, { cpus });

  it("collects samples per CPU through BPF_F_CURRENT_CPU once the buffers are open", () => {
    const m = perf();
    expect(m.output(BPF_F_CURRENT_CPU, bytes(1), 0)).toBe(-ENOENT);
    m.openCpuBuffers();
    expect(m.output(BPF_F_CURRENT_CPU, bytes(1), 0)).toBe(0);
    expect(m.output(BPF_F_CURRENT_CPU, bytes(2), 1)).toBe(0);
    expect(m.output(0, bytes(3), 0)).toBe(0);
    expect(m.drain(1).map((s) => hex(s.data))).toEqual(["02"]);
    expect(m.drain().map((s) => [s.cpu, hex(s.data)])).toEqual([
      [0, "01"],
      [0, "03"],
    ]);
    expect(m.drain()).toEqual([]);
  });

  it("an explicit index must hold an event of the program's CPU; past the end is E2BIG", () => {
    const m = perf(4, 2);
    m.openCpuBuffers();
    expect(m.output(1, bytes(1), 0)).toBe(-EOPNOTSUPP);
    expect(m.output(3, bytes(1), 0)).toBe(-ENOENT);
    expect(m.output(4, bytes(1), 0)).toBe(-E2BIG);
    expect(m.userUpdate(u32(3), { cpu: 0 })).toBe(0);
    expect(m.output(3, bytes(1), 0)).toBe(0);
  });

  it("appends the first ctx-length bytes of the context (the packet) after the data", () => {
    const m = perf();
    m.openCpuBuffers();
    const packet = bytes(0xa, 0xb, 0xc, 0xd);
    expect(m.output(BPF_F_CURRENT_CPU | (3n << 32n), bytes(1, 2), 0, packet)).toBe(0);
    expect(hex(m.drain()[0]!.data)).toBe("01020a0b0c");
    expect(m.output(BPF_F_CURRENT_CPU | (5n << 32n), bytes(1), 0, packet)).toBe(-EFAULT);
    expect(m.output(1n << 60n, bytes(1), 0)).toBe(-EINVAL);
  });

  it("user space sets events with BPF_ANY only; lookups are not supported", () => {
    const m = perf();
    expect(m.userUpdate(u32(0), { cpu: 0 }, BPF_NOEXIST)).toBe(-EINVAL);
    expect(m.userUpdate(u32(0), { cpu: 0 })).toBe(0);
    expect(m.userLookup(u32(0))).toBe(-ENOTSUPP);
    expect(m.userDelete(u32(0))).toBe(0);
    expect(m.userDelete(u32(0))).toBe(-ENOENT);
  });
});
