// Struct and array copies: whole values moved between packet, stack, map values and globals.
//  - `copy(ref)`: a snapshot of what `ref` points to, in a new stack slot (e.g. a header kept
//    across adjustHead, which makes packet references stale);
//  - `{ ...ref, field: v }`: the same, with some fields replaced;
//  - `dst.field = src.field` / `a[i] = s` where the field or element is a struct or FixedArray,
//    and `assign(dst, src)` for a whole reference: the bytes of src written over dst;
//  - struct-typed fields of object literals.
// Both sides must have the same layout (same type name and size); strictNullChecks has already
// made the author check nullable references (copy/assign take `T extends object`). The copy moves the widest
// words both sides' alignment allows (the type's alignment, at most 8), so stack accesses stay
// aligned as the verifier demands (packet reads may be unaligned, like clang's), and unless the
// two sides cannot overlap (different memory spaces, a fresh slot) it reads the whole source
// before writing anything, so overlapping copies (a header moved within the packet) come out right.

import { Node } from "ts-morph";
import { reg } from "../ir/builder.js";
import type { VReg } from "../ir/ir.js";
import { Code } from "../diagnostics/codes.js";
import type { ExprLowerer } from "./lower-expr.js";
import { alignOf, sizeOf, typeName, type ValueType } from "./types.js";
import type { Value } from "./values.js";

type Ptr = Value & { kind: "ptr" };

/** Whether a value of type `from` may be copied into memory of type `to`. */
export function sameLayout(from: ValueType, to: ValueType): boolean {
  return typeName(from) === typeName(to) && sizeOf(from) === sizeOf(to) && (from.kind !== "struct" || to.kind !== "struct" || from.fields.length === to.fields.length);
}

/** The reference a struct-valued expression stands for, checked against the type it is copied into. */
export function sourceOf(x: ExprLowerer, node: Node, to: ValueType): Ptr {
  const v = x.lower(node);
  if (v.kind !== "ptr") return x.f.fail(node, Code.UnsupportedType, `expected a ${typeName(to)} here`);
  if (!sameLayout(v.to, to)) x.f.fail(node, Code.UnsupportedType, `a ${typeName(v.to)} cannot be copied into a ${typeName(to)}`, "copies need the same struct or array type on both sides");
  return v;
}

/** What a copy knows about its two sides beyond their type. */
export interface CopySides {
  /** The regions cannot overlap (a fresh stack slot, or two different memory spaces). */
  readonly disjoint: boolean;
  /** The destination's base is 8-byte aligned (a stack slot or map value of tsbpf's own layout). */
  readonly dstAligned8: boolean;
  /** The source is the packet, which the verifier lets programs read unaligned (as clang's wide loads do). */
  readonly srcPacket: boolean;
}

/** The sides of a copy between two references: disjoint when both spaces are known and differ. */
export function sidesOf(dst: Ptr | "fresh", src: Ptr): CopySides {
  const fresh = dst === "fresh";
  const known = (p: Ptr): boolean => p.space !== "unknown";
  return {
    disjoint: fresh || (known(dst) && known(src) && dst.space !== src.space),
    dstAligned8: fresh,
    srcPacket: src.space === "packet",
  };
}

const CONSERVATIVE: CopySides = { disjoint: false, dstAligned8: false, srcPacket: false };

/** Copies sizeOf(t) bytes from src+srcOff to dst+dstOff in the widest words alignment allows. */
export function copyBytes(x: ExprLowerer, dst: VReg, dstOff: number, src: VReg, srcOff: number, t: ValueType, sides: CopySides = CONSERVATIVE): void {
  const b = x.f.b;
  const size = sizeOf(t);
  // A packed struct has alignment 1 but its copies need not go byte by byte: the offset checks
  // below keep every word aligned from the (8-aligned) stack slot or map value. A packet source
  // into an 8-aligned destination needs only the destination aligned (clang's wide loads).
  const wide = sides.srcPacket && sides.dstAligned8;
  const align = wide || (t.kind === "struct" && t.packed) ? 8 : Math.min(8, alignOf(t));
  const words: { off: number; n: 1 | 2 | 4 | 8 }[] = [];
  for (let off = 0; off < size; ) {
    const n = ([8, 4, 2, 1] as const).find((w) => w <= align && (dstOff + off) % w === 0 && (wide || (srcOff + off) % w === 0) && off + w <= size)!;
    words.push({ off, n });
    off += n;
  }
  if (sides.disjoint) {
    // No overlap possible: each word stored right after its load, one register live at a time.
    for (const w of words) b.store(dst, dstOff + w.off, w.n, reg(b.load(src, srcOff + w.off, w.n)));
    return;
  }
  // Every load before any store: correct when source and destination overlap (moving a header
  // within the packet), which the compiler cannot rule out for two references of one space.
  // Register allocation spills what does not fit.
  const values = words.map((w) => b.load(src, srcOff + w.off, w.n));
  words.forEach((w, k) => b.store(dst, dstOff + w.off, w.n, reg(values[k]!)));
}

/** A new, 8-byte aligned stack slot holding a copy of what `src` points to. */
export function stackCopy(x: ExprLowerer, src: Ptr): Ptr {
  const b = x.f.b;
  const slot = b.slot(sizeOf(src.to), Math.max(8, alignOf(src.to)));
  const base = b.stackaddr(slot);
  copyBytes(x, base, 0, src.base, src.off, src.to, sidesOf("fresh", src));
  return { kind: "ptr", to: src.to, base, off: 0, nullable: false, space: "stack" };
}

/** `copy(ref)`. */
export function lowerCopyCall(x: ExprLowerer, args: readonly Node[], node: Node): Value {
  if (args.length !== 1) x.f.fail(node, Code.Unsupported, "copy takes one struct reference");
  const v = x.lower(args[0]!);
  if (v.kind !== "ptr") return x.f.fail(args[0]!, Code.UnsupportedType, "copy takes a struct or array reference");
  return stackCopy(x, v);
}

/** `assign(dst, src)`: the bytes of src written over what dst points to. */
export function lowerAssignCall(x: ExprLowerer, args: readonly Node[], node: Node): Value {
  if (args.length !== 2) x.f.fail(node, Code.Unsupported, "assign takes a destination and a source reference");
  const dst = x.lower(args[0]!);
  if (dst.kind !== "ptr") return x.f.fail(args[0]!, Code.UnsupportedType, "assign's destination is a struct or array reference");
  const src = sourceOf(x, args[1]!, dst.to);
  copyBytes(x, dst.base, dst.off, src.base, src.off, dst.to, sidesOf(dst, src));
  return { kind: "void" };
}
