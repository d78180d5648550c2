// ARRAY and PERCPU_ARRAY: max_entries preallocated values, zero at creation, addressed by a u32
// index (key size 4). Elements always exist: delete is EINVAL, BPF_NOEXIST is EEXIST, an index
// past the end is E2BIG on update and "no element" on lookup. Updates copy in place, so a view
// from lookup sees later updates. Storage is allocated on first touch (same semantics).
// Also here: the array checks the other array-backed types share (array_map_alloc_check) and
// the array walk of BPF_MAP_GET_NEXT_KEY.

import { MapType } from "../../object/map-types.js";
import { MapBase } from "./base.js";
import { readU32, roundUp8, u32Bytes } from "./bytes.js";
import { requireAccessFlags } from "./create-checks.js";
import { E2BIG, EEXIST, EINVAL, ENOENT } from "./errno.js";
import { requireDef } from "./errors.js";
import {
  BPF_EXIST,
  BPF_F_ACCESS_MASK,
  BPF_F_INNER_MAP,
  BPF_F_LOCK,
  BPF_F_MMAPABLE,
  BPF_F_NUMA_NODE,
  BPF_F_PRESERVE_ELEMS,
  BPF_NOEXIST,
  flagBits,
} from "./flags.js";
import { PCPU_MIN_UNIT_SIZE } from "./limits.js";
import type { MapDef, MapEntry, MapFlags, MapOptions, ValueOrErrno } from "./types.js";

const ARRAY_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_MMAPABLE | BPF_F_ACCESS_MASK | BPF_F_PRESERVE_ELEMS | BPF_F_INNER_MAP;
const INT_MAX = 0x7fff_ffff;

/** array_map_alloc_check: every array-backed map type (ARRAY, PERCPU_ARRAY and the fd arrays). */
export function checkArrayDef(def: MapDef): void {
  const type = MapType[def.type];
  const percpu = def.type === MapType.PERCPU_ARRAY;
  requireDef(def.maxEntries > 0, def.name, `${type} max_entries must be > 0`, EINVAL);
  requireDef(def.keySize === 4, def.name, `${type} key size must be 4 (got ${def.keySize})`, EINVAL);
  requireDef(def.valueSize > 0, def.name, `${type} value size must be > 0`, EINVAL);
  requireDef(
    (def.flags & ~ARRAY_CREATE_FLAG_MASK) === 0,
    def.name,
    `${type} accepts only the flags NUMA_NODE, MMAPABLE, access, PRESERVE_ELEMS and INNER_MAP (got 0x${def.flags.toString(16)})`,
    EINVAL,
  );
  requireAccessFlags(def, type);
  requireDef(!(percpu && def.flags & BPF_F_NUMA_NODE), def.name, "PERCPU_ARRAY cannot take BPF_F_NUMA_NODE", EINVAL);
  requireDef(
    def.type === MapType.ARRAY || (def.flags & (BPF_F_MMAPABLE | BPF_F_INNER_MAP)) === 0,
    def.name,
    `BPF_F_MMAPABLE and BPF_F_INNER_MAP are for ARRAY only, not ${type}`,
    EINVAL,
  );
  requireDef(
    def.type === MapType.PERF_EVENT_ARRAY || (def.flags & BPF_F_PRESERVE_ELEMS) === 0,
    def.name,
    `BPF_F_PRESERVE_ELEMS is for PERF_EVENT_ARRAY only, not ${type}`,
    EINVAL,
  );
  requireDef(def.valueSize <= INT_MAX, def.name, `${type} value size must be <= INT_MAX`, E2BIG);
  requireDef(
    !percpu || def.valueSize <= PCPU_MIN_UNIT_SIZE,
    def.name,
    `PERCPU_ARRAY value size must be <= ${PCPU_MIN_UNIT_SIZE} (PCPU_MIN_UNIT_SIZE), got ${def.valueSize}`,
    E2BIG,
  );
}

/** array_map_get_next_key: index + 1; a missing or out-of-range key restarts at 0. */
export function arrayNextKey(maxEntries: number, key: Uint8Array | undefined): ValueOrErrno {
  const index = key ? readU32(key) : 0xffff_ffff;
  if (index >= maxEntries) return u32Bytes(0);
  if (index === maxEntries - 1) return -ENOENT;
  return u32Bytes(index + 1);
}

/** The flag and index checks of array_map_update_elem, in the kernel's order. */
function arrayUpdateCheck(maxEntries: number, index: number, f: bigint, hasLock: boolean): number {
  if ((f & ~BigInt(BPF_F_LOCK)) > BigInt(BPF_EXIST)) return -EINVAL;
  if (index >= maxEntries) return -E2BIG;
  if ((f & BigInt(BPF_NOEXIST)) !== 0n) return -EEXIST;
  if ((f & BigInt(BPF_F_LOCK)) !== 0n && !hasLock) return -EINVAL;
  return 0;
}

export class ArrayMap extends MapBase {
  private readonly values = new Map<number, Uint8Array>();

  private slot(index: number): Uint8Array {
    let v = this.values.get(index);
    if (!v) {
      v = new Uint8Array(this.def.valueSize);
      this.values.set(index, v);
    }
    return v;
  }

  lookup(key: Uint8Array, _cpu = 0): Uint8Array | undefined {
    const index = readU32(this.requireKey(key));
    return index < this.def.maxEntries ? this.slot(index) : undefined;
  }

  update(key: Uint8Array, value: Uint8Array, flags: MapFlags = 0, _cpu = 0): number {
    const index = readU32(this.requireKey(key));
    this.requireValue(value);
    const err = arrayUpdateCheck(this.def.maxEntries, index, flagBits(flags), this.hasSpinLock);
    if (err) return err;
    this.storeValue(this.slot(index), value);
    return 0;
  }

  delete(key: Uint8Array): number {
    this.requireKey(key);
    return -EINVAL;
  }

  override *elements(_cpu = 0): IterableIterator<MapEntry> {
    for (let i = 0; i < this.def.maxEntries; i++) yield { key: u32Bytes(i), value: this.slot(i) };
  }

  userLookup(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const index = readU32(this.requireKey(key));
    if (index >= this.def.maxEntries) return -ENOENT;
    // A copy, without allocating storage for an element nothing has touched yet.
    const v = this.values.get(index);
    return v ? this.exportValue(v) : new Uint8Array(this.def.valueSize);
  }

  userUpdate(key: Uint8Array | undefined, value: Uint8Array, flags: MapFlags = 0): number {
    return this.userUpdateLockCheck(flags) || this.update(this.requireKey(key), value, flags);
  }

  userDelete(key: Uint8Array | undefined): number {
    return this.delete(this.requireKey(key));
  }

  nextKey(key: Uint8Array | undefined): ValueOrErrno {
    return arrayNextKey(this.def.maxEntries, key && this.requireKey(key));
  }
}

/** One value per possible CPU for every index; user space reads and writes all of them. */
export class PercpuArrayMap extends MapBase {
  /** Per index, one round_up(value_size, 8) slot per CPU. */
  private readonly values = new Map<number, Uint8Array[]>();
  private readonly slotSize: number;

  constructor(def: MapDef, options: MapOptions) {
    super(def, options);
    this.slotSize = roundUp8(def.valueSize);
  }

  private slots(index: number): Uint8Array[] {
    let v = this.values.get(index);
    if (!v) {
      v = Array.from({ length: this.cpus }, () => new Uint8Array(this.slotSize));
      this.values.set(index, v);
    }
    return v;
  }

  /** The slot of `cpu`; a cpu that is not possible gives no element (lookup_percpu_elem). */
  lookup(key: Uint8Array, cpu = 0): Uint8Array | undefined {
    const index = readU32(this.requireKey(key));
    if (index >= this.def.maxEntries || !Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) return undefined;
    return this.slots(index)[cpu]!.subarray(0, this.def.valueSize);
  }

  update(key: Uint8Array, value: Uint8Array, flags: MapFlags = 0, cpu = 0): number {
    const index = readU32(this.requireKey(key));
    this.requireValue(value);
    this.requireCpu(cpu);
    const err = arrayUpdateCheck(this.def.maxEntries, index, flagBits(flags), false);
    if (err) return err;
    this.storeValue(this.slots(index)[cpu]!, value);
    return 0;
  }

  delete(key: Uint8Array): number {
    this.requireKey(key);
    return -EINVAL;
  }

  override *elements(cpu: number): IterableIterator<MapEntry> {
    this.requireCpu(cpu);
    for (let i = 0; i < this.def.maxEntries; i++) {
      yield { key: u32Bytes(i), value: this.slots(i)[cpu]!.subarray(0, this.def.valueSize) };
    }
  }

  userLookup(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const index = readU32(this.requireKey(key));
    if (index >= this.def.maxEntries) return -ENOENT;
    const out = new Uint8Array(this.slotSize * this.cpus);
    this.values.get(index)?.forEach((slot, cpu) => out.set(slot, cpu * this.slotSize));
    return out;
  }

  /** bpf_percpu_array_update: all CPUs' padded values; each slot takes all its bytes. */
  userUpdate(key: Uint8Array | undefined, value: Uint8Array, flags: MapFlags = 0): number {
    const index = readU32(this.requireKey(key));
    this.requireValue(value, this.slotSize * this.cpus);
    const lockErr = this.userUpdateLockCheck(flags);
    if (lockErr) return lockErr;
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    if (index >= this.def.maxEntries) return -E2BIG;
    if (f === BigInt(BPF_NOEXIST)) return -EEXIST;
    this.slots(index).forEach((slot, cpu) => slot.set(value.subarray(cpu * this.slotSize, (cpu + 1) * this.slotSize)));
    return 0;
  }

  userDelete(key: Uint8Array | undefined): number {
    return this.delete(this.requireKey(key));
  }

  nextKey(key: Uint8Array | undefined): ValueOrErrno {
    return arrayNextKey(this.def.maxEntries, key && this.requireKey(key));
  }
}
