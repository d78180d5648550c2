// The maps of the VM, as one import: createMap builds a map from its definition after the
// kernel's creation checks (map-def.ts), returning the class of its type; the classes, flags,
// errno values and limits are re-exported for the helpers and for tests.

import { MapType } from "../../object/map-types.js";
import { ArrayMap, PercpuArrayMap } from "./array.js";
import { PerfEventArrayMap, ProgArrayMap } from "./fd-array.js";
import { HashMap, PercpuHashMap } from "./hash.js";
import { LpmTrieMap } from "./lpm-trie.js";
import { LruHashMap, LruPercpuHashMap } from "./lru.js";
import { ArrayOfMapsMap, HashOfMapsMap } from "./map-in-map.js";
import { checkMapDef } from "./map-def.js";
import { QueueStackMap } from "./queue-stack.js";
import { CpuMap, DevMap, DevMapHash, XskMap } from "./redirect.js";
import { RingbufMap } from "./ringbuf.js";
import type { BpfMap, MapDef, MapOptions } from "./types.js";

export * from "./types.js";
export * from "./errno.js";
export * from "./flags.js";
export * from "./limits.js";
export { MapCreateError } from "./errors.js";
export { MapBase } from "./base.js";
export { ArrayMap, PercpuArrayMap } from "./array.js";
export { HashMap, PercpuHashMap, HashTableMap } from "./hash.js";
export { LruHashMap, LruPercpuHashMap } from "./lru.js";
export { LpmTrieMap } from "./lpm-trie.js";
export { ProgArrayMap, PerfEventArrayMap, type PerfEventRef, type PerfSample } from "./fd-array.js";
export { ArrayOfMapsMap, HashOfMapsMap, innerMapMatches } from "./map-in-map.js";
export { QueueStackMap } from "./queue-stack.js";
export { RingbufMap } from "./ringbuf.js";
export { DevMap, DevMapHash, CpuMap, XskMap } from "./redirect.js";
export { checkMapDef } from "./map-def.js";

/** The class createMap returns for each map type. */
export interface MapClasses {
  [MapType.HASH]: HashMap;
  [MapType.ARRAY]: ArrayMap;
  [MapType.PROG_ARRAY]: ProgArrayMap;
  [MapType.PERF_EVENT_ARRAY]: PerfEventArrayMap;
  [MapType.PERCPU_HASH]: PercpuHashMap;
  [MapType.PERCPU_ARRAY]: PercpuArrayMap;
  [MapType.LRU_HASH]: LruHashMap;
  [MapType.LRU_PERCPU_HASH]: LruPercpuHashMap;
  [MapType.LPM_TRIE]: LpmTrieMap;
  [MapType.ARRAY_OF_MAPS]: ArrayOfMapsMap;
  [MapType.HASH_OF_MAPS]: HashOfMapsMap;
  [MapType.DEVMAP]: DevMap;
  [MapType.CPUMAP]: CpuMap;
  [MapType.XSKMAP]: XskMap;
  [MapType.QUEUE]: QueueStackMap;
  [MapType.STACK]: QueueStackMap;
  [MapType.DEVMAP_HASH]: DevMapHash;
  [MapType.RINGBUF]: RingbufMap;
}

/** The class of one map type; any BpfMap when the type is not known statically. */
export type MapFor<T extends MapType> = MapType extends T ? BpfMap : T extends keyof MapClasses ? MapClasses[T] : never;

/**
 * BPF_MAP_CREATE: checks `def` as the kernel would (throwing MapCreateError) and builds the map,
 * typed by its class when `def.type` is a literal. `options.cpus`: possible CPUs (default 1).
 */
export function createMap<T extends MapType>(def: MapDef & { readonly type: T }, options: MapOptions = { cpus: 1 }): MapFor<T> {
  const recorded = checkMapDef(def, options.cpus);
  return build(recorded, options) as MapFor<T>;
}

function build(def: MapDef, options: MapOptions): BpfMap {
  switch (def.type) {
    case MapType.HASH:
      return new HashMap(def, options);
    case MapType.ARRAY:
      return new ArrayMap(def, options);
    case MapType.PROG_ARRAY:
      return new ProgArrayMap(def, options);
    case MapType.PERF_EVENT_ARRAY:
      return new PerfEventArrayMap(def, options);
    case MapType.PERCPU_HASH:
      return new PercpuHashMap(def, options);
    case MapType.PERCPU_ARRAY:
      return new PercpuArrayMap(def, options);
    case MapType.LRU_HASH:
      return new LruHashMap(def, options);
    case MapType.LRU_PERCPU_HASH:
      return new LruPercpuHashMap(def, options);
    case MapType.LPM_TRIE:
      return new LpmTrieMap(def, options);
    case MapType.ARRAY_OF_MAPS:
      return new ArrayOfMapsMap(def, options, def.innerMap!);
    case MapType.HASH_OF_MAPS:
      return new HashOfMapsMap(def, options, def.innerMap!);
    case MapType.DEVMAP:
      return new DevMap(def, options);
    case MapType.DEVMAP_HASH:
      return new DevMapHash(def, options);
    case MapType.CPUMAP:
      return new CpuMap(def, options);
    case MapType.XSKMAP:
      return new XskMap(def, options);
    case MapType.QUEUE:
    case MapType.STACK:
      return new QueueStackMap(def, options);
    case MapType.RINGBUF:
      return new RingbufMap(def, options);
    default:
      throw new Error(`unreachable: map type ${def.type} passed checkMapDef`);
  }
}
