// Struct layout decisions beyond C's natural alignment: `/** @packed */` on an interface lays
// its fields out back to back (C's __attribute__((packed)), e.g. ARP's sender address at
// offset 14), and a header type read from the packet whose natural layout has holes gets a
// warning (like clang's -Wpadded), since wire formats have none: a hole shifts every later
// field and the bounds check.

import { Node, type Type } from "ts-morph";
import { Code } from "../diagnostics/codes.js";
import { imm, reg, type IrBuilder } from "../ir/builder.js";
import type { Operand, VReg } from "../ir/ir.js";
import type { PtrSpace, Value } from "./values.js";
import type { DiagnosticSink } from "./diagnostics.js";
import { sizeOf, typeName, type IntType, type StructType, type ValueType } from "./types.js";

/** Whether the type's declaration carries the JSDoc tag `@packed`. */
export function isPacked(type: Type): boolean {
  const symbol = type.getSymbol() ?? type.getAliasSymbol();
  for (const decl of symbol?.getDeclarations() ?? []) {
    const holder = Node.isTypeLiteral(decl) ? decl.getParent() : decl;
    if (holder && Node.isJSDocable(holder) && holder.getJsDocs().some((doc) => doc.getTags().some((t) => t.getTagName() === "packed"))) return true;
  }
  return false;
}

/** The first hole natural alignment put into `t` (or a struct inside it), described; undefined when none. */
export function paddingOf(t: ValueType, path = typeName(t)): string | undefined {
  if (t.kind === "array") return paddingOf(t.elem, `${path}[]`);
  if (t.kind !== "struct") return undefined;
  let end = 0;
  for (const f of t.fields) {
    if (f.offset > end) return `${f.offset - end} byte${f.offset - end === 1 ? "" : "s"} of padding before field '${f.name}' of ${path} put it at offset ${f.offset}, not ${end}`;
    const inner = paddingOf(f.type, `${path}.${f.name}`);
    if (inner) return inner;
    end = f.offset + sizeOf(f.type);
  }
  if (t.size > end) return `${t.size - end} byte${t.size - end === 1 ? "" : "s"} of trailing padding make ${path} ${t.size} bytes long, not ${end}`;
  return undefined;
}

/** Warns (without failing the build) when a header type read from the packet has padding. */
export function warnPadding(sink: DiagnosticSink, t: ValueType, node: Node): void {
  const hole = paddingOf(t);
  if (!hole) return;
  const name = t.kind === "struct" ? t.name || "this struct" : typeName(t);
  sink.warning(node, Code.Padding, `${hole}; on the wire there is no padding, so this header's fields and bounds check are off`, `mark ${name} /** @packed */ to lay its fields out back to back, or add the padding as a field if the format has it`);
}

/** The packed layout of fields of the given types: back to back, alignment 1. */
export function packedStruct(name: string, fields: readonly { name: string; type: ValueType }[]): StructType {
  let offset = 0;
  const laid = fields.map((f) => {
    const at = offset;
    offset += sizeOf(f.type);
    return { name: f.name, type: f.type, offset: at };
  });
  return { kind: "struct", name, size: offset, align: 1, fields: laid, packed: true };
}

/**
 * Whether an integer of `size` bytes at `off` from a reference into `space` must be accessed
 * byte by byte, as clang does for packed structs: the kernel refuses misaligned stack access
 * (and BPF has no unaligned loads to rely on elsewhere); packet access may be misaligned.
 */
export function needsBytewise(space: PtrSpace, off: number, size: number): boolean {
  return space !== "packet" && size > 1 && off % size !== 0;
}

/** A little-endian integer assembled from its bytes (each load zero-extends; shifted and or-ed). */
export function loadBytewise(b: IrBuilder, base: VReg, off: number, size: number): VReg {
  let acc = b.load(base, off, 1);
  for (let i = 1; i < size; i++) {
    const byte = b.alu("lsh", b.load(base, off + i, 1), imm(8 * i), 64);
    acc = b.alu("or", acc, reg(byte), 64);
  }
  return acc;
}

/** Stores the low `size` bytes of `value` one at a time, little-endian. */
export function storeBytewise(b: IrBuilder, base: VReg, off: number, size: number, value: Operand): void {
  for (let i = 0; i < size; i++) {
    if (value.kind === "imm") b.store(base, off + i, 1, imm((value.value >> BigInt(8 * i)) & 0xffn));
    else b.store(base, off + i, 1, i === 0 ? value : reg(b.alu("rsh", b.mov(value, 64), imm(8 * i), 64)));
  }
}

/** An integer field read byte by byte (sign-extended for narrow signed types, like loadInt). */
export function loadIntBytewise(b: IrBuilder, base: VReg, off: number, t: IntType): Value {
  const v = loadBytewise(b, base, off, t.bits / 8);
  if (t.signed && t.bits < 32) return { kind: "int", ty: t, op: reg(b.ext(v, t.bits as 16, true, 32)) };
  return { kind: "int", ty: t, op: reg(v) };
}

/** A store of `size` bytes at base+off into `space`: one instruction, or bytes where it would be misaligned. */
export function storeField(b: IrBuilder, space: PtrSpace, base: VReg, off: number, size: 1 | 2 | 4 | 8, value: Operand): void {
  if (needsBytewise(space, off, size)) storeBytewise(b, base, off, size, value);
  else b.store(base, off, size, value);
}
