// UDP and TCP header parsers.
//   UDP: sport(2) dport(2) length(2) checksum(2)
//   TCP: sport(2) dport(2) seq(4) ack(4) | data offset:4 res:3 AE:1 | CWR..FIN | window(2) checksum(2) urgent(2) options
// Both verify their checksum over the pseudo-header the network layer passed
// (null when it cannot be checked: a UDP checksum of 0 over IPv4, or the first
// fragment of a fragmented datagram). Errors: header past the datagram end, a
// UDP length < 8 or past the datagram end, a TCP data offset < 5 or past the
// end, malformed TCP options.
import { checksumValid, pseudoHeaderSum, type PseudoHeader } from "../checksum.js";
import {
  IPPROTO_TCP,
  IPPROTO_UDP,
  TCP_ACK,
  TCP_AE,
  TCP_CWR,
  TCP_ECE,
  TCP_FIN,
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
  UDP_HEADER_LEN,
} from "../constants.js";
import { parseTlvOptions, type FrameCursor } from "./cursor.js";
import type { FragmentPosition } from "./ipv4.js";
import type { TcpFlagSet, TcpLayer, UdpLayer } from "./types.js";

/** The checksum verdict for a transport segment in [offset, end). */
export function segmentChecksum(
  cur: FrameCursor,
  pseudo: PseudoHeader,
  protocol: number,
  offset: number,
  end: number,
  fragment: FragmentPosition,
): boolean | null {
  if (fragment !== "whole") return null;
  return checksumValid(cur.bytes, offset, end, pseudoHeaderSum(pseudo, protocol, end - offset));
}

export function parseUdp(
  cur: FrameCursor,
  offset: number,
  end: number,
  pseudo: PseudoHeader,
  fragment: FragmentPosition,
): { layer: UdpLayer; end: number } {
  const L = "udp";
  cur.need(L, offset, UDP_HEADER_LEN, end, "UDP header");
  const length = cur.u16(offset + 4);
  // In a first fragment the UDP length covers fragments not present; only the header is checked then.
  if (fragment === "whole") {
    if (length < UDP_HEADER_LEN) cur.fail(L, offset + 4, `length ${length} is less than the 8-byte header`);
    if (offset + length > end) cur.fail(L, offset + 4, `truncated: length ${length} exceeds the ${end - offset} bytes of the datagram`);
  }
  const checksum = cur.u16(offset + 6);
  const udpEnd = fragment === "whole" ? offset + length : end;
  const layer = cur.push<UdpLayer>({
    kind: "udp",
    offset,
    sport: cur.u16(offset),
    dport: cur.u16(offset + 2),
    length,
    checksum,
    checksumValid: checksum === 0 && pseudo.family === 4 ? null : segmentChecksum(cur, pseudo, IPPROTO_UDP, offset, udpEnd, fragment),
  });
  return { layer, end: udpEnd };
}

function decodeOptions(layer: TcpLayer): void {
  for (const { type: kind, data } of layer.options) {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (kind === TCPOPT_MSS && data.length === 2) layer.mss = view.getUint16(0);
    else if (kind === TCPOPT_WINDOW_SCALE && data.length === 1) layer.windowScale = data[0]!;
    else if (kind === TCPOPT_SACK_PERMITTED && data.length === 0) layer.sackPermitted = true;
    else if (kind === TCPOPT_TIMESTAMPS && data.length === 8) layer.timestamps = { value: view.getUint32(0), echo: view.getUint32(4) };
    else if (kind === TCPOPT_SACK && data.length % 8 === 0) {
      layer.sack = Array.from({ length: data.length / 8 }, (_, i) => [view.getUint32(8 * i), view.getUint32(8 * i + 4)] as [number, number]);
    }
  }
}

export function parseTcp(
  cur: FrameCursor,
  offset: number,
  end: number,
  pseudo: PseudoHeader,
  fragment: FragmentPosition,
): { layer: TcpLayer; headerEnd: number } {
  const L = "tcp";
  cur.need(L, offset, TCP_MIN_HEADER_LEN, end, "TCP header");
  const word = cur.u16(offset + 12);
  const dataOffset = word >> 12;
  if (dataOffset < 5) cur.fail(L, offset + 12, `data offset ${dataOffset} is below the minimum 5`);
  const headerLength = dataOffset * 4;
  cur.need(L, offset, headerLength, end, `TCP header with data offset ${dataOffset}`);
  const flagBits = word & 0x1ff;
  const has = (bit: number): boolean => (flagBits & bit) !== 0;
  const flags: TcpFlagSet = {
    fin: has(TCP_FIN),
    syn: has(TCP_SYN),
    rst: has(TCP_RST),
    psh: has(TCP_PSH),
    ack: has(TCP_ACK),
    urg: has(TCP_URG),
    ece: has(TCP_ECE),
    cwr: has(TCP_CWR),
    ae: has(TCP_AE),
  };
  const options = parseTlvOptions(cur, "tcp options", offset + TCP_MIN_HEADER_LEN, offset + headerLength, "total", (t) =>
    t === TCPOPT_EOL ? "end" : t === TCPOPT_NOP ? "pad" : undefined,
  );
  const layer: TcpLayer = {
    kind: "tcp",
    offset,
    sport: cur.u16(offset),
    dport: cur.u16(offset + 2),
    seq: cur.u32(offset + 4),
    ack: cur.u32(offset + 8),
    dataOffset,
    headerLength,
    flagBits,
    flags,
    window: cur.u16(offset + 14),
    checksum: cur.u16(offset + 16),
    checksumValid: segmentChecksum(cur, pseudo, IPPROTO_TCP, offset, end, fragment),
    urgent: cur.u16(offset + 18),
    options,
  };
  decodeOptions(layer);
  return { layer: cur.push(layer), headerEnd: offset + headerLength };
}
