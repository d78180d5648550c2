// LRU_HASH and LRU_PERCPU_HASH: hash maps that make room for a new element by evicting the
// least recently used one instead of failing with E2BIG. Program lookups and all updates count
// as use; user-space lookups and walks do not (the kernel's lookup_elem_sys_only).
// As in the kernel, an update takes a free node BEFORE it looks at the key, so an update on a
// full map evicts even when it then replaces an existing element or fails its flag check
// (LRU_PERCPU_HASH skips this for BPF_EXIST). With BPF_F_NO_COMMON_LRU each CPU owns
// max_entries / cpus nodes and evicts only among its own; user-space updates run on CPU 0.
// The kernel's LRU is approximate (per-CPU free lists, second-chance reference bits, eviction in
// batches); this model is the exact LRU order it approximates, one eviction at a time.

import { keyBytes, keyString } from "./bytes.js";
import { EINVAL } from "./errno.js";
import { BPF_EXIST, BPF_F_NO_COMMON_LRU, flagBits } from "./flags.js";
import { HashMap, PercpuHashMap, PercpuSlots, hashCheckFlags } from "./hash.js";
import type { MapDef, MapFlags, MapOptions } from "./types.js";

/** Recency lists: one shared list, or one per CPU with BPF_F_NO_COMMON_LRU. */
class LruLists {
  /** Per list, keys from least to most recently used (JavaScript Maps keep insertion order). */
  private readonly lists: Map<string, true>[];
  private readonly owner = new Map<string, number>();
  private readonly capacity: number;

  constructor(
    private readonly perCpu: boolean,
    cpus: number,
    maxEntries: number,
  ) {
    this.lists = Array.from({ length: perCpu ? cpus : 1 }, () => new Map<string, true>());
    this.capacity = perCpu ? maxEntries / cpus : maxEntries;
  }

  private listOf(cpu: number): number {
    return this.perCpu ? cpu : 0;
  }

  /** The key to evict before `cpu` can take a node, or undefined when it has a free one. */
  victim(cpu: number): Uint8Array | undefined {
    const list = this.lists[this.listOf(cpu)]!;
    if (list.size < this.capacity) return undefined;
    const oldest = list.keys().next();
    return oldest.done ? undefined : keyBytes(oldest.value);
  }

  add(key: Uint8Array, cpu: number): void {
    const k = keyString(key);
    this.remove(key);
    this.owner.set(k, this.listOf(cpu));
    this.lists[this.listOf(cpu)]!.set(k, true);
  }

  touch(key: Uint8Array): void {
    const k = keyString(key);
    const list = this.owner.get(k);
    if (list === undefined) return;
    this.lists[list]!.delete(k);
    this.lists[list]!.set(k, true);
  }

  remove(key: Uint8Array): void {
    const k = keyString(key);
    const list = this.owner.get(k);
    if (list === undefined) return;
    this.lists[list]!.delete(k);
    this.owner.delete(k);
  }

  /** Keys from least to most recently used (all lists, list by list). */
  order(): Uint8Array[] {
    return this.lists.flatMap((l) => [...l.keys()].map(keyBytes));
  }
}

export class LruHashMap extends HashMap {
  private readonly lru: LruLists;

  constructor(def: MapDef, options: MapOptions) {
    super(def, options);
    this.lru = new LruLists((def.flags & BPF_F_NO_COMMON_LRU) !== 0, this.cpus, def.maxEntries);
  }

  protected override removeElem(key: Uint8Array): boolean {
    this.lru.remove(key);
    return super.removeElem(key);
  }

  /** Takes a node for `cpu`, evicting its least recently used element when there is none. */
  private takeNode(cpu: number): void {
    const victim = this.lru.victim(cpu);
    if (victim) this.removeElem(victim);
  }

  override lookup(key: Uint8Array, _cpu = 0): Uint8Array | undefined {
    const v = super.lookup(key);
    if (v) this.lru.touch(key);
    return v;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: MapFlags = 0, cpu = 0): number {
    this.requireKey(key);
    this.requireValue(value);
    this.requireCpu(cpu);
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    this.takeNode(cpu);
    const err = hashCheckFlags(this.table.has(key), f);
    if (err) return err;
    const elem = new Uint8Array(this.def.valueSize);
    this.storeValue(elem, value);
    this.table.set(key, elem);
    this.lru.add(key, cpu);
    return 0;
  }

  /** Keys from least to most recently used: the eviction order. */
  recencyOrder(): Uint8Array[] {
    return this.lru.order();
  }
}

export class LruPercpuHashMap extends PercpuHashMap {
  private readonly lru: LruLists;

  constructor(def: MapDef, options: MapOptions) {
    super(def, options);
    this.lru = new LruLists((def.flags & BPF_F_NO_COMMON_LRU) !== 0, this.cpus, def.maxEntries);
  }

  protected override removeElem(key: Uint8Array): boolean {
    this.lru.remove(key);
    return super.removeElem(key);
  }

  override lookup(key: Uint8Array, cpu = 0): Uint8Array | undefined {
    const v = super.lookup(key, cpu);
    if (v) this.lru.touch(key);
    return v;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: MapFlags = 0, cpu = 0): number {
    this.requireKey(key);
    this.requireValue(value);
    this.requireCpu(cpu);
    return this.updateElem(key, flags, cpu, (slots) => this.storeValue(slots.slots[cpu]!, value));
  }

  override userUpdate(key: Uint8Array | undefined, value: Uint8Array, flags: MapFlags = 0): number {
    const k = this.requireKey(key);
    this.requireValue(value, this.slotSize * this.cpus);
    const lockErr = this.userUpdateLockCheck(flags);
    if (lockErr) return lockErr;
    return this.updateElem(k, flags, 0, (slots) => slots.setAll(value, this.def.valueSize));
  }

  /** __htab_lru_percpu_map_update_elem: in place when present, a new node otherwise. */
  private updateElem(key: Uint8Array, flags: MapFlags, cpu: number, fill: (slots: PercpuSlots) => void): number {
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    if (f !== BigInt(BPF_EXIST)) {
      const victim = this.lru.victim(cpu);
      if (victim) this.removeElem(victim);
    }
    const old = this.table.get(key);
    const err = hashCheckFlags(old !== undefined, f);
    if (err) return err;
    if (old) {
      this.lru.touch(key);
      fill(old);
      return 0;
    }
    const elem = new PercpuSlots(this.cpus, this.slotSize);
    fill(elem);
    this.table.set(key, elem);
    this.lru.add(key, cpu);
    return 0;
  }

  /** Keys from least to most recently used: the eviction order. */
  recencyOrder(): Uint8Array[] {
    return this.lru.order();
  }
}
