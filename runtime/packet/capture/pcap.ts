// The classic libpcap file format, linktype 1 (Ethernet) only.
//   global header (24): magic(4) | major(2)=2 | minor(2)=4 | thiszone(4) | sigfigs(4) | snaplen(4) | linktype(4)
//   record (16 + n):    ts seconds(4) | ts fraction(4) | captured length n(4) | original length(4) | n bytes
// The magic is written in the file's byte order: a1b2c3d4 means microsecond
// fractions, a1b23c4d nanoseconds; read in the other order they appear as
// d4c3b2a1 / 4d3cb2a1. The linktype field's low 16 bits are the link type;
// bit 26 (F) says frames carry an FCS, which we refuse. thiszone is ignored
// (it is 0 in practice), and a fraction of a second or more is added as is,
// as libpcap does. Invariant: readPcap returns every record or throws
// CaptureFormatError; a file writePcap produced reads back to the same packets
// (timestamps truncated to microseconds with precision "us").
import {
  CaptureCursor,
  writerView,
  type ByteOrder,
  type CapturedPacket,
  CaptureFormatError,
  type TimestampPrecision,
} from "./types.js";

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAP_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;
export const LINKTYPE_ETHERNET = 1;
const LINKTYPE_FCS_PRESENT = 1 << 26;
const MODIFIED_PCAP_MAGIC = 0xa1b2cd34;

function swap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

export function readPcap(bytes: Uint8Array): CapturedPacket[] {
  const cur = new CaptureCursor(bytes, "pcap");
  cur.need(0, PCAP_HEADER_LEN, "the 24-byte pcap file header");
  const magicLe = cur.u32(0);
  let nanos: boolean;
  if (magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS) {
    cur.little = true;
    nanos = magicLe === PCAP_MAGIC_NS;
  } else if (swap32(magicLe) === PCAP_MAGIC_US || swap32(magicLe) === PCAP_MAGIC_NS) {
    cur.little = false;
    nanos = swap32(magicLe) === PCAP_MAGIC_NS;
  } else if (magicLe === MODIFIED_PCAP_MAGIC || swap32(magicLe) === MODIFIED_PCAP_MAGIC) {
    return cur.fail(0, "Kuznetzov's modified pcap format is not supported");
  } else {
    return cur.fail(0, `magic 0x${swap32(magicLe).toString(16).padStart(8, "0")} is not a pcap magic (a1b2c3d4 or a1b23c4d, either byte order)`);
  }
  const major = cur.u16(4);
  if (major !== 2) cur.fail(4, `version ${major}.${cur.u16(6)}, expected 2.x`);
  const linkField = cur.u32(20);
  const linkType = linkField & 0xffff;
  if (linkType !== LINKTYPE_ETHERNET) cur.fail(20, `link type ${linkType}, expected 1 (Ethernet)`);
  if (linkField & LINKTYPE_FCS_PRESENT) cur.fail(20, "frames carry an FCS (link type F bit set), expected frames without FCS");
  const packets: CapturedPacket[] = [];
  const scale = nanos ? 1n : 1000n;
  for (let at = PCAP_HEADER_LEN; at < bytes.length; ) {
    cur.need(at, RECORD_HEADER_LEN, "a 16-byte record header");
    const seconds = cur.u32(at);
    const fraction = cur.u32(at + 4);
    const captured = cur.u32(at + 8);
    const original = cur.u32(at + 12);
    cur.need(at + RECORD_HEADER_LEN, captured, `${captured} bytes of packet data`);
    const data = cur.bytes.slice(at + RECORD_HEADER_LEN, at + RECORD_HEADER_LEN + captured);
    const packet: CapturedPacket = { timestampNs: BigInt(seconds) * 1_000_000_000n + BigInt(fraction) * scale, data };
    if (original !== captured) packet.originalLength = original;
    packets.push(packet);
    at += RECORD_HEADER_LEN + captured;
  }
  return packets;
}

export interface PcapWriteOptions {
  /** Default "little". */
  byteOrder?: ByteOrder;
  /** Default "ns". With "us", timestamps are truncated to whole microseconds. */
  precision?: TimestampPrecision;
  /** Default 262144. */
  snapLength?: number;
}

export function writePcap(packets: readonly CapturedPacket[], options: PcapWriteOptions = {}): Uint8Array {
  const little = (options.byteOrder ?? "little") === "little";
  const nanos = (options.precision ?? "ns") === "ns";
  const size = packets.reduce((n, p) => n + RECORD_HEADER_LEN + p.data.length, PCAP_HEADER_LEN);
  const { bytes, view } = writerView(size);
  view.setUint32(0, nanos ? PCAP_MAGIC_NS : PCAP_MAGIC_US, little);
  view.setUint16(4, 2, little);
  view.setUint16(6, 4, little);
  view.setUint32(16, options.snapLength ?? 262144, little);
  view.setUint32(20, LINKTYPE_ETHERNET, little);
  let at = PCAP_HEADER_LEN;
  for (const p of packets) {
    const seconds = p.timestampNs / 1_000_000_000n;
    if (p.timestampNs < 0n || seconds > 0xffffffffn) {
      throw new CaptureFormatError("pcap", at, `timestamp ${p.timestampNs} ns does not fit the 32-bit seconds field`);
    }
    const ns = p.timestampNs % 1_000_000_000n;
    view.setUint32(at, Number(seconds), little);
    view.setUint32(at + 4, Number(nanos ? ns : ns / 1000n), little);
    view.setUint32(at + 8, p.data.length, little);
    view.setUint32(at + 12, p.originalLength ?? p.data.length, little);
    bytes.set(p.data, at + RECORD_HEADER_LEN);
    at += RECORD_HEADER_LEN + p.data.length;
  }
  return bytes;
}
