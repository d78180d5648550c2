// A hand-made pcapng file (built without writePcapng) and the block encoder
// it uses, shared by the capture and fuzz suites.
import { builtFrames } from "./fixtures.js";

export const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** An independent pcapng block encoder for hand-made files. */
export function block(type: number, body: Uint8Array, little: boolean): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const out = new Uint8Array(12 + padded);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, little);
  v.setUint32(4, out.length, little);
  out.set(body, 8);
  v.setUint32(out.length - 4, out.length, little);
  return out;
}

export function fields(little: boolean, ...parts: [bytes: 1 | 2 | 4 | 8, value: number | bigint][]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, [size]) => n + size, 0));
  const v = new DataView(out.buffer);
  let at = 0;
  for (const [size, value] of parts) {
    if (size === 1) v.setUint8(at, Number(value));
    if (size === 2) v.setUint16(at, Number(value), little);
    if (size === 4) v.setUint32(at, Number(value), little);
    if (size === 8) v.setBigUint64(at, BigInt(value), little);
    at += size;
  }
  return out;
}


export function handMadePcapng(): { file: Uint8Array; f1: Uint8Array; f2: Uint8Array } {
  const be = false;
  const le = true;
  const f1 = builtFrames[0]![1];
  const f2 = builtFrames[1]![1];
  // Section 1, big-endian: SHB with an option, IDB in milliseconds (if_tsresol 3) with an unknown option,
  // an unassigned block type, a Custom Block (0xbad), a Name Resolution Block, a Simple Packet Block and an
  // Enhanced Packet Block with a comment option.
  // Section 2, little-endian: SHB, IDB (µs default), IDB with snap length 20, if_tsresol 2^-10 and
  // if_tsoffset 100 s; an EPB on each of them.
  // tshark 4.0 reads this file to the same lengths and timestamps; it numbers interfaces per section
  // (frame.interface_id 1 and 0 in section 2), where readPcapng counts them across the file (2 and 1).
  const file = cat(
    block(0x0a0d0d0a, cat(fields(be, [4, 0x1a2b3c4d], [2, 1], [2, 0], [8, 0xffffffffffffffffn]), fields(be, [2, 4], [2, 4]), new TextEncoder().encode("test"), fields(be, [4, 0])), be),
    block(1, fields(be, [2, 1], [2, 0], [4, 0], [2, 0x7777], [2, 2], [2, 0xabcd], [2, 0], [2, 9], [2, 1], [1, 3], [1, 0], [2, 0], [4, 0]), be),
    block(0x00000021, Uint8Array.of(1, 2, 3), be),
    block(0x00000bad, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), be),
    block(4, fields(be, [2, 0], [2, 0]), be),
    block(3, cat(fields(be, [4, f1.length]), f1), be),
    block(6, cat(fields(be, [4, 0], [4, 0], [4, 1_234_567], [4, f2.length], [4, f2.length]), f2, new Uint8Array(-f2.length & 3), fields(be, [2, 1], [2, 4], [4, 0x41414141], [4, 0])), be),
    block(0x0a0d0d0a, fields(le, [4, 0x1a2b3c4d], [2, 1], [2, 0], [8, 0xffffffffffffffffn]), le),
    block(1, fields(le, [2, 1], [2, 0], [4, 0]), le),
    block(1, fields(le, [2, 1], [2, 0], [4, 20], [2, 9], [2, 1], [1, 0x8a], [1, 0], [2, 0], [2, 14], [2, 8], [8, 100n], [4, 0]), le),
    block(6, cat(fields(le, [4, 1], [4, 0], [4, 3 * 1024 + 512], [4, 4], [4, 4]), Uint8Array.of(9, 8, 7, 6)), le),
    block(6, cat(fields(le, [4, 0], [4, 1], [4, 7], [4, 1], [4, 1]), Uint8Array.of(5)), le),
  );
  return { file, f1, f2 };
}
