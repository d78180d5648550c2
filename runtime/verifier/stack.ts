// Stack slots of one frame, as the kernel's bpf_stack_state for a privileged loader: a slot
// (8 bytes) either holds a spilled register (with its type and, for scalars, its narrow size)
// or per-byte kinds: invalid (never written; readable when privileged, as an unknown value),
// misc (some data) or zero (a stored zero).
//
// Invariants: a spill starts at the slot's lowest address; the bytes a narrow spill does not
// cover keep their kinds (`tail`), as the kernel's save_register_state leaves zero and
// never-written bytes alone and turns everything else into misc. Byte index 0 of a slot is
// its lowest address.

import { scalarConst, scalarUnknown, type Scalar } from "./scalar.js";
import type { RegState } from "./state.js";
import { truncateScalar } from "./coerce.js";

export type ByteKind = "invalid" | "misc" | "zero";

export type StackSlot =
  | { readonly kind: "bytes"; readonly bytes: readonly ByteKind[] }
  | { readonly kind: "spill"; readonly reg: RegState; readonly size: 1 | 2 | 4 | 8; readonly tail: readonly ByteKind[] };

const isZeroScalar = (r: RegState): boolean => r.type === "scalar" && r.s.tnum.mask === 0n && r.s.tnum.value === 0n;

export const emptySlot: StackSlot = { kind: "bytes", bytes: ["invalid", "invalid", "invalid", "invalid", "invalid", "invalid", "invalid", "invalid"] };

/** Slot index and byte index of frame offset `off` (negative). */
export function slotOf(off: number): { slot: number; byte: number } {
  const slot = Math.floor((-off - 1) / 8);
  return { slot, byte: off + 8 * (slot + 1) };
}

/** The byte kinds of a slot, a spill seen as bytes (its covered bytes are misc, or zero when it holds 0). */
export function slotBytes(s: StackSlot): readonly ByteKind[] {
  if (s.kind === "bytes") return s.bytes;
  const zero = isZeroScalar(s.reg);
  return Array.from({ length: 8 }, (_, i) => (i < s.size ? (zero ? "zero" : "misc") : s.tail[i - s.size]!));
}

/** The kernel's slot_type per byte: spill bytes apart from data, zero and never-written bytes. */
/** rawKinds(s)[i] without building the array (state comparisons test it per byte). */
export function rawKindAt(s: StackSlot, i: number): ByteKind | "spill" {
  if (s.kind === "bytes") return s.bytes[i]!;
  return i < s.size ? "spill" : s.tail[i - s.size]!;
}

export function rawKinds(s: StackSlot): readonly (ByteKind | "spill")[] {
  if (s.kind === "bytes") return s.bytes;
  return Array.from({ length: 8 }, (_, i) => (i < s.size ? "spill" : s.tail[i - s.size]!));
}

function withBytes(s: StackSlot, from: number, to: number, kind: ByteKind): StackSlot {
  // A write that does not replace a whole spill scrubs it: its bytes become data (the kernel's
  // scrub_spilled_slot keeps never-written bytes invalid).
  const bytes = s.kind === "spill" ? slotBytes(s).map((b) => (b === "zero" ? "misc" : b)) : s.bytes.slice();
  for (let i = from; i < to; i++) bytes[i] = kind;
  return { kind: "bytes", bytes };
}

/**
 * A fixed-offset write of `size` bytes at `off` (aligned: the caller checked strict stack
 * alignment). `value` is the stored register, or a constant for a store-immediate.
 */
export function writeFixed(stack: StackSlot[], off: number, size: 1 | 2 | 4 | 8, value: RegState): void {
  const { slot, byte } = slotOf(off);
  const old = stack[slot]!;
  const isScalar = value.type === "scalar";
  if (byte === 0 && (size === 8 || isScalar)) {
    // Full spill of any register, or a narrow spill of a scalar at the slot start.
    // A narrow spill keeps the id only when the value fits (the caller gave it one); a
    // narrowing spill breaks the link.
    const reg = isScalar && size < 8 ? { type: "scalar" as const, s: truncateScalar(value.s, size), id: fits(value.s, size) ? value.id : 0 } : value;
    // mark_stack_slot_misc on the bytes the spill does not cover: zero and invalid stay.
    const tail = rawKinds(old).slice(size).map((k): ByteKind => (k === "spill" ? "misc" : k));
    stack[slot] = { kind: "spill", reg, size, tail };
    return;
  }
  const zero = isScalar && value.s.tnum.mask === 0n && value.s.tnum.value === 0n;
  stack[slot] = withBytes(old, byte, byte + size, zero ? "zero" : "misc");
}

/**
 * Bytes [lo, hi) of the frame become data (variable-offset writes, helpers writing memory).
 * A variable-offset write of zero (`writingZero`) keeps what already reads as zero: bytes of a
 * spilled zero and zero bytes (check_stack_write_var_off).
 */
export function clobberRange(stack: StackSlot[], lo: number, hi: number, writingZero = false): void {
  for (let a = lo; a < hi; a++) {
    const { slot, byte } = slotOf(a);
    const s = stack[slot]!;
    if (writingZero) {
      if (s.kind === "spill" && byte < s.size && isZeroScalar(s.reg)) continue;
      if (s.kind === "bytes" && s.bytes[byte] === "zero") continue;
      if (s.kind === "spill" && byte >= s.size && s.tail[byte - s.size] === "zero") {
        stack[slot] = withBytes(s, byte, byte + 1, "zero");
        continue;
      }
    }
    stack[slot] = withBytes(s, byte, byte + 1, "misc");
  }
}

export type StackRead = { readonly ok: true; readonly reg: RegState } | { readonly ok: false; readonly message: string };

/** A fixed-offset aligned read of `size` bytes at `off`. */
export function readFixed(stack: readonly StackSlot[], off: number, size: 1 | 2 | 4 | 8): StackRead {
  const { slot, byte } = slotOf(off);
  const s = stack[slot]!;
  if (s.kind === "spill") {
    if (size === 8 && byte === 0 && s.size === 8) return { ok: true, reg: s.reg };
    if (s.reg.type !== "scalar") return { ok: false, message: "invalid size of register fill" };
    if (byte === 0 && size <= s.size) {
      const v = size === s.size ? s.reg.s : truncateScalar(s.reg.s, size);
      // A fill keeps the link unless it narrows the value (check_stack_read_fixed_off).
      return { ok: true, reg: { type: "scalar", s: v, id: fits(s.reg.s, size) ? s.reg.id : 0 } };
    }
    // A read mixing spill bytes with others: zero only when every byte is a byte of a spilled
    // zero, or every byte is a zero byte (a spilled zero next to zero bytes is unknown).
    let spill = 0;
    let zeros = 0;
    for (let i = byte; i < byte + size; i++) {
      if (i < s.size) spill++;
      else if (s.tail[i - s.size] === "zero") zeros++;
    }
    const zero = (spill === size && isZeroScalar(s.reg)) || zeros === size;
    return { ok: true, reg: { type: "scalar", s: zero ? scalarConst(0n) : unknownOfSize(size), id: 0 } };
  }
  const bytes = slotBytes(s);
  let zeros = 0;
  for (let i = byte; i < byte + size; i++) if (bytes[i] === "zero") zeros++;
  return { ok: true, reg: { type: "scalar", s: zeros === size ? scalarConst(0n) : unknownOfSize(size), id: 0 } };
}

/** get_reg_width(reg) <= 8 * size: the value's unsigned maximum needs no more bits than the access. */
const fits = (v: Scalar, size: number): boolean => size === 8 || v.umax < 1n << BigInt(8 * size);

export function unknownOfSize(size: number): Scalar {
  return size === 8 ? scalarUnknown() : truncateScalar(scalarUnknown(), size as 1 | 2 | 4);
}

/** Slot index range touched by bytes [lo, hi). */
export function slotsOf(lo: number, hi: number): { first: number; last: number } {
  return { first: slotOf(hi - 1).slot, last: slotOf(lo).slot };
}
