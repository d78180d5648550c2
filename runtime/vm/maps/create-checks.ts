// The checks of BPF_MAP_CREATE that do not belong to one map type, in the kernel's order:
// map_create() looks at the file access flags before the type's own checks (map_alloc_check
// and map_alloc, in each type's module) and at the name and the BTF value record after them.

import { MapType } from "../../object/map-types.js";
import { EACCES, EINVAL, EOPNOTSUPP } from "./errno.js";
import { requireDef } from "./errors.js";
import { BPF_F_RDONLY, BPF_F_RDONLY_PROG, BPF_F_WRONLY, BPF_F_WRONLY_PROG, accessFlagsOk } from "./flags.js";
import type { MapDef } from "./types.js";

function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff;
}

/** Before the map type's checks: u32 attributes, and RDONLY with WRONLY (bpf_get_file_flag). */
export function checkCreateAttrs(def: MapDef): void {
  for (const field of ["keySize", "valueSize", "maxEntries", "flags"] as const) {
    if (!isU32(def[field])) throw new RangeError(`map "${def.name}": ${field} must be a u32, got ${def[field]}`);
  }
  requireDef(
    (def.flags & (BPF_F_RDONLY | BPF_F_WRONLY)) !== (BPF_F_RDONLY | BPF_F_WRONLY),
    def.name,
    "BPF_F_RDONLY and BPF_F_WRONLY exclude each other",
    EINVAL,
  );
}

/** The access-flag rule most map types apply in their own checks (bpf_map_flags_access_ok). */
export function requireAccessFlags(def: MapDef, what: string): void {
  requireDef(accessFlagsOk(def.flags), def.name, `${what}: BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG exclude each other`, EINVAL);
}

/** After the map type's checks: the name (bpf_obj_name_cpy) and the spin lock (map_check_btf). */
export function checkCreateName(def: MapDef): void {
  requireDef(
    /^[A-Za-z0-9_.]*$/.test(def.name),
    def.name,
    "map names may contain only letters, digits, '_' and '.'",
    EINVAL,
  );
}

export function checkSpinLock(def: MapDef): void {
  const off = def.spinLockOffset;
  if (off === undefined) return;
  requireDef(
    Number.isInteger(off) && off >= 0 && off % 4 === 0 && off + 4 <= def.valueSize,
    def.name,
    `the bpf_spin_lock at offset ${off} must be 4-byte aligned and inside the ${def.valueSize}-byte value`,
    EINVAL,
  );
  requireDef(
    (def.flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) === 0,
    def.name,
    "a value with a bpf_spin_lock cannot be BPF_F_RDONLY_PROG or BPF_F_WRONLY_PROG",
    EACCES,
  );
  requireDef(
    def.type === MapType.HASH || def.type === MapType.ARRAY,
    def.name,
    `a bpf_spin_lock is allowed only in HASH and ARRAY values, not ${MapType[def.type]}`,
    EOPNOTSUPP,
  );
}
