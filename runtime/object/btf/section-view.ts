// Bounds-checked little-endian reads over one section's bytes, for the .BTF and
// .BTF.ext readers. Every read past the end throws ObjectFormatError naming the
// section and the offset, so no RangeError ever escapes on truncated input.
import { ObjectFormatError, type FormatLocation } from "../format-error.js";

export class SectionView {
  private readonly view: DataView;

  constructor(
    readonly section: string,
    readonly bytes: Uint8Array,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  at(offset: number): FormatLocation {
    return { section: this.section, offset };
  }

  fail(offset: number, problem: string): never {
    throw new ObjectFormatError(this.at(offset), problem);
  }

  expect(cond: unknown, offset: number, problem: string): asserts cond {
    if (!cond) this.fail(offset, problem);
  }

  /** Throws unless `size` bytes starting at `offset` lie inside the section. */
  need(offset: number, size: number, what: string): void {
    if (offset + size > this.bytes.length) {
      const left = Math.max(0, this.bytes.length - offset);
      this.fail(offset, `${what} needs ${size} bytes, but only ${left} remain in the section`);
    }
  }

  u8(offset: number, what: string): number {
    this.need(offset, 1, what);
    return this.view.getUint8(offset);
  }

  u16(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, true);
  }

  i32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.view.getInt32(offset, true);
  }
}
