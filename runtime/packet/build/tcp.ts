// TCP segments (RFC 9293).
//  0 sport(2)  2 dport(2)  4 seq(4)  8 ack(4)
// 12 data offset:4 reserved:3 AE:1 | 13 CWR ECE URG ACK PSH RST SYN FIN
// 14 window(2)  16 checksum(2)  18 urgent(2)  20 options, zero (EOL) padded to a multiple of 4
// Options are written in the order given (add { kind: "nop" } entries for
// alignment as real stacks do). Data offset and checksum (over the enclosing
// IP layer's pseudo-header) are computed unless overridden.
import { transportChecksum } from "../checksum.js";
import {
  IPPROTO_TCP,
  TCP_ACK,
  TCP_AE,
  TCP_CHECKSUM_OFFSET,
  TCP_CWR,
  TCP_ECE,
  TCP_FIN,
  TCP_MAX_OPTIONS_LEN,
  TCP_MIN_HEADER_LEN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  TCP_URG,
  TCPOPT_EOL,
  TCPOPT_MSS,
  TCPOPT_NOP,
  TCPOPT_SACK,
  TCPOPT_SACK_PERMITTED,
  TCPOPT_TIMESTAMPS,
  TCPOPT_WINDOW_SCALE,
} from "../constants.js";
import { PacketBuildError } from "../errors.js";
import {
  concatBytes,
  encodePayload,
  field,
  resolveChecksum,
  withHeader,
  type ChecksumOption,
  type Layer,
  type Payload,
} from "./layer.js";

export type TcpOption =
  | { kind: "eol" }
  | { kind: "nop" }
  | { kind: "mss"; value: number }
  | { kind: "windowScale"; shift: number }
  | { kind: "sackPermitted" }
  /** SACK blocks as [left edge, right edge] pairs. */
  | { kind: "sack"; blocks: readonly (readonly [number, number])[] }
  | { kind: "timestamps"; value: number; echo: number }
  /** Any option: kind(1) length(1) = data.length + 2, data. */
  | { kind: "raw"; type: number; data: Uint8Array };

export interface TcpFlags {
  fin?: boolean;
  syn?: boolean;
  rst?: boolean;
  psh?: boolean;
  ack?: boolean;
  urg?: boolean;
  ece?: boolean;
  cwr?: boolean;
  /** Accurate ECN (the former NS bit). */
  ae?: boolean;
}

export interface TcpOptions {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  /** An object of flag names, or the 9-bit value (TCP_SYN | TCP_ACK ...). Default: none. */
  flags?: TcpFlags | number;
  /** Default 65535. */
  window?: number;
  urgent?: number;
  options?: readonly TcpOption[] | Uint8Array;
  /** Override of the data offset (32-bit words). */
  dataOffset?: number;
  checksum?: ChecksumOption;
}

const FLAG_BITS: readonly (readonly [keyof TcpFlags, number])[] = [
  ["fin", TCP_FIN],
  ["syn", TCP_SYN],
  ["rst", TCP_RST],
  ["psh", TCP_PSH],
  ["ack", TCP_ACK],
  ["urg", TCP_URG],
  ["ece", TCP_ECE],
  ["cwr", TCP_CWR],
  ["ae", TCP_AE],
];

function flagBits(flags: TcpFlags | number | undefined): number {
  if (typeof flags === "number") return field("tcp", "flags", flags, 9);
  return FLAG_BITS.reduce((bits, [name, bit]) => (flags?.[name] ? bits | bit : bits), 0);
}

function u32(value: number, name: string): number[] {
  const v = field("tcp option", name, value, 32);
  return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

function encodeOption(o: TcpOption): Uint8Array {
  const L = "tcp option";
  switch (o.kind) {
    case "eol":
      return Uint8Array.of(TCPOPT_EOL);
    case "nop":
      return Uint8Array.of(TCPOPT_NOP);
    case "mss": {
      const v = field(L, "mss", o.value, 16);
      return Uint8Array.of(TCPOPT_MSS, 4, v >> 8, v & 0xff);
    }
    case "windowScale":
      return Uint8Array.of(TCPOPT_WINDOW_SCALE, 3, field(L, "window scale shift", o.shift, 8));
    case "sackPermitted":
      return Uint8Array.of(TCPOPT_SACK_PERMITTED, 2);
    case "sack":
      return Uint8Array.from([
        TCPOPT_SACK,
        2 + 8 * o.blocks.length,
        ...o.blocks.flatMap(([l, r]) => [...u32(l, "sack left edge"), ...u32(r, "sack right edge")]),
      ]);
    case "timestamps":
      return Uint8Array.from([TCPOPT_TIMESTAMPS, 10, ...u32(o.value, "timestamp value"), ...u32(o.echo, "timestamp echo")]);
    case "raw":
      if (o.data.length > 38) throw new PacketBuildError(L, `data of ${o.data.length} bytes exceeds 38`);
      return concatBytes([Uint8Array.of(field(L, "kind", o.type, 8), o.data.length + 2), o.data]);
  }
}

export function tcp(options: TcpOptions, payload?: Payload): Layer {
  const L = "tcp";
  const sport = field(L, "sport", options.sport, 16);
  const dport = field(L, "dport", options.dport, 16);
  const seq = field(L, "seq", options.seq ?? 0, 32);
  const ack = field(L, "ack", options.ack ?? 0, 32);
  const flags = flagBits(options.flags);
  const window = field(L, "window", options.window ?? 0xffff, 16);
  const urgent = field(L, "urgent", options.urgent ?? 0, 16);
  const rawOptions =
    options.options instanceof Uint8Array ? new Uint8Array(options.options) : concatBytes((options.options ?? []).map(encodeOption));
  if (rawOptions.length > TCP_MAX_OPTIONS_LEN) {
    throw new PacketBuildError(L, `options take ${rawOptions.length} bytes, more than ${TCP_MAX_OPTIONS_LEN}`);
  }
  const headerLength = TCP_MIN_HEADER_LEN + Math.ceil(rawOptions.length / 4) * 4;
  const dataOffset = field(L, "dataOffset", options.dataOffset ?? headerLength / 4, 4);
  return {
    name: L,
    ipProtocol: IPPROTO_TCP,
    encode(context) {
      const { bytes, view } = withHeader(headerLength, encodePayload(payload, context));
      view.setUint16(0, sport);
      view.setUint16(2, dport);
      view.setUint32(4, seq);
      view.setUint32(8, ack);
      view.setUint16(12, (dataOffset << 12) | flags);
      view.setUint16(14, window);
      view.setUint16(18, urgent);
      bytes.set(rawOptions, TCP_MIN_HEADER_LEN);
      const checksum = resolveChecksum(L, options.checksum, () => {
        const pseudo = context.pseudoHeader;
        if (!pseudo) throw new PacketBuildError(L, "checksum needs an enclosing IPv4/IPv6 layer (or pass checksum)");
        return transportChecksum(pseudo, IPPROTO_TCP, bytes);
      });
      view.setUint16(TCP_CHECKSUM_OFFSET, checksum);
      return bytes;
    },
  };
}
