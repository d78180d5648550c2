// The base class of every map of the VM (the BpfMap interface of types.ts): ids, the defaults
// for operations a map type does not have (with the errno the kernel gives), key/value size
// checks, and the value copies that respect a bpf_spin_lock inside the value (copy_map_value
// never overwrites the lock word; user space reads it as zero). UserValue is what userUpdate
// takes: bytes for most maps, a reference for the maps of programs, maps, events and sockets.

import { EINVAL, ENOENT, ENOTSUPP, EOPNOTSUPP } from "./errno.js";
import { BPF_F_LOCK, flagBits } from "./flags.js";
import type { BpfMap, MapDef, MapEntry, MapFlags, MapOptions, ValueOrErrno } from "./types.js";

let nextMapId = 1;

export abstract class MapBase<UserValue = Uint8Array> implements BpfMap {
  readonly id: number;
  readonly def: MapDef;
  readonly cpus: number;

  constructor(def: MapDef, options: MapOptions) {
    this.id = nextMapId++;
    this.def = def;
    this.cpus = options.cpus;
  }

  // ---- program side ----

  abstract lookup(key: Uint8Array, cpu?: number): Uint8Array | undefined;
  abstract update(key: Uint8Array, value: Uint8Array, flags?: MapFlags, cpu?: number): number;
  abstract delete(key: Uint8Array): number;
  /** Only queue and stack have push/pop/peek (the verifier rejects them elsewhere). */
  push(_value: Uint8Array, _flags: MapFlags = 0): number {
    return -EOPNOTSUPP;
  }
  pop(): ValueOrErrno {
    return -EOPNOTSUPP;
  }
  peek(): ValueOrErrno {
    return -EOPNOTSUPP;
  }
  /** Only the array and hash types can be walked by bpf_for_each_map_elem. */
  *elements(_cpu: number): IterableIterator<MapEntry> {}

  // ---- user side ----

  abstract userLookup(key: Uint8Array | undefined, flags?: MapFlags): ValueOrErrno;
  abstract userUpdate(key: Uint8Array | undefined, value: UserValue, flags?: MapFlags): number;
  abstract userDelete(key: Uint8Array | undefined): number;
  abstract nextKey(key: Uint8Array | undefined): ValueOrErrno;
  /** The kernel has lookup-and-delete for hash maps, queue and stack only. */
  userLookupAndDelete(_key: Uint8Array | undefined, _flags: MapFlags = 0): ValueOrErrno {
    return -ENOTSUPP;
  }

  /** nextKey from the start, then userLookup, as `bpftool map dump` walks a map. */
  *entries(): IterableIterator<MapEntry> {
    let key = this.nextKey(undefined);
    while (typeof key !== "number") {
      const value = this.userLookup(key);
      if (typeof value !== "number") yield { key, value };
      else if (value !== -ENOENT) return;
      key = this.nextKey(key);
    }
  }

  // ---- for the map types ----

  protected get hasSpinLock(): boolean {
    return this.def.spinLockOffset !== undefined;
  }

  /** The key as a key_size byte array; throws on a wrong size. */
  protected requireKey(key: Uint8Array | undefined): Uint8Array {
    const k = key ?? new Uint8Array(0);
    if (k.length !== this.def.keySize) {
      throw new RangeError(`map "${this.def.name}": key must be ${this.def.keySize} bytes, got ${k.length}`);
    }
    return k;
  }

  protected requireValue(value: Uint8Array, size = this.def.valueSize): Uint8Array {
    if (!(value instanceof Uint8Array)) throw new TypeError(`map "${this.def.name}": the value must be a Uint8Array`);
    if (value.length !== size) {
      throw new RangeError(`map "${this.def.name}": value must be ${size} bytes, got ${value.length}`);
    }
    return value;
  }

  protected requireCpu(cpu: number): number {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) {
      throw new RangeError(`map "${this.def.name}": cpu ${cpu} is not one of the ${this.cpus} possible CPUs`);
    }
    return cpu;
  }

  /** copy_map_value: `src` into `dst` (value_size bytes) except the spin lock word. */
  protected storeValue(dst: Uint8Array, src: Uint8Array): void {
    const lock = this.def.spinLockOffset;
    const n = this.def.valueSize;
    if (lock === undefined) {
      dst.set(src.subarray(0, n));
      return;
    }
    dst.set(src.subarray(0, lock));
    dst.set(src.subarray(lock + 4, n), lock + 4);
  }

  /** A copy for user space with the spin lock zeroed (check_and_init_map_value). */
  protected exportValue(src: Uint8Array): Uint8Array {
    const out = src.slice();
    const lock = this.def.spinLockOffset;
    if (lock !== undefined) out.fill(0, lock, lock + 4);
    return out;
  }

  /** map_lookup_elem's flag checks: only BPF_F_LOCK, and only with a spin lock. */
  protected userLookupFlags(flags: MapFlags): number {
    const f = flagBits(flags);
    if ((f & ~BigInt(BPF_F_LOCK)) !== 0n) return -EINVAL;
    if ((f & BigInt(BPF_F_LOCK)) !== 0n && !this.hasSpinLock) return -EINVAL;
    return 0;
  }

  /** map_update_elem's check before the map type sees the call: BPF_F_LOCK needs a spin lock. */
  protected userUpdateLockCheck(flags: MapFlags): number {
    return (flagBits(flags) & BigInt(BPF_F_LOCK)) !== 0n && !this.hasSpinLock ? -EINVAL : 0;
  }
}
