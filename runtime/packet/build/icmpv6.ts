// ICMPv6 (RFC 4443) and the Neighbor Discovery messages (RFC 4861).
//   type | code | checksum(2) | body
//   echo:  id(2) seq(2) data
//   NS:    reserved(4)          target(16) options
//   NA:    R:1 S:1 O:1 res:29   target(16) options
//   NDP option: type | length in 8-byte units | data (link-layer address: 6 bytes, so length 1)
// The checksum covers the IPv6 pseudo-header (next header 58) and is computed
// unless overridden; an ICMPv6 layer outside an IPv6 layer needs an explicit checksum.
import { parseIpv6, parseMac, type Ipv6Input, type MacInput } from "../address.js";
import { transportChecksum } from "../checksum.js";
import {
  ICMP_CHECKSUM_OFFSET,
  ICMPV6_ECHO_REPLY,
  ICMPV6_ECHO_REQUEST,
  ICMPV6_NEIGHBOR_ADVERTISEMENT,
  ICMPV6_NEIGHBOR_SOLICITATION,
  IPPROTO_ICMPV6,
  NA_FLAG_OVERRIDE,
  NA_FLAG_ROUTER,
  NA_FLAG_SOLICITED,
  NDP_OPT_SOURCE_LINK_ADDR,
  NDP_OPT_TARGET_LINK_ADDR,
} from "../constants.js";
import { PacketBuildError } from "../errors.js";
import { concatBytes, encodePayload, field, resolveChecksum, withHeader, type ChecksumOption, type Layer, type Payload } from "./layer.js";

export interface Icmpv6Options {
  type: number;
  code?: number;
  checksum?: ChecksumOption;
}

/** A generic ICMPv6 message: the 4-byte header, then `body` (everything after the checksum). */
export function icmpv6(options: Icmpv6Options, body?: Payload): Layer {
  const L = "icmpv6";
  const type = field(L, "type", options.type, 8);
  const code = field(L, "code", options.code ?? 0, 8);
  return {
    name: L,
    ipProtocol: IPPROTO_ICMPV6,
    encode(context) {
      const { bytes, view } = withHeader(4, encodePayload(body, context));
      bytes[0] = type;
      bytes[1] = code;
      const checksum = resolveChecksum(L, options.checksum, () => {
        const pseudo = context.pseudoHeader;
        if (pseudo?.family !== 6) throw new PacketBuildError(L, "checksum needs an enclosing IPv6 layer (or pass checksum)");
        return transportChecksum(pseudo, IPPROTO_ICMPV6, bytes);
      });
      view.setUint16(ICMP_CHECKSUM_OFFSET, checksum);
      return bytes;
    },
  };
}

export interface Icmpv6EchoOptions {
  id: number;
  seq: number;
  checksum?: ChecksumOption;
}

function echo(type: number, options: Icmpv6EchoOptions, payload: Payload): Layer {
  const id = field("icmpv6 echo", "id", options.id, 16);
  const seq = field("icmpv6 echo", "seq", options.seq, 16);
  const head = Uint8Array.of(id >> 8, id & 0xff, seq >> 8, seq & 0xff);
  const header: Icmpv6Options = { type };
  if (options.checksum !== undefined) header.checksum = options.checksum;
  return icmpv6(header, {
    name: "icmpv6 echo",
    encode: (context) => concatBytes([head, encodePayload(payload, context)]),
  });
}

export function icmpv6EchoRequest(options: Icmpv6EchoOptions, payload?: Payload): Layer {
  return echo(ICMPV6_ECHO_REQUEST, options, payload);
}

export function icmpv6EchoReply(options: Icmpv6EchoOptions, payload?: Payload): Layer {
  return echo(ICMPV6_ECHO_REPLY, options, payload);
}

function linkLayerOption(type: number, mac: MacInput): Uint8Array {
  return concatBytes([Uint8Array.of(type, 1), parseMac(mac)]);
}

function neighborMessage(type: number, flags: number, target: Ipv6Input, options: Uint8Array, checksum?: ChecksumOption): Layer {
  const body = concatBytes([Uint8Array.of(flags >>> 24, (flags >>> 16) & 0xff, (flags >>> 8) & 0xff, flags & 0xff), parseIpv6(target), options]);
  const header: Icmpv6Options = { type };
  if (checksum !== undefined) header.checksum = checksum;
  return icmpv6(header, body);
}

export interface NeighborSolicitationOptions {
  target: Ipv6Input;
  /** Adds a Source Link-Layer Address option. */
  sourceLinkAddress?: MacInput;
  checksum?: ChecksumOption;
}

/** Neighbor Solicitation (type 135). Usually sent to the target's solicited-node multicast address, hop limit 255. */
export function neighborSolicitation(options: NeighborSolicitationOptions): Layer {
  const opts = options.sourceLinkAddress ? linkLayerOption(NDP_OPT_SOURCE_LINK_ADDR, options.sourceLinkAddress) : new Uint8Array(0);
  return neighborMessage(ICMPV6_NEIGHBOR_SOLICITATION, 0, options.target, opts, options.checksum);
}

export interface NeighborAdvertisementOptions {
  target: Ipv6Input;
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  /** Adds a Target Link-Layer Address option. */
  targetLinkAddress?: MacInput;
  checksum?: ChecksumOption;
}

/** Neighbor Advertisement (type 136). */
export function neighborAdvertisement(options: NeighborAdvertisementOptions): Layer {
  const flags =
    ((options.router ? NA_FLAG_ROUTER : 0) | (options.solicited ? NA_FLAG_SOLICITED : 0) | (options.override ? NA_FLAG_OVERRIDE : 0)) >>> 0;
  const opts = options.targetLinkAddress ? linkLayerOption(NDP_OPT_TARGET_LINK_ADDR, options.targetLinkAddress) : new Uint8Array(0);
  return neighborMessage(ICMPV6_NEIGHBOR_ADVERTISEMENT, flags, options.target, opts, options.checksum);
}
