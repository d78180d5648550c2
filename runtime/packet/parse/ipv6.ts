// IPv6 header and extension-header chain parser.
//  fixed: ver:4 tc:8 flow:20 | payload length(2) | next header | hop limit | src(16) | dst(16)
//  Hop-by-Hop (0), Routing (43), Destination Options (60): next | hdr ext len (8-byte units - 1) | ...
//  Fragment (44): next | reserved | offset:13 res:2 M:1 | id(4)
//  AH (51): next | payload len (4-byte units - 2) | reserved(2) | SPI(4) | seq(4) | ICV
// The chain is followed while the next header is one of these; each header
// takes at least 8 bytes, so the walk ends. Errors: fewer than 40 bytes,
// version ≠ 6, payload length past the frame, an extension header past the
// payload, malformed options. A non-first fragment stops the walk (the rest
// is fragment data); a routing header with segments left sets the final
// destination for the upper layer's pseudo-header.
import { formatIpv6 } from "../address.js";
import {
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_ROUTING,
  IPV6_EXT_UNIT,
  IPV6_FLOW_LABEL_MASK,
  IPV6_FRAG_MORE,
  IPV6_HEADER_LEN,
  IPV6OPT_PAD1,
  ROUTING_TYPE_SRH,
} from "../constants.js";
import { routingFinalDestination } from "../routing.js";
import { parseTlvOptions, type FrameCursor } from "./cursor.js";
import type { FragmentPosition, NetworkResult } from "./ipv4.js";
import type { Ipv6ExtensionLayer, Ipv6Layer, RoutingLayer } from "./types.js";

const EXTENSIONS = new Set([IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT, IPPROTO_DSTOPTS, IPPROTO_AH]);

const NAMES: Record<number, string> = {
  [IPPROTO_HOPOPTS]: "ipv6 hop-by-hop",
  [IPPROTO_ROUTING]: "ipv6 routing",
  [IPPROTO_FRAGMENT]: "ipv6 fragment",
  [IPPROTO_DSTOPTS]: "ipv6 destination options",
  [IPPROTO_AH]: "ah",
};

function parseSrh(data: Uint8Array): RoutingLayer["srh"] {
  if (data.length < 4) return undefined;
  const segments: string[] = [];
  const count = Math.min(data[0]! + 1, Math.floor((data.length - 4) / 16));
  for (let i = 0; i < count; i++) segments.push(formatIpv6(data, 4 + 16 * i));
  return { lastEntry: data[0]!, flags: data[1]!, tag: (data[2]! << 8) | data[3]!, segments };
}

function parseExtension(cur: FrameCursor, type: number, offset: number, end: number): Ipv6ExtensionLayer {
  const L = NAMES[type]!;
  cur.need(L, offset, IPV6_EXT_UNIT, end, "extension header");
  const nextHeader = cur.u8(offset);
  if (type === IPPROTO_FRAGMENT) {
    const word = cur.u16(offset + 2);
    return { kind: "fragment", offset, nextHeader, length: 8, fragmentOffset: word >> 3, more: (word & IPV6_FRAG_MORE) !== 0, id: cur.u32(offset + 4) };
  }
  const length = type === IPPROTO_AH ? (cur.u8(offset + 1) + 2) * 4 : (cur.u8(offset + 1) + 1) * IPV6_EXT_UNIT;
  cur.need(L, offset, length, end, `extension header of ${length} bytes`);
  if (type === IPPROTO_AH) {
    if (length < 12) cur.fail(L, offset + 1, `payload length ${cur.u8(offset + 1)} gives ${length} bytes, less than the 12 fixed ones`);
    return { kind: "ah", offset, nextHeader, length, spi: cur.u32(offset + 4), sequence: cur.u32(offset + 8), icv: cur.bytes.slice(offset + 12, offset + length) };
  }
  if (type === IPPROTO_ROUTING) {
    const data = cur.bytes.slice(offset + 4, offset + length);
    const routingType = cur.u8(offset + 2);
    const layer: RoutingLayer = { kind: "routing", offset, nextHeader, length, routingType, segmentsLeft: cur.u8(offset + 3), data };
    if (routingType === ROUTING_TYPE_SRH) layer.srh = parseSrh(data);
    return layer;
  }
  const options = parseTlvOptions(cur, `${L} options`, offset + 2, offset + length, "data", (t) => (t === IPV6OPT_PAD1 ? "pad" : undefined));
  return type === IPPROTO_HOPOPTS
    ? { kind: "hop-by-hop", offset, nextHeader, length, options }
    : { kind: "destination-options", offset, nextHeader, length, options };
}

export function parseIpv6(cur: FrameCursor, offset: number, limit: number): NetworkResult & { layer: Ipv6Layer } {
  const L = "ipv6";
  cur.need(L, offset, IPV6_HEADER_LEN, limit, "IPv6 header");
  const word = cur.u32(offset);
  const version = word >>> 28;
  if (version !== 6) cur.fail(L, offset, `version is ${version}, expected 6`);
  const payloadLength = cur.u16(offset + 4);
  const end = offset + IPV6_HEADER_LEN + payloadLength;
  if (end > limit) {
    cur.fail(L, offset + 4, `truncated: payload length ${payloadLength} exceeds the ${limit - offset - IPV6_HEADER_LEN} bytes present`);
  }
  const src = cur.bytes.slice(offset + 8, offset + 24);
  const dst = cur.bytes.slice(offset + 24, offset + 40);
  const layer = cur.push<Ipv6Layer>({
    kind: "ipv6",
    offset,
    version,
    trafficClass: (word >>> 20) & 0xff,
    flowLabel: word & IPV6_FLOW_LABEL_MASK,
    payloadLength,
    nextHeader: cur.u8(offset + 6),
    hopLimit: cur.u8(offset + 7),
    src: formatIpv6(src),
    dst: formatIpv6(dst),
    extensions: [],
  });
  let protocol = layer.nextHeader;
  let at = offset + IPV6_HEADER_LEN;
  let finalDst: Uint8Array = dst;
  let fragment: FragmentPosition = "whole";
  while (EXTENSIONS.has(protocol) && fragment !== "later") {
    const ext = cur.push(parseExtension(cur, protocol, at, end));
    layer.extensions.push(ext);
    if (ext.kind === "routing") finalDst = routingFinalDestination(ext.routingType, ext.segmentsLeft, ext.data) ?? finalDst;
    if (ext.kind === "fragment") fragment = ext.fragmentOffset !== 0 ? "later" : ext.more ? "first" : "whole";
    protocol = ext.nextHeader;
    at += ext.length;
  }
  return { layer, next: at, end, protocol, pseudo: { family: 6, src, dst: finalDst }, fragment };
}
