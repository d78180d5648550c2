// Declarative little-endian struct layouts (a `union bpf_attr` member per command, and the
// info structs BPF_OBJ_GET_INFO_BY_FD fills) and their encoding into the bytes bpf(2) takes.
// The tables themselves are in attr-layouts.ts; test/kernel/attr-layout.test.ts checks every
// offset against the uapi header compiled by clang.
//
// Invariants: fields a caller does not set are zero (the kernel requires unused tail bytes to
// be zero); a pointer field is given a Uint8Array, whose address goes into the attr and which
// the Attr keeps referenced until it is dropped, so the kernel never sees freed memory;
// a name field is NUL-terminated and truncated to 15 bytes, as libbpf's strlcpy does.

import { addressOf } from "./syscall.js";

export type FieldKind = "u32" | "s32" | "u64" | "ptr" | "name16" | "bytes8";

export interface Field {
  readonly offset: number;
  readonly kind: FieldKind;
}

export interface Layout<F extends string> {
  /** The C type it mirrors, and the member path prefix inside it (for the header check). */
  readonly cType: string;
  readonly cPrefix: string;
  readonly size: number;
  readonly fields: Readonly<Record<F, Field>>;
}

export type FieldValue = number | bigint | Uint8Array | string | undefined;

/** An encoded struct; keeps the buffers its pointer fields point at alive. */
export class Attr<F extends string> {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly keep: Uint8Array[] = [];

  constructor(readonly layout: Layout<F>, values: Partial<Record<F, FieldValue>> = {}) {
    this.bytes = new Uint8Array(layout.size);
    this.view = new DataView(this.bytes.buffer);
    for (const [name, value] of Object.entries(values) as [F, FieldValue][]) if (value !== undefined) this.set(name, value);
  }

  set(name: F, value: Exclude<FieldValue, undefined>): void {
    const f = this.layout.fields[name];
    switch (f.kind) {
      case "u32":
        this.view.setUint32(f.offset, Number(value) >>> 0, true);
        return;
      case "s32":
        this.view.setInt32(f.offset, Number(value), true);
        return;
      case "u64":
        this.view.setBigUint64(f.offset, BigInt.asUintN(64, BigInt(value as number | bigint)), true);
        return;
      case "ptr": {
        if (!(value instanceof Uint8Array)) throw new TypeError(`${this.layout.cType} ${name}: a pointer field takes a Uint8Array`);
        this.keep.push(value);
        this.view.setBigUint64(f.offset, addressOf(value), true);
        return;
      }
      case "name16": {
        const encoded = new TextEncoder().encode(String(value)).subarray(0, 15);
        this.bytes.fill(0, f.offset, f.offset + 16);
        this.bytes.set(encoded, f.offset);
        return;
      }
      case "bytes8":
        this.bytes.set((value as Uint8Array).subarray(0, 8), f.offset);
        return;
    }
  }

  u32(name: F): number {
    return this.view.getUint32(this.layout.fields[name].offset, true);
  }

  s32(name: F): number {
    return this.view.getInt32(this.layout.fields[name].offset, true);
  }

  u64(name: F): bigint {
    return this.view.getBigUint64(this.layout.fields[name].offset, true);
  }

  /** A char[16] name field, up to its NUL. */
  name(name: F): string {
    const off = this.layout.fields[name].offset;
    const raw = this.bytes.subarray(off, off + 16);
    const end = raw.indexOf(0);
    return new TextDecoder().decode(raw.subarray(0, end < 0 ? 16 : end));
  }

  raw(name: F, length: number): Uint8Array {
    const off = this.layout.fields[name].offset;
    return this.bytes.slice(off, off + length);
  }
}

/** Builds a layout from `[name, offset, kind]` rows; the size is rounded up to 8. */
export function layout<F extends string>(cType: string, cPrefix: string, rows: readonly (readonly [F, number, FieldKind])[]): Layout<F> {
  const widths: Record<FieldKind, number> = { u32: 4, s32: 4, u64: 8, ptr: 8, name16: 16, bytes8: 8 };
  const fields = {} as Record<F, Field>;
  let end = 0;
  for (const [name, offset, kind] of rows) {
    fields[name] = { offset, kind };
    end = Math.max(end, offset + widths[kind]);
  }
  return { cType, cPrefix, size: Math.ceil(end / 8) * 8, fields };
}
