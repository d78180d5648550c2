// Text forms of MAC, IPv4 and IPv6 addresses, both ways.
// Parsing is strict: a MAC is six hex pairs separated by ':' or '-'; an IPv4
// address is four decimal parts 0-255 (no leading zeros, which some stacks read
// as octal); an IPv6 address is RFC 4291 text (with '::' and an optional
// trailing dotted IPv4), without a zone. Byte inputs pass through after a
// length check, copied (as plain Uint8Arrays, also when given a Node Buffer). Formatting is canonical: lowercase MAC with ':', dotted
// IPv4, and RFC 5952 IPv6 (lowercase, no leading zeros, the longest run of two
// or more zero groups as '::', the first such run on a tie).
import { PacketBuildError } from "./errors.js";

/** A MAC address as text ("02:00:00:00:00:01") or its 6 bytes. */
export type MacInput = string | Uint8Array;
/** An IPv4 address as text ("192.0.2.1") or its 4 bytes. */
export type Ipv4Input = string | Uint8Array;
/** An IPv6 address as text ("2001:db8::1") or its 16 bytes. */
export type Ipv6Input = string | Uint8Array;

function fromBytes(kind: string, bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length !== length) throw new PacketBuildError(kind, `expected ${length} bytes, got ${bytes.length}`);
  return new Uint8Array(bytes); // a copy, and a plain Uint8Array even for a Buffer
}

export function parseMac(input: MacInput): Uint8Array {
  if (typeof input !== "string") return fromBytes("MAC address", input, 6);
  const m = /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i.exec(input);
  if (!m) throw new PacketBuildError("MAC address", `${JSON.stringify(input)} is not six hex pairs separated by ':' or '-'`);
  return Uint8Array.from([m[1], m[3], m[4], m[5], m[6], m[7]], (h) => parseInt(h!, 16));
}

export function formatMac(bytes: Uint8Array, offset = 0, length = 6): string {
  return Array.from(bytes.subarray(offset, offset + length), (b) => b.toString(16).padStart(2, "0")).join(":");
}

function parseDottedQuad(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

export function parseIpv4(input: Ipv4Input): Uint8Array {
  if (typeof input !== "string") return fromBytes("IPv4 address", input, 4);
  const out = parseDottedQuad(input);
  if (!out) throw new PacketBuildError("IPv4 address", `${JSON.stringify(input)} is not four decimal parts 0-255`);
  return out;
}

export function formatIpv4(bytes: Uint8Array, offset = 0): string {
  return Array.from(bytes.subarray(offset, offset + 4)).join(".");
}

/** Parses the groups on one side of '::' into 16-bit words; undefined if malformed. */
function parseGroups(text: string, allowTrailingV4: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (allowTrailingV4 && i === parts.length - 1 && p.includes(".")) {
      const v4 = parseDottedQuad(p);
      if (!v4) return undefined;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!/^[0-9a-f]{1,4}$/i.test(p)) return undefined;
      words.push(parseInt(p, 16));
    }
  }
  return words;
}

export function parseIpv6(input: Ipv6Input): Uint8Array {
  if (typeof input !== "string") return fromBytes("IPv6 address", input, 16);
  const bad = (): never => {
    throw new PacketBuildError("IPv6 address", `${JSON.stringify(input)} is not an IPv6 address`);
  };
  const halves = input.split("::");
  let words: number[];
  if (halves.length === 1) {
    words = parseGroups(input, true) ?? bad();
    if (words.length !== 8) bad();
  } else if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false) ?? bad();
    const tail = parseGroups(halves[1]!, true) ?? bad();
    if (head.length + tail.length > 7) bad();
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    return bad();
  }
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

export function formatIpv6(bytes: Uint8Array, offset = 0): string {
  const words = Array.from({ length: 8 }, (_, i) => (bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(":");
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}
