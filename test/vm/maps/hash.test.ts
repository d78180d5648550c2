// HASH and PERCPU_HASH semantics: capacity (E2BIG only for new keys), the flag rules, element
// replacement (old views keep their bytes, as the kernel's RCU-freed elements do) against
// in-place BPF_F_LOCK and per-CPU updates, the key walk, lookup-and-delete and per-CPU layout.
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import {
  BPF_ANY,
  BPF_EXIST,
  BPF_F_LOCK,
  BPF_NOEXIST,
  createMap,
  E2BIG,
  EEXIST,
  EINVAL,
  ENOENT,
} from "../../../runtime/vm/maps/index.js";
import { bytes, hex, u32 } from "./fixtures.js";

const hash = (maxEntries = 2, extra = {}) =>
  createMap({ name: "h", type: MapType.HASH, keySize: 4, valueSize: 4, maxEntries, flags: 0, ...extra });

describe("HASH", () => {
  it("holds max_entries elements: a new key is then E2BIG, an existing one still updates", () => {
    const m = hash(2);
    expect(m.update(u32(1), u32(10))).toBe(0);
    expect(m.update(u32(2), u32(20))).toBe(0);
    expect(m.update(u32(3), u32(30))).toBe(-E2BIG);
    expect(m.update(u32(2), u32(21))).toBe(0);
    expect(m.delete(u32(1))).toBe(0);
    expect(m.update(u32(3), u32(30))).toBe(0);
    expect(m.size).toBe(2);
  });

  it("BPF_NOEXIST on a present key is EEXIST, BPF_EXIST on an absent one ENOENT, other flags EINVAL", () => {
    const m = hash(4);
    expect(m.update(u32(1), u32(1), BPF_EXIST)).toBe(-ENOENT);
    expect(m.update(u32(1), u32(1), BPF_NOEXIST)).toBe(0);
    expect(m.update(u32(1), u32(2), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(u32(1), u32(3), BPF_EXIST)).toBe(0);
    expect(m.update(u32(1), u32(3), 3)).toBe(-EINVAL);
    expect(m.update(u32(1), u32(3), 2n ** 40n)).toBe(-EINVAL);
    expect(m.userLookup(u32(1))).toEqual(u32(3));
  });

  it("the flag check comes before the capacity check", () => {
    const m = hash(1);
    m.update(u32(1), u32(1));
    expect(m.update(u32(2), u32(2), BPF_EXIST)).toBe(-ENOENT);
    expect(m.update(u32(1), u32(2), BPF_NOEXIST)).toBe(-EEXIST);
  });

  it("delete and lookup of an absent key: ENOENT and nothing", () => {
    const m = hash();
    expect(m.delete(u32(5))).toBe(-ENOENT);
    expect(m.lookup(u32(5))).toBeUndefined();
    expect(m.userLookup(u32(5))).toBe(-ENOENT);
  });

  it("an update replaces the element: a view taken before keeps the old bytes (RCU)", () => {
    const m = hash();
    m.update(u32(1), u32(100));
    const view = m.lookup(u32(1))!;
    m.update(u32(1), u32(200));
    expect(view).toEqual(u32(100));
    expect(m.lookup(u32(1))).toEqual(u32(200));
    view[0] = 1; // writes to the old element go nowhere
    expect(m.userLookup(u32(1))).toEqual(u32(200));
  });

  it("a deleted element's view stays readable and writable for the rest of the run", () => {
    const m = hash();
    m.update(u32(1), u32(7));
    const view = m.lookup(u32(1))!;
    expect(m.delete(u32(1))).toBe(0);
    expect(view).toEqual(u32(7));
    view[1] = 1;
    expect(m.userLookup(u32(1))).toBe(-ENOENT);
  });

  it("BPF_F_LOCK updates in place and never touches the lock word", () => {
    const m = createMap({ name: "h", type: MapType.HASH, keySize: 4, valueSize: 8, maxEntries: 2, flags: 0, spinLockOffset: 0 });
    expect(m.update(u32(1), bytes(1, 1, 1, 1, 2, 2, 2, 2), BPF_F_LOCK | BPF_NOEXIST)).toBe(0);
    const view = m.lookup(u32(1))!;
    expect(hex(view)).toBe("0000000002020202");
    view[0] = 1; // locked by a program
    expect(m.update(u32(1), bytes(0, 0, 0, 0, 3, 3, 3, 3), BPF_F_LOCK)).toBe(0);
    expect(hex(view)).toBe("0100000003030303");
    expect(m.update(u32(1), bytes(0, 0, 0, 0, 3, 3, 3, 3), BPF_F_LOCK | BPF_NOEXIST)).toBe(-EEXIST);
    expect(hex(m.userLookup(u32(1)) as Uint8Array)).toBe("0000000003030303");
  });

  it("BPF_F_LOCK without a spin lock is EINVAL", () => {
    expect(hash().update(u32(1), u32(1), BPF_F_LOCK)).toBe(-EINVAL);
    expect(hash().userUpdate(u32(1), u32(1), BPF_F_LOCK)).toBe(-EINVAL);
  });

  it("walks keys in a stable order; an absent key restarts at the first key", () => {
    const m = hash(8);
    for (const k of [5, 3, 9]) m.update(u32(k), u32(k));
    m.update(u32(3), u32(33)); // replacing keeps the place
    expect(m.nextKey(undefined)).toEqual(u32(5));
    expect(m.nextKey(u32(5))).toEqual(u32(3));
    expect(m.nextKey(u32(3))).toEqual(u32(9));
    expect(m.nextKey(u32(9))).toBe(-ENOENT);
    expect(m.nextKey(u32(42))).toEqual(u32(5));
    expect(hash().nextKey(undefined)).toBe(-ENOENT);
    expect([...m.entries()].map((e) => [hex(e.key), hex(e.value)])).toEqual([
      ["05000000", "05000000"],
      ["03000000", "21000000"],
      ["09000000", "09000000"],
    ]);
  });

  it("lookup-and-delete returns the value and removes the element", () => {
    const m = hash();
    m.update(u32(1), u32(11));
    expect(m.userLookupAndDelete(u32(1))).toEqual(u32(11));
    expect(m.userLookupAndDelete(u32(1))).toBe(-ENOENT);
    expect(m.userLookupAndDelete(u32(1), BPF_F_LOCK)).toBe(-EINVAL);
  });
});

describe("PERCPU_HASH", () => {
  const percpu = (cpus: number, maxEntries = 2) =>
    createMap({ name: "p", type: MapType.PERCPU_HASH, keySize: 4, valueSize: 4, maxEntries, flags: 0 }, { cpus });

  it("a new element from a program has its value on that CPU and zeros on the others", () => {
    const m = percpu(3);
    expect(m.update(u32(1), u32(0x11), BPF_ANY, 1)).toBe(0);
    expect(hex(m.userLookup(u32(1)) as Uint8Array)).toBe("0000000000000000" + "1100000000000000" + "0000000000000000");
  });

  it("updates in place: a view from lookup sees later updates of its CPU only", () => {
    const m = percpu(2);
    m.update(u32(1), u32(1), BPF_ANY, 0);
    const view0 = m.lookup(u32(1), 0)!;
    m.update(u32(1), u32(2), BPF_EXIST, 0);
    m.update(u32(1), u32(3), BPF_EXIST, 1);
    expect(view0).toEqual(u32(2));
    expect(m.lookup(u32(1), 1)).toEqual(u32(3));
    expect(m.lookup(u32(1), 2)).toBeUndefined();
  });

  it("user updates set every CPU from the padded layout; BPF_F_LOCK and unknown flags are EINVAL", () => {
    const m = percpu(2, 1);
    const all = bytes(1, 0, 0, 0, 9, 9, 9, 9, 2, 0, 0, 0, 9, 9, 9, 9);
    expect(m.userUpdate(u32(7), all)).toBe(0);
    // Only value_size bytes of each slot are copied (copy_map_value): the padding stays zero.
    expect(hex(m.userLookup(u32(7)) as Uint8Array)).toBe("0100000000000000" + "0200000000000000");
    expect(m.userUpdate(u32(8), all)).toBe(-E2BIG);
    expect(m.userUpdate(u32(7), all, BPF_F_LOCK)).toBe(-EINVAL);
    expect(m.update(u32(7), u32(1), BPF_F_LOCK, 0)).toBe(-EINVAL);
    expect(m.userUpdate(u32(7), all, BPF_NOEXIST)).toBe(-EEXIST);
  });

  it("elements() are the given CPU's live values", () => {
    const m = percpu(2, 4);
    m.update(u32(1), u32(1), BPF_ANY, 0);
    m.update(u32(2), u32(2), BPF_ANY, 1);
    expect([...m.elements(1)].map((e) => hex(e.value))).toEqual(["00000000", "02000000"]);
  });
});
