// RINGBUF: space accounting with the kernel's 8-byte headers and 8-byte alignment (the producer
// may not get ring_size - 1 bytes or more ahead of the consumer), reserve/submit/discard,
// output, query, and drain() consuming like libbpf (in order, up to the first busy record).
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import {
  BPF_RB_AVAIL_DATA,
  BPF_RB_CONS_POS,
  BPF_RB_FORCE_WAKEUP,
  BPF_RB_NO_WAKEUP,
  BPF_RB_PROD_POS,
  BPF_RB_RING_SIZE,
  createMap,
  EAGAIN,
  EINVAL,
  ENOTSUPP,
} from "../../../runtime/vm/maps/index.js";
import { bytes, hex } from "./fixtures.js";

const ring = (size = 4096) => createMap({ name: "rb", type: MapType.RINGBUF, keySize: 0, valueSize: 0, maxEntries: size, flags: 0 });

describe("RINGBUF", () => {
  it("takes round_up(size + 8, 8) bytes per record", () => {
    const r = ring();
    r.reserve(1);
    expect(r.query(BPF_RB_PROD_POS)).toBe(16);
    r.reserve(8);
    expect(r.query(BPF_RB_PROD_POS)).toBe(32);
    r.reserve(0);
    expect(r.query(BPF_RB_PROD_POS)).toBe(40);
    expect(r.query(BPF_RB_AVAIL_DATA)).toBe(40);
    expect(r.query(BPF_RB_RING_SIZE)).toBe(4096);
    expect(r.query(99)).toBe(0);
  });

  it("never lets the producer get ring_size - 1 bytes ahead: 4088 bytes fit a 4096 ring, 4096 do not", () => {
    const r = ring(4096);
    expect(r.reserve(4081)).toBeUndefined(); // 4096 bytes with the header
    const big = r.reserve(4080)!; // 4088 bytes
    expect(big).toHaveLength(4080);
    expect(r.reserve(0)).toBeUndefined(); // 8 more would make 4096
    r.submit(big);
    expect(r.drain()).toHaveLength(1);
    expect(r.reserve(0)).toBeDefined();
  });

  it("frees space only when the consumer passes it", () => {
    const r = ring(4096);
    const recs = Array.from({ length: 4 }, () => r.reserve(1000)!); // 4 x 1008 = 4032
    expect(recs.every((x) => x !== undefined)).toBe(true);
    expect(r.reserve(1000)).toBeUndefined();
    expect(r.output(new Uint8Array(100), 0)).toBe(-EAGAIN); // 112 more would pass 4095
    expect(r.output(new Uint8Array(48), 0)).toBe(0); // 56 more do not: 4088
    recs.forEach((x) => r.submit(x));
    expect(r.query(BPF_RB_CONS_POS)).toBe(0);
    expect(r.drain()).toHaveLength(5);
    expect(r.query(BPF_RB_CONS_POS)).toBe(4088);
    expect(r.reserve(1000)).toBeDefined();
  });

  it("delivers submitted records in reservation order and stops at a record still reserved", () => {
    const r = ring();
    const a = r.reserve(2)!;
    const b = r.reserve(2)!;
    a.set([1, 1]);
    b.set([2, 2]);
    r.submit(b);
    expect(r.drain()).toEqual([]);
    r.submit(a);
    expect(r.drain().map(hex)).toEqual(["0101", "0202"]);
    expect(r.drain()).toEqual([]);
  });

  it("skips discarded records, whose space stays taken until consumed", () => {
    const r = ring();
    const a = r.reserve(100)!;
    r.discard(a);
    expect(r.query(BPF_RB_AVAIL_DATA)).toBe(112);
    expect(r.output(bytes(9), BPF_RB_NO_WAKEUP)).toBe(0);
    expect(r.drain().map(hex)).toEqual(["09"]);
    expect(r.query(BPF_RB_AVAIL_DATA)).toBe(0);
  });

  it("output copies the data; unknown flags are EINVAL, reserve with flags gives nothing", () => {
    const r = ring();
    const data = bytes(1, 2, 3);
    expect(r.output(data, BPF_RB_FORCE_WAKEUP)).toBe(0);
    data[0] = 9;
    expect(r.output(data, 4)).toBe(-EINVAL);
    expect(r.reserve(4, 1)).toBeUndefined();
    expect(r.drain().map(hex)).toEqual(["010203"]);
  });

  it("keeps working as positions run far past the ring size", () => {
    const r = ring(4096);
    for (let i = 0; i < 2000; i++) {
      const rec = r.reserve(13)!;
      rec[0] = i & 0xff;
      r.submit(rec);
      if (i % 100 === 99) expect(r.drain()).toHaveLength(100);
    }
    expect(r.query(BPF_RB_CONS_POS)).toBe(2000 * 24);
  });

  it("a record can be committed once", () => {
    const r = ring();
    const rec = r.reserve(4)!;
    r.submit(rec);
    expect(() => r.discard(rec)).toThrow(/not a reserved ring buffer record/);
  });

  it("has no elements: every map operation is ENOTSUPP", () => {
    const r = ring();
    expect(r.userLookup()).toBe(-ENOTSUPP);
    expect(r.userUpdate()).toBe(-ENOTSUPP);
    expect(r.userDelete()).toBe(-ENOTSUPP);
    expect(r.nextKey()).toBe(-ENOTSUPP);
    expect([...r.entries()]).toEqual([]);
  });
});
