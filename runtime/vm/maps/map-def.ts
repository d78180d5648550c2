// BPF_MAP_CREATE's validation for every map type, in the kernel's order: the generic attribute
// checks, the type's map_alloc_check and map_alloc checks, the name, the BTF value record (spin
// lock). Returns the definition as the kernel records it: RDONLY/WRONLY dropped, BPF_F_RDONLY_PROG
// added for DEVMAP/DEVMAP_HASH, max_entries rounded for per-CPU LRU lists, the inner map template
// recorded the same way. Failures throw MapCreateError with the kernel's errno.

import { MapType } from "../../object/map-types.js";
import { checkArrayDef } from "./array.js";
import { checkCreateAttrs, checkCreateName, checkSpinLock } from "./create-checks.js";
import { EINVAL, ENOTSUPP, EOPNOTSUPP } from "./errno.js";
import { MapCreateError, requireDef } from "./errors.js";
import { BPF_F_RDONLY, BPF_F_RDONLY_PROG, BPF_F_WRONLY, BPF_F_WRONLY_PROG } from "./flags.js";
import { checkHashDef, hashMaxEntries } from "./hash.js";
import { checkLpmTrieDef } from "./lpm-trie.js";
import { checkQueueStackDef } from "./queue-stack.js";
import { checkRedirectDef } from "./redirect.js";
import { checkRingbufDef } from "./ringbuf.js";
import type { MapDef } from "./types.js";

function isMapInMap(type: MapType): boolean {
  return type === MapType.ARRAY_OF_MAPS || type === MapType.HASH_OF_MAPS;
}

/** fd_array_map_alloc_check: a u32 fd as value, no program access flags, then the array checks. */
function checkFdArrayDef(def: MapDef): void {
  const type = MapType[def.type];
  requireDef(def.valueSize === 4, def.name, `${type} value size must be 4 (a file descriptor), got ${def.valueSize}`, EINVAL);
  requireDef(
    (def.flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) === 0,
    def.name,
    `${type} cannot take BPF_F_RDONLY_PROG or BPF_F_WRONLY_PROG`,
    EINVAL,
  );
  checkArrayDef(def);
}

/**
 * bpf_map_meta_alloc: the template must itself be a valid map (its errors are reported as the
 * inner map's), not a map-in-map, and a type that can be compared (not PROG_ARRAY).
 */
function recordInnerTemplate(def: MapDef, cpus: number): MapDef {
  const type = MapType[def.type];
  const inner = def.innerMap;
  if (!inner) throw new MapCreateError(def.name, `${type} needs an inner map template (inner_map_fd)`, EINVAL);
  let recorded: MapDef;
  try {
    recorded = checkMapDef(inner, cpus);
  } catch (e) {
    if (e instanceof MapCreateError) throw new MapCreateError(def.name, `inner map "${inner.name}": ${e.rule}`, e.errno);
    throw e;
  }
  requireDef(!isMapInMap(inner.type), def.name, `the inner map of ${type} cannot itself be a map of maps`, EINVAL);
  requireDef(inner.type !== MapType.PROG_ARRAY, def.name, `a PROG_ARRAY cannot be the inner map of ${type}`, ENOTSUPP);
  return recorded;
}

export function checkMapDef(def: MapDef, cpus: number): MapDef {
  if (!Number.isInteger(cpus) || cpus < 1) throw new RangeError(`cpus must be an integer >= 1, got ${cpus}`);
  checkCreateAttrs(def);
  let flags = def.flags & ~(BPF_F_RDONLY | BPF_F_WRONLY);
  let maxEntries = def.maxEntries;
  let innerMap: MapDef | undefined;
  switch (def.type) {
    case MapType.ARRAY:
    case MapType.PERCPU_ARRAY:
      checkArrayDef(def);
      break;
    case MapType.PROG_ARRAY:
    case MapType.PERF_EVENT_ARRAY:
      checkFdArrayDef(def);
      break;
    case MapType.ARRAY_OF_MAPS:
      checkFdArrayDef(def);
      innerMap = recordInnerTemplate(def, cpus);
      break;
    case MapType.HASH:
    case MapType.PERCPU_HASH:
    case MapType.LRU_HASH:
    case MapType.LRU_PERCPU_HASH:
      checkHashDef(def);
      maxEntries = hashMaxEntries(def, cpus);
      break;
    case MapType.HASH_OF_MAPS:
      requireDef(def.valueSize === 4, def.name, `HASH_OF_MAPS value size must be 4 (a file descriptor), got ${def.valueSize}`, EINVAL);
      checkHashDef(def);
      innerMap = recordInnerTemplate(def, cpus);
      maxEntries = hashMaxEntries(def, cpus);
      break;
    case MapType.LPM_TRIE:
      checkLpmTrieDef(def);
      break;
    case MapType.QUEUE:
    case MapType.STACK:
      checkQueueStackDef(def);
      break;
    case MapType.RINGBUF:
      checkRingbufDef(def);
      break;
    case MapType.DEVMAP:
    case MapType.DEVMAP_HASH:
    case MapType.CPUMAP:
    case MapType.XSKMAP:
      flags = checkRedirectDef(def) & ~(BPF_F_RDONLY | BPF_F_WRONLY);
      break;
    default: {
      const known = MapType[def.type] !== undefined && def.type !== MapType.UNSPEC;
      throw new MapCreateError(
        def.name,
        known ? `map type ${MapType[def.type]} is not supported by the tsbpf VM` : `unknown map type ${def.type}`,
        known ? EOPNOTSUPP : EINVAL,
      );
    }
  }
  checkCreateName(def);
  checkSpinLock(def);
  const recorded: MapDef = { ...def, flags, maxEntries };
  if (innerMap) return { ...recorded, innerMap };
  const { innerMap: _unused, ...rest } = recorded;
  return rest;
}
