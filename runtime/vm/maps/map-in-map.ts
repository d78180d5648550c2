// ARRAY_OF_MAPS and HASH_OF_MAPS: values are other maps. The inner maps must match the template
// given at creation (the kernel's inner_map_meta): same type, key size, value size, flags and
// spin lock, and for an ARRAY (unless the template has BPF_F_INNER_MAP) or XSKMAP template the
// same max_entries; a mismatch is EINVAL. User space stores maps (BPF_ANY only for the array;
// the hash has the hash flag rules); a user lookup returns the inner map's id. Programs get
// the inner map with getInnerMap (bpf_map_lookup_elem on a map-in-map returns a map pointer);
// lookup gives no bytes and update is -EOPNOTSUPP (the verifier allows neither update nor delete
// from programs).

import { MapType } from "../../object/map-types.js";
import { readU32, u32Bytes } from "./bytes.js";
import { E2BIG, EINVAL, ENOENT, EOPNOTSUPP } from "./errno.js";
import { FdArrayMap } from "./fd-array.js";
import { BPF_EXIST, BPF_F_INNER_MAP, flagBits } from "./flags.js";
import { HashTableMap, hashCheckFlags } from "./hash.js";
import type { BpfMap, MapDef, MapFlags, MapOptions, ValueOrErrno } from "./types.js";

/** The template's map_meta_equal against a candidate inner map (both as the kernel records them). */
export function innerMapMatches(template: MapDef, inner: MapDef): boolean {
  const base =
    template.type === inner.type &&
    template.keySize === inner.keySize &&
    template.valueSize === inner.valueSize &&
    template.flags === inner.flags &&
    template.spinLockOffset === inner.spinLockOffset;
  if (!base) return false;
  if (template.type === MapType.ARRAY) return (template.flags & BPF_F_INNER_MAP) !== 0 || template.maxEntries === inner.maxEntries;
  if (template.type === MapType.XSKMAP) return template.maxEntries === inner.maxEntries;
  return true;
}

/** ARRAY_OF_MAPS: the fd-array rules, with the template check as admission and map ids for user lookups. */
export class ArrayOfMapsMap extends FdArrayMap<BpfMap> {
  constructor(
    def: MapDef,
    options: MapOptions,
    /** The inner map template, as the kernel records it. */
    readonly innerTemplate: MapDef,
  ) {
    super(def, options);
  }

  protected admit(inner: BpfMap): number {
    return innerMapMatches(this.innerTemplate, inner.def) ? 0 : -EINVAL;
  }

  protected readonly sysLookup = (inner: BpfMap): number => inner.id;

  /** The map in slot `key` (a u32 key or an index), if any. */
  getInnerMap(key: Uint8Array | number): BpfMap | undefined {
    return this.slots.get(typeof key === "number" ? key : readU32(this.requireKey(key)));
  }
}

export class HashOfMapsMap extends HashTableMap<BpfMap, BpfMap> {
  constructor(
    def: MapDef,
    options: MapOptions,
    /** The inner map template, as the kernel records it. */
    readonly innerTemplate: MapDef,
  ) {
    super(def, options);
  }

  getInnerMap(key: Uint8Array): BpfMap | undefined {
    return this.table.get(this.requireKey(key));
  }

  lookup(key: Uint8Array, _cpu = 0): Uint8Array | undefined {
    this.requireKey(key);
    return undefined;
  }

  update(key: Uint8Array, _value?: Uint8Array, _flags: MapFlags = 0): number {
    this.requireKey(key);
    return -EOPNOTSUPP;
  }

  /** bpf_fd_htab_map_update_elem: the inner map is checked first, then the hash rules. */
  userUpdate(key: Uint8Array | undefined, inner: BpfMap, flags: MapFlags = 0): number {
    const k = this.requireKey(key);
    if (!innerMapMatches(this.innerTemplate, inner.def)) return -EINVAL;
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    const present = this.table.has(k);
    const err = hashCheckFlags(present, f);
    if (err) return err;
    if (!present && this.table.size >= this.def.maxEntries) return -E2BIG;
    this.table.set(k, inner);
    return 0;
  }

  userLookup(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const inner = this.table.get(this.requireKey(key));
    return inner ? u32Bytes(inner.id) : -ENOENT;
  }
}
