// LRU_HASH and LRU_PERCPU_HASH: eviction of the least recently used element, what counts as
// use (program lookups and all updates, not user lookups), the kernel's take-a-node-first
// update, and the per-CPU lists of BPF_F_NO_COMMON_LRU.
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import {
  BPF_ANY,
  BPF_EXIST,
  BPF_F_LOCK,
  BPF_F_NO_COMMON_LRU,
  BPF_NOEXIST,
  createMap,
  EEXIST,
  EINVAL,
  ENOENT,
} from "../../../runtime/vm/maps/index.js";
import { readU32, u32 } from "./fixtures.js";

const lru = (maxEntries = 3, flags = 0, cpus = 1) =>
  createMap({ name: "l", type: MapType.LRU_HASH, keySize: 4, valueSize: 4, maxEntries, flags }, { cpus });
const keysOf = (m: { entries(): IterableIterator<{ key: Uint8Array }> }) => [...m.entries()].map((e) => readU32(e.key)).sort((a, b) => a - b);

describe("LRU_HASH", () => {
  it("evicts the least recently used element instead of failing", () => {
    const m = lru(3);
    for (const k of [1, 2, 3]) expect(m.update(u32(k), u32(k))).toBe(0);
    expect(m.update(u32(4), u32(4))).toBe(0);
    expect(keysOf(m)).toEqual([2, 3, 4]);
    expect(m.recencyOrder().map((k) => readU32(k))).toEqual([2, 3, 4]);
  });

  it("a program lookup counts as use", () => {
    const m = lru(3);
    for (const k of [1, 2, 3]) m.update(u32(k), u32(k));
    m.lookup(u32(1));
    m.update(u32(4), u32(4));
    expect(keysOf(m)).toEqual([1, 3, 4]);
  });

  it("a user-space lookup or walk does not", () => {
    const m = lru(3);
    for (const k of [1, 2, 3]) m.update(u32(k), u32(k));
    m.userLookup(u32(1));
    [...m.entries()];
    m.update(u32(4), u32(4));
    expect(keysOf(m)).toEqual([2, 3, 4]);
  });

  it("an update counts as use", () => {
    const m = lru(3);
    for (const k of [1, 2, 3]) m.update(u32(k), u32(k));
    m.userUpdate(u32(1), u32(11));
    m.update(u32(4), u32(4));
    expect(keysOf(m)).toEqual([1, 3, 4]);
  });

  it("takes a node before looking at the key: on a full map even replacing an element evicts one", () => {
    const m = lru(3);
    for (const k of [1, 2, 3]) m.update(u32(k), u32(k));
    expect(m.update(u32(3), u32(33), BPF_ANY)).toBe(0);
    expect(keysOf(m)).toEqual([2, 3]);
    // and a failing flag check still cost the evicted element
    m.update(u32(4), u32(4));
    expect(m.update(u32(3), u32(0), BPF_NOEXIST)).toBe(-EEXIST);
    expect(keysOf(m)).toEqual([3, 4]);
  });

  it("can evict the very key an update names: BPF_EXIST then finds nothing", () => {
    const m = lru(2);
    m.update(u32(1), u32(1));
    m.update(u32(2), u32(2));
    expect(m.update(u32(1), u32(9), BPF_EXIST)).toBe(-ENOENT);
    expect(keysOf(m)).toEqual([2]);
  });

  it("deleting frees a node: no eviction until the map is full again", () => {
    const m = lru(2);
    m.update(u32(1), u32(1));
    m.update(u32(2), u32(2));
    expect(m.delete(u32(1))).toBe(0);
    m.update(u32(3), u32(3));
    expect(keysOf(m)).toEqual([2, 3]);
  });

  it("replaces elements like HASH (old views keep their bytes) and has no BPF_F_LOCK", () => {
    const m = lru(2);
    m.update(u32(1), u32(1));
    const view = m.lookup(u32(1))!;
    m.update(u32(1), u32(2));
    expect(view).toEqual(u32(1));
    expect(m.update(u32(1), u32(2), BPF_F_LOCK)).toBe(-EINVAL);
  });

  it("BPF_F_NO_COMMON_LRU: each CPU evicts among its own max_entries / cpus nodes", () => {
    const m = lru(4, BPF_F_NO_COMMON_LRU, 2);
    m.update(u32(1), u32(1), BPF_ANY, 0);
    m.update(u32(2), u32(2), BPF_ANY, 0);
    m.update(u32(3), u32(3), BPF_ANY, 0); // CPU 0 has only 2 nodes: evicts 1
    expect(keysOf(m)).toEqual([2, 3]);
    m.update(u32(10), u32(10), BPF_ANY, 1);
    m.update(u32(11), u32(11), BPF_ANY, 1); // CPU 1's nodes: nothing evicted
    expect(keysOf(m)).toEqual([2, 3, 10, 11]);
  });

  it("BPF_F_NO_COMMON_LRU rounds max_entries up to a multiple of the CPU count", () => {
    expect(lru(5, BPF_F_NO_COMMON_LRU, 4).def.maxEntries).toBe(8);
    expect(lru(5, 0, 4).def.maxEntries).toBe(5);
  });
});

describe("LRU_PERCPU_HASH", () => {
  const lruPercpu = (maxEntries = 2, cpus = 2) =>
    createMap({ name: "lp", type: MapType.LRU_PERCPU_HASH, keySize: 4, valueSize: 4, maxEntries, flags: 0 }, { cpus });

  it("updates present elements in place, on the program's CPU", () => {
    const m = lruPercpu();
    m.update(u32(1), u32(1), BPF_ANY, 0);
    const view = m.lookup(u32(1), 1)!;
    m.update(u32(1), u32(5), BPF_EXIST, 1);
    expect(view).toEqual(u32(5));
    expect(m.lookup(u32(1), 0)).toEqual(u32(1));
  });

  it("evicts the least recently used; program lookups count as use", () => {
    const m = lruPercpu(2);
    m.update(u32(1), u32(1), BPF_ANY, 0);
    m.update(u32(2), u32(2), BPF_ANY, 0);
    m.lookup(u32(1), 1);
    m.update(u32(3), u32(3), BPF_ANY, 0);
    expect(keysOf(m)).toEqual([1, 3]);
  });

  it("BPF_EXIST takes no node, so it never evicts", () => {
    const m = lruPercpu(2);
    m.update(u32(1), u32(1), BPF_ANY, 0);
    m.update(u32(2), u32(2), BPF_ANY, 0);
    expect(m.update(u32(2), u32(22), BPF_EXIST, 0)).toBe(0);
    expect(keysOf(m)).toEqual([1, 2]);
    expect(m.update(u32(2), u32(22), BPF_ANY, 0)).toBe(0); // BPF_ANY does: 1 goes
    expect(keysOf(m)).toEqual([2]);
  });

  it("user updates write every CPU's value", () => {
    const m = lruPercpu(2, 2);
    expect(m.userUpdate(u32(1), Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]))).toBe(0);
    expect(m.lookup(u32(1), 1)).toEqual(u32(2));
    expect(m.userUpdate(u32(1), new Uint8Array(16), BPF_F_LOCK)).toBe(-EINVAL);
  });
});
