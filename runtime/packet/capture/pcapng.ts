// pcapng (draft-ietf-opsawg-pcapng), reading and writing Ethernet captures.
//   block:  type(4) | total length(4) | body | total length(4)        (length a multiple of 4, ≥ 12)
//   SHB 0x0a0d0d0a: byte-order magic 1a2b3c4d(4) | major(2)=1 | minor(2) | section length(8) | options
//   IDB 1: link type(2) | reserved(2) | snap length(4) | options
//   EPB 6: interface(4) | timestamp high(4) | low(4) | captured(4) | original(4) | data (padded to 4) | options
//   SPB 3: original length(4) | data (captured = min(original, body - 4, snap length of interface 0))
//   PB  2 (obsolete): interface(2) | drops(2) | timestamp high(4) | low(4) | captured(4) | original(4) | data
//   option: code(2) | length(2) | value (padded to 4); code 0 ends the list
// Each SHB starts a section with its own byte order (the SHB type is a
// palindrome, so the magic after the length decides) and its own interfaces.
// Interfaces are numbered across the whole file. Unknown blocks are skipped;
// options are ignored except the two that timestamps need in an IDB:
// if_tsresol (9; default 6 = microseconds; high bit set = power of 2) and
// if_tsoffset (14; seconds added). Every interface must have link type 1.
// Invariant: readPcapng returns the packets or throws CaptureFormatError.
import { CaptureCursor, CaptureFormatError, writerView, type ByteOrder, type CapturedPacket, type TimestampPrecision } from "./types.js";

export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 1;
export const BLOCK_PB = 2;
export const BLOCK_SPB = 3;
export const BLOCK_EPB = 6;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
const LINKTYPE_ETHERNET = 1;

interface Interface {
  snapLength: number;
  /** Timestamp units per second. */
  unitsPerSecond: bigint;
  offsetSeconds: bigint;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function readIdbOptions(cur: CaptureCursor, start: number, end: number, iface: Interface): void {
  for (let at = start; at + 4 <= end; ) {
    const code = cur.u16(at);
    const length = cur.u16(at + 2);
    if (code === OPT_ENDOFOPT) return;
    if (at + 4 + length > end) cur.fail(at + 2, `option ${code} of ${length} bytes runs past the end of the block`);
    if (code === OPT_IF_TSRESOL) {
      if (length < 1) cur.fail(at + 2, "if_tsresol option has no value");
      const v = cur.bytes[at + 4]!;
      iface.unitsPerSecond = v & 0x80 ? 1n << BigInt(v & 0x7f) : 10n ** BigInt(v);
    } else if (code === OPT_IF_TSOFFSET) {
      if (length < 8) cur.fail(at + 2, `if_tsoffset option is ${length} bytes, expected 8`);
      const first = BigInt(cur.u32(at + 4));
      const second = BigInt(cur.u32(at + 8));
      const raw = cur.little ? (second << 32n) | first : (first << 32n) | second;
      iface.offsetSeconds = BigInt.asIntN(64, raw);
    }
    at += 4 + pad4(length);
  }
}

function timestampNs(iface: Interface, high: number, low: number): bigint {
  const units = (BigInt(high) << 32n) | BigInt(low);
  return (units * 1_000_000_000n) / iface.unitsPerSecond + iface.offsetSeconds * 1_000_000_000n;
}

export function readPcapng(bytes: Uint8Array): CapturedPacket[] {
  const cur = new CaptureCursor(bytes, "pcapng");
  const packets: CapturedPacket[] = [];
  let interfaces: Interface[] | undefined;
  let base = 0; // global index of this section's interface 0
  let total = 0; // interfaces seen so far in the file
  for (let at = 0; at < bytes.length; ) {
    cur.need(at, 12, "a block header and trailer");
    const isShb = bytes[at] === 0x0a && bytes[at + 1] === 0x0d && bytes[at + 2] === 0x0d && bytes[at + 3] === 0x0a;
    if (isShb) {
      cur.need(at + 8, 4, "the byte-order magic");
      cur.little = true;
      const magic = cur.u32(at + 8);
      if (magic !== BYTE_ORDER_MAGIC) {
        cur.little = false;
        if (cur.u32(at + 8) !== BYTE_ORDER_MAGIC) cur.fail(at + 8, "byte-order magic is not 1a2b3c4d in either byte order");
      }
    } else if (interfaces === undefined) {
      cur.fail(at, `block type 0x${cur.u32(at).toString(16)}, expected a Section Header Block (0a0d0d0a)`);
    }
    const type = cur.u32(at);
    const length = cur.u32(at + 4);
    if (length < 12 || length % 4 !== 0) cur.fail(at + 4, `block length ${length} is not a multiple of 4 of at least 12`);
    cur.need(at, length, `a block of ${length} bytes`);
    if (cur.u32(at + length - 4) !== length) {
      cur.fail(at + length - 4, `trailing block length ${cur.u32(at + length - 4)} differs from the leading ${length}`);
    }
    const body = at + 8;
    const bodyEnd = at + length - 4;
    const needBody = (n: number, what: string): void => {
      if (bodyEnd - body < n) cur.fail(at + 4, `block length ${length} is too short for ${what}`);
    };
    if (isShb) {
      needBody(16, "a Section Header Block");
      const major = cur.u16(body + 4);
      if (major !== 1) cur.fail(body + 4, `section version ${major}.${cur.u16(body + 6)}, expected 1.x`);
      interfaces = [];
      base = total;
    } else if (type === BLOCK_IDB) {
      needBody(8, "an Interface Description Block");
      const linkType = cur.u16(body);
      if (linkType !== LINKTYPE_ETHERNET) cur.fail(body, `interface ${total} has link type ${linkType}, expected 1 (Ethernet)`);
      const iface: Interface = { snapLength: cur.u32(body + 4), unitsPerSecond: 1_000_000n, offsetSeconds: 0n };
      readIdbOptions(cur, body + 8, bodyEnd, iface);
      interfaces!.push(iface);
      total++;
    } else if (type === BLOCK_EPB || type === BLOCK_PB) {
      const epb = type === BLOCK_EPB;
      needBody(20, epb ? "an Enhanced Packet Block" : "a Packet Block");
      const id = epb ? cur.u32(body) : cur.u16(body);
      const iface = interfaces![id];
      if (!iface) cur.fail(body, `interface ${id} is not described in this section (${interfaces!.length} interfaces)`);
      const captured = cur.u32(body + 12);
      if (captured > bodyEnd - body - 20) cur.fail(body + 12, `captured length ${captured} exceeds the ${bodyEnd - body - 20} bytes in the block`);
      const packet: CapturedPacket = {
        timestampNs: timestampNs(iface, cur.u32(body + 4), cur.u32(body + 8)),
        data: cur.bytes.slice(body + 20, body + 20 + captured),
        interface: base + id,
      };
      const original = cur.u32(body + 16);
      if (original !== captured) packet.originalLength = original;
      packets.push(packet);
    } else if (type === BLOCK_SPB) {
      needBody(4, "a Simple Packet Block");
      const iface = interfaces![0];
      if (!iface) cur.fail(at, "Simple Packet Block before any Interface Description Block in this section");
      const original = cur.u32(body);
      let captured = Math.min(original, bodyEnd - body - 4);
      if (iface.snapLength !== 0) captured = Math.min(captured, iface.snapLength);
      const packet: CapturedPacket = { timestampNs: 0n, data: cur.bytes.slice(body + 4, body + 4 + captured), interface: base };
      if (original !== captured) packet.originalLength = original;
      packets.push(packet);
    }
    at += length;
  }
  if (interfaces === undefined) cur.fail(0, "empty file, expected a Section Header Block");
  return packets;
}

export interface PcapngWriteOptions {
  /** Default "little". */
  byteOrder?: ByteOrder;
  /** Default "ns" (written as if_tsresol 9); "us" writes no if_tsresol and truncates to microseconds. */
  precision?: TimestampPrecision;
  /** Number of interfaces to describe; default 1 + the highest packet.interface (or 1). */
  interfaces?: number;
  /** Snap length of every interface; default 262144. */
  snapLength?: number;
}

export function writePcapng(packets: readonly CapturedPacket[], options: PcapngWriteOptions = {}): Uint8Array {
  const little = (options.byteOrder ?? "little") === "little";
  const nanos = (options.precision ?? "ns") === "ns";
  const count = options.interfaces ?? packets.reduce((n, p) => Math.max(n, (p.interface ?? 0) + 1), 1);
  const idbLength = 20 + (nanos ? 12 : 0);
  const size = 28 + count * idbLength + packets.reduce((n, p) => n + 32 + pad4(p.data.length), 0);
  const { bytes, view } = writerView(size);
  const u32 = (at: number, v: number): void => view.setUint32(at, v, little);
  const u16 = (at: number, v: number): void => view.setUint16(at, v, little);
  // Section Header Block, no options, section length -1 (unspecified).
  u32(0, BLOCK_SHB);
  u32(4, 28);
  u32(8, BYTE_ORDER_MAGIC);
  u16(12, 1);
  u16(14, 0);
  view.setBigInt64(16, -1n, little);
  u32(24, 28);
  let at = 28;
  for (let i = 0; i < count; i++) {
    u32(at, BLOCK_IDB);
    u32(at + 4, idbLength);
    u16(at + 8, LINKTYPE_ETHERNET);
    u32(at + 12, options.snapLength ?? 262144);
    if (nanos) {
      u16(at + 16, OPT_IF_TSRESOL);
      u16(at + 18, 1);
      bytes[at + 20] = 9;
      // opt_endofopt (4 zero bytes) at at + 24
    }
    u32(at + idbLength - 4, idbLength);
    at += idbLength;
  }
  for (const p of packets) {
    const id = p.interface ?? 0;
    if (!Number.isInteger(id) || id < 0 || id >= count) {
      throw new CaptureFormatError("pcapng", at, `packet interface ${id} is not one of the ${count} interfaces`);
    }
    if (p.timestampNs < 0n || p.timestampNs >= 1n << 64n) {
      throw new CaptureFormatError("pcapng", at, `timestamp ${p.timestampNs} ns does not fit 64 unsigned bits`);
    }
    const units = nanos ? p.timestampNs : p.timestampNs / 1000n;
    const length = 32 + pad4(p.data.length);
    u32(at, BLOCK_EPB);
    u32(at + 4, length);
    u32(at + 8, id);
    u32(at + 12, Number(units >> 32n));
    u32(at + 16, Number(units & 0xffffffffn));
    u32(at + 20, p.data.length);
    u32(at + 24, p.originalLength ?? p.data.length);
    bytes.set(p.data, at + 28);
    u32(at + length - 4, length);
    at += length;
  }
  return bytes;
}
