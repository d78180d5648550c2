// IPv6 extension headers (RFC 8200 §4, RFC 8754 SRH, RFC 4302 AH). Each is a
// Layer announced by its own next-header number and nests in wire order:
//   ipv6(a, hopByHop({}, srh({ segments }, udp(b, data))))
// Layouts (hdr ext len counts 8-byte units after the first 8 bytes):
//   Hop-by-Hop (0) / Destination Options (60): next | hdr ext len | TLV options, padded
//       with Pad1 / PadN to a multiple of 8
//   Routing (43): next | hdr ext len | routing type | segments left | type-specific data
//   SRH (routing type 4): ... | last entry | flags | tag(2) | segment list[0..n-1] (16 each) | TLVs
//   Fragment (44): next | reserved | offset:13 res:2 M:1 | identification(4)
//   AH (51): next | payload len (4-byte units - 2) | reserved(2) | SPI(4) | sequence(4) | ICV
// A routing header that still has segments to visit changes the destination
// of the upper layer's pseudo-header to the final one (see ../routing.ts).
import { parseIpv6, type Ipv6Input } from "../address.js";
import {
  AH_FIXED_LEN,
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_NONE,
  IPPROTO_ROUTING,
  IPV6_EXT_UNIT,
  IPV6_FRAG_MORE,
  IPV6OPT_JUMBO,
  IPV6OPT_PAD1,
  IPV6OPT_PADN,
  IPV6OPT_ROUTER_ALERT,
  ROUTING_TYPE_SRH,
} from "../constants.js";
import { PacketBuildError } from "../errors.js";
import { routingFinalDestination } from "../routing.js";
import {
  concatBytes,
  encodePayload,
  field,
  isLayer,
  nextProtocol,
  withHeader,
  type EncodeContext,
  type Layer,
  type Payload,
} from "./layer.js";

export type Ipv6Option =
  | { kind: "pad1" }
  /** PadN with `length` zero data bytes (the option takes length + 2). */
  | { kind: "padN"; length: number }
  /** RFC 2711: value 0 = MLD. */
  | { kind: "routerAlert"; value: number }
  /** RFC 2675 jumbo payload length. */
  | { kind: "jumbo"; length: number }
  | { kind: "raw"; type: number; data: Uint8Array };

export interface OptionsHeaderOptions {
  options?: readonly Ipv6Option[];
  /** Append Pad1/PadN to reach a multiple of 8 bytes; default true. */
  pad?: boolean;
  nextHeader?: number;
  /** Override of the hdr ext len field. */
  headerLength?: number;
}

/** The next-header value for an extension header: explicit, else the payload's, else 59 if there is none. */
function next(layer: string, explicit: number | undefined, payload: Payload): number {
  return field(
    layer,
    "nextHeader",
    nextProtocol(layer, "nextHeader", explicit, isLayer(payload) ? payload.ipProtocol : undefined, payload === undefined ? IPPROTO_NONE : undefined),
    8,
  );
}

/** A generic extension header: next | hdr ext len | body, with an encoder-chosen context for the payload. */
function extension(
  name: string,
  protocol: number,
  nextHeader: number,
  body: Uint8Array,
  lengthField: number,
  payload: Payload,
  innerContext: (outer: EncodeContext) => EncodeContext = (c) => c,
): Layer {
  return {
    name,
    ipProtocol: protocol,
    encode(context) {
      const { bytes } = withHeader(2 + body.length, encodePayload(payload, innerContext(context)));
      bytes[0] = nextHeader;
      bytes[1] = lengthField;
      bytes.set(body, 2);
      return bytes;
    },
  };
}

function encodeTlv(layer: string, o: Ipv6Option): Uint8Array {
  switch (o.kind) {
    case "pad1":
      return Uint8Array.of(IPV6OPT_PAD1);
    case "padN":
      return concatBytes([Uint8Array.of(IPV6OPT_PADN, field(layer, "padN length", o.length, 8)), new Uint8Array(o.length)]);
    case "routerAlert": {
      const v = field(layer, "router alert value", o.value, 16);
      return Uint8Array.of(IPV6OPT_ROUTER_ALERT, 2, v >> 8, v & 0xff);
    }
    case "jumbo": {
      const v = field(layer, "jumbo length", o.length, 32);
      return Uint8Array.of(IPV6OPT_JUMBO, 4, v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    }
    case "raw":
      return concatBytes([Uint8Array.of(field(layer, "option type", o.type, 8), field(layer, "option length", o.data.length, 8)), o.data]);
  }
}

/** Options after the 2-byte prefix, padded so that the whole header is a multiple of 8. */
function optionsBody(layer: string, options: OptionsHeaderOptions): Uint8Array {
  const tlvs = concatBytes((options.options ?? []).map((o) => encodeTlv(layer, o)));
  const missing = (IPV6_EXT_UNIT - ((2 + tlvs.length) % IPV6_EXT_UNIT)) % IPV6_EXT_UNIT;
  if (options.pad === false || missing === 0) return tlvs;
  const pad = missing === 1 ? Uint8Array.of(IPV6OPT_PAD1) : encodeTlv(layer, { kind: "padN", length: missing - 2 });
  return concatBytes([tlvs, pad]);
}

function lengthField(layer: string, totalLength: number, explicit: number | undefined): number {
  if (explicit !== undefined) return field(layer, "headerLength", explicit, 8);
  if (totalLength % IPV6_EXT_UNIT !== 0) {
    throw new PacketBuildError(layer, `header is ${totalLength} bytes, not a multiple of 8 (pass headerLength to force it)`);
  }
  return field(layer, "headerLength", totalLength / IPV6_EXT_UNIT - 1, 8);
}

function optionsHeader(name: string, protocol: number, options: OptionsHeaderOptions, payload: Payload): Layer {
  const body = optionsBody(name, options);
  return extension(name, protocol, next(name, options.nextHeader, payload), body, lengthField(name, 2 + body.length, options.headerLength), payload);
}

/** Hop-by-Hop Options header (next header 0). Must directly follow the IPv6 header. */
export function hopByHop(options: OptionsHeaderOptions, payload?: Payload): Layer {
  return optionsHeader("ipv6 hop-by-hop", IPPROTO_HOPOPTS, options, payload);
}

/** Destination Options header (next header 60). */
export function destinationOptions(options: OptionsHeaderOptions, payload?: Payload): Layer {
  return optionsHeader("ipv6 destination options", IPPROTO_DSTOPTS, options, payload);
}

export interface RoutingOptions {
  routingType: number;
  segmentsLeft: number;
  /** Type-specific data after the 4-byte prefix (for type 0: reserved(4) then the addresses). */
  data: Uint8Array;
  nextHeader?: number;
  headerLength?: number;
}

function routingLayer(name: string, options: RoutingOptions, payload: Payload): Layer {
  const type = field(name, "routingType", options.routingType, 8);
  const left = field(name, "segmentsLeft", options.segmentsLeft, 8);
  const body = concatBytes([Uint8Array.of(type, left), options.data]);
  const finalDst = routingFinalDestination(type, left, options.data);
  return extension(
    name,
    IPPROTO_ROUTING,
    next(name, options.nextHeader, payload),
    body,
    lengthField(name, 2 + body.length, options.headerLength),
    payload,
    (outer) => (finalDst && outer.pseudoHeader?.family === 6 ? { pseudoHeader: { ...outer.pseudoHeader, dst: finalDst } } : outer),
  );
}

/** A Routing header of any type with raw type-specific data. */
export function routing(options: RoutingOptions, payload?: Payload): Layer {
  return routingLayer("ipv6 routing", options, payload);
}

export interface SrhOptions {
  /** Segment list in wire order: segments[0] is the final segment (the list is reversed, RFC 8754). */
  segments: readonly Ipv6Input[];
  /** Default 0 (the packet is at its last segment, whose address must be the IPv6 destination). */
  segmentsLeft?: number;
  /** Default segments.length - 1. */
  lastEntry?: number;
  flags?: number;
  tag?: number;
  /** Raw TLV bytes after the segment list (the whole header must stay a multiple of 8). */
  tlvs?: Uint8Array;
  nextHeader?: number;
  headerLength?: number;
}

/** Segment Routing Header (routing type 4). */
export function srh(options: SrhOptions, payload?: Payload): Layer {
  const L = "ipv6 srh";
  const segs = options.segments.map((s) => parseIpv6(s));
  const lastEntry = field(L, "lastEntry", options.lastEntry ?? Math.max(segs.length - 1, 0), 8);
  const tag = field(L, "tag", options.tag ?? 0, 16);
  const data = concatBytes([
    Uint8Array.of(lastEntry, field(L, "flags", options.flags ?? 0, 8), tag >> 8, tag & 0xff),
    ...segs,
    options.tlvs ?? new Uint8Array(0),
  ]);
  const routingOptions: RoutingOptions = { routingType: ROUTING_TYPE_SRH, segmentsLeft: options.segmentsLeft ?? 0, data };
  if (options.nextHeader !== undefined) routingOptions.nextHeader = options.nextHeader;
  if (options.headerLength !== undefined) routingOptions.headerLength = options.headerLength;
  return routingLayer(L, routingOptions, payload);
}

export interface FragmentOptions {
  /** Fragment offset in 8-byte units, as on the wire; default 0. */
  offset?: number;
  /** More-fragments flag; default false. */
  more?: boolean;
  /** Identification; default 0. */
  id?: number;
  nextHeader?: number;
}

/** IPv6 Fragment header. The payload is the fragment's bytes (or, for the first fragment, a layer). */
export function ipv6Fragment(options: FragmentOptions, payload?: Payload): Layer {
  const L = "ipv6 fragment";
  const word = (field(L, "offset", options.offset ?? 0, 13) << 3) | (options.more ? IPV6_FRAG_MORE : 0);
  const id = field(L, "id", options.id ?? 0, 32);
  // 6 bytes after next | reserved: 8 in all (IPV6_FRAGMENT_HEADER_LEN).
  const body = Uint8Array.of(word >> 8, word & 0xff, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
  // The reserved byte sits where the length byte of other headers is.
  return extension(L, IPPROTO_FRAGMENT, next(L, options.nextHeader, payload), body, 0, payload);
}

export interface AuthHeaderOptions {
  spi: number;
  sequence: number;
  /** Integrity check value; with the 12 fixed bytes it must make a multiple of 4 bytes (8 in IPv6). */
  icv?: Uint8Array;
  nextHeader?: number;
  /** Override of the payload-length field. */
  headerLength?: number;
}

/** Authentication Header (RFC 4302), usable after IPv4 or IPv6. */
export function authHeader(options: AuthHeaderOptions, payload?: Payload): Layer {
  const L = "ah";
  const icv = options.icv ?? new Uint8Array(12);
  const total = AH_FIXED_LEN + icv.length;
  if (total % 4 !== 0) throw new PacketBuildError(L, `header is ${total} bytes, not a multiple of 4`);
  const spi = field(L, "spi", options.spi, 32);
  const seq = field(L, "sequence", options.sequence, 32);
  const body = new Uint8Array(total - 2);
  const view = new DataView(body.buffer);
  view.setUint32(2, spi);
  view.setUint32(6, seq);
  body.set(icv, 10);
  const len = options.headerLength === undefined ? total / 4 - 2 : options.headerLength;
  return extension(L, IPPROTO_AH, next(L, options.nextHeader, payload), body, field(L, "headerLength", len, 8), payload);
}
