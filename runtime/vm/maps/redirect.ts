// The XDP redirect targets: DEVMAP and DEVMAP_HASH (net devices, by ifindex), CPUMAP (CPUs)
// and XSKMAP (AF_XDP sockets). bpf_redirect_map reads the stored value through redirectTarget()
// (DEVMAP, DEVMAP_HASH, CPUMAP) or the socket through getSocket() (XSKMAP).
//  - DEVMAP / DEVMAP_HASH values: ifindex u32, or struct bpf_devmap_val {ifindex, prog fd}
//    (8 bytes). Writing ifindex 0 to a DEVMAP slot empties it. The kernel swaps the prog fd for
//    the program's id; the VM has no fd table, so the second word is kept as given (0 when the
//    fd is <= 0). Any non-zero ifindex is accepted (the VM has no device list to check).
//    Programs may read the values but not write them: the kernel adds BPF_F_RDONLY_PROG.
//  - CPUMAP values: qsize u32, or struct bpf_cpumap_val {qsize, prog fd}; qsize 0 empties the
//    slot, qsize > 16384 is EOVERFLOW, a key that is not a possible CPU ENODEV.
//  - XSKMAP values: socket handles from the VM (user lookups are EOPNOTSUPP, as in the kernel).
// Deleting an array slot past the end is EINVAL; an empty slot deletes fine.

import { MapType } from "../../object/map-types.js";
import { MapBase } from "./base.js";
import { readI32, readU32, u32Bytes } from "./bytes.js";
import { arrayNextKey } from "./array.js";
import { E2BIG, EBADF, EEXIST, EINVAL, ENODEV, ENOENT, EOPNOTSUPP, EOVERFLOW } from "./errno.js";
import { requireDef } from "./errors.js";
import { BPF_EXIST, BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_RDONLY_PROG, BPF_F_WRONLY, BPF_NOEXIST, flagBits } from "./flags.js";
import { HashTableMap, hashCheckFlags } from "./hash.js";
import { CPUMAP_MAX_QSIZE, NR_CPUS } from "./limits.js";
import type { MapDef, MapFlags, ValueOrErrno } from "./types.js";

const DEV_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY;

/**
 * dev_map_init_map, cpu_map_alloc and xsk_map_alloc. Returns the flags the map records
 * (DEVMAP and DEVMAP_HASH add BPF_F_RDONLY_PROG).
 */
export function checkRedirectDef(def: MapDef): number {
  const type = MapType[def.type];
  const rule = (ok: boolean, text: string) => requireDef(ok, def.name, `${type} ${text}`, EINVAL);
  rule(def.maxEntries > 0, "max_entries must be > 0");
  rule(def.keySize === 4, `key size must be 4 (got ${def.keySize})`);
  switch (def.type) {
    case MapType.DEVMAP:
    case MapType.DEVMAP_HASH:
      rule(def.valueSize === 4 || def.valueSize === 8, `value size must be 4 (ifindex) or 8 (struct bpf_devmap_val), got ${def.valueSize}`);
      rule((def.flags & ~DEV_CREATE_FLAG_MASK) === 0, `accepts only the flags NUMA_NODE, RDONLY and WRONLY (got 0x${def.flags.toString(16)})`);
      rule(def.type === MapType.DEVMAP || def.maxEntries <= 0x8000_0000, "max_entries must be <= 2^31 (bucket count)");
      return def.flags | BPF_F_RDONLY_PROG;
    case MapType.CPUMAP:
      rule(def.valueSize === 4 || def.valueSize === 8, `value size must be 4 (qsize) or 8 (struct bpf_cpumap_val), got ${def.valueSize}`);
      rule((def.flags & ~BPF_F_NUMA_NODE) === 0, `accepts only the flag NUMA_NODE (got 0x${def.flags.toString(16)})`);
      requireDef(def.maxEntries <= NR_CPUS, def.name, `CPUMAP max_entries must be <= ${NR_CPUS} (NR_CPUS)`, E2BIG);
      return def.flags;
    default:
      rule(def.valueSize === 4, `value size must be 4 (got ${def.valueSize})`);
      rule((def.flags & ~DEV_CREATE_FLAG_MASK) === 0, `accepts only the flags NUMA_NODE, RDONLY and WRONLY (got 0x${def.flags.toString(16)})`);
      return def.flags;
  }
}

/** The two u32 words of a devmap/cpumap value; the second is a prog fd (0 when absent). */
function readTargetValue(value: Uint8Array): { first: number; fd: number } {
  return { first: readU32(value), fd: value.length >= 8 ? readI32(value, 4) : 0 };
}

/** The stored form: the first word, and the program reference only when fd > 0. */
function storedValue(size: number, first: number, fd: number): Uint8Array {
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, first, true);
  if (size >= 8) view.setUint32(4, fd > 0 ? fd : 0, true);
  return out;
}

/** DEVMAP and CPUMAP: array slots holding a stored value, empty until set. */
abstract class TargetArrayMap extends MapBase {
  protected readonly slots = new Map<number, Uint8Array>();

  /** The stored value of slot `key` (a copy), if any. */
  redirectTarget(key: number): Uint8Array | undefined {
    return this.slots.get(key)?.slice();
  }

  lookup(key: Uint8Array, _cpu = 0): Uint8Array | undefined {
    return this.slots.get(readU32(this.requireKey(key)));
  }

  delete(key: Uint8Array): number {
    const index = readU32(this.requireKey(key));
    if (index >= this.def.maxEntries) return -EINVAL;
    this.slots.delete(index);
    return 0;
  }

  userLookup(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const v = this.lookup(this.requireKey(key));
    return v ? v.slice() : -ENOENT;
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

export class DevMap extends TargetArrayMap {
  update(key: Uint8Array, value: Uint8Array, flags: MapFlags = 0, _cpu = 0): number {
    const index = readU32(this.requireKey(key));
    this.requireValue(value);
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    if (index >= this.def.maxEntries) return -E2BIG;
    if (f === BigInt(BPF_NOEXIST)) return -EEXIST;
    const { first: ifindex, fd } = readTargetValue(value);
    if (ifindex === 0) {
      if (fd > 0) return -EINVAL;
      this.slots.delete(index);
      return 0;
    }
    this.slots.set(index, storedValue(this.def.valueSize, ifindex, fd));
    return 0;
  }
}

export class DevMapHash extends HashTableMap<Uint8Array> {
  lookup(key: Uint8Array, _cpu = 0): Uint8Array | undefined {
    return this.table.get(this.requireKey(key));
  }

  update(key: Uint8Array, value: Uint8Array, flags: MapFlags = 0, _cpu = 0): number {
    this.requireKey(key);
    this.requireValue(value);
    const f = flagBits(flags);
    const { first: ifindex, fd } = readTargetValue(value);
    if (f > BigInt(BPF_EXIST) || ifindex === 0) return -EINVAL;
    const present = this.table.has(key);
    if (present && f === BigInt(BPF_NOEXIST)) return -EEXIST;
    if (!present && this.table.size >= this.def.maxEntries) return -E2BIG;
    this.table.set(key, storedValue(this.def.valueSize, ifindex, fd));
    return 0;
  }

  userLookup(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const v = this.table.get(this.requireKey(key));
    return v ? v.slice() : -ENOENT;
  }

  userUpdate(key: Uint8Array | undefined, value: Uint8Array, flags: MapFlags = 0): number {
    return this.userUpdateLockCheck(flags) || this.update(this.requireKey(key), value, flags);
  }

  /** The stored value under ifindex-key `key` (a copy), if any. */
  redirectTarget(key: number): Uint8Array | undefined {
    return this.table.get(u32Bytes(key))?.slice();
  }
}

export class CpuMap extends TargetArrayMap {
  update(key: Uint8Array, value: Uint8Array, flags: MapFlags = 0, _cpu = 0): number {
    const cpu = readU32(this.requireKey(key));
    this.requireValue(value);
    const { first: qsize, fd } = readTargetValue(value);
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    if (cpu >= this.def.maxEntries) return -E2BIG;
    if (f === BigInt(BPF_NOEXIST)) return -EEXIST;
    if (qsize > CPUMAP_MAX_QSIZE) return -EOVERFLOW;
    if (cpu >= this.cpus) return -ENODEV;
    if (qsize === 0) this.slots.delete(cpu);
    else this.slots.set(cpu, storedValue(this.def.valueSize, qsize, fd));
    return 0;
  }
}

export class XskMap extends MapBase<unknown> {
  private readonly sockets = new Map<number, unknown>();

  lookup(key: Uint8Array, _cpu = 0): Uint8Array | undefined {
    this.requireKey(key);
    return undefined;
  }

  update(key: Uint8Array, _value?: Uint8Array, _flags: MapFlags = 0): number {
    this.requireKey(key);
    return -EOPNOTSUPP;
  }

  delete(key: Uint8Array): number {
    const index = readU32(this.requireKey(key));
    if (index >= this.def.maxEntries) return -EINVAL;
    this.sockets.delete(index);
    return 0;
  }

  /** xsk_map_update_elem with a socket handle (undefined/null stands for a bad fd). */
  userUpdate(key: Uint8Array | undefined, socket: unknown, flags: MapFlags = 0): number {
    const index = readU32(this.requireKey(key));
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    if (index >= this.def.maxEntries) return -E2BIG;
    if (socket === undefined || socket === null) return -EBADF;
    const old = this.sockets.get(index);
    if (old === socket) return 0;
    const err = hashCheckFlags(old !== undefined, f);
    if (err) return err;
    this.sockets.set(index, socket);
    return 0;
  }

  userLookup(key: Uint8Array | undefined, _flags: MapFlags = 0): ValueOrErrno {
    this.requireKey(key);
    return -EOPNOTSUPP;
  }

  userDelete(key: Uint8Array | undefined): number {
    return this.delete(this.requireKey(key));
  }

  nextKey(key: Uint8Array | undefined): ValueOrErrno {
    return arrayNextKey(this.def.maxEntries, key && this.requireKey(key));
  }

  /** The socket handle in slot `key`, if any (bpf_redirect_map's target). */
  getSocket(key: number): unknown {
    return this.sockets.get(key);
  }
}
