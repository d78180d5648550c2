// IPv6 packets (RFC 8200), 40-byte fixed header:
//  0 ver:4 traffic class:8 flow label:20   4 payload length(2)   6 next header   7 hop limit
//  8 src(16)   24 dst(16)
// Payload length and next header are computed (from the payload, which may
// start with extension headers from ./ipv6-ext.js) unless overridden. With no
// payload the next header is 59 (No Next Header).
import { parseIpv6, type Ipv6Input } from "../address.js";
import { ETHERTYPE_IPV6, IPPROTO_IPV6, IPPROTO_NONE, IPV6_FLOW_LABEL_MASK, IPV6_HEADER_LEN } from "../constants.js";
import { PacketBuildError } from "../errors.js";
import { encodePayload, field, isLayer, nextProtocol, withHeader, type Layer, type Payload } from "./layer.js";

export interface Ipv6Options {
  src: Ipv6Input;
  dst: Ipv6Input;
  /** Default 64. */
  hopLimit?: number;
  /** Default 0. */
  trafficClass?: number;
  /** 20 bits; default 0. */
  flowLabel?: number;
  /** Default: announced by the payload layer; 59 without payload; required for raw payloads. */
  nextHeader?: number;
  /** Overrides: the version nibble (default 6) and payload length. */
  version?: number;
  payloadLength?: number;
}

export function ipv6(options: Ipv6Options, payload?: Payload): Layer {
  const L = "ipv6";
  const src = parseIpv6(options.src);
  const dst = parseIpv6(options.dst);
  const version = field(L, "version", options.version ?? 6, 4);
  const trafficClass = field(L, "trafficClass", options.trafficClass ?? 0, 8);
  const flowLabel = field(L, "flowLabel", options.flowLabel ?? 0, 20) & IPV6_FLOW_LABEL_MASK;
  const hopLimit = field(L, "hopLimit", options.hopLimit ?? 64, 8);
  const nextHeader = field(
    L,
    "nextHeader",
    nextProtocol(
      L,
      "nextHeader",
      options.nextHeader,
      isLayer(payload) ? payload.ipProtocol : undefined,
      payload === undefined ? IPPROTO_NONE : undefined,
    ),
    8,
  );
  if (options.payloadLength !== undefined) field(L, "payloadLength", options.payloadLength, 16);
  return {
    name: L,
    etherType: ETHERTYPE_IPV6,
    ipProtocol: IPPROTO_IPV6,
    encode() {
      const body = encodePayload(payload, { pseudoHeader: { family: 6, src, dst } });
      const payloadLength = options.payloadLength ?? body.length;
      if (payloadLength > 0xffff) throw new PacketBuildError(L, `payload length ${payloadLength} exceeds 65535 (jumbograms are not built)`);
      const { bytes, view } = withHeader(IPV6_HEADER_LEN, body);
      view.setUint32(0, ((version << 28) | (trafficClass << 20) | flowLabel) >>> 0);
      view.setUint16(4, payloadLength);
      bytes[6] = nextHeader;
      bytes[7] = hopLimit;
      bytes.set(src, 8);
      bytes.set(dst, 24);
      return bytes;
    },
  };
}
