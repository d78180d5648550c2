// createMap's validation beyond what the kernel comparison covers: the error's shape (map
// name, rule, errno), the spin lock rules of BTF, map types the VM does not have, inner map
// templates, and the typed result.
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import {
  ArrayMap,
  createMap,
  EACCES,
  EINVAL,
  ENOTSUPP,
  EOPNOTSUPP,
  LpmTrieMap,
  MapCreateError,
  type MapDef,
  QueueStackMap,
} from "../../../runtime/vm/maps/index.js";

const base: MapDef = { name: "m", type: MapType.HASH, keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 };

function createError(def: MapDef): MapCreateError {
  try {
    createMap(def);
  } catch (e) {
    if (e instanceof MapCreateError) return e;
    throw e;
  }
  throw new Error("createMap succeeded");
}

describe("createMap", () => {
  it("names the map, the rule and the kernel's errno", () => {
    const e = createError({ ...base, name: "counters", type: MapType.ARRAY, keySize: 8 });
    expect(e.mapName).toBe("counters");
    expect(e.errno).toBe(EINVAL);
    expect(e.message).toBe('map "counters": ARRAY key size must be 4 (got 8) (EINVAL)');
  });

  it("explains the ring buffer and LPM rules", () => {
    expect(createError({ ...base, type: MapType.RINGBUF, keySize: 0, valueSize: 0, maxEntries: 5000 }).message).toMatch(
      /RINGBUF max_entries \(the ring size\) must be a power of 2 and a multiple of 4096 \(got 5000\)/,
    );
    expect(createError({ ...base, type: MapType.LPM_TRIE, keySize: 8 }).message).toMatch(/LPM_TRIE needs BPF_F_NO_PREALLOC/);
  });

  it("applies BTF's spin lock rules: HASH and ARRAY only, no program access flags, inside the value", () => {
    expect(createMap({ ...base, spinLockOffset: 4 }).def.spinLockOffset).toBe(4);
    expect(createError({ ...base, type: MapType.PERCPU_HASH, spinLockOffset: 0 }).errno).toBe(EOPNOTSUPP);
    expect(createError({ ...base, flags: 0x80, spinLockOffset: 0 }).errno).toBe(EACCES);
    expect(createError({ ...base, spinLockOffset: 6 }).errno).toBe(EINVAL);
    expect(createError({ ...base, spinLockOffset: 8 }).errno).toBe(EINVAL);
  });

  it("refuses map types the VM does not implement, and unknown ones", () => {
    expect(createError({ ...base, type: MapType.SOCKMAP }).errno).toBe(EOPNOTSUPP);
    expect(createError({ ...base, type: 99 as MapType }).errno).toBe(EINVAL);
  });

  it("checks inner map templates: present, valid, not a map of maps, not a PROG_ARRAY", () => {
    const outer: MapDef = { ...base, type: MapType.ARRAY_OF_MAPS, valueSize: 4 };
    expect(createError(outer).message).toMatch(/needs an inner map template/);
    expect(createError({ ...outer, innerMap: { ...base, name: "in", keySize: 0 } }).message).toMatch(/inner map "in": HASH key size must be > 0/);
    expect(createError({ ...outer, innerMap: { ...base, type: MapType.PROG_ARRAY, valueSize: 4 } }).errno).toBe(ENOTSUPP);
  });

  it("records the definition as the kernel does: RDONLY/WRONLY dropped, no inner map on plain maps", () => {
    const m = createMap({ ...base, flags: 0x8, innerMap: base });
    expect(m.def.flags).toBe(0);
    expect(m.def.innerMap).toBeUndefined();
  });

  it("treats attributes that are not u32 and CPU counts below 1 as caller bugs", () => {
    expect(() => createMap({ ...base, maxEntries: -1 })).toThrow(RangeError);
    expect(() => createMap({ ...base, keySize: 1.5 })).toThrow(RangeError);
    expect(() => createMap(base, { cpus: 0 })).toThrow(RangeError);
  });

  it("returns the class of the map type", () => {
    expect(createMap({ ...base, type: MapType.ARRAY })).toBeInstanceOf(ArrayMap);
    expect(createMap({ ...base, type: MapType.LPM_TRIE, keySize: 8, flags: 1 })).toBeInstanceOf(LpmTrieMap);
    expect(createMap({ ...base, type: MapType.STACK, keySize: 0 })).toBeInstanceOf(QueueStackMap);
    const ids = [createMap(base).id, createMap(base).id];
    expect(ids[1]).toBeGreaterThan(ids[0]!);
  });
});
