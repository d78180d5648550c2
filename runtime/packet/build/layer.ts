// The contract between packet builders. Every builder except ethernet()
// returns a Layer: a deferred encoding that its enclosing layer calls with an
// EncodeContext once it knows what the inner layer needs from it (the
// pseudo-header addresses for TCP/UDP/ICMPv6 checksums). A Layer also tells
// its encloser which number announces it: etherType for Ethernet and VLAN
// tags, ipProtocol for IPv4, IPv6 and IPv6 extension headers.
// Field rules shared by all builders: numbers must be integers that fit their
// wire field (else PacketBuildError); a computed field (length, checksum,
// next protocol) can be overridden by passing the raw value, and a checksum
// can be set to "bad" (the right value with its low bit flipped, which no
// one's-complement arithmetic can mistake for the right one).
import type { PseudoHeader } from "../checksum.js";
import { PacketBuildError } from "../errors.js";

export interface EncodeContext {
  /** Set by IPv4/IPv6 (and updated by routing headers) for the upper layer's checksum. */
  readonly pseudoHeader?: PseudoHeader;
}

export interface Layer {
  /** Builder name, used in error messages. */
  readonly name: string;
  /** The EtherType / TPID that announces this layer in an Ethernet or VLAN header. */
  readonly etherType?: number;
  /** The IP protocol / IPv6 next-header number that announces this layer. */
  readonly ipProtocol?: number;
  encode(context: EncodeContext): Uint8Array;
}

/** What a builder carries: another layer, raw bytes, UTF-8 text, or nothing. */
export type Payload = Layer | Uint8Array | string | undefined;

/** A checksum field: computed when omitted, or a raw value, or "bad" (right value with bit 0 flipped). */
export type ChecksumOption = number | "bad";

const utf8 = new TextEncoder();

export function isLayer(p: Payload): p is Layer {
  return typeof p === "object" && !(p instanceof Uint8Array);
}

export function encodePayload(p: Payload, context: EncodeContext): Uint8Array {
  if (p === undefined) return new Uint8Array(0);
  if (typeof p === "string") return utf8.encode(p);
  if (p instanceof Uint8Array) return p;
  return p.encode(context);
}

/** Encodes a layer on its own (no enclosing header), e.g. a raw IPv4 packet; bytes pass through. */
export function packetBytes(p: Layer | Uint8Array): Uint8Array {
  return p instanceof Uint8Array ? new Uint8Array(p) : p.encode({});
}

/** Checks that `value` is an integer that fits in `bits` unsigned bits, and returns it. */
export function field(layer: string, name: string, value: number, bits: number): number {
  const max = 2 ** bits - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new PacketBuildError(layer, `${name} ${value} does not fit in ${bits} bits (0..${max})`);
  }
  return value;
}

/** The value an announcing field takes: the explicit one, else the payload's, else `fallback` or an error. */
export function nextProtocol(
  layer: string,
  fieldName: string,
  explicit: number | undefined,
  announced: number | undefined,
  fallback?: number,
): number {
  const v = explicit ?? announced ?? fallback;
  if (v === undefined) {
    throw new PacketBuildError(layer, `${fieldName} is required when the payload is not a layer that announces it`);
  }
  return v;
}

/** Resolves a ChecksumOption against the computed value. */
export function resolveChecksum(layer: string, option: ChecksumOption | undefined, computed: () => number): number {
  if (option === undefined) return computed();
  if (option === "bad") {
    const right = computed();
    // right ^ 1 = 0 would read as "no checksum" in UDP over IPv4; flipping bit 1 is just as wrong.
    return right === 1 ? right ^ 2 : right ^ 1;
  }
  return field(layer, "checksum", option, 16);
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A header of `headerLength` bytes followed by `payload`, with a big-endian DataView over the whole. */
export function withHeader(headerLength: number, payload: Uint8Array): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(headerLength + payload.length);
  bytes.set(payload, headerLength);
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}
