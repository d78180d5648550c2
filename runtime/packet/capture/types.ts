// What the capture-file readers return and writers take, and their one error
// type. A CaptureFormatError names the format, the absolute byte offset in
// the file and what was expected there; its message is one line.

export interface CapturedPacket {
  /** Nanoseconds since the Unix epoch (0n for pcapng Simple Packet Blocks, which carry no time). */
  timestampNs: bigint;
  /** The captured bytes (an Ethernet frame without FCS). */
  data: Uint8Array;
  /** pcapng: the interface index, counted across all sections of the file. Absent for pcap. */
  interface?: number;
  /** The length on the wire when the capture was truncated (snap length); default data.length. */
  originalLength?: number;
}

export type CaptureFormat = "pcap" | "pcapng";

export type ByteOrder = "little" | "big";

/** Timestamp precision a writer uses: microseconds (classic) or nanoseconds. */
export type TimestampPrecision = "us" | "ns";

export class CaptureFormatError extends Error {
  override readonly name = "CaptureFormatError";
  constructor(
    readonly format: CaptureFormat | "capture",
    /** Absolute byte offset in the file. */
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${format} at byte ${offset}: ${problem}`);
  }
}

/** Bounds-checked reads over a capture file in a byte order that can change (pcapng sections). */
export class CaptureCursor {
  private readonly view: DataView;
  /** A plain Uint8Array view of the file, so slice() copies even when the caller passed a Node Buffer. */
  readonly bytes: Uint8Array;
  little = true;

  constructor(
    bytes: Uint8Array,
    readonly format: CaptureFormat | "capture",
  ) {
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(offset: number, problem: string): never {
    throw new CaptureFormatError(this.format, offset, problem);
  }

  /** Requires bytes [offset, offset + length) inside the file. */
  need(offset: number, length: number, what: string): void {
    if (offset + length > this.bytes.length) {
      this.fail(offset, `truncated: expected ${what} (${length} bytes), ${Math.max(this.bytes.length - offset, 0)} left`);
    }
  }

  u16(offset: number): number {
    return this.view.getUint16(offset, this.little);
  }

  u32(offset: number): number {
    return this.view.getUint32(offset, this.little);
  }
}

/** A writer's big- or little-endian DataView over a fresh buffer. */
export function writerView(size: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(size);
  return { bytes, view: new DataView(bytes.buffer) };
}
