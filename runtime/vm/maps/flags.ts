// Flag constants of the map API with the kernel's values (include/uapi/linux/bpf.h): map
// creation flags (MapDef.flags), element update flags, and the ring buffer / perf event
// output flags. Flags arrive as u64 from BPF registers, so checks use `flagBits` (a bigint)
// rather than JavaScript's 32-bit bitwise operators.

import type { MapFlags } from "./types.js";

// Creation flags (attr->map_flags).
export const BPF_F_NO_PREALLOC = 1 << 0;
export const BPF_F_NO_COMMON_LRU = 1 << 1;
export const BPF_F_NUMA_NODE = 1 << 2;
export const BPF_F_RDONLY = 1 << 3;
export const BPF_F_WRONLY = 1 << 4;
export const BPF_F_STACK_BUILD_ID = 1 << 5;
export const BPF_F_ZERO_SEED = 1 << 6;
export const BPF_F_RDONLY_PROG = 1 << 7;
export const BPF_F_WRONLY_PROG = 1 << 8;
export const BPF_F_CLONE = 1 << 9;
export const BPF_F_MMAPABLE = 1 << 10;
export const BPF_F_PRESERVE_ELEMS = 1 << 11;
export const BPF_F_INNER_MAP = 1 << 12;
/** RDONLY | RDONLY_PROG | WRONLY | WRONLY_PROG: the access flags every map type accepts. */
export const BPF_F_ACCESS_MASK = BPF_F_RDONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY | BPF_F_WRONLY_PROG;

// Element update flags (bpf_map_update_elem, BPF_MAP_UPDATE_ELEM).
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export const BPF_F_LOCK = 4;

// Ring buffer flags (bpf_ringbuf_output/submit/discard and bpf_ringbuf_query).
export const BPF_RB_NO_WAKEUP = 1;
export const BPF_RB_FORCE_WAKEUP = 2;
export const BPF_RB_AVAIL_DATA = 0;
export const BPF_RB_RING_SIZE = 1;
export const BPF_RB_CONS_POS = 2;
export const BPF_RB_PROD_POS = 3;

// bpf_perf_event_output flags: the low 32 bits select the array index, the next 20 bits
// how many bytes of the context (the packet, for XDP) to append to the sample.
export const BPF_F_INDEX_MASK = 0xffff_ffffn;
export const BPF_F_CURRENT_CPU = 0xffff_ffffn;
export const BPF_F_CTXLEN_MASK = 0xf_ffffn << 32n;

/** A u64 flags argument as a bigint (numbers must be non-negative integers). */
export function flagBits(flags: MapFlags): bigint {
  if (typeof flags === "bigint") return BigInt.asUintN(64, flags);
  if (!Number.isSafeInteger(flags) || flags < 0) throw new RangeError(`flags must be a u64, got ${flags}`);
  return BigInt(flags);
}

/** Whether RDONLY_PROG and WRONLY_PROG are not both set (the kernel's bpf_map_flags_access_ok). */
export function accessFlagsOk(mapFlags: number): boolean {
  return (mapFlags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) !== (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG);
}
