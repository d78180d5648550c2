// QUEUE and STACK semantics: FIFO and LIFO order, E2BIG when full, BPF_EXIST dropping the
// oldest element (the bottom of a stack), invalid flags, ENOENT when empty, and the user-space
// mapping (update = push, lookup = peek, lookup-and-delete = pop) and unsupported key operations.
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, createMap, E2BIG, EINVAL, ENOENT } from "../../../runtime/vm/maps/index.js";
import { readU32, u32 } from "./fixtures.js";

const make = (type: MapType.QUEUE | MapType.STACK, maxEntries = 3) => createMap({ name: "q", type, keySize: 0, valueSize: 4, maxEntries, flags: 0 });
const drainAll = (m: ReturnType<typeof make>) => {
  const out: number[] = [];
  for (let v = m.pop(); typeof v !== "number"; v = m.pop()) out.push(readU32(v));
  return out;
};

describe("QUEUE", () => {
  it("pops in push order; peek does not remove", () => {
    const m = make(MapType.QUEUE);
    for (const v of [1, 2, 3]) expect(m.push(u32(v))).toBe(0);
    expect(m.peek()).toEqual(u32(1));
    expect(m.size).toBe(3);
    expect(drainAll(m)).toEqual([1, 2, 3]);
  });

  it("is E2BIG when full; BPF_EXIST makes room by dropping the oldest", () => {
    const m = make(MapType.QUEUE, 2);
    m.push(u32(1));
    m.push(u32(2));
    expect(m.push(u32(3))).toBe(-E2BIG);
    expect(m.push(u32(3), BPF_EXIST)).toBe(0);
    expect(drainAll(m)).toEqual([2, 3]);
  });

  it("BPF_NOEXIST and unknown flags are EINVAL; empty pop and peek are ENOENT", () => {
    const m = make(MapType.QUEUE);
    expect(m.push(u32(1), BPF_NOEXIST)).toBe(-EINVAL);
    expect(m.push(u32(1), 3)).toBe(-EINVAL);
    expect(m.push(u32(1), BPF_F_LOCK)).toBe(-EINVAL);
    expect(m.pop()).toBe(-ENOENT);
    expect(m.peek()).toBe(-ENOENT);
  });

  it("keeps order across many wrap-arounds of its ring", () => {
    const m = make(MapType.QUEUE, 3);
    const seen: number[] = [];
    for (let i = 0; i < 50; i += 2) {
      m.push(u32(i));
      m.push(u32(i + 1));
      seen.push(readU32(m.pop() as Uint8Array), readU32(m.pop() as Uint8Array));
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe("STACK", () => {
  it("pops the newest first", () => {
    const m = make(MapType.STACK);
    for (const v of [1, 2, 3]) m.push(u32(v));
    expect(m.peek()).toEqual(u32(3));
    expect(drainAll(m)).toEqual([3, 2, 1]);
  });

  it("BPF_EXIST on a full stack drops the bottom (oldest) element", () => {
    const m = make(MapType.STACK, 2);
    m.push(u32(1));
    m.push(u32(2));
    expect(m.push(u32(3))).toBe(-E2BIG);
    expect(m.push(u32(3), BPF_EXIST)).toBe(0);
    expect(drainAll(m)).toEqual([3, 2]);
  });
});

describe("QUEUE and STACK from user space", () => {
  it("update pushes, lookup peeks, lookup-and-delete pops (without flags)", () => {
    const m = make(MapType.QUEUE);
    expect(m.userUpdate(undefined, u32(7), BPF_ANY)).toBe(0);
    expect(m.userUpdate(new Uint8Array(0), u32(8), BPF_ANY)).toBe(0);
    expect(m.userLookup(undefined)).toEqual(u32(7));
    expect(m.userLookupAndDelete(undefined, BPF_F_LOCK)).toBe(-EINVAL);
    expect(m.userLookupAndDelete(undefined)).toEqual(u32(7));
    expect([...m.entries()].map((e) => readU32(e.value))).toEqual([8]);
  });

  it("has no keys: delete and getnext are EINVAL, programs' lookup/update/delete unsupported", () => {
    const m = make(MapType.STACK);
    expect(m.userDelete(undefined)).toBe(-EINVAL);
    expect(m.nextKey(undefined)).toBe(-EINVAL);
    expect(m.lookup(new Uint8Array(0))).toBeUndefined();
    expect(m.update(new Uint8Array(0), u32(1))).toBe(-EINVAL);
    expect(m.delete(new Uint8Array(0))).toBe(-EINVAL);
    expect(() => m.userLookup(u32(0))).toThrow(RangeError);
  });

  it("entries() lists a stack newest first, as pops would", () => {
    const m = make(MapType.STACK);
    for (const v of [4, 5, 6]) m.push(u32(v));
    expect([...m.entries()].map((e) => readU32(e.value))).toEqual([6, 5, 4]);
  });
});
