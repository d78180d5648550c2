// BPF_MAP_CREATE for an object's map definitions, as libbpf's bpf_object__create_maps does:
// BTF key/value type ids with the object's BTF fd (cleared for the map types whose kernel
// side takes no BTF, and retried without BTF if the kernel refuses it), names truncated to
// 15 characters, global data maps named `<first 8 chars of the object>.<section>`, their
// initial value written at key 0 and .rodata frozen with BPF_MAP_FREEZE; map-in-map outer
// maps created from an inner-map template that is closed right after; declarative
// map-in-map slots filled once every map exists.
//
// Invariants: maps are returned in definition order (index i = mapDefinitions(obj)[i], the
// index MAP_IDX pseudo loads carry); every fd made is owned by the caller's FdScope, so a
// failure anywhere closes them all.

import type { MapDefinition } from "../object/map-defs.js";
import { MapType } from "../object/map-types.js";
import { Attr } from "./attr.js";
import { MapCreate } from "./attr-layouts.js";
import type { KernelBtf } from "./btf-load.js";
import { BPF_OBJ_NAME_LEN, BpfCmd } from "./constants.js";
import { BpfSyscallError, KernelUsageError } from "./errors.js";
import { Fd, FdScope } from "./fd.js";
import { KernelMap } from "./map-access.js";
import { bpf } from "./syscall.js";

/** Map types created without BTF key/value types (libbpf's list). */
const NO_BTF = new Set<number>([
  MapType.PERF_EVENT_ARRAY,
  MapType.CGROUP_ARRAY,
  MapType.STACK_TRACE,
  MapType.ARRAY_OF_MAPS,
  MapType.HASH_OF_MAPS,
  MapType.DEVMAP,
  MapType.DEVMAP_HASH,
  MapType.CPUMAP,
  MapType.XSKMAP,
  MapType.SOCKMAP,
  MapType.SOCKHASH,
  MapType.QUEUE,
  MapType.STACK,
  MapType.ARENA,
]);

const MAP_IN_MAP = new Set<number>([MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS]);

/** libbpf's internal_map_name: `<object prefix>` + section name, in 15 characters. */
export function internalMapName(objectName: string, section: string): string {
  const max = BPF_OBJ_NAME_LEN - 1;
  const sfxLen = Math.min(Math.max(7, section.length), max);
  // A section name with a second dot (.data.foo, .rodata.str1.1) is used without prefix.
  const pfxLen = section.indexOf(".", 1) >= 0 ? 0 : Math.min(BPF_OBJ_NAME_LEN - sfxLen - 1, objectName.length);
  const name = (objectName.slice(0, pfxLen) + section.slice(0, sfxLen)).slice(0, max);
  return name.replace(/[^A-Za-z0-9_.]/g, "_");
}

/** The object's name as libbpf derives it from a path: the basename up to its first dot. */
export function objectNameFromPath(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.indexOf(".");
  return dot < 0 ? base : base.slice(0, dot);
}

export function kernelMapName(def: MapDefinition, objectName: string): string {
  return def.dataSection !== undefined ? internalMapName(objectName, def.dataSection) : def.name.slice(0, BPF_OBJ_NAME_LEN - 1);
}

interface CreateContext {
  readonly btf: KernelBtf | undefined;
  readonly objectName: string;
  readonly scope: FdScope;
  readonly warnings: string[];
}

/** The new map's fd, and whether the kernel took its BTF key/value types. */
function createOne(def: MapDefinition, kernelName: string, ctx: CreateContext, innerMapFd?: Fd): { fd: Fd; withBtf: boolean } {
  const useBtf = ctx.btf !== undefined && !NO_BTF.has(def.type) && (def.keyType !== undefined || def.valueType !== undefined);
  const attr = (withBtf: boolean): Uint8Array =>
    new Attr(MapCreate, {
      map_type: def.type,
      key_size: def.keySize,
      value_size: def.valueSize,
      max_entries: def.maxEntries,
      map_flags: def.flags,
      map_name: kernelName,
      ...(innerMapFd ? { inner_map_fd: innerMapFd.fd } : {}),
      ...(withBtf ? { btf_fd: ctx.btf!.fd.fd, btf_key_type_id: def.keyType ?? 0, btf_value_type_id: def.valueType ?? 0 } : {}),
    }).bytes;
  try {
    return { fd: ctx.scope.add(new Fd(bpf(BpfCmd.MAP_CREATE, attr(useBtf)), `map '${def.name}'`)), withBtf: useBtf };
  } catch (e) {
    if (!useBtf || !(e instanceof BpfSyscallError) || e.code === "EPERM") throw mapError(def, e);
    // libbpf: "Error in bpf_create_map_xattr(...). Retrying without BTF."
    ctx.warnings.push(`map '${def.name}': the kernel refused its BTF types (${e.code}); created without BTF`);
    try {
      return { fd: ctx.scope.add(new Fd(bpf(BpfCmd.MAP_CREATE, attr(false)), `map '${def.name}'`)), withBtf: false };
    } catch (again) {
      throw mapError(def, again);
    }
  }
}

function mapError(def: MapDefinition, e: unknown): unknown {
  if (!(e instanceof BpfSyscallError)) return e;
  return new BpfSyscallError(`BPF_MAP_CREATE of map '${def.name}'`, e.errno, e.code, e.description);
}

/** Creates every map of the object, in definition order, and writes global data. */
export function createMaps(defs: readonly MapDefinition[], ctx: CreateContext): KernelMap[] {
  const maps = defs.map((def) => {
    let inner: Fd | undefined;
    if (MAP_IN_MAP.has(def.type)) {
      if (!def.innerMap) throw new KernelUsageError(`map '${def.name}' is a map-in-map without an inner map definition (__array(values, ...))`);
      inner = createOne(def.innerMap, `${def.name}.inner`.slice(0, BPF_OBJ_NAME_LEN - 1), ctx).fd;
    }
    const kernelName = kernelMapName(def, ctx.objectName);
    const { fd, withBtf } = createOne(def, kernelName, ctx, inner);
    if (inner) {
      // libbpf destroys the template once the outer map exists.
      ctx.scope.forget(inner);
      inner.close();
    }
    const useBtf = withBtf;
    return new KernelMap(fd, {
      name: def.name,
      type: def.type,
      keySize: def.keySize,
      valueSize: def.valueSize,
      maxEntries: def.maxEntries,
      flags: def.flags,
      definition: def,
      ...(useBtf ? { btf: ctx.btf!.btf } : {}),
      ...(useBtf && def.keyType !== undefined ? { keyType: def.keyType } : {}),
      ...(useBtf && def.valueType !== undefined ? { valueType: def.valueType } : {}),
    });
  });
  const zero = new Uint8Array(4);
  defs.forEach((def, i) => {
    if (!def.initialValue) return;
    maps[i]!.update(zero, def.initialValue);
    if (def.frozen) maps[i]!.freeze();
  });
  defs.forEach((def, i) => {
    if (!MAP_IN_MAP.has(def.type)) return;
    for (const slot of def.initialSlots ?? []) {
      const inner = defs.findIndex((d) => d.name === slot.symbol && d.dataSection === undefined);
      if (inner < 0) throw new KernelUsageError(`map '${def.name}': initial slot ${slot.index} names '${slot.symbol}', which is not a map`);
      maps[i]!.update(new Uint8Array(new Uint32Array([slot.index]).buffer), maps[inner]!.fd);
    }
  });
  return maps;
}
