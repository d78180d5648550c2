// QUEUE (FIFO) and STACK (LIFO): keyless maps of up to max_entries values, used through
// push/pop/peek (bpf_map_push_elem etc.; from user space, BPF_MAP_UPDATE_ELEM pushes,
// BPF_MAP_LOOKUP_ELEM peeks and BPF_MAP_LOOKUP_AND_DELETE_ELEM pops). A push on a full map is
// E2BIG unless it has BPF_EXIST, which drops the OLDEST element to make room (for the stack too:
// the bottom goes). Empty: pop/peek are ENOENT. lookup/update/delete by key are not supported
// (NULL / EINVAL / EINVAL) and there is no key walk (EINVAL); entries() lists the values in
// pop order, with empty keys, for tests. The ring of max_entries + 1 slots is the kernel's.

import { MapType } from "../../object/map-types.js";
import { MapBase } from "./base.js";
import { requireAccessFlags } from "./create-checks.js";
import { E2BIG, EINVAL, ENOENT } from "./errno.js";
import { requireDef } from "./errors.js";
import { BPF_EXIST, BPF_F_ACCESS_MASK, BPF_F_NUMA_NODE, BPF_NOEXIST, flagBits } from "./flags.js";
import { KMALLOC_MAX_SIZE } from "./limits.js";
import type { MapDef, MapEntry, MapFlags, MapOptions, ValueOrErrno } from "./types.js";

const QUEUE_STACK_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK;

/** queue_stack_map_alloc_check. */
export function checkQueueStackDef(def: MapDef): void {
  const type = MapType[def.type];
  requireDef(def.maxEntries > 0, def.name, `${type} max_entries must be > 0`, EINVAL);
  requireDef(def.keySize === 0, def.name, `${type} key size must be 0 (got ${def.keySize})`, EINVAL);
  requireDef(def.valueSize > 0, def.name, `${type} value size must be > 0`, EINVAL);
  requireDef(
    (def.flags & ~QUEUE_STACK_CREATE_FLAG_MASK) === 0,
    def.name,
    `${type} accepts only the flags NUMA_NODE and access (got 0x${def.flags.toString(16)})`,
    EINVAL,
  );
  requireAccessFlags(def, type);
  requireDef(def.valueSize <= KMALLOC_MAX_SIZE, def.name, `${type} value size must be <= ${KMALLOC_MAX_SIZE} (KMALLOC_MAX_SIZE)`, E2BIG);
}

export class QueueStackMap extends MapBase {
  private readonly slots: (Uint8Array | undefined)[];
  private head = 0;
  private tail = 0;
  private readonly lifo: boolean;

  constructor(def: MapDef, options: MapOptions) {
    super(def, options);
    this.slots = new Array<Uint8Array | undefined>(def.maxEntries + 1);
    this.lifo = def.type === MapType.STACK;
  }

  /** The number of values held. */
  get size(): number {
    return (this.head - this.tail + this.slots.length) % this.slots.length;
  }

  private get full(): boolean {
    return (this.head + 1) % this.slots.length === this.tail;
  }

  /** The slot pop/peek would read: the oldest for a queue, the newest for a stack. */
  private topIndex(): number {
    return this.lifo ? (this.head - 1 + this.slots.length) % this.slots.length : this.tail;
  }

  override push(value: Uint8Array, flags: MapFlags = 0): number {
    this.requireValue(value);
    const f = flagBits(flags);
    if ((f & BigInt(BPF_NOEXIST)) !== 0n || f > BigInt(BPF_EXIST)) return -EINVAL;
    if (this.full) {
      if (f !== BigInt(BPF_EXIST)) return -E2BIG;
      this.tail = (this.tail + 1) % this.slots.length;
    }
    this.slots[this.head] = value.slice();
    this.head = (this.head + 1) % this.slots.length;
    return 0;
  }

  override pop(): ValueOrErrno {
    if (this.head === this.tail) return -ENOENT;
    const index = this.topIndex();
    const value = this.slots[index]!;
    this.slots[index] = undefined;
    if (this.lifo) this.head = index;
    else this.tail = (this.tail + 1) % this.slots.length;
    return value;
  }

  override peek(): ValueOrErrno {
    return this.head === this.tail ? -ENOENT : this.slots[this.topIndex()]!.slice();
  }

  lookup(_key: Uint8Array): Uint8Array | undefined {
    return undefined;
  }

  update(_key: Uint8Array, _value: Uint8Array, _flags: MapFlags = 0): number {
    return -EINVAL;
  }

  delete(_key: Uint8Array): number {
    return -EINVAL;
  }

  userLookup(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    this.requireKey(key);
    return this.userLookupFlags(flags) || this.peek();
  }

  userUpdate(key: Uint8Array | undefined, value: Uint8Array, flags: MapFlags = 0): number {
    this.requireKey(key);
    return this.userUpdateLockCheck(flags) || this.push(value, flags);
  }

  userDelete(key: Uint8Array | undefined): number {
    this.requireKey(key);
    return -EINVAL;
  }

  override userLookupAndDelete(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    this.requireKey(key);
    return flagBits(flags) !== 0n ? -EINVAL : this.pop();
  }

  nextKey(_key: Uint8Array | undefined): ValueOrErrno {
    return -EINVAL;
  }

  override *entries(): IterableIterator<MapEntry> {
    const n = this.slots.length;
    for (let i = 0; i < this.size; i++) {
      const index = this.lifo ? (this.head - 1 - i + 2 * n) % n : (this.tail + i) % n;
      yield { key: new Uint8Array(0), value: this.slots[index]!.slice() };
    }
  }
}
