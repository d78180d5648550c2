// The shapes shared by every map of the VM: what a map is created from (MapDef, the fields of
// the kernel's BPF_MAP_CREATE plus the spin lock position BTF would give), the VM's view of the
// machine (MapOptions), and the operations every map has (BpfMap), program side and user side.
// Errors are negative errno values (errno.ts), as the helpers and bpf(2) return them.

import type { MapType } from "../../object/map-types.js";

export interface MapDef {
  readonly name: string;
  readonly type: MapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  /** BPF_F_* creation flags (flags.ts). */
  readonly flags: number;
  /** Template of the inner maps of ARRAY_OF_MAPS / HASH_OF_MAPS (the kernel's inner_map_fd). */
  readonly innerMap?: MapDef;
  /** Offset of a struct bpf_spin_lock inside the value, when BTF says there is one. */
  readonly spinLockOffset?: number;
}

export interface MapOptions {
  /** Possible CPUs (num_possible_cpus()): the number of slots of per-CPU maps, >= 1. */
  readonly cpus: number;
}

/** One element as user space sees it (BPF_MAP_LOOKUP_ELEM's copy). */
export interface MapEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** A u64 flags argument: a number (a non-negative safe integer) or a bigint. */
export type MapFlags = number | bigint;

/** A copied value, or a negative errno. */
export type ValueOrErrno = Uint8Array | number;

/**
 * A map of the VM. Program side (what the helpers call): lookup returns a LIVE view of the value
 * that the program writes through, valid for the rest of the run even if the element is deleted
 * or replaced meanwhile (the kernel frees elements after an RCU grace period). User side (what
 * bpftool / libbpf's bpf_map_* syscalls do): copies in and out; per-CPU values as every possible
 * CPU's slot, each round_up(value_size, 8) bytes, concatenated. Keys and values must have the
 * map's sizes exactly (a mismatch is a caller bug: RangeError).
 */
export interface BpfMap {
  /** Unique per process, like the kernel's map id (what user lookups of map-in-maps return). */
  readonly id: number;
  /** The definition as the kernel records it (see checkMapDef). */
  readonly def: MapDef;
  readonly cpus: number;

  /** bpf_map_lookup_elem from a program on `cpu` (bpf_map_lookup_percpu_elem: any cpu). */
  lookup(key: Uint8Array, cpu?: number): Uint8Array | undefined;
  /** bpf_map_update_elem from a program on `cpu`: 0 or a negative errno. */
  update(key: Uint8Array, value: Uint8Array, flags?: MapFlags, cpu?: number): number;
  /** bpf_map_delete_elem. */
  delete(key: Uint8Array): number;
  /** bpf_map_push_elem (queue and stack; -EOPNOTSUPP elsewhere). */
  push(value: Uint8Array, flags?: MapFlags): number;
  /** bpf_map_pop_elem: a copy of the element or a negative errno. */
  pop(): ValueOrErrno;
  /** bpf_map_peek_elem: a copy of the element or a negative errno. */
  peek(): ValueOrErrno;
  /**
   * The elements bpf_for_each_map_elem visits from a program on `cpu`, values as LIVE views
   * (the cpu's slot for per-CPU maps). Only the array and hash types have them.
   */
  elements(cpu: number): IterableIterator<MapEntry>;

  /** BPF_MAP_LOOKUP_ELEM: a copy (the spin lock zeroed), or a negative errno. */
  userLookup(key: Uint8Array | undefined, flags?: MapFlags): ValueOrErrno;
  /**
   * BPF_MAP_UPDATE_ELEM. The value is bytes, except: PROG_ARRAY takes a program handle,
   * ARRAY_OF_MAPS / HASH_OF_MAPS a BpfMap, PERF_EVENT_ARRAY a PerfEventRef, XSKMAP a socket handle.
   */
  userUpdate(key: Uint8Array | undefined, value: unknown, flags?: MapFlags): number;
  /** BPF_MAP_DELETE_ELEM. */
  userDelete(key: Uint8Array | undefined): number;
  /** BPF_MAP_LOOKUP_AND_DELETE_ELEM (hash types, queue, stack; -ENOTSUPP elsewhere). */
  userLookupAndDelete(key: Uint8Array | undefined, flags?: MapFlags): ValueOrErrno;
  /** BPF_MAP_GET_NEXT_KEY: `undefined` asks for the first key; -ENOENT after the last. */
  nextKey(key: Uint8Array | undefined): ValueOrErrno;
  /** Every element as `bpftool map dump` shows them (userLookup copies), for tests. */
  entries(): IterableIterator<MapEntry>;

  /** PROG_ARRAY: the program a tail call through `index` jumps to. */
  getProgram?(index: number): unknown;
  /** ARRAY_OF_MAPS / HASH_OF_MAPS: the inner map bpf_map_lookup_elem returns. */
  getInnerMap?(key: Uint8Array): BpfMap | undefined;
  /** DEVMAP, DEVMAP_HASH, CPUMAP: the stored value bpf_redirect_map sends to (a copy). */
  redirectTarget?(key: number): Uint8Array | undefined;
}
