// The XDP redirect maps: DEVMAP (ifindex 0 empties a slot, program fds only with an ifindex),
// DEVMAP_HASH (full at max_entries, BPF_EXIST allowed on absent keys as in the kernel), CPUMAP
// (queue size limits, possible CPUs only) and XSKMAP (socket handles), with the values
// bpf_redirect_map reads.
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import {
  BPF_EXIST,
  BPF_F_RDONLY_PROG,
  BPF_NOEXIST,
  createMap,
  E2BIG,
  EBADF,
  EEXIST,
  EINVAL,
  ENODEV,
  ENOENT,
  EOPNOTSUPP,
  EOVERFLOW,
} from "../../../runtime/vm/maps/index.js";
import { hex, u32 } from "./fixtures.js";

const pair = (a: number, b: number) => {
  const v = new Uint8Array(8);
  const dv = new DataView(v.buffer);
  dv.setUint32(0, a, true);
  dv.setInt32(4, b, true);
  return v;
};

describe("DEVMAP", () => {
  const devmap = (valueSize = 4, maxEntries = 4) =>
    createMap({ name: "tx", type: MapType.DEVMAP, keySize: 4, valueSize, maxEntries, flags: 0 });

  it("is read-only for programs (the kernel adds BPF_F_RDONLY_PROG)", () => {
    expect(devmap().def.flags).toBe(BPF_F_RDONLY_PROG);
  });

  it("redirects to the stored ifindex; ifindex 0 empties the slot", () => {
    const m = devmap();
    expect(m.redirectTarget(1)).toBeUndefined();
    expect(m.userUpdate(u32(1), u32(7))).toBe(0);
    expect(m.redirectTarget(1)).toEqual(u32(7));
    expect(m.lookup(u32(1))).toEqual(u32(7));
    expect(m.userUpdate(u32(1), u32(0))).toBe(0);
    expect(m.redirectTarget(1)).toBeUndefined();
    expect(m.userLookup(u32(1))).toBe(-ENOENT);
  });

  it("array rules: BPF_NOEXIST is EEXIST, past the end E2BIG, delete past the end EINVAL, of an empty slot 0", () => {
    const m = devmap(4, 2);
    expect(m.update(u32(0), u32(3), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(u32(2), u32(3))).toBe(-E2BIG);
    expect(m.update(u32(0), u32(3), 3)).toBe(-EINVAL);
    expect(m.delete(u32(2))).toBe(-EINVAL);
    expect(m.delete(u32(1))).toBe(0);
    expect(m.nextKey(u32(0))).toEqual(u32(1));
  });

  it("bpf_devmap_val: a program fd only with an ifindex; fds <= 0 are stored as no program", () => {
    const m = devmap(8);
    expect(m.userUpdate(u32(0), pair(0, 5))).toBe(-EINVAL);
    expect(m.userUpdate(u32(0), pair(3, -1))).toBe(0);
    expect(hex(m.redirectTarget(0)!)).toBe("0300000000000000");
    expect(m.userUpdate(u32(0), pair(3, 9))).toBe(0);
    expect(hex(m.redirectTarget(0)!)).toBe("0300000009000000");
  });
});

describe("DEVMAP_HASH", () => {
  const devhash = (maxEntries = 2) => createMap({ name: "txh", type: MapType.DEVMAP_HASH, keySize: 4, valueSize: 4, maxEntries, flags: 0 });

  it("is keyed by any u32, holds max_entries devices, and BPF_EXIST does not need a present key", () => {
    const m = devhash(2);
    expect(m.update(u32(1000), u32(3), BPF_EXIST)).toBe(0);
    expect(m.update(u32(1000), u32(4), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(u32(2000), u32(5))).toBe(0);
    expect(m.update(u32(3000), u32(6))).toBe(-E2BIG);
    expect(m.redirectTarget(1000)).toEqual(u32(3));
    expect(m.redirectTarget(3000)).toBeUndefined();
  });

  it("ifindex 0 is EINVAL; deleting an absent key is ENOENT", () => {
    const m = devhash();
    expect(m.update(u32(1), u32(0))).toBe(-EINVAL);
    expect(m.delete(u32(1))).toBe(-ENOENT);
  });
});

describe("CPUMAP", () => {
  const cpumap = (cpus = 2, maxEntries = 4, valueSize = 4) =>
    createMap({ name: "cpus", type: MapType.CPUMAP, keySize: 4, valueSize, maxEntries, flags: 0 }, { cpus });

  it("holds a queue size per possible CPU; qsize 0 empties the slot", () => {
    const m = cpumap();
    expect(m.update(u32(1), u32(192))).toBe(0);
    expect(m.redirectTarget(1)).toEqual(u32(192));
    expect(m.update(u32(1), u32(0))).toBe(0);
    expect(m.redirectTarget(1)).toBeUndefined();
  });

  it("refuses queues over 16384 (EOVERFLOW) and CPUs that are not possible (ENODEV)", () => {
    const m = cpumap(2, 4);
    expect(m.update(u32(0), u32(16385))).toBe(-EOVERFLOW);
    expect(m.update(u32(0), u32(16384))).toBe(0);
    expect(m.update(u32(2), u32(64))).toBe(-ENODEV);
    expect(m.update(u32(4), u32(64))).toBe(-E2BIG);
    expect(m.update(u32(0), u32(64), BPF_NOEXIST)).toBe(-EEXIST);
  });

  it("bpf_cpumap_val keeps a program fd > 0", () => {
    const m = cpumap(2, 2, 8);
    expect(m.update(u32(0), pair(64, 3))).toBe(0);
    expect(hex(m.userLookup(u32(0)) as Uint8Array)).toBe("4000000003000000");
  });
});

describe("XSKMAP", () => {
  const xsk = () => createMap({ name: "xsks", type: MapType.XSKMAP, keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 });
  const s1 = { socket: 1 };
  const s2 = { socket: 2 };

  it("holds sockets with the hash flag rules; the same socket again is always fine", () => {
    const m = xsk();
    expect(m.userUpdate(u32(0), s1, BPF_EXIST)).toBe(-ENOENT);
    expect(m.userUpdate(u32(0), s1, BPF_NOEXIST)).toBe(0);
    expect(m.userUpdate(u32(0), s1, BPF_NOEXIST)).toBe(0);
    expect(m.userUpdate(u32(0), s2, BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.userUpdate(u32(0), s2, BPF_EXIST)).toBe(0);
    expect(m.getSocket(0)).toBe(s2);
    expect(m.userUpdate(u32(2), s1)).toBe(-E2BIG);
    expect(m.userUpdate(u32(1), undefined)).toBe(-EBADF);
  });

  it("user lookups are not supported; delete empties a slot", () => {
    const m = xsk();
    m.userUpdate(u32(1), s1);
    expect(m.userLookup(u32(1))).toBe(-EOPNOTSUPP);
    expect(m.userDelete(u32(1))).toBe(0);
    expect(m.getSocket(1)).toBeUndefined();
    expect(m.userDelete(u32(2))).toBe(-EINVAL);
  });
});
