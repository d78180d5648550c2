// A perf buffer on one CPU, what libbpf's perf_buffer__new sets up per CPU: a software
// PERF_COUNT_SW_BPF_OUTPUT event opened with perf_event_open(2) on that CPU, its ring mapped
// shared, and the event's fd ready to store in a PERF_EVENT_ARRAY slot so that
// bpf_perf_event_output from a program on that CPU lands here. `drain()` reads the
// PERF_RECORD_SAMPLE records written so far and advances the ring's tail.
//
// Invariants: the ring is 1 + 2^n pages (the metadata page, then the data); a record's raw
// bytes are returned as the kernel padded them (to 8 bytes with the u32 size in front), so
// callers compare the prefix they wrote; close() unmaps and closes exactly once.

import { Fd } from "./fd.js";
import { mapShared, perfEventOpen } from "./syscall.js";

const PERF_TYPE_SOFTWARE = 1;
const PERF_COUNT_SW_BPF_OUTPUT = 10;
const PERF_SAMPLE_RAW = 1 << 10;
const PERF_FLAG_FD_CLOEXEC = 8;
const PERF_RECORD_SAMPLE = 9;
const PERF_ATTR_SIZE_VER0 = 64;
const PAGE_SIZE = 4096;
/** struct perf_event_mmap_page: data_head, data_tail, data_offset, data_size. */
const DATA_HEAD = 1024;
const DATA_TAIL = 1032;

export interface PerfSampleRecord {
  readonly cpu: number;
  /** The raw sample as the kernel stored it (the program's bytes, then zero padding). */
  readonly raw: Uint8Array;
}

export class PerfBuffer {
  private constructor(
    readonly cpu: number,
    readonly fd: Fd,
    private readonly ring: { readonly bytes: Uint8Array; unmap(): void },
    private readonly dataSize: number,
  ) {}

  /** Opens the event on `cpu` with a ring of `pages` data pages (a power of two). */
  static open(cpu: number, pages = 8): PerfBuffer {
    if (!Number.isInteger(pages) || pages < 1 || (pages & (pages - 1)) !== 0) throw new RangeError(`a perf ring has a power of two data pages, not ${pages}`);
    const attr = new Uint8Array(PERF_ATTR_SIZE_VER0);
    const view = new DataView(attr.buffer);
    view.setUint32(0, PERF_TYPE_SOFTWARE, true);
    view.setUint32(4, PERF_ATTR_SIZE_VER0, true);
    view.setBigUint64(8, BigInt(PERF_COUNT_SW_BPF_OUTPUT), true);
    view.setBigUint64(16, 1n, true); // sample_period: every output is a sample
    view.setBigUint64(24, BigInt(PERF_SAMPLE_RAW), true);
    view.setUint32(48, 1, true); // wakeup_events
    const fd = new Fd(perfEventOpen(attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC), `perf event on cpu ${cpu}`);
    try {
      return new PerfBuffer(cpu, fd, mapShared(fd.fd, (1 + pages) * PAGE_SIZE), pages * PAGE_SIZE);
    } catch (e) {
      fd.close();
      throw e;
    }
  }

  /** The samples written since the last drain, oldest first. */
  drain(): PerfSampleRecord[] {
    const bytes = this.ring.bytes;
    const meta = new DataView(bytes.buffer, bytes.byteOffset, PAGE_SIZE);
    const head = meta.getBigUint64(DATA_HEAD, true);
    let tail = meta.getBigUint64(DATA_TAIL, true);
    const data = bytes.subarray(PAGE_SIZE);
    // Records may wrap around the end of the data area: copy through a modular reader.
    const read = (at: bigint, n: number): Uint8Array => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = data[Number((at + BigInt(i)) % BigInt(this.dataSize))]!;
      return out;
    };
    const out: PerfSampleRecord[] = [];
    while (tail < head) {
      const h = new DataView(read(tail, 8).buffer);
      const type = h.getUint32(0, true);
      const size = h.getUint16(6, true);
      if (size < 8) break;
      if (type === PERF_RECORD_SAMPLE) {
        const rawSize = new DataView(read(tail + 8n, 4).buffer).getUint32(0, true);
        out.push({ cpu: this.cpu, raw: read(tail + 12n, rawSize) });
      }
      tail += BigInt(size);
    }
    meta.setBigUint64(DATA_TAIL, tail, true);
    return out;
  }

  close(): void {
    if (this.fd.closed) return;
    this.ring.unmap();
    this.fd.close();
  }
}
