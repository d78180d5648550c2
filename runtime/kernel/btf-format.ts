// Raw map bytes rendered through BTF the way bpftool's btf_dumper renders `map dump -j`'s
// "formatted" field: integers as numbers (bigint past 2^53), bool as true/false, enums by
// name, char arrays holding a C string as strings, structs and unions as objects keyed by
// member name, arrays as arrays, a DATASEC as `{".bss": [{var: value}, ...]}`.
//
// Invariants: pure; reads only inside `bytes` (an out-of-range access renders as undefined
// rather than throwing); typedefs, modifiers and type tags are looked through.

import { IntEncoding, typeById, type Btf, type BtfInt, type TypeId } from "../object/btf/index.js";
import { resolveType, sizeOf } from "../object/btf/sizes.js";

export type Formatted = number | bigint | boolean | string | null | undefined | readonly Formatted[] | { readonly [name: string]: Formatted };

const MAX_DEPTH = 32;

function readUint(bytes: Uint8Array, byteOff: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[byteOff + i] ?? 0);
  return v;
}

function num(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function formatInt(t: BtfInt, bytes: Uint8Array, bitOff: number, bitSize: number): Formatted {
  const bits = bitSize || t.bits;
  const start = bitOff + t.bitsOffset;
  const firstByte = Math.floor(start / 8);
  const span = Math.ceil((start % 8 + bits) / 8);
  if (firstByte + span > bytes.length) return undefined;
  let v = (readUint(bytes, firstByte, span) >> BigInt(start % 8)) & ((1n << BigInt(bits)) - 1n);
  if (t.encoding === IntEncoding.BOOL) return v !== 0n;
  if (t.encoding === IntEncoding.SIGNED) v = BigInt.asIntN(bits, v);
  if (bits > 64) return `0x${v.toString(16)}`;
  return num(v);
}

const isChar = (btf: Btf, id: TypeId): boolean => {
  const t = resolveType(btf, id);
  return t?.kind === "INT" && t.size === 1 && (t.encoding === IntEncoding.CHAR || t.name === "char" || t.name === "signed char" || t.name === "unsigned char");
};

/** A char array prints as a string when it holds printable text followed only by NULs. */
function asCString(bytes: Uint8Array): string | undefined {
  const end = bytes.indexOf(0);
  if (end < 0) return undefined;
  if (bytes.subarray(end).some((b) => b !== 0)) return undefined;
  const text = bytes.subarray(0, end);
  if (text.some((b) => b < 0x20 || b > 0x7e)) return undefined;
  return new TextDecoder().decode(text);
}

/** `bytes` (starting at the value) rendered as BTF type `id`. */
export function formatBtfValue(btf: Btf, id: TypeId, bytes: Uint8Array): Formatted {
  return format(btf, id, bytes, 0, 0, 0);
}

function format(btf: Btf, id: TypeId, bytes: Uint8Array, bitOff: number, bitSize: number, depth: number): Formatted {
  if (depth > MAX_DEPTH) return undefined;
  const t = resolveType(btf, id);
  if (!t) return undefined;
  const byteOff = bitOff / 8;
  switch (t.kind) {
    case "INT":
      return formatInt(t, bytes, bitOff, bitSize);
    case "PTR":
      return byteOff + 8 <= bytes.length ? num(readUint(bytes, byteOff, 8)) : undefined;
    case "ENUM":
    case "ENUM64": {
      if (byteOff + t.size > bytes.length) return undefined;
      let raw = readUint(bytes, byteOff, t.size);
      if (t.signed) raw = BigInt.asIntN(t.size * 8, raw);
      const match = t.values.find((v) => BigInt(v.value) === raw || BigInt.asUintN(t.size * 8, BigInt(v.value)) === raw);
      return match ? match.name : num(raw);
    }
    case "FLOAT": {
      if (byteOff + t.size > bytes.length) return undefined;
      const view = new DataView(bytes.buffer, bytes.byteOffset + byteOff, t.size);
      return t.size === 4 ? view.getFloat32(0, true) : t.size === 8 ? view.getFloat64(0, true) : `0x${readUint(bytes, byteOff, t.size).toString(16)}`;
    }
    case "STRUCT":
    case "UNION": {
      const out: Record<string, Formatted> = {};
      for (const m of t.members) out[m.name] = format(btf, m.type, bytes, bitOff + m.bitsOffset, m.bitfieldSize, depth + 1);
      return out;
    }
    case "ARRAY": {
      const elemSize = sizeOf(btf, t.type) ?? 0;
      if (isChar(btf, t.type) && byteOff + t.nelems <= bytes.length) {
        const s = asCString(bytes.subarray(byteOff, byteOff + t.nelems));
        if (s !== undefined) return s;
      }
      return Array.from({ length: t.nelems }, (_, i) => format(btf, t.type, bytes, bitOff + i * elemSize * 8, 0, depth + 1));
    }
    case "VAR":
      return { [t.name]: format(btf, t.type, bytes, bitOff, 0, depth + 1) };
    case "DATASEC":
      return {
        [t.name]: t.vars.map((v) => {
          const vt = typeById(btf, v.type);
          return vt?.kind === "VAR" ? { [vt.name]: format(btf, vt.type, bytes, bitOff + v.offset * 8, 0, depth + 1) } : {};
        }),
      };
    default:
      return undefined;
  }
}
