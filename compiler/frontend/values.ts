// The values and bindings the lowering passes around, and the integer typing rules of the
// language: C's promotions (8/16-bit operands become 32-bit, keeping signedness), both sides
// of an operator must then have the same type (a literal takes the other side's), and
// network-order types allow only bitwise operations and equality.

import type { Operand, VReg } from "../ir/ir.js";
import { INT_NAMES, type IntType, type ValueType } from "./types.js";
import type { MapDecl } from "./module.js";

export type Value =
  /** An integer; `ty` undefined for a constant without a type yet (a literal), whose op is an imm. */
  | { readonly kind: "int"; readonly ty: IntType | undefined; readonly op: Operand }
  | { readonly kind: "bool"; readonly op: Operand }
  /** A pointer to memory holding `to`, as a base register plus a constant offset. */
  | { readonly kind: "ptr"; readonly to: ValueType; readonly base: VReg; readonly off: number; readonly nullable: boolean; readonly space: PtrSpace }
  | { readonly kind: "ctx"; readonly reg: VReg }
  /** A function value (an address loaded by lddw); `name` when it is statically known, so calls go direct. */
  | { readonly kind: "fn"; readonly sig: string; readonly reg: VReg; readonly name: string | undefined }
  /** A map reached at run time (a map-in-map lookup): `decl` is the inner map template, `reg` the map pointer or 0. */
  | { readonly kind: "map"; readonly decl: MapDecl; readonly reg: VReg; readonly nullable: boolean }
  | { readonly kind: "void" };

export type PtrSpace = "packet" | "stack" | "map_value" | "unknown";

export type Binding =
  | { readonly kind: "var"; readonly ty: IntType | "bool"; readonly reg: VReg }
  | { kind: "ptr"; to: ValueType; base: VReg; off: number; nullable: boolean; space: PtrSpace }
  | { readonly kind: "ctx"; readonly reg: VReg }
  | { readonly kind: "fn"; readonly sig: string; readonly reg: VReg; readonly name: string | undefined }
  | { readonly kind: "const"; readonly value: bigint }
  | { readonly kind: "map"; readonly decl: MapDecl; readonly reg: VReg; readonly nullable: boolean }
  /** A declaration that was refused with a diagnostic: a use abandons its statement silently. */
  | { readonly kind: "poison" };

/** C's integer promotion: types narrower than 32 bits compute as 32-bit, keeping signedness. */
export function promote(t: IntType): IntType {
  if (t.be || t.bits >= 32) return t;
  return t.signed ? INT_NAMES.i32! : INT_NAMES.u32!;
}

/** The type two operands compute in, or a message saying why they cannot be mixed. */
export function commonType(a: IntType | undefined, b: IntType | undefined): IntType | undefined | string {
  if (!a) return b ? promote(b) : undefined;
  if (!b) return promote(a);
  const pa = promote(a);
  const pb = promote(b);
  if (pa.name === pb.name) return pa;
  return `mixing ${a.name} and ${b.name} needs an explicit conversion, e.g. ${pb.bits >= pa.bits ? pb.name : pa.name}(x)`;
}

/** The bits of a constant as a value of `t` (wrapped to its width, sign-extended when signed). */
export function wrapConstant(v: bigint, t: IntType): bigint {
  const wrapped = BigInt.asUintN(t.bits, v);
  if (t.signed) return BigInt.asUintN(t.bits >= 32 ? 64 : 32, BigInt.asIntN(t.bits, wrapped)) & (t.bits === 64 ? (1n << 64n) - 1n : 0xffffffffn);
  return wrapped;
}

/** Byte-swap of the low `bits` of v. */
export function swapConstant(v: bigint, bits: 16 | 32 | 64): bigint {
  let out = 0n;
  for (let i = 0; i < bits / 8; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return out;
}
