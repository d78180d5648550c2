// pcap and pcapng: writer output against hand-laid bytes, write → read round
// trips (both byte orders, µs and ns), a hand-made multi-section pcapng with
// unknown blocks, Simple Packet Blocks and timestamp options, and
// CaptureFormatError (offset + expectation) for malformed files.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  CaptureFormatError,
  captureFormat,
  readCapture,
  readPcap,
  readPcapng,
  writePcap,
  writePcapng,
  type ByteOrder,
  type CapturedPacket,
  type TimestampPrecision,
} from "../../runtime/packet/index.js";
import { builtFrames } from "./fixtures.js";
import { block, cat, fields, handMadePcapng } from "./pcapng-fixture.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));

function formatError(f: () => unknown): CaptureFormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof CaptureFormatError) return e;
    throw e;
  }
  throw new Error("no error");
}

const frame = (n: number): Uint8Array => builtFrames[n % builtFrames.length]![1];

describe("writers lay out the formats' bytes", () => {
  const packet: CapturedPacket = { timestampNs: 1_700_000_000_123_456_789n, data: Uint8Array.of(0xaa, 0xbb, 0xcc) };

  test("pcap, little-endian, nanoseconds", () => {
    expect(hex(writePcap([packet]))).toBe(
      "4d3cb2a1 0200 0400 00000000 00000000 00000400 01000000".replace(/ /g, "") +
        "00f15365 15cd5b07 03000000 03000000 aabbcc".replace(/ /g, ""),
    );
  });

  test("pcap, big-endian, microseconds (truncated), original length kept", () => {
    expect(hex(writePcap([{ ...packet, originalLength: 1500 }], { byteOrder: "big", precision: "us", snapLength: 65535 }))).toBe(
      "a1b2c3d4 0002 0004 00000000 00000000 0000ffff 00000001".replace(/ /g, "") +
        "6553f100 0001e240 00000003 000005dc aabbcc".replace(/ /g, ""),
    );
  });

  test("pcapng, big-endian, nanoseconds: SHB, IDB with if_tsresol 9, EPB padded to 4", () => {
    const ts = packet.timestampNs;
    expect(hex(writePcapng([packet], { byteOrder: "big" }))).toBe(
      hex(
        cat(
          block(0x0a0d0d0a, fields(false, [4, 0x1a2b3c4d], [2, 1], [2, 0], [8, 0xffffffffffffffffn]), false),
          block(1, fields(false, [2, 1], [2, 0], [4, 262144], [2, 9], [2, 1], [1, 9], [1, 0], [2, 0], [4, 0]), false),
          block(6, cat(fields(false, [4, 0], [4, ts >> 32n], [4, ts & 0xffffffffn], [4, 3], [4, 3]), packet.data), false),
        ),
      ),
    );
  });
});

describe("round trips", () => {
  const packets = fc.array(
    fc.record(
      {
        timestampNs: fc.bigInt({ min: 0n, max: 4_294_967_295_999_999_999n }),
        data: fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.nat(builtFrames.length - 1).map(frame)),
        originalLength: fc.nat({ max: 0xffffffff }),
      },
      { requiredKeys: ["timestampNs", "data"] },
    ),
    { maxLength: 8 },
  );
  const cases: [ByteOrder, TimestampPrecision][] = [
    ["little", "ns"],
    ["little", "us"],
    ["big", "ns"],
    ["big", "us"],
  ];
  const expected = (ps: CapturedPacket[], precision: TimestampPrecision, iface?: (p: CapturedPacket) => number) =>
    ps.map((p) => {
      const out: CapturedPacket = { timestampNs: precision === "us" ? (p.timestampNs / 1000n) * 1000n : p.timestampNs, data: p.data };
      if (iface) out.interface = iface(p);
      if (p.originalLength !== undefined && p.originalLength !== p.data.length) out.originalLength = p.originalLength;
      return out;
    });

  test.each(cases)("pcap %s-endian, %s (200 cases)", (byteOrder, precision) => {
    fc.assert(
      fc.property(packets, (ps) => {
        const file = writePcap(ps, { byteOrder, precision });
        expect(captureFormat(file)).toBe("pcap");
        expect(readPcap(file)).toEqual(expected(ps, precision));
        expect(readCapture(file)).toEqual(expected(ps, precision));
      }),
      { numRuns: 200 },
    );
  });

  test.each(cases)("pcapng %s-endian, %s, several interfaces (200 cases)", (byteOrder, precision) => {
    fc.assert(
      fc.property(packets, fc.nat(3), (ps0, spread) => {
        const ps = ps0.map((p, i) => ({ ...p, interface: i % (spread + 1) }));
        const file = writePcapng(ps, { byteOrder, precision });
        expect(captureFormat(file)).toBe("pcapng");
        expect(readPcapng(file)).toEqual(expected(ps, precision, (p) => p.interface!));
        expect(readCapture(file)).toEqual(expected(ps, precision, (p) => p.interface!));
      }),
      { numRuns: 200 },
    );
  });

  test("a Node Buffer input gives packet data that does not alias it", () => {
    const buf = Buffer.from(writePcap([{ timestampNs: 0n, data: Uint8Array.of(1, 2, 3) }]));
    const [p] = readCapture(buf);
    buf[buf.length - 1] = 9;
    expect(p!.data).toEqual(Uint8Array.of(1, 2, 3));
    expect(p!.data.constructor).toBe(Uint8Array);
  });

  test("an empty capture", () => {
    expect(readPcap(writePcap([]))).toEqual([]);
    expect(readPcapng(writePcapng([]))).toEqual([]);
  });
});

describe("hand-made pcapng", () => {
  const { file, f1, f2 } = handMadePcapng();
  const le = true;

  test("reads every packet block, skips the rest, honours timestamp options and interface numbering", () => {
    const ps = readPcapng(file);
    expect(ps.map((p) => [p.interface, p.timestampNs, p.data.length, p.originalLength])).toEqual([
      [0, 0n, f1.length, undefined],
      [0, 1_234_567_000_000n, f2.length, undefined],
      [2, 103_500_000_000n, 4, undefined],
      [1, (2n ** 32n + 7n) * 1000n, 1, undefined],
    ]);
    expect(ps[0]!.data).toEqual(f1);
    expect(ps[1]!.data).toEqual(f2);
    expect(readCapture(file)).toEqual(ps);
  });

  test("a Simple Packet Block is cut to the interface's snap length", () => {
    const f = cat(
      block(0x0a0d0d0a, fields(le, [4, 0x1a2b3c4d], [2, 1], [2, 0], [8, 0n]), le),
      block(1, fields(le, [2, 1], [2, 0], [4, 20]), le),
      block(3, cat(fields(le, [4, 60]), f1.subarray(0, 20)), le),
    );
    expect(readPcapng(f)).toEqual([{ timestampNs: 0n, data: f1.slice(0, 20), interface: 0, originalLength: 60 }]);
  });
});

describe("CaptureFormatError names the offset and what was expected", () => {
  const pcap = writePcap([{ timestampNs: 5n, data: frame(0) }]);
  const pcapng = writePcapng([{ timestampNs: 5n, data: frame(0) }]);
  const patch = (b: Uint8Array, at: number, ...bytes: number[]): Uint8Array => {
    const c = b.slice();
    c.set(bytes, at);
    return c;
  };

  test("pcap", () => {
    expect(formatError(() => readPcap(pcap.subarray(0, 23)))).toMatchObject({ format: "pcap", offset: 0, message: "pcap at byte 0: truncated: expected the 24-byte pcap file header (24 bytes), 23 left" });
    expect(formatError(() => readPcap(patch(pcap, 0, 0, 0, 0, 0))).problem).toMatch(/not a pcap magic/);
    expect(formatError(() => readPcap(patch(pcap, 0, 0x34, 0xcd, 0xb2, 0xa1))).problem).toMatch(/modified pcap/);
    expect(formatError(() => readPcap(patch(pcap, 4, 1)))).toMatchObject({ offset: 4, problem: "version 1.4, expected 2.x" });
    expect(formatError(() => readPcap(patch(pcap, 20, 113)))).toMatchObject({ offset: 20, problem: "link type 113, expected 1 (Ethernet)" });
    expect(formatError(() => readPcap(patch(pcap, 23, 0x04))).problem).toMatch(/FCS/);
    expect(formatError(() => readPcap(pcap.subarray(0, 30)))).toMatchObject({ offset: 24, problem: "truncated: expected a 16-byte record header (16 bytes), 6 left" });
    expect(formatError(() => readPcap(pcap.subarray(0, pcap.length - 1)))).toMatchObject({ offset: 40 });
  });

  test("pcapng", () => {
    expect(formatError(() => readPcapng(new Uint8Array(0)))).toMatchObject({ format: "pcapng", offset: 0, problem: "empty file, expected a Section Header Block" });
    expect(formatError(() => readPcapng(pcapng.subarray(28)))).toMatchObject({ offset: 0, problem: "block type 0x1, expected a Section Header Block (0a0d0d0a)" });
    expect(formatError(() => readPcapng(patch(pcapng, 8, 0)))).toMatchObject({ offset: 8 });
    expect(formatError(() => readPcapng(patch(pcapng, 4, 27)))).toMatchObject({ offset: 4, problem: "block length 27 is not a multiple of 4 of at least 12" });
    expect(formatError(() => readPcapng(patch(pcapng, 24, 24)))).toMatchObject({ offset: 24, problem: "trailing block length 24 differs from the leading 28" });
    expect(formatError(() => readPcapng(patch(pcapng, 12, 2)))).toMatchObject({ offset: 12, problem: "section version 2.0, expected 1.x" });
    expect(formatError(() => readPcapng(patch(pcapng, 36, 113)))).toMatchObject({ offset: 36, problem: "interface 0 has link type 113, expected 1 (Ethernet)" });
    expect(formatError(() => readPcapng(patch(pcapng, 68, 5)))).toMatchObject({ offset: 68, problem: "interface 5 is not described in this section (1 interfaces)" });
    expect(formatError(() => readPcapng(patch(pcapng, 80, 200)))).toMatchObject({ offset: 80 });
    expect(formatError(() => readPcapng(pcapng.subarray(0, pcapng.length - 4)))).toMatchObject({ offset: 60 });
  });

  test("readCapture refuses what is neither", () => {
    expect(formatError(() => readCapture(Uint8Array.of(1, 2, 3, 4, 5)))).toMatchObject({ format: "capture", offset: 0 });
  });

  test("writers refuse timestamps and interfaces they cannot encode", () => {
    expect(() => writePcap([{ timestampNs: 2n ** 32n * 1_000_000_000n, data: new Uint8Array(1) }])).toThrow(CaptureFormatError);
    expect(() => writePcapng([{ timestampNs: -1n, data: new Uint8Array(1) }])).toThrow(CaptureFormatError);
    expect(() => writePcapng([{ timestampNs: 0n, data: new Uint8Array(1), interface: 2 }], { interfaces: 1 })).toThrow(/interface 2/);
  });
});

describe("hex fixtures", () => {
  test("a pcap written by hand reads back", () => {
    const file = unhex("d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000  01000000 02000000 02000000 04000000 abcd");
    expect(readPcap(file)).toEqual([{ timestampNs: 1_000_002_000n, data: Uint8Array.of(0xab, 0xcd), originalLength: 4 }]);
  });
});
