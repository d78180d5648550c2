// ARRAY and PERCPU_ARRAY semantics: preallocated zero values, in-place updates seen through
// live views, the flag and index errors in the kernel's order, u64 flags, spin-lock-aware
// copies, the key walk, and the per-CPU user layout (round_up(value_size, 8) per CPU).
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, createMap, E2BIG, EEXIST, EINVAL, ENOENT } from "../../../runtime/vm/maps/index.js";
import { bytes, hex, u32 } from "./fixtures.js";

const array = (maxEntries = 4, valueSize = 4, extra = {}) =>
  createMap({ name: "a", type: MapType.ARRAY, keySize: 4, valueSize, maxEntries, flags: 0, ...extra });

describe("ARRAY", () => {
  it("starts with every value zero and present", () => {
    const m = array(3, 6);
    expect([...m.entries()].map((e) => [hex(e.key), hex(e.value)])).toEqual([
      ["00000000", "000000000000"],
      ["01000000", "000000000000"],
      ["02000000", "000000000000"],
    ]);
    expect(m.lookup(u32(2))).toEqual(new Uint8Array(6));
  });

  it("lookup gives a live view: program writes show in user lookups, updates show in the view", () => {
    const m = array();
    const view = m.lookup(u32(1))!;
    view[0] = 0xaa;
    expect(m.userLookup(u32(1))).toEqual(bytes(0xaa, 0, 0, 0));
    expect(m.update(u32(1), bytes(1, 2, 3, 4), BPF_ANY)).toBe(0);
    expect(view).toEqual(bytes(1, 2, 3, 4));
    expect(m.lookup(u32(1))).toBe(view);
  });

  it("user lookups are copies", () => {
    const m = array();
    const copy = m.userLookup(u32(0)) as Uint8Array;
    copy[0] = 9;
    expect(m.lookup(u32(0))![0]).toBe(0);
  });

  it("has every element: BPF_NOEXIST is EEXIST, BPF_EXIST works, delete is EINVAL", () => {
    const m = array();
    expect(m.update(u32(0), bytes(1, 1, 1, 1), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(u32(0), bytes(2, 2, 2, 2), BPF_EXIST)).toBe(0);
    expect(m.delete(u32(0))).toBe(-EINVAL);
    expect(m.userDelete(u32(0))).toBe(-EINVAL);
    expect(m.userLookup(u32(0))).toEqual(bytes(2, 2, 2, 2));
  });

  it("an index past the end: E2BIG on update, nothing on lookup, ENOENT from user space", () => {
    const m = array(4);
    expect(m.update(u32(4), bytes(1, 1, 1, 1))).toBe(-E2BIG);
    expect(m.update(u32(0xffffffff), bytes(1, 1, 1, 1))).toBe(-E2BIG);
    expect(m.lookup(u32(4))).toBeUndefined();
    expect(m.userLookup(u32(4))).toBe(-ENOENT);
  });

  it("checks flags before the index, the index before BPF_NOEXIST, BPF_NOEXIST before BPF_F_LOCK", () => {
    const m = array(4);
    expect(m.update(u32(9), bytes(0, 0, 0, 0), 3)).toBe(-EINVAL);
    expect(m.update(u32(9), bytes(0, 0, 0, 0), BPF_NOEXIST)).toBe(-E2BIG);
    expect(m.update(u32(0), bytes(0, 0, 0, 0), BPF_NOEXIST | BPF_F_LOCK)).toBe(-EEXIST);
    expect(m.update(u32(0), bytes(0, 0, 0, 0), BPF_F_LOCK)).toBe(-EINVAL);
  });

  it("reads flags as u64: high bits make them invalid (numbers and bigints)", () => {
    const m = array();
    expect(m.update(u32(0), bytes(0, 0, 0, 0), 2 ** 32)).toBe(-EINVAL);
    expect(m.update(u32(0), bytes(0, 0, 0, 0), (1n << 63n) | 2n)).toBe(-EINVAL);
    expect(m.update(u32(0), bytes(0, 0, 0, 0), 2n)).toBe(0);
    expect(m.userLookup(u32(0), 1)).toBe(-EINVAL);
  });

  it("with a spin lock: BPF_F_LOCK works, no update overwrites the lock, user space reads it as zero", () => {
    const m = array(2, 8, { spinLockOffset: 4 });
    const view = m.lookup(u32(0))!;
    view.set([1, 0, 0, 0], 4); // a program holds the lock
    expect(m.update(u32(0), bytes(9, 9, 9, 9, 7, 7, 7, 7), BPF_F_LOCK)).toBe(0);
    expect(hex(view)).toBe("0909090901000000");
    expect(m.userUpdate(u32(0), bytes(5, 5, 5, 5, 6, 6, 6, 6), BPF_ANY)).toBe(0);
    expect(hex(view)).toBe("0505050501000000");
    expect(hex(m.userLookup(u32(0)) as Uint8Array)).toBe("0505050500000000");
    expect(hex(m.userLookup(u32(0), BPF_F_LOCK) as Uint8Array)).toBe("0505050500000000");
  });

  it("BPF_F_LOCK from user space without a spin lock is EINVAL", () => {
    const m = array();
    expect(m.userUpdate(u32(0), bytes(0, 0, 0, 0), BPF_F_LOCK)).toBe(-EINVAL);
    expect(m.userLookup(u32(0), BPF_F_LOCK)).toBe(-EINVAL);
  });

  it("walks keys in index order; a missing or out-of-range key restarts at 0", () => {
    const m = array(3);
    expect(m.nextKey(undefined)).toEqual(u32(0));
    expect(m.nextKey(u32(0))).toEqual(u32(1));
    expect(m.nextKey(u32(2))).toBe(-ENOENT);
    expect(m.nextKey(u32(7))).toEqual(u32(0));
  });

  it("elements() are the live values bpf_for_each_map_elem visits", () => {
    const m = array(2);
    for (const e of m.elements(0)) e.value[0] = 7;
    expect([...m.entries()].map((e) => e.value[0])).toEqual([7, 7]);
  });

  it("rejects keys and values of the wrong size as caller bugs", () => {
    const m = array();
    expect(() => m.lookup(new Uint8Array(8))).toThrow(RangeError);
    expect(() => m.update(u32(0), new Uint8Array(3))).toThrow(/value must be 4 bytes, got 3/);
  });
});

describe("PERCPU_ARRAY", () => {
  const percpu = (cpus: number, valueSize = 4, maxEntries = 2) =>
    createMap({ name: "p", type: MapType.PERCPU_ARRAY, keySize: 4, valueSize, maxEntries, flags: 0 }, { cpus });

  it("gives each CPU its own value", () => {
    const m = percpu(3);
    expect(m.update(u32(1), bytes(1, 0, 0, 0), BPF_ANY, 1)).toBe(0);
    m.lookup(u32(1), 2)![0] = 2;
    expect(m.lookup(u32(1), 0)).toEqual(bytes(0, 0, 0, 0));
    expect(m.lookup(u32(1), 1)).toEqual(bytes(1, 0, 0, 0));
    expect(m.lookup(u32(1), 3)).toBeUndefined(); // not a possible CPU (bpf_map_lookup_percpu_elem)
  });

  it("shows user space every CPU's value, each padded to round_up(value_size, 8)", () => {
    const m = percpu(3, 4);
    m.update(u32(0), bytes(1, 2, 3, 4), BPF_ANY, 0);
    m.update(u32(0), bytes(5, 6, 7, 8), BPF_ANY, 2);
    expect(hex(m.userLookup(u32(0)) as Uint8Array)).toBe("0102030400000000" + "0000000000000000" + "0506070800000000");
  });

  it("user updates take every CPU's padded value, padding included (copy_map_value_long)", () => {
    const m = percpu(2, 4);
    const all = bytes(1, 1, 1, 1, 0xee, 0xee, 0xee, 0xee, 2, 2, 2, 2, 0, 0, 0, 0);
    expect(m.userUpdate(u32(1), all)).toBe(0);
    expect(m.lookup(u32(1), 1)).toEqual(bytes(2, 2, 2, 2));
    expect(m.userLookup(u32(1))).toEqual(all);
    expect(() => m.userUpdate(u32(1), bytes(1, 1, 1, 1))).toThrow(/value must be 16 bytes/);
  });

  it("user updates: BPF_F_LOCK is EINVAL, BPF_NOEXIST EEXIST, past the end E2BIG", () => {
    const m = percpu(2, 8, 2);
    const v = new Uint8Array(16);
    expect(m.userUpdate(u32(0), v, BPF_F_LOCK)).toBe(-EINVAL);
    expect(m.userUpdate(u32(0), v, BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.userUpdate(u32(2), v, BPF_EXIST)).toBe(-E2BIG);
  });

  it("elements() are the given CPU's live values", () => {
    const m = percpu(2);
    for (const e of m.elements(1)) e.value[0] = 3;
    expect([...m.entries()].map((e) => hex(e.value))).toEqual(["0000000000000000" + "0300000000000000", "0000000000000000" + "0300000000000000"]);
  });
});
