// Byte-level conversions the maps need: keys as strings (for JavaScript Map lookups), u32
// fields in host (little-endian) order, and the kernel's round_up(x, 8).

/** A string with one character per byte: equal keys give equal strings, and back again. */
export function keyString(bytes: Uint8Array): string {
  // Map keys are on the lookup hot path: a plain loop beats spreading a typed array for the
  // short keys maps have; latin1 decoding maps bytes 0..255 to the same code points for long ones.
  if (bytes.length > 64) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

export function keyBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// Byte arithmetic rather than a DataView per call: map keys are read on every lookup, and
// making a DataView dominated the compiled tier's profile of a hash-map lookup. Reads past the
// end throw the RangeError a DataView would.
export function readI32(bytes: Uint8Array, offset = 0): number {
  if (offset < 0 || offset + 4 > bytes.length) throw new RangeError(`offset ${offset} is outside the bounds of the ${bytes.length}-byte buffer`);
  return bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24);
}

export function readU32(bytes: Uint8Array, offset = 0): number {
  return readI32(bytes, offset) >>> 0;
}

export function u32Bytes(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, true);
  return out;
}

export function roundUp8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
