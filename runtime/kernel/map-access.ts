// A map in the kernel seen from Node: lookup, update, delete and iteration by raw bytes
// (BPF_MAP_*_ELEM, BPF_MAP_GET_NEXT_KEY), queue/stack pops, per-CPU values split by possible CPU, values of
// prog arrays and map-in-maps as the ids the kernel reports, and keys and values rendered
// through the map's BTF key/value types the way bpftool's `map dump -j` "formatted" does.
//
// Invariants: a key or value of the wrong size is refused before the syscall; ENOENT on
// lookup/delete/next-key is an answer (undefined / false / end of iteration), every other
// errno throws; a KernelMap owns its fd and closes it once in close().

import { readFileSync } from "node:fs";
import type { Btf, TypeId } from "../object/btf/index.js";
import { MapType } from "../object/map-types.js";
import type { MapDefinition } from "../object/map-defs.js";
import { Attr } from "./attr.js";
import { MapElem, MapFd, MapNextKey } from "./attr-layouts.js";
import { formatBtfValue, type Formatted } from "./btf-format.js";
import { BpfCmd, UpdateFlags } from "./constants.js";
import { BpfSyscallError, KernelUsageError } from "./errors.js";
import type { Fd } from "./fd.js";
import { mapInfo, objectKind, type MapInfo } from "./info.js";
import { objGet, objPin } from "./pins.js";
import { bpf } from "./syscall.js";

let possibleCpus: number | undefined;

/** Possible CPUs, as libbpf_num_possible_cpus counts /sys/devices/system/cpu/possible. */
export function numPossibleCpus(): number {
  if (possibleCpus !== undefined) return possibleCpus;
  const text = readFileSync("/sys/devices/system/cpu/possible", "utf8").trim();
  let n = 0;
  for (const part of text.split(",")) {
    const [a, b] = part.split("-").map(Number);
    n += b === undefined ? 1 : b - a! + 1;
  }
  possibleCpus = n;
  return n;
}

const PERCPU = new Set<number>([MapType.PERCPU_ARRAY, MapType.PERCPU_HASH, MapType.LRU_PERCPU_HASH, MapType.PERCPU_CGROUP_STORAGE]);
/** Maps whose values user space reads as u32 ids (programs, maps). */
const FD_VALUED = new Set<number>([MapType.PROG_ARRAY, MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS]);

export interface MapEntry {
  readonly key: Uint8Array;
  /** The value; for per-CPU maps all CPUs back to back, each padded to 8 bytes. */
  readonly value: Uint8Array;
}

export interface KernelMapShape {
  /** The definition's name (".data", ".bss", ".rodata" for global data). */
  readonly name: string;
  readonly type: MapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly btf?: Btf;
  readonly keyType?: TypeId;
  readonly valueType?: TypeId;
  readonly definition?: MapDefinition;
}

export class KernelMap {
  readonly name: string;
  readonly type: MapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly definition: MapDefinition | undefined;
  private readonly btf: Btf | undefined;
  private readonly keyType: TypeId | undefined;
  private readonly valueType: TypeId | undefined;

  constructor(
    readonly fd: Fd,
    shape: KernelMapShape,
  ) {
    this.name = shape.name;
    this.type = shape.type;
    this.keySize = shape.keySize;
    this.valueSize = shape.valueSize;
    this.maxEntries = shape.maxEntries;
    this.flags = shape.flags;
    this.definition = shape.definition;
    this.btf = shape.btf;
    this.keyType = shape.keyType;
    this.valueType = shape.valueType;
  }

  get perCpu(): boolean {
    return PERCPU.has(this.type);
  }

  /** Bytes of one value as user space exchanges it (all CPUs for per-CPU maps). */
  get userValueSize(): number {
    if (FD_VALUED.has(this.type)) return 4;
    return this.perCpu ? Math.ceil(this.valueSize / 8) * 8 * numPossibleCpus() : this.valueSize;
  }

  info(): MapInfo {
    return mapInfo(this.fd);
  }

  lookup(key: Uint8Array): Uint8Array | undefined {
    this.checkKey(key);
    const value = new Uint8Array(this.userValueSize);
    try {
      bpf(BpfCmd.MAP_LOOKUP_ELEM, new Attr(MapElem, { map_fd: this.fd.fd, key, value }).bytes);
    } catch (e) {
      if (e instanceof BpfSyscallError && e.code === "ENOENT") return undefined;
      throw e;
    }
    return value;
  }

  /** Update with BPF_ANY / NOEXIST / EXIST; for prog arrays and map-in-maps the value is an fd. */
  update(key: Uint8Array, value: Uint8Array | Fd, flags: number = UpdateFlags.ANY): void {
    this.checkKey(key);
    const bytes = value instanceof Uint8Array ? value : new Uint8Array(new Uint32Array([value.fd]).buffer);
    if (bytes.length !== this.userValueSize) throw new KernelUsageError(`map '${this.name}': value of ${bytes.length} bytes, expected ${this.userValueSize}`);
    bpf(BpfCmd.MAP_UPDATE_ELEM, new Attr(MapElem, { map_fd: this.fd.fd, key, value: bytes, flags }).bytes);
  }

  /** True when an entry was deleted, false when there was none. */
  delete(key: Uint8Array): boolean {
    this.checkKey(key);
    try {
      bpf(BpfCmd.MAP_DELETE_ELEM, new Attr(MapElem, { map_fd: this.fd.fd, key }).bytes);
      return true;
    } catch (e) {
      if (e instanceof BpfSyscallError && e.code === "ENOENT") return false;
      throw e;
    }
  }

  /**
   * Queues and stacks (no keys): takes the next element (BPF_MAP_LOOKUP_AND_DELETE_ELEM with no
   * key; oldest first for a queue, newest for a stack), or undefined when the map is empty.
   */
  pop(): Uint8Array | undefined {
    if (this.type !== MapType.QUEUE && this.type !== MapType.STACK) throw new KernelUsageError(`map '${this.name}' is not a queue or stack`);
    const value = new Uint8Array(this.valueSize);
    try {
      bpf(BpfCmd.MAP_LOOKUP_AND_DELETE_ELEM, new Attr(MapElem, { map_fd: this.fd.fd, value }).bytes);
    } catch (e) {
      if (e instanceof BpfSyscallError && e.code === "ENOENT") return undefined;
      throw e;
    }
    return value;
  }

  /** The key after `key` (the first key when undefined), or undefined at the end. */
  nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    if (key) this.checkKey(key);
    const next = new Uint8Array(this.keySize);
    try {
      bpf(BpfCmd.MAP_GET_NEXT_KEY, new Attr(MapNextKey, { map_fd: this.fd.fd, ...(key ? { key } : {}), next_key: next }).bytes);
    } catch (e) {
      if (e instanceof BpfSyscallError && e.code === "ENOENT") return undefined;
      throw e;
    }
    return next;
  }

  *keys(): Generator<Uint8Array> {
    for (let k = this.nextKey(undefined); k; k = this.nextKey(k)) yield k;
  }

  /** Every entry present (prog-array slots that are empty are skipped, as bpftool does). */
  entries(): MapEntry[] {
    const out: MapEntry[] = [];
    for (const key of this.keys()) {
      const value = this.lookup(key);
      if (value) out.push({ key, value });
    }
    return out;
  }

  /** One CPU's value out of a per-CPU lookup result. */
  cpuValue(value: Uint8Array, cpu: number): Uint8Array {
    const stride = Math.ceil(this.valueSize / 8) * 8;
    return value.slice(cpu * stride, cpu * stride + this.valueSize);
  }

  /** BPF_MAP_FREEZE: no more writes from user space. */
  freeze(): void {
    bpf(BpfCmd.MAP_FREEZE, new Attr(MapFd, { map_fd: this.fd.fd }).bytes);
  }

  pin(path: string): void {
    objPin(this.fd, path);
  }

  /** The key through BTF, or undefined when the map has no key type. */
  formatKey(key: Uint8Array): Formatted | undefined {
    return this.btf && this.keyType ? formatBtfValue(this.btf, this.keyType, key) : undefined;
  }

  /**
   * The value through BTF as bpftool's "formatted" shows it: per-CPU maps give
   * `[{cpu, value}]`; undefined when the map has no value type.
   */
  formatValue(value: Uint8Array): Formatted | undefined {
    if (!this.btf || !this.valueType) return undefined;
    if (!this.perCpu) return formatBtfValue(this.btf, this.valueType, value);
    return Array.from({ length: numPossibleCpus() }, (_, cpu) => ({ cpu, value: formatBtfValue(this.btf!, this.valueType!, this.cpuValue(value, cpu)) }));
  }

  close(): void {
    this.fd.close();
  }

  private checkKey(key: Uint8Array): void {
    if (key.length !== this.keySize) throw new KernelUsageError(`map '${this.name}': key of ${key.length} bytes, expected ${this.keySize}`);
  }
}

/** A pinned map (BPF_OBJ_GET), shaped from what the kernel reports; no BTF rendering. */
export function openPinnedMap(path: string): KernelMap {
  const fd = objGet(path);
  try {
    if (objectKind(fd) !== "map") throw new KernelUsageError(`${path} is not a pinned map`);
    const info = mapInfo(fd);
    return new KernelMap(fd, { name: info.name, type: info.type as MapType, keySize: info.keySize, valueSize: info.valueSize, maxEntries: info.maxEntries, flags: info.flags });
  } catch (e) {
    fd.close();
    throw e;
  }
}
