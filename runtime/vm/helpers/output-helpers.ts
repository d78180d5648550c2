// Output helpers: ring buffer output/reserve/submit/discard/query and perf_event_output.
// A reservation is the ring's live record view mapped as a region; submit and discard
// commit it. The ring and the perf buffers keep their records for the test to drain.

import { RawFault } from "../errors.js";
import type { Machine } from "../machine.js";
import { PerfEventArrayMap, RingbufMap } from "../maps/index.js";
import { bufferLength, bufferSpans, xdpState } from "../xdp-state.js";
import { status } from "./errno.js";
import type { HelperFn } from "./registry.js";
import { helperId } from "../../isa/helper-ids.js";

interface Reservation {
  readonly ring: RingbufMap;
  readonly record: Uint8Array;
}

const RESERVATIONS = "ringbuf-reservations";

function reservations(m: Machine): Map<bigint, Reservation> {
  let r = m.extensions.get(RESERVATIONS) as Map<bigint, Reservation> | undefined;
  if (!r) m.extensions.set(RESERVATIONS, (r = new Map()));
  return r;
}

function ringbuf(m: Machine, ptr: bigint, helper: string): RingbufMap {
  const map = m.mapAt(ptr, `${helper}'s map argument (r1)`);
  if (!(map instanceof RingbufMap)) throw new RawFault("helper", `${helper} on map ${map.def.name}, which is not a ring buffer`);
  return map;
}


const output: HelperFn = (m, mapPtr, dataPtr, size, flags) => {
  const ring = ringbuf(m, mapPtr, "bpf_ringbuf_output");
  return status(ring.output(m.mem.bytes(dataPtr, Number(size & 0xffffffffn), false), flags));
};

const reserve: HelperFn = (m, mapPtr, size, flags) => {
  const ring = ringbuf(m, mapPtr, "bpf_ringbuf_reserve");
  const record = ring.reserve(Number(size & 0xffffffffn), flags);
  if (!record) return 0n;
  const addr = m.scratch("ringbuf", `ring buffer record of ${ring.def.name}`, record);
  reservations(m).set(addr, { ring, record });
  return addr;
};

function commit(submit: boolean): HelperFn {
  const name = submit ? "bpf_ringbuf_submit" : "bpf_ringbuf_discard";
  return (m, recordPtr) => {
    const all = reservations(m);
    const r = all.get(recordPtr);
    if (!r) throw new RawFault("helper", `${name}: 0x${recordPtr.toString(16)} is not a pending ring buffer reservation`);
    all.delete(recordPtr);
    if (submit) r.ring.submit(r.record);
    else r.ring.discard(r.record);
    return 0n;
  };
}

const query: HelperFn = (m, mapPtr, flags) => BigInt(ringbuf(m, mapPtr, "bpf_ringbuf_query").query(flags));

/** bpf_perf_event_output(ctx, map, flags, data, size): for XDP, ctx bytes are the packet. */
const perfOutput: HelperFn = (m, _ctx, mapPtr, flags, dataPtr, size) => {
  const map = m.mapAt(mapPtr, "bpf_perf_event_output's map argument (r2)");
  if (!(map instanceof PerfEventArrayMap)) throw new RawFault("helper", `bpf_perf_event_output on map ${map.def.name}, which is not a perf event array`);
  const data = m.mem.bytes(dataPtr, Number(size & 0xffffffffn), false);
  const xdp = m.extensions.has("xdp") ? xdpState(m, "bpf_perf_event_output") : undefined;
  // The ctx bytes of an XDP program are the whole frame, fragments included (bpf_xdp_copy).
  const packet = xdp ? concat(bufferSpans(xdp, 0, bufferLength(xdp))) : new Uint8Array(0);
  return status(map.output(flags, data, m.config.cpu, packet));
};

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const outputHelpers: [number, HelperFn][] = [
  [helperId("perf_event_output"), perfOutput],
  [helperId("ringbuf_output"), output],
  [helperId("ringbuf_reserve"), reserve],
  [helperId("ringbuf_submit"), commit(true)],
  [helperId("ringbuf_discard"), commit(false)],
  [helperId("ringbuf_query"), query],
];
