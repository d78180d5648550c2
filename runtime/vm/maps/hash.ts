// HASH and PERCPU_HASH: up to max_entries elements under arbitrary keys. A new key when the map
// is full is E2BIG; BPF_NOEXIST on a present key is EEXIST, BPF_EXIST on an absent one ENOENT.
// As in the kernel, HASH replaces an element by a new one on update (a view from an earlier
// lookup keeps the old bytes) except under BPF_F_LOCK, which copies in place; PERCPU_HASH always
// updates in place. A new PERCPU_HASH element from a program has the value on the program's CPU
// and zeros on the others. Iteration order: first insertion (the kernel's is by hash bucket).
// Also here: the hash checks (htab_map_alloc_check and htab_map_alloc) the other hash-based
// types share.

import { MapType } from "../../object/map-types.js";
import { MapBase } from "./base.js";
import { roundUp8 } from "./bytes.js";
import { requireAccessFlags } from "./create-checks.js";
import { E2BIG, EEXIST, EINVAL, ENOENT, ENOTSUPP } from "./errno.js";
import { requireDef } from "./errors.js";
import {
  BPF_EXIST,
  BPF_F_ACCESS_MASK,
  BPF_F_LOCK,
  BPF_F_NO_COMMON_LRU,
  BPF_F_NO_PREALLOC,
  BPF_F_NUMA_NODE,
  BPF_F_ZERO_SEED,
  BPF_NOEXIST,
  flagBits,
} from "./flags.js";
import { HTAB_ELEM_SIZE, KMALLOC_MAX_SIZE, PCPU_MIN_UNIT_SIZE } from "./limits.js";
import { KeyedTable } from "./keyed-table.js";
import type { MapDef, MapEntry, MapFlags, MapOptions, ValueOrErrno } from "./types.js";

const HTAB_CREATE_FLAG_MASK = BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK | BPF_F_ZERO_SEED;
/** The largest max_entries whose power-of-two bucket array fits the kernel's u32 size check. */
const HTAB_MAX_ENTRIES = 1 << 27;

export function isLruType(type: MapType): boolean {
  return type === MapType.LRU_HASH || type === MapType.LRU_PERCPU_HASH;
}

function isPercpuHashType(type: MapType): boolean {
  return type === MapType.PERCPU_HASH || type === MapType.LRU_PERCPU_HASH;
}

/** htab_map_alloc_check for every hash-based type (HASH_OF_MAPS checks its value size first). */
export function checkHashDef(def: MapDef): void {
  const type = MapType[def.type];
  const lru = isLruType(def.type);
  const percpu = isPercpuHashType(def.type);
  const percpuLru = (def.flags & BPF_F_NO_COMMON_LRU) !== 0;
  requireDef(
    (def.flags & ~HTAB_CREATE_FLAG_MASK) === 0,
    def.name,
    `${type} accepts only the flags NO_PREALLOC, NO_COMMON_LRU, NUMA_NODE, access and ZERO_SEED (got 0x${def.flags.toString(16)})`,
    EINVAL,
  );
  requireAccessFlags(def, type);
  requireDef(lru || !percpuLru, def.name, `BPF_F_NO_COMMON_LRU is for LRU maps only, not ${type}`, EINVAL);
  requireDef(!lru || (def.flags & BPF_F_NO_PREALLOC) === 0, def.name, `${type} cannot take BPF_F_NO_PREALLOC`, ENOTSUPP);
  requireDef(
    !(def.flags & BPF_F_NUMA_NODE && (percpu || percpuLru)),
    def.name,
    `BPF_F_NUMA_NODE is not allowed with per-CPU values or per-CPU LRU lists (${type})`,
    EINVAL,
  );
  requireDef(def.maxEntries > 0, def.name, `${type} max_entries must be > 0`, EINVAL);
  requireDef(def.keySize > 0, def.name, `${type} key size must be > 0`, EINVAL);
  requireDef(def.valueSize > 0, def.name, `${type} value size must be > 0`, EINVAL);
  requireDef(
    def.keySize + def.valueSize < KMALLOC_MAX_SIZE - HTAB_ELEM_SIZE,
    def.name,
    `${type} key size + value size must be < ${KMALLOC_MAX_SIZE - HTAB_ELEM_SIZE} (KMALLOC_MAX_SIZE - sizeof(struct htab_elem))`,
    E2BIG,
  );
  requireDef(
    !percpu || roundUp8(def.valueSize) <= PCPU_MIN_UNIT_SIZE,
    def.name,
    `${type} value size rounded up to 8 must be <= ${PCPU_MIN_UNIT_SIZE} (PCPU_MIN_UNIT_SIZE)`,
    E2BIG,
  );
}

/**
 * htab_map_alloc's part: max_entries as the map records it (BPF_F_NO_COMMON_LRU rounds it to
 * a multiple of the CPU count), within what the bucket array allows.
 */
export function hashMaxEntries(def: MapDef, cpus: number): number {
  let maxEntries = def.maxEntries;
  if (def.flags & BPF_F_NO_COMMON_LRU) {
    maxEntries = Math.ceil(def.maxEntries / cpus) * cpus;
    if (maxEntries > 0xffff_ffff) maxEntries = Math.floor(def.maxEntries / cpus) * cpus;
  }
  requireDef(
    maxEntries <= HTAB_MAX_ENTRIES,
    def.name,
    `${MapType[def.type]} max_entries must be <= ${HTAB_MAX_ENTRIES} (bucket array size)`,
    E2BIG,
  );
  return maxEntries;
}

/** check_flags: BPF_NOEXIST on a present element, BPF_EXIST on an absent one. */
export function hashCheckFlags(present: boolean, f: bigint): number {
  const mode = f & ~BigInt(BPF_F_LOCK);
  if (present && mode === BigInt(BPF_NOEXIST)) return -EEXIST;
  if (!present && mode === BigInt(BPF_EXIST)) return -ENOENT;
  return 0;
}

/** The table and the key walk every hash-based map shares. */
export abstract class HashTableMap<Elem, UserValue = Uint8Array> extends MapBase<UserValue> {
  protected readonly table = new KeyedTable<Elem>();

  /** Removes an element (the LRU maps also forget its recency); false when absent. */
  protected removeElem(key: Uint8Array): boolean {
    return this.table.delete(key) !== undefined;
  }

  delete(key: Uint8Array): number {
    return this.removeElem(this.requireKey(key)) ? 0 : -ENOENT;
  }

  userDelete(key: Uint8Array | undefined): number {
    return this.delete(this.requireKey(key));
  }

  nextKey(key: Uint8Array | undefined): ValueOrErrno {
    return this.table.nextKey(key && this.requireKey(key)) ?? -ENOENT;
  }

  /** The number of elements. */
  get size(): number {
    return this.table.size;
  }
}

export class HashMap extends HashTableMap<Uint8Array> {
  lookup(key: Uint8Array, _cpu = 0): Uint8Array | undefined {
    return this.table.get(this.requireKey(key));
  }

  override *elements(_cpu = 0): IterableIterator<MapEntry> {
    for (const [key, value] of this.table.entries()) yield { key, value };
  }

  update(key: Uint8Array, value: Uint8Array, flags: MapFlags = 0, _cpu = 0): number {
    this.requireKey(key);
    this.requireValue(value);
    const f = flagBits(flags);
    if ((f & ~BigInt(BPF_F_LOCK)) > BigInt(BPF_EXIST)) return -EINVAL;
    const old = this.table.get(key);
    if ((f & BigInt(BPF_F_LOCK)) !== 0n) {
      if (!this.hasSpinLock) return -EINVAL;
      const err = hashCheckFlags(old !== undefined, f);
      if (err) return err;
      if (old) {
        this.storeValue(old, value);
        return 0;
      }
    }
    const err = hashCheckFlags(old !== undefined, f);
    if (err) return err;
    if (!old && this.table.size >= this.def.maxEntries) return -E2BIG;
    const elem = new Uint8Array(this.def.valueSize);
    this.storeValue(elem, value);
    this.table.set(key, elem);
    return 0;
  }

  userLookup(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const v = this.table.get(this.requireKey(key));
    return v ? this.exportValue(v) : -ENOENT;
  }

  userUpdate(key: Uint8Array | undefined, value: Uint8Array, flags: MapFlags = 0): number {
    return this.userUpdateLockCheck(flags) || this.update(this.requireKey(key), value, flags);
  }

  override userLookupAndDelete(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const k = this.requireKey(key);
    const v = this.table.get(k);
    if (!v) return -ENOENT;
    this.removeElem(k);
    return this.exportValue(v);
  }
}

/** The per-CPU value slots of one element: round_up(value_size, 8) bytes per possible CPU. */
export class PercpuSlots {
  readonly slots: Uint8Array[];

  constructor(cpus: number, slotSize: number) {
    this.slots = Array.from({ length: cpus }, () => new Uint8Array(slotSize));
  }

  /** All slots, concatenated (what user space reads). */
  concat(): Uint8Array {
    const size = this.slots[0]!.length;
    const out = new Uint8Array(size * this.slots.length);
    this.slots.forEach((s, cpu) => out.set(s, cpu * size));
    return out;
  }

  /** value_size bytes of each CPU's part of a user-space buffer into the slots. */
  setAll(value: Uint8Array, valueSize: number): void {
    const size = this.slots[0]!.length;
    this.slots.forEach((s, cpu) => s.set(value.subarray(cpu * size, cpu * size + valueSize)));
  }
}

export class PercpuHashMap extends HashTableMap<PercpuSlots> {
  protected readonly slotSize: number;

  constructor(def: MapDef, options: MapOptions) {
    super(def, options);
    this.slotSize = roundUp8(def.valueSize);
  }

  /** The slot of `cpu`; a cpu that is not possible gives no element (lookup_percpu_elem). */
  lookup(key: Uint8Array, cpu = 0): Uint8Array | undefined {
    const elem = this.table.get(this.requireKey(key));
    if (!elem || !Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) return undefined;
    return elem.slots[cpu]!.subarray(0, this.def.valueSize);
  }

  override *elements(cpu: number): IterableIterator<MapEntry> {
    this.requireCpu(cpu);
    for (const [key, elem] of this.table.entries()) yield { key, value: elem.slots[cpu]!.subarray(0, this.def.valueSize) };
  }

  update(key: Uint8Array, value: Uint8Array, flags: MapFlags = 0, cpu = 0): number {
    this.requireKey(key);
    this.requireValue(value);
    this.requireCpu(cpu);
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    const old = this.table.get(key);
    const err = hashCheckFlags(old !== undefined, f);
    if (err) return err;
    if (old) {
      this.storeValue(old.slots[cpu]!, value);
      return 0;
    }
    if (this.table.size >= this.def.maxEntries) return -E2BIG;
    const elem = new PercpuSlots(this.cpus, this.slotSize);
    this.storeValue(elem.slots[cpu]!, value);
    this.table.set(key, elem);
    return 0;
  }

  userLookup(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const elem = this.table.get(this.requireKey(key));
    return elem ? elem.concat() : -ENOENT;
  }

  /** bpf_percpu_hash_update: all CPUs' padded values; value_size bytes go to each slot. */
  userUpdate(key: Uint8Array | undefined, value: Uint8Array, flags: MapFlags = 0): number {
    const k = this.requireKey(key);
    this.requireValue(value, this.slotSize * this.cpus);
    const lockErr = this.userUpdateLockCheck(flags);
    if (lockErr) return lockErr;
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    const old = this.table.get(k);
    const err = hashCheckFlags(old !== undefined, f);
    if (err) return err;
    if (!old && this.table.size >= this.def.maxEntries) return -E2BIG;
    const elem = old ?? new PercpuSlots(this.cpus, this.slotSize);
    elem.setAll(value, this.def.valueSize);
    this.table.set(k, elem);
    return 0;
  }

  override userLookupAndDelete(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const k = this.requireKey(key);
    const elem = this.table.get(k);
    if (!elem) return -ENOENT;
    this.removeElem(k);
    return elem.concat();
  }
}
