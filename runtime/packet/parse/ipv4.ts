// IPv4 header parser.
//  0 ver:4 ihl:4   1 tos   2 total length(2)   4 id(2)   6 R DF MF offset:13
//  8 ttl  9 protocol  10 header checksum(2)  12 src(4)  16 dst(4)  20 options
// Errors: fewer than 20 bytes, version ≠ 4, IHL < 5, a header longer than the
// frame, total length < header length or > the bytes present, malformed
// options. A wrong header checksum is reported, not thrown.
import { formatIpv4 } from "../address.js";
import { onesComplementSum, type PseudoHeader } from "../checksum.js";
import {
  IPV4_CHECKSUM_OFFSET,
  IPV4_FLAG_DF,
  IPV4_FLAG_MF,
  IPV4_FLAG_RESERVED,
  IPV4_FRAG_OFFSET_MASK,
  IPV4_MIN_HEADER_LEN,
  IPV4OPT_EOL,
  IPV4OPT_LSRR,
  IPV4OPT_NOP,
  IPV4OPT_SSRR,
} from "../constants.js";
import { sourceRouteFinalDestination } from "../routing.js";
import { parseTlvOptions, type FrameCursor } from "./cursor.js";
import type { Ipv4Layer } from "./types.js";

/** How much of the upper-layer datagram this packet holds. */
export type FragmentPosition = "whole" | "first" | "later";

export interface NetworkResult {
  /** Where the upper-layer header starts and where the datagram ends. */
  next: number;
  end: number;
  protocol: number;
  pseudo: PseudoHeader;
  fragment: FragmentPosition;
}

export function parseIpv4(cur: FrameCursor, offset: number, limit: number): NetworkResult & { layer: Ipv4Layer } {
  const L = "ipv4";
  cur.need(L, offset, IPV4_MIN_HEADER_LEN, limit, "IPv4 header");
  const b0 = cur.u8(offset);
  const version = b0 >> 4;
  const ihl = b0 & 0x0f;
  if (version !== 4) cur.fail(L, offset, `version is ${version}, expected 4`);
  if (ihl < 5) cur.fail(L, offset, `IHL ${ihl} is below the minimum 5 (a ${ihl * 4}-byte header)`);
  const headerLength = ihl * 4;
  cur.need(L, offset, headerLength, limit, `IPv4 header with IHL ${ihl}`);
  const totalLength = cur.u16(offset + 2);
  if (totalLength < headerLength) {
    cur.fail(L, offset + 2, `total length ${totalLength} is less than the ${headerLength}-byte header`);
  }
  if (offset + totalLength > limit) {
    cur.fail(L, offset + 2, `truncated: total length ${totalLength} exceeds the ${limit - offset} bytes present`);
  }
  const flags = cur.u16(offset + 6);
  const checksum = cur.u16(offset + IPV4_CHECKSUM_OFFSET);
  const rest = onesComplementSum(
    cur.bytes,
    offset + IPV4_CHECKSUM_OFFSET + 2,
    offset + headerLength,
    onesComplementSum(cur.bytes, offset, offset + IPV4_CHECKSUM_OFFSET),
  );
  const options = parseTlvOptions(cur, "ipv4 options", offset + IPV4_MIN_HEADER_LEN, offset + headerLength, "total", (t) =>
    t === IPV4OPT_EOL ? "end" : t === IPV4OPT_NOP ? "pad" : undefined,
  );
  const tos = cur.u8(offset + 1);
  const fragmentOffset = flags & IPV4_FRAG_OFFSET_MASK;
  const mf = (flags & IPV4_FLAG_MF) !== 0;
  const src = cur.bytes.slice(offset + 12, offset + 16);
  const dst = cur.bytes.slice(offset + 16, offset + 20);
  let finalDst: Uint8Array = dst;
  for (const o of options) {
    if (o.type === IPV4OPT_LSRR || o.type === IPV4OPT_SSRR) finalDst = sourceRouteFinalDestination(o.data) ?? finalDst;
  }
  const expectedChecksum = ~rest & 0xffff;
  const layer = cur.push<Ipv4Layer>({
    kind: "ipv4",
    offset,
    version,
    ihl,
    headerLength,
    tos,
    dscp: tos >> 2,
    ecn: tos & 3,
    totalLength,
    id: cur.u16(offset + 4),
    reservedFlag: (flags & IPV4_FLAG_RESERVED) !== 0,
    df: (flags & IPV4_FLAG_DF) !== 0,
    mf,
    fragmentOffset,
    ttl: cur.u8(offset + 8),
    protocol: cur.u8(offset + 9),
    checksum,
    checksumValid: onesComplementSum(cur.bytes, offset, offset + headerLength) === 0xffff,
    expectedChecksum,
    src: formatIpv4(src),
    dst: formatIpv4(dst),
    options,
  });
  return {
    layer,
    next: offset + headerLength,
    end: offset + totalLength,
    protocol: layer.protocol,
    pseudo: { family: 4, src, dst: finalDst },
    fragment: fragmentOffset !== 0 ? "later" : mf ? "first" : "whole",
  };
}
