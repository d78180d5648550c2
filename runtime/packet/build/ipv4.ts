// IPv4 packets (RFC 791).
//  0 ver:4 ihl:4   1 tos   2 total length(2)   4 id(2)   6 R DF MF offset:13
//  8 ttl  9 protocol  10 header checksum(2)  12 src(4)  16 dst(4)  20 options
// Computed unless overridden: IHL (from the options, padded with EOL to a
// multiple of 4), total length, protocol (from the payload layer) and header
// checksum. Overrides change only the header field, never the bytes written,
// and the checksum is computed after them over the header as written, so a
// test can make exactly one field wrong (ihl: 4 keeps a valid checksum over
// the 20 bytes actually present, like the corpus's ipv4_bad_ihl frame).
import { parseIpv4, type Ipv4Input } from "../address.js";
import { internetChecksum } from "../checksum.js";
import {
  ETHERTYPE_IPV4,
  IPPROTO_IPIP,
  IPV4_CHECKSUM_OFFSET,
  IPV4_FLAG_DF,
  IPV4_FLAG_MF,
  IPV4_FLAG_RESERVED,
  IPV4_MAX_OPTIONS_LEN,
  IPV4_MIN_HEADER_LEN,
  IPV4OPT_EOL,
  IPV4OPT_LSRR,
  IPV4OPT_NOP,
  IPV4OPT_ROUTER_ALERT,
  IPV4OPT_SSRR,
} from "../constants.js";
import { PacketBuildError } from "../errors.js";
import { sourceRouteFinalDestination } from "../routing.js";
import {
  concatBytes,
  encodePayload,
  field,
  isLayer,
  nextProtocol,
  resolveChecksum,
  withHeader,
  type ChecksumOption,
  type Layer,
  type Payload,
} from "./layer.js";

export type Ipv4Option =
  | { kind: "eol" }
  | { kind: "nop" }
  /** RFC 2113: type 148, length 4, value (0 = "examine packet"). */
  | { kind: "routerAlert"; value?: number }
  /** LSRR (131) or SSRR (137): pointer (default 4) and the route; the last address is the final destination. */
  | { kind: "sourceRoute"; strict?: boolean; pointer?: number; route: Ipv4Input[] }
  /** Any option: type(1) length(1) = data.length + 2, data. */
  | { kind: "raw"; type: number; data: Uint8Array };

export interface Ipv4Options {
  src: Ipv4Input;
  dst: Ipv4Input;
  /** Default 64. */
  ttl?: number;
  /** The whole TOS byte (DSCP << 2 | ECN); default 0. */
  tos?: number;
  /** Identification; default 0. */
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** The reserved ("evil") flag bit; default false. */
  reservedFlag?: boolean;
  /** Fragment offset in 8-byte units, as on the wire; default 0. */
  fragmentOffset?: number;
  /** Options in order, or their raw bytes. Padded with EOL to a multiple of 4 bytes. */
  options?: readonly Ipv4Option[] | Uint8Array;
  /** Default: announced by the payload layer (required for raw payloads). */
  protocol?: number;
  /** Overrides: the version nibble (default 4), IHL (default header bytes / 4), total length, checksum. */
  version?: number;
  ihl?: number;
  totalLength?: number;
  checksum?: ChecksumOption;
}

function encodeOption(o: Ipv4Option): Uint8Array {
  switch (o.kind) {
    case "eol":
      return Uint8Array.of(IPV4OPT_EOL);
    case "nop":
      return Uint8Array.of(IPV4OPT_NOP);
    case "routerAlert": {
      const v = field("ipv4 option", "router alert value", o.value ?? 0, 16);
      return Uint8Array.of(IPV4OPT_ROUTER_ALERT, 4, v >> 8, v & 0xff);
    }
    case "sourceRoute": {
      const route = concatBytes(o.route.map((a) => parseIpv4(a)));
      const pointer = field("ipv4 option", "pointer", o.pointer ?? 4, 8);
      return concatBytes([Uint8Array.of(o.strict ? IPV4OPT_SSRR : IPV4OPT_LSRR, 3 + route.length, pointer), route]);
    }
    case "raw":
      if (o.data.length > 38) throw new PacketBuildError("ipv4 option", `data of ${o.data.length} bytes exceeds 38`);
      return concatBytes([Uint8Array.of(field("ipv4 option", "type", o.type, 8), o.data.length + 2), o.data]);
  }
}

/** The final destination named by an LSRR/SSRR option in encoded option bytes, if any. */
function routeDestination(options: Uint8Array): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  for (let i = 0; i < options.length; ) {
    const type = options[i]!;
    if (type === IPV4OPT_EOL) break;
    if (type === IPV4OPT_NOP) {
      i++;
      continue;
    }
    const len = options[i + 1] ?? 0;
    if (len < 2 || i + len > options.length) break;
    if (type === IPV4OPT_LSRR || type === IPV4OPT_SSRR) found = sourceRouteFinalDestination(options.subarray(i + 2, i + len));
    i += len;
  }
  return found;
}

export function ipv4(options: Ipv4Options, payload?: Payload): Layer {
  const L = "ipv4";
  const src = parseIpv4(options.src);
  const dst = parseIpv4(options.dst);
  const rawOptions =
    options.options instanceof Uint8Array ? new Uint8Array(options.options) : concatBytes((options.options ?? []).map(encodeOption));
  if (rawOptions.length > IPV4_MAX_OPTIONS_LEN) {
    throw new PacketBuildError(L, `options take ${rawOptions.length} bytes, more than ${IPV4_MAX_OPTIONS_LEN}`);
  }
  const headerLength = IPV4_MIN_HEADER_LEN + Math.ceil(rawOptions.length / 4) * 4;
  const version = field(L, "version", options.version ?? 4, 4);
  const ihl = field(L, "ihl", options.ihl ?? headerLength / 4, 4);
  const tos = field(L, "tos", options.tos ?? 0, 8);
  const id = field(L, "id", options.id ?? 0, 16);
  const ttl = field(L, "ttl", options.ttl ?? 64, 8);
  const flags =
    (options.reservedFlag ? IPV4_FLAG_RESERVED : 0) |
    (options.df ? IPV4_FLAG_DF : 0) |
    (options.mf ? IPV4_FLAG_MF : 0) |
    field(L, "fragmentOffset", options.fragmentOffset ?? 0, 13);
  const protocol = field(
    L,
    "protocol",
    nextProtocol(L, "protocol", options.protocol, isLayer(payload) ? payload.ipProtocol : undefined),
    8,
  );
  const finalDst = routeDestination(rawOptions) ?? dst;
  if (options.totalLength !== undefined) field(L, "totalLength", options.totalLength, 16);
  return {
    name: L,
    etherType: ETHERTYPE_IPV4,
    ipProtocol: IPPROTO_IPIP,
    encode() {
      const body = encodePayload(payload, { pseudoHeader: { family: 4, src, dst: finalDst } });
      const { bytes, view } = withHeader(headerLength, body);
      const totalLength = options.totalLength ?? bytes.length;
      if (totalLength > 0xffff) throw new PacketBuildError(L, `total length ${totalLength} exceeds 65535`);
      bytes[0] = (version << 4) | ihl;
      bytes[1] = tos;
      view.setUint16(2, totalLength);
      view.setUint16(4, id);
      view.setUint16(6, flags);
      bytes[8] = ttl;
      bytes[9] = protocol;
      bytes.set(src, 12);
      bytes.set(dst, 16);
      bytes.set(rawOptions, IPV4_MIN_HEADER_LEN);
      const checksum = resolveChecksum(L, options.checksum, () => internetChecksum(bytes, 0, headerLength));
      view.setUint16(IPV4_CHECKSUM_OFFSET, checksum);
      return bytes;
    },
  };
}
