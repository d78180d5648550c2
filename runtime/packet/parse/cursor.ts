// Bounds-checked big-endian reads over one frame, for the layer parsers.
// Invariant: a parser calls need() for every byte range before reading it, so
// the only exception a parser can raise is the PacketParseError that need()
// or fail() throws; both attach the layers decoded so far. `end` arguments
// are the end the enclosing headers declare (≤ the frame length), so a header
// that runs past its datagram is reported even when the frame has more bytes.
import { PacketParseError } from "../errors.js";
import type { ParsedLayer } from "./types.js";

export class FrameCursor {
  readonly view: DataView;
  /** A plain Uint8Array view of the frame, so slice() copies even when the caller passed a Node Buffer. */
  readonly bytes: Uint8Array;
  readonly layers: ParsedLayer[] = [];

  constructor(bytes: Uint8Array) {
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  fail(layer: string, offset: number, problem: string): never {
    throw new PacketParseError(layer, offset, problem, [...this.layers]);
  }

  /** Requires bytes [offset, offset + length) to lie inside [.., end); else fails at `offset`. */
  need(layer: string, offset: number, length: number, end: number, what: string): void {
    if (offset + length <= end) return;
    const left = Math.max(end - offset, 0);
    this.fail(layer, offset, `truncated: ${what} needs ${length} bytes, ${left} left`);
  }

  u8(offset: number): number {
    return this.view.getUint8(offset);
  }

  u16(offset: number): number {
    return this.view.getUint16(offset);
  }

  u32(offset: number): number {
    return this.view.getUint32(offset);
  }

  push<T extends ParsedLayer>(layer: T): T {
    this.layers.push(layer);
    return layer;
  }
}

/**
 * Decodes type-length-value options in [start, end). IPv4 and TCP count the type and length bytes in
 * the length ("total"); IPv6 options count only the data ("data"). `singleByte` names the one-byte
 * options: padding (NOP, Pad1) or end of list (EOL, which stops decoding).
 */
export function parseTlvOptions(
  cur: FrameCursor,
  layer: string,
  start: number,
  end: number,
  lengthCounts: "total" | "data",
  singleByte: (type: number) => "pad" | "end" | undefined,
): { type: number; data: Uint8Array }[] {
  const options: { type: number; data: Uint8Array }[] = [];
  let at = start;
  while (at < end) {
    const type = cur.u8(at);
    const single = singleByte(type);
    if (single) {
      options.push({ type, data: new Uint8Array(0) });
      if (single === "end") break;
      at += 1;
      continue;
    }
    cur.need(layer, at, 2, end, `option ${type}`);
    const field = cur.u8(at + 1);
    const len = lengthCounts === "total" ? field : field + 2;
    if (len < 2) cur.fail(layer, at + 1, `option ${type} has length ${field}, less than 2`);
    if (at + len > end) cur.fail(layer, at + 1, `option ${type} of length ${field} runs past the header end (${end - at} bytes left)`);
    options.push({ type, data: cur.bytes.slice(at + 2, at + len) });
    at += len;
  }
  return options;
}
