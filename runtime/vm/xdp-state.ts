// The XDP frame of one run, laid out as the kernel's BPF_PROG_TEST_RUN lays it out: a
// 4096-byte frame, the packet at 256 bytes of headroom, 320 bytes of tailroom reserved for
// skb_shared_info, and the first 40 bytes (struct xdp_frame) never reachable by adjust_head.
// The ctx (struct xdp_md) is a region whose u32 data/data_end/data_meta fields read as
// 64-bit packet pointers, as the kernel's ctx rewrite makes them.
//
//   0        40                256                                      4096-320   4096
//   +--------+------------------+----------+-------------+--------------+----------+
//   | xdp_   |   headroom       | metadata |   packet    |   free       | shared   |
//   | frame  |                  |          | data..end   |   tailroom   | info     |
//   +--------+------------------+----------+-------------+--------------+----------+
//
// A frame longer than the linear area (3520 bytes) is a multi-buffer frame, as test_run makes
// it for any program: the first 3520 bytes are linear, the rest is in fragments of up to one
// page each (at most MAX_SKB_FRAGS = 17, beyond which the kernel refuses with ENOMEM).
// Programs reach fragments only through helpers (xdp_load/store_bytes, get_buff_len).

import { RawFault, VmUsageError } from "./errors.js";
import type { Machine } from "./machine.js";
import type { Region } from "./memory.js";
import { splitArgs } from "./halves.js";

export const XDP_FRAME_SIZE = 4096;
export const XDP_PACKET_HEADROOM = 256;
export const XDP_SHARED_INFO_SIZE = 320;
export const XDP_FRAME_STRUCT_SIZE = 40;
export const ETH_HLEN = 14;
/** Largest frame test_run accepts in the linear buffer. */
export const XDP_MAX_LINEAR = XDP_FRAME_SIZE - XDP_PACKET_HEADROOM - XDP_SHARED_INFO_SIZE;
/** The kernel's MAX_SKB_FRAGS (CONFIG_MAX_SKB_FRAGS default) and the size of one fragment page. */
export const XDP_MAX_FRAGS = 17;
export const XDP_FRAG_SIZE = 4096;
/** The longest frame test_run takes: the linear area and every fragment full. */
export const XDP_MAX_FRAME = XDP_MAX_LINEAR + XDP_MAX_FRAGS * XDP_FRAG_SIZE;

export type RedirectTarget =
  | { readonly kind: "ifindex"; readonly ifindex: number; readonly flags: number }
  | { readonly kind: "map"; readonly map: string; readonly key: number; readonly value: Uint8Array | undefined; readonly flags: number };

export interface XdpState {
  readonly packet: Region;
  readonly packetBase: bigint;
  readonly ctxAddress: bigint;
  data: number;
  dataEnd: number;
  dataMeta: number;
  ingressIfindex: number;
  rxQueueIndex: number;
  redirect: RedirectTarget | undefined;
  /** The fragments of a multi-buffer frame after the linear part (empty for a linear frame). */
  frags: Uint8Array[];
  /** The arguments of a run (r1 = the ctx address) as register halves (see splitArgs). */
  readonly argHalves: Int32Array;
  /** Bytes of the frame buffer any window has covered since the last loadFrame: all a program can have written. */
  dirtyLo: number;
  dirtyHi: number;
}

export const XDP_KEY = "xdp";

export interface XdpInput {
  readonly frame: Uint8Array;
  readonly ingressIfindex?: number;
  readonly rxQueueIndex?: number;
}

/** Maps a frame buffer and the ctx into the machine, once; loadFrame then fills them per run. */
export function createXdpState(m: Machine): XdpState {
  const bytes = new Uint8Array(XDP_FRAME_SIZE);
  const packetBase = m.mem.add({ kind: "packet", label: "packet", bytes, lo: XDP_PACKET_HEADROOM, hi: XDP_PACKET_HEADROOM, writable: true });
  const packet = m.mem.region(packetBase)!;
  const state = {
    packet,
    packetBase,
    ctxAddress: 0n,
    data: XDP_PACKET_HEADROOM,
    dataEnd: XDP_PACKET_HEADROOM,
    dataMeta: XDP_PACKET_HEADROOM,
    ingressIfindex: 0,
    rxQueueIndex: 0,
    redirect: undefined as RedirectTarget | undefined,
    frags: [] as Uint8Array[],
    argHalves: new Int32Array(0) as Int32Array,
    dirtyLo: 0,
    dirtyHi: XDP_FRAME_SIZE,
  };
  const readCtx = (offset: number, size: number): bigint | undefined => {
    if (size !== 4) return undefined;
    switch (offset) {
      case 0:
        return packetBase + BigInt(state.data);
      case 4:
        return packetBase + BigInt(state.dataEnd);
      case 8:
        return packetBase + BigInt(state.dataMeta);
      case 12:
        return BigInt(state.ingressIfindex);
      case 16:
        return BigInt(state.rxQueueIndex);
      case 20:
        return 0n;
      default:
        return undefined;
    }
  };
  const packetHi = Number(packetBase >> 32n);
  const readCtxInto = (offset: number, size: number, L: Int32Array, H: Int32Array, r: number): boolean => {
    if (size !== 4 || offset > 20 || offset % 4 !== 0) return false;
    const pointer = offset <= 8;
    L[r] = offset === 0 ? state.data : offset === 4 ? state.dataEnd : offset === 8 ? state.dataMeta : offset === 12 ? state.ingressIfindex : offset === 16 ? state.rxQueueIndex : 0;
    H[r] = pointer ? packetHi : 0;
    return true;
  };
  state.ctxAddress = m.mem.add({ kind: "ctx", label: "xdp_md context", bytes: new Uint8Array(24), lo: 0, hi: 24, writable: false, readCtx, readCtxInto });
  state.argHalves = splitArgs([state.ctxAddress]);
  return state;
}

/** Puts a frame in the buffer as test_run does (zeroed buffer, 256 bytes of headroom) and attaches the state to this run. */
export function loadFrame(m: Machine, s: XdpState, input: XdpInput): void {
  if (input.frame.length > XDP_MAX_FRAME) {
    throw new VmUsageError(`frame of ${input.frame.length} bytes needs more than ${XDP_MAX_FRAGS} fragments; the kernel's test run refuses it with ENOMEM`);
  }
  const linear = Math.min(input.frame.length, XDP_MAX_LINEAR);
  // The buffer starts zeroed as the kernel's does; only what earlier runs could reach needs clearing.
  s.packet.bytes.fill(0, s.dirtyLo, s.dirtyHi);
  s.packet.bytes.set(linear === input.frame.length ? input.frame : input.frame.subarray(0, linear), XDP_PACKET_HEADROOM);
  s.dirtyLo = XDP_PACKET_HEADROOM;
  s.dirtyHi = XDP_PACKET_HEADROOM + linear;
  if (s.frags.length > 0 || linear < input.frame.length) s.frags = [];
  for (let at = linear; at < input.frame.length; at += XDP_FRAG_SIZE) s.frags.push(input.frame.slice(at, at + XDP_FRAG_SIZE));
  s.data = XDP_PACKET_HEADROOM;
  s.dataMeta = XDP_PACKET_HEADROOM;
  s.dataEnd = XDP_PACKET_HEADROOM + linear;
  s.ingressIfindex = input.ingressIfindex ?? 0;
  s.rxQueueIndex = input.rxQueueIndex ?? 0;
  s.redirect = undefined;
  syncWindow(s);
  m.extensions.set(XDP_KEY, s);
}

/** The XDP state of the run, for XDP helpers; a fault when the program is not an XDP run. */
export function xdpState(m: Machine, helper: string): XdpState {
  const s = m.extensions.get(XDP_KEY) as XdpState | undefined;
  if (!s) throw new RawFault("helper", `${helper} is only available to XDP programs`);
  return s;
}

/** Moves the accessible window of the packet region after an adjust. */
export function syncWindow(s: XdpState): void {
  s.packet.lo = s.dataMeta;
  s.packet.hi = s.dataEnd;
  if (s.dataMeta < s.dirtyLo) s.dirtyLo = s.dataMeta;
  if (s.dataEnd > s.dirtyHi) s.dirtyHi = s.dataEnd;
}

/** The frame as the kernel returns it from test_run: data_meta .. data_end (metadata included), then the fragments. */
export function frameOut(s: XdpState): Uint8Array {
  const linear = s.packet.bytes.subarray(s.dataMeta, s.dataEnd);
  if (s.frags.length === 0) return linear.slice();
  const out = new Uint8Array(linear.length + s.frags.reduce((n, f) => n + f.length, 0));
  out.set(linear);
  let at = linear.length;
  for (const f of s.frags) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** xdp_get_buff_len: the linear data and every fragment. */
export function bufferLength(s: XdpState): number {
  return s.dataEnd - s.data + s.frags.reduce((n, f) => n + f.length, 0);
}

/**
 * The pieces of the frame (from data on, across the linear part and the fragments) that hold
 * bytes offset .. offset+len, as views into the live buffers; the caller checked the range.
 */
export function bufferSpans(s: XdpState, offset: number, len: number): Uint8Array[] {
  const pieces = [s.packet.bytes.subarray(s.data, s.dataEnd), ...s.frags];
  const spans: Uint8Array[] = [];
  let skip = offset;
  let left = len;
  for (const p of pieces) {
    if (left === 0) break;
    if (skip >= p.length) {
      skip -= p.length;
      continue;
    }
    const take = Math.min(p.length - skip, left);
    spans.push(p.subarray(skip, skip + take));
    skip = 0;
    left -= take;
  }
  return spans;
}
