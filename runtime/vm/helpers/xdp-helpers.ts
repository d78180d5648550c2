// XDP helpers with the kernel's checks and results: adjust_head/tail, load/store bytes,
// buffer length, redirect and redirect_map; adjust_meta faults (Linux 6.18.44 refuses it).
// fib_lookup lives in fib-lookup.ts.

import { XskMap, type BpfMap } from "../maps/index.js";
import { MapType } from "../../object/map-types.js";
import { ETH_HLEN, XDP_FRAME_SIZE, XDP_FRAME_STRUCT_SIZE, XDP_SHARED_INFO_SIZE, bufferLength, bufferSpans, syncWindow, xdpState } from "../xdp-state.js";
import { RawFault } from "../errors.js";
import { EFAULT, EINVAL, EOPNOTSUPP, errno } from "./errno.js";
import { fibLookup } from "./fib-lookup.js";
import type { HelperFn } from "./registry.js";
import { helperId } from "../../isa/helper-ids.js";

const XDP_ABORTED = 0n;
const XDP_REDIRECT = 4n;
const BPF_F_ACTION_MASK = 3n;
const BPF_F_BROADCAST = 1n << 3n;
const BPF_F_EXCLUDE_INGRESS = 1n << 4n;

const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

const adjustHead: HelperFn = (m, _ctx, delta) => {
  const s = xdpState(m, "bpf_xdp_adjust_head");
  const offset = s32(delta);
  const data = s.data + offset;
  const metalen = s.data - s.dataMeta;
  // The metadata moves with data, so it too must stay above struct xdp_frame.
  if (data < XDP_FRAME_STRUCT_SIZE + metalen || data > s.dataEnd - ETH_HLEN) return errno(EINVAL);
  if (metalen > 0) s.packet.bytes.copyWithin(s.dataMeta + offset, s.dataMeta, s.data);
  s.dataMeta += offset;
  s.data = data;
  syncWindow(s);
  return 0n;
};

// Linux 6.18.44 refuses XDP programs that call bpf_xdp_adjust_meta ("program of this type
// cannot use helper bpf_xdp_adjust_meta#54"), and the VM follows the same release: a program
// loaded without the verifier that calls it faults here instead of running semantics the
// kernel no longer offers.
const adjustMeta: HelperFn = () => {
  throw new RawFault("helper", "bpf_xdp_adjust_meta#54: Linux 6.18.44 does not let XDP programs call this helper (the kernel refuses the load: program of this type cannot use helper bpf_xdp_adjust_meta#54)");
};

const adjustTail: HelperFn = (m, _ctx, delta) => {
  const s = xdpState(m, "bpf_xdp_adjust_tail");
  // On a multi-buffer frame the kernel grows or shrinks the fragments instead (bpf_xdp_frags_*_tail).
  if (s.frags.length > 0) throw new RawFault("helper", "bpf_xdp_adjust_tail on a multi-buffer frame (fragments) is not supported by the VM");
  const offset = s32(delta);
  const dataEnd = s.dataEnd + offset;
  if (dataEnd > XDP_FRAME_SIZE - XDP_SHARED_INFO_SIZE) return errno(EINVAL);
  if (dataEnd < s.data + ETH_HLEN) return errno(EINVAL);
  // The kernel clears grown memory, which could hold stale data.
  if (offset > 0) s.packet.bytes.fill(0, s.dataEnd, dataEnd);
  s.dataEnd = dataEnd;
  syncWindow(s);
  return 0n;
};

const buffLen: HelperFn = (m) => BigInt(bufferLength(xdpState(m, "bpf_xdp_get_buff_len")));

/** load_bytes/store_bytes: `len` bytes at `offset` from data, across the linear part and the fragments. */
function copyBytes(store: boolean): HelperFn {
  const name = store ? "bpf_xdp_store_bytes" : "bpf_xdp_load_bytes";
  return (m, _ctx, offset, bufPtr, len) => {
    const s = xdpState(m, name);
    const off = Number(offset & 0xffffffffn);
    const n = Number(len & 0xffffffffn);
    if (off > 0xffff || n > 0xffff) return errno(EFAULT);
    if (off + n > bufferLength(s)) return errno(EINVAL);
    const buf = m.mem.bytes(bufPtr, n, !store);
    let at = 0;
    for (const span of bufferSpans(s, off, n)) {
      if (store) span.set(buf.subarray(at, at + span.length));
      else buf.set(span, at);
      at += span.length;
    }
    return 0n;
  };
}

const redirect: HelperFn = (m, ifindex, flags) => {
  const s = xdpState(m, "bpf_redirect");
  if (flags !== 0n) return XDP_ABORTED;
  s.redirect = { kind: "ifindex", ifindex: Number(ifindex & 0xffffffffn), flags: 0 };
  return XDP_REDIRECT;
};

const redirectTargets = new Set([MapType.DEVMAP, MapType.DEVMAP_HASH, MapType.CPUMAP, MapType.XSKMAP]);

const redirectMap: HelperFn = (m, mapPtr, key, flags) => {
  const s = xdpState(m, "bpf_redirect_map");
  const map: BpfMap = m.mapAt(mapPtr, "bpf_redirect_map's map argument (r1)");
  if (!redirectTargets.has(map.def.type)) return errno(EOPNOTSUPP);
  const allowed = BPF_F_ACTION_MASK | (map.def.type === MapType.DEVMAP || map.def.type === MapType.DEVMAP_HASH ? BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS : 0n);
  if ((flags & ~allowed) !== 0n) return XDP_ABORTED;
  const k = Number(key & 0xffffffffn);
  const broadcast = (flags & BPF_F_BROADCAST) !== 0n;
  const value = broadcast ? undefined : map instanceof XskMap ? (map.getSocket(k) === undefined ? undefined : new Uint8Array(0)) : map.redirectTarget?.(k);
  if (!broadcast && value === undefined) return flags & BPF_F_ACTION_MASK;
  s.redirect = { kind: "map", map: map.def.name, key: k, value: value?.slice(), flags: Number(flags) };
  return XDP_REDIRECT;
};

export const xdpHelpers: [number, HelperFn][] = [
  [helperId("redirect"), redirect],
  [helperId("xdp_adjust_head"), adjustHead],
  [helperId("redirect_map"), redirectMap],
  [helperId("xdp_adjust_meta"), adjustMeta],
  [helperId("xdp_adjust_tail"), adjustTail],
  [helperId("fib_lookup"), fibLookup],
  [helperId("xdp_get_buff_len"), buffLen],
  [helperId("xdp_load_bytes"), copyBytes(false)],
  [helperId("xdp_store_bytes"), copyBytes(true)],
];
