// The BTF string section, read side and write side. The section is a run of
// NUL-terminated UTF-8 strings; offset 0 is always the empty string, which names
// anonymous types. .BTF.ext has no strings of its own: its section names, file
// names and source lines are offsets into this same table.
//
// Invariants:
//   - BtfStringTable only wraps a section that starts and ends with a NUL byte (the
//     reader checks this), so every in-range offset reads a terminated string.
//   - StringTableBuilder stores each distinct string once, in the order first added,
//     and never shares suffixes (neither does clang), so offsets depend only on order.

const decoder = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();

export class BtfStringTable {
  private readonly cache = new Map<number, string>();

  /** `bytes` must start and end with NUL. */
  constructor(readonly bytes: Uint8Array) {}

  get length(): number {
    return this.bytes.length;
  }

  /** The string at `offset`, or undefined when the offset is past the table. */
  get(offset: number): string | undefined {
    if (offset === 0) return "";
    if (offset >= this.bytes.length) return undefined;
    let s = this.cache.get(offset);
    if (s === undefined) {
      const end = this.bytes.indexOf(0, offset);
      s = decoder.decode(this.bytes.subarray(offset, end));
      this.cache.set(offset, s);
    }
    return s;
  }
}

export class StringTableBuilder {
  private readonly offsets = new Map<string, number>([["", 0]]);
  private readonly chunks: Uint8Array[] = [new Uint8Array(1)];
  private size = 1;

  /** The offset of `s`, appending it if it is new. */
  add(s: string): number {
    const known = this.offsets.get(s);
    if (known !== undefined) return known;
    if (s.includes("\0")) throw new Error(`BTF string ${JSON.stringify(s)} contains a NUL character`);
    const encoded = encoder.encode(s);
    const offset = this.size;
    const chunk = new Uint8Array(encoded.length + 1);
    chunk.set(encoded);
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.offsets.set(s, offset);
    return offset;
  }

  /** Total bytes, including the leading NUL of "". */
  get length(): number {
    return this.size;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
