// tsbpf's view of TypeScript types: integer widths from the branded aliases of lib/index.d.ts,
// booleans, structs laid out in declaration order with C alignment, fixed arrays, and the
// XdpContext. Resolution goes through the checker's types and symbols, never the text.

import { ts, type Type } from "ts-morph";
import { isPacked, packedStruct } from "./layout.js";

export interface IntType {
  readonly kind: "int";
  readonly bits: 8 | 16 | 32 | 64;
  readonly signed: boolean;
  /** Network byte order (be16/be32/be64). */
  readonly be: boolean;
  readonly name: string;
}

export interface Field {
  readonly name: string;
  readonly type: ValueType;
  readonly offset: number;
}

export interface StructType {
  readonly kind: "struct";
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly Field[];
  /** `/** @packed *\/`: fields back to back, alignment 1 (see layout.ts). */
  readonly packed?: true;
}

export interface ArrayType {
  readonly kind: "array";
  readonly elem: ValueType;
  readonly length: number;
  readonly size: number;
  readonly align: number;
}

export type ValueType = IntType | StructType | ArrayType | { readonly kind: "bool" };

export const INT_NAMES: Readonly<Record<string, IntType>> = Object.fromEntries(
  (
    [
      ["u8", 8, false, false],
      ["u16", 16, false, false],
      ["u32", 32, false, false],
      ["u64", 64, false, false],
      ["i8", 8, true, false],
      ["i16", 16, true, false],
      ["i32", 32, true, false],
      ["i64", 64, true, false],
      ["be16", 16, false, true],
      ["be32", 32, false, true],
      ["be64", 64, false, true],
    ] as const
  ).map(([name, bits, signed, be]) => [name, { kind: "int", bits, signed, be, name } satisfies IntType]),
);

export const U32 = INT_NAMES.u32!;
export const U64 = INT_NAMES.u64!;
export const I64 = INT_NAMES.i64!;
export const BOOL = { kind: "bool" } as const;

export function sizeOf(t: ValueType): number {
  switch (t.kind) {
    case "int":
      return t.bits / 8;
    case "bool":
      return 1;
    case "struct":
    case "array":
      return t.size;
  }
}

export function alignOf(t: ValueType): number {
  switch (t.kind) {
    case "int":
      return t.bits / 8;
    case "bool":
      return 1;
    case "struct":
    case "array":
      return t.align;
  }
}

/** The integer type an alias names (u32, be16 …), looking through `T | null`; a numeric enum is an integer too. */
export function intTypeOf(type: Type): IntType | undefined {
  const alias = type.getAliasSymbol()?.getName();
  if (alias && INT_NAMES[alias]) return INT_NAMES[alias];
  if (type.isEnum() || type.isEnumLiteral()) return enumIntType(type);
  // Narrowing drops the alias (`x !== 0` takes the `| 0` off a be16): the width brand still names it.
  if (type.isIntersection()) {
    const brand = type.getProperties().find((p) => p.getName().startsWith("__@width@"));
    const decl = brand?.getDeclarations()[0];
    const names = decl ? brand!.getTypeAtLocation(decl).getUnionTypes() : [];
    const name = names.map((t) => t.getLiteralValue()).find((v) => typeof v === "string" && INT_NAMES[v]);
    if (typeof name === "string") return INT_NAMES[name];
  }
  return undefined;
}

/**
 * An enum's integer type as C gives it (clang): unsigned int when no member is negative, int
 * when one is, 64 bits when a member does not fit 32. Undefined for string enums.
 */
function enumIntType(type: Type): IntType | undefined {
  const values = (type.isUnion() ? type.getUnionTypes() : [type]).map((m) => m.getLiteralValue());
  if (values.length === 0 || !values.every((v): v is number => typeof v === "number" && Number.isInteger(v))) return undefined;
  const negative = values.some((v) => v < 0);
  const wide = values.some((v) => v > 0xffffffff || v < -0x80000000 || (negative && v > 0x7fffffff));
  return INT_NAMES[`${negative ? "i" : "u"}${wide ? 64 : 32}`];
}

export class TypeError_ extends Error {}

const cache = new WeakMap<ts.Type, ValueType>();

/**
 * The layout of a TypeScript type used as memory: integers, booleans, FixedArray<T, N>,
 * and interfaces/classes/object types (structs, fields in declaration order, C alignment).
 * Returns a string describing why when the type cannot be memory.
 */
export function valueTypeOf(type: Type, where: string): ValueType | string {
  const compiler = type.compilerType;
  const cached = cache.get(compiler);
  if (cached) return cached;
  const int = intTypeOf(type);
  if (int) return int;
  if (type.isBoolean() || type.isBooleanLiteral()) return BOOL;
  if (type.isNumber() || type.isNumberLiteral()) return `${where} has the plain type 'number'; give it an integer type such as u32`;
  if (type.isString() || type.isStringLiteral()) return `${where} is a string; strings are not supported in BPF programs`;
  const symbol = type.getSymbol() ?? type.getAliasSymbol();
  if (symbol?.getName() === "FixedArray") {
    const args = type.getTypeArguments().length > 0 ? type.getTypeArguments() : type.getAliasTypeArguments();
    const [elemT, lenT] = args;
    if (!elemT || !lenT || !lenT.isNumberLiteral()) return `${where}: FixedArray needs an element type and a literal length`;
    const elem = valueTypeOf(elemT, `${where}'s element`);
    if (typeof elem === "string") return elem;
    const length = Number(lenT.getLiteralValue());
    const t: ArrayType = { kind: "array", elem, length, size: sizeOf(elem) * length, align: alignOf(elem) };
    cache.set(compiler, t);
    return t;
  }
  if (type.isObject() && !type.getCallSignatures().length) {
    const props = type.getProperties();
    if (props.length === 0) return `${where} is an object type with no fields`;
    let offset = 0;
    let align = 1;
    const fields: Field[] = [];
    for (const p of props) {
      const decl = p.getValueDeclaration() ?? p.getDeclarations()[0];
      if (!decl) return `${where}: field '${p.getName()}' has no declaration`;
      const ft = valueTypeOf(p.getTypeAtLocation(decl), `field '${p.getName()}' of ${where}`);
      if (typeof ft === "string") return ft;
      const a = alignOf(ft);
      offset = Math.ceil(offset / a) * a;
      fields.push({ name: p.getName(), type: ft, offset });
      offset += sizeOf(ft);
      align = Math.max(align, a);
    }
    const name = symbol?.getName() && symbol.getName() !== "__type" ? symbol.getName() : "";
    const t: StructType = isPacked(type) ? packedStruct(name, fields) : { kind: "struct", name, size: Math.ceil(offset / align) * align, align, fields };
    cache.set(compiler, t);
    return t;
  }
  return `${where} has type '${type.getText()}', which tsbpf cannot lay out in memory`;
}

export function typeName(t: ValueType): string {
  switch (t.kind) {
    case "int":
      return t.name;
    case "bool":
      return "bool";
    case "struct":
      return t.name || "struct";
    case "array":
      return `FixedArray<${typeName(t.elem)}, ${t.length}>`;
  }
}
