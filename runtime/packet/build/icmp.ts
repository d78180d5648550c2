// ICMP for IPv4 (RFC 792): type | code | checksum(2) | rest of header(4) | data.
// The checksum covers the ICMP message only (no pseudo-header) and is
// computed unless overridden. Echo puts id(2) seq(2) in the rest of header;
// destination unreachable puts zero, or for code 4 (fragmentation needed)
// unused(2) next-hop MTU(2), and carries the offending datagram's IP header
// plus at least 8 bytes of its payload as data.
import { internetChecksum } from "../checksum.js";
import {
  ICMP_CHECKSUM_OFFSET,
  ICMP_DEST_UNREACHABLE,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_HEADER_LEN,
  IPPROTO_ICMP,
} from "../constants.js";
import { PacketBuildError } from "../errors.js";
import { encodePayload, field, resolveChecksum, withHeader, type ChecksumOption, type Layer, type Payload } from "./layer.js";

export interface IcmpOptions {
  type: number;
  code?: number;
  /** The 4 bytes after the checksum, as a 32-bit number or bytes; default 0. */
  rest?: number | Uint8Array;
  checksum?: ChecksumOption;
}

export function icmp(options: IcmpOptions, payload?: Payload): Layer {
  const L = "icmp";
  const type = field(L, "type", options.type, 8);
  const code = field(L, "code", options.code ?? 0, 8);
  const rest = options.rest instanceof Uint8Array ? options.rest : undefined;
  if (rest && rest.length !== 4) throw new PacketBuildError(L, `rest of header must be 4 bytes, got ${rest.length}`);
  const restWord = typeof options.rest === "number" ? field(L, "rest", options.rest, 32) : 0;
  return {
    name: L,
    ipProtocol: IPPROTO_ICMP,
    encode(context) {
      const { bytes, view } = withHeader(ICMP_HEADER_LEN, encodePayload(payload, context));
      bytes[0] = type;
      bytes[1] = code;
      if (rest) bytes.set(rest, 4);
      else view.setUint32(4, restWord);
      const checksum = resolveChecksum(L, options.checksum, () => internetChecksum(bytes));
      view.setUint16(ICMP_CHECKSUM_OFFSET, checksum);
      return bytes;
    },
  };
}

export interface EchoOptions {
  id: number;
  seq: number;
  checksum?: ChecksumOption;
}

function echoRest(layer: string, o: EchoOptions): number {
  return ((field(layer, "id", o.id, 16) << 16) | field(layer, "seq", o.seq, 16)) >>> 0;
}

function withChecksum<T extends object>(base: T, checksum: ChecksumOption | undefined): T & { checksum?: ChecksumOption } {
  return checksum === undefined ? base : { ...base, checksum };
}

export function icmpEchoRequest(options: EchoOptions, payload?: Payload): Layer {
  return icmp(withChecksum({ type: ICMP_ECHO_REQUEST, rest: echoRest("icmp echo", options) }, options.checksum), payload);
}

export function icmpEchoReply(options: EchoOptions, payload?: Payload): Layer {
  return icmp(withChecksum({ type: ICMP_ECHO_REPLY, rest: echoRest("icmp echo", options) }, options.checksum), payload);
}

export interface DestUnreachableOptions {
  /** 0 net, 1 host, 2 protocol, 3 port, 4 fragmentation needed, ... */
  code: number;
  /** Next-hop MTU, for code 4. */
  mtu?: number;
  checksum?: ChecksumOption;
}

/** Destination unreachable; `original` is the offending datagram (an ipv4() layer or its bytes). */
export function icmpDestUnreachable(options: DestUnreachableOptions, original?: Payload): Layer {
  const mtu = field("icmp unreachable", "mtu", options.mtu ?? 0, 16);
  return icmp(withChecksum({ type: ICMP_DEST_UNREACHABLE, code: options.code, rest: mtu }, options.checksum), original);
}
