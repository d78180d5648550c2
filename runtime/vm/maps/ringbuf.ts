// RINGBUF: a multi-producer ring the program writes records into and user space consumes in
// order. Space is accounted as the kernel does: each record takes round_up(size + 8, 8) bytes
// (an 8-byte header), and a reservation fails when the producer would get more than
// ring_size - 1 bytes ahead of the consumer. reserve() returns a record view (or undefined when
// it does not fit or flags are not 0); submit()/discard() commit it; output() copies data in
// one step (-EAGAIN when full). drain() plays the user-space consumer (libbpf's
// ring_buffer__consume): it returns the submitted records in order, skips discarded ones, stops
// at the first record still reserved, and frees the space it consumed. Map element operations
// are not supported (ENOTSUPP), like the kernel's.

import { MapBase } from "./base.js";
import { EAGAIN, EINVAL, ENOTSUPP } from "./errno.js";
import { requireDef } from "./errors.js";
import {
  BPF_F_NUMA_NODE,
  BPF_RB_AVAIL_DATA,
  BPF_RB_CONS_POS,
  BPF_RB_FORCE_WAKEUP,
  BPF_RB_NO_WAKEUP,
  BPF_RB_PROD_POS,
  BPF_RB_RING_SIZE,
  flagBits,
} from "./flags.js";
import { PAGE_SIZE, RINGBUF_HDR_SIZE, RINGBUF_MAX_RECORD_SIZE } from "./limits.js";
import type { MapDef, MapFlags, MapOptions, ValueOrErrno } from "./types.js";

/** ringbuf_map_alloc's checks. */
export function checkRingbufDef(def: MapDef): void {
  requireDef(
    (def.flags & ~BPF_F_NUMA_NODE) === 0,
    def.name,
    `RINGBUF accepts only the flag NUMA_NODE (got 0x${def.flags.toString(16)})`,
    EINVAL,
  );
  requireDef(def.keySize === 0 && def.valueSize === 0, def.name, "RINGBUF key and value sizes must be 0", EINVAL);
  const n = def.maxEntries;
  requireDef(
    n > 0 && (n & (n - 1)) === 0 && n % PAGE_SIZE === 0,
    def.name,
    `RINGBUF max_entries (the ring size) must be a power of 2 and a multiple of ${PAGE_SIZE} (got ${n})`,
    EINVAL,
  );
}

interface RingRecord {
  /** Producer position of the header. */
  readonly pos: number;
  /** Bytes taken in the ring: round_up(size + 8, 8). */
  readonly len: number;
  readonly data: Uint8Array;
  state: "busy" | "submitted" | "discarded";
}

export class RingbufMap extends MapBase {
  private readonly mask: number;
  private producerPos = 0;
  private consumerPos = 0;
  /** Records not yet consumed, oldest first. */
  private readonly records: RingRecord[] = [];
  private readonly byView = new Map<Uint8Array, RingRecord>();

  constructor(def: MapDef, options: MapOptions) {
    super(def, options);
    this.mask = def.maxEntries - 1;
  }

  /** bpf_ringbuf_reserve: a view of `size` bytes in the ring, or undefined. */
  reserve(size: number, flags: MapFlags = 0): Uint8Array | undefined {
    if (flagBits(flags) !== 0n) return undefined;
    if (!Number.isInteger(size) || size < 0 || size > RINGBUF_MAX_RECORD_SIZE) return undefined;
    const len = Math.ceil((size + RINGBUF_HDR_SIZE) / 8) * 8;
    if (len > this.mask + 1) return undefined;
    const newProducerPos = this.producerPos + len;
    if (newProducerPos - this.consumerPos > this.mask) return undefined;
    const rec: RingRecord = { pos: this.producerPos, len, data: new Uint8Array(size), state: "busy" };
    this.producerPos = newProducerPos;
    this.records.push(rec);
    this.byView.set(rec.data, rec);
    return rec.data;
  }

  private commit(record: Uint8Array, state: "submitted" | "discarded"): void {
    const rec = this.byView.get(record);
    if (!rec) throw new Error(`map "${this.def.name}": not a reserved ring buffer record (already committed?)`);
    this.byView.delete(record);
    rec.state = state;
  }

  /** bpf_ringbuf_submit (the wakeup flags change nothing here). */
  submit(record: Uint8Array, _flags: MapFlags = 0): void {
    this.commit(record, "submitted");
  }

  /** bpf_ringbuf_discard: the space stays taken until the consumer passes the record. */
  discard(record: Uint8Array, _flags: MapFlags = 0): void {
    this.commit(record, "discarded");
  }

  /** bpf_ringbuf_output: 0, -EINVAL for unknown flags, -EAGAIN when the record does not fit. */
  output(data: Uint8Array, flags: MapFlags = 0): number {
    if ((flagBits(flags) & ~BigInt(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)) !== 0n) return -EINVAL;
    const rec = this.reserve(data.length);
    if (!rec) return -EAGAIN;
    rec.set(data);
    this.submit(rec);
    return 0;
  }

  /** bpf_ringbuf_query. */
  query(flags: MapFlags): number {
    switch (flagBits(flags)) {
      case BigInt(BPF_RB_AVAIL_DATA):
        return this.producerPos - this.consumerPos;
      case BigInt(BPF_RB_RING_SIZE):
        return this.mask + 1;
      case BigInt(BPF_RB_CONS_POS):
        return this.consumerPos;
      case BigInt(BPF_RB_PROD_POS):
        return this.producerPos;
      default:
        return 0;
    }
  }

  /** Consumes what a user-space reader would: submitted records, in order, up to a busy one. */
  drain(): Uint8Array[] {
    const out: Uint8Array[] = [];
    while (this.records.length > 0 && this.records[0]!.state !== "busy") {
      const rec = this.records.shift()!;
      if (rec.state === "submitted") out.push(rec.data.slice());
      this.consumerPos = rec.pos + rec.len;
    }
    return out;
  }

  lookup(_key: Uint8Array): Uint8Array | undefined {
    return undefined;
  }

  update(_key: Uint8Array, _value: Uint8Array, _flags: MapFlags = 0): number {
    return -ENOTSUPP;
  }

  delete(_key: Uint8Array): number {
    return -ENOTSUPP;
  }

  userLookup(_key?: Uint8Array, _flags: MapFlags = 0): ValueOrErrno {
    return -ENOTSUPP;
  }

  userUpdate(_key?: Uint8Array, _value?: Uint8Array, _flags: MapFlags = 0): number {
    return -ENOTSUPP;
  }

  userDelete(_key?: Uint8Array): number {
    return -ENOTSUPP;
  }

  nextKey(_key?: Uint8Array): ValueOrErrno {
    return -ENOTSUPP;
  }
}
