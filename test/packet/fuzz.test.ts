// Property tests over mangled inputs. Frames (the reference corpus when
// present, plus every built fixture) and capture files (pcap and pcapng from
// the writers in both byte orders and precisions, plus the hand-made pcapng)
// get random byte flips (biased toward the headers), random 32-bit length
// overwrites and random truncations. Parsers must return or throw their
// typed error with a one-line message — nothing else; what they return must
// hang together (frame offsets add up; a capture that reads rewrites and
// reads back to the same packets).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  CaptureFormatError,
  describeFrame,
  PacketParseError,
  parseFrame,
  readCapture,
  writePcap,
  writePcapng,
  type CapturedPacket,
} from "../../runtime/packet/index.js";
import { sharedDir } from "../support/shared.js";
import { builtFrames } from "./fixtures.js";
import { handMadePcapng } from "./pcapng-fixture.js";

const packetDir = join(sharedDir, "reference", "packets");
const corpusFrames = existsSync(packetDir)
  ? readdirSync(packetDir)
      .filter((f) => f.endsWith(".bin"))
      .sort()
      .map((f) => new Uint8Array(readFileSync(join(packetDir, f))))
  : [];
if (corpusFrames.length === 0) console.warn("[tsbpf tests] packet fuzzing uses only built frames: ../shared/reference/packets is absent");
const frames = [...corpusFrames, ...builtFrames.map(([, b]) => b)];

const captured: CapturedPacket[] = builtFrames.slice(0, 6).map(([, data], i) => ({ timestampNs: 1_700_000_000_000_000_000n + BigInt(i) * 1_234_567n, data, interface: i % 2 }));
const captures: Uint8Array[] = [
  handMadePcapng().file,
  ...(["little", "big"] as const).flatMap((byteOrder) =>
    (["us", "ns"] as const).flatMap((precision) => [writePcap(captured, { byteOrder, precision }), writePcapng(captured, { byteOrder, precision })]),
  ),
];

/** Runs `f`; returns undefined if it threw `type` with a one-line message, rethrows anything else. */
function unlessTyped<T>(type: typeof PacketParseError | typeof CaptureFormatError, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof type)) throw e;
    if (/[\r\n]/.test(e.message)) throw new Error(`multi-line message: ${JSON.stringify(e.message)}`);
    if (/internal parser error/.test(e.message)) throw new Error(`unguarded read: ${e.message}`);
    return undefined;
  }
}

function checkFrame(bytes: Uint8Array): void {
  const line = describeFrame(bytes);
  if (/[\r\n]/.test(line) || /unparseable/.test(line)) throw new Error(`bad description: ${line}`);
  const f = unlessTyped(PacketParseError, () => parseFrame(bytes));
  if (!f) return;
  expect(f.payloadOffset + f.payload.length + f.trailer.length).toBe(bytes.length);
  let last = -1;
  for (const l of f.layers) {
    expect(l.offset).toBeGreaterThan(last);
    last = l.offset;
  }
  expect(last).toBeLessThan(bytes.length);
}

function checkCapture(bytes: Uint8Array): void {
  const packets = unlessTyped(CaptureFormatError, () => readCapture(bytes));
  if (!packets) return;
  // Timestamps from mangled files may not fit a writer (negative offsets, huge resolutions): that is a refusal, not a bug.
  const rewritten = unlessTyped(CaptureFormatError, () => writePcapng(packets));
  if (rewritten) expect(readCapture(rewritten)).toEqual(packets.map((p) => ({ ...p, interface: p.interface ?? 0 })));
}

/** A byte position: 0 = in the first 64 bytes (headers), 1 = anywhere. */
const position = (b: Uint8Array, region: number, r: number): number => (region === 0 ? r % Math.min(64, b.length) : r % b.length);
const edit = fc.record({ region: fc.nat(1), at: fc.nat(), value: fc.nat(255), xor: fc.boolean() });

function mangle(input: Uint8Array, edits: { region: number; at: number; value: number; xor: boolean }[]): Uint8Array {
  const bytes = input.slice();
  if (bytes.length === 0) return bytes;
  for (const e of edits) {
    const at = position(bytes, e.region, e.at);
    bytes[at] = e.xor ? bytes[at]! ^ (1 << e.value % 8) : e.value;
  }
  return bytes;
}

describe("parseFrame and describeFrame never fail except with PacketParseError", () => {
  const which = fc.nat(frames.length - 1);

  test("random byte flips (6,000 cases)", () => {
    fc.assert(
      fc.property(which, fc.array(edit, { minLength: 1, maxLength: 6 }), (i, edits) => checkFrame(mangle(frames[i]!, edits))),
      { numRuns: 6000 },
    );
  });

  test("random truncations of flipped frames (2,000 cases)", () => {
    fc.assert(
      fc.property(which, fc.array(edit, { maxLength: 3 }), fc.nat(), (i, edits, cut) => {
        const bytes = mangle(frames[i]!, edits);
        checkFrame(bytes.subarray(0, cut % (bytes.length + 1)));
      }),
      { numRuns: 2000 },
    );
  });

  test("random bytes after a valid Ethernet/IP prefix (1,000 cases)", () => {
    fc.assert(
      fc.property(which, fc.nat(60), fc.uint8Array({ maxLength: 120 }), (i, keep, tail) => {
        const head = frames[i]!.subarray(0, Math.min(keep, frames[i]!.length));
        checkFrame(new Uint8Array([...head, ...tail]));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("readCapture never fails except with CaptureFormatError", () => {
  const which = fc.nat(captures.length - 1);

  test("random byte flips (5,000 cases)", () => {
    fc.assert(
      fc.property(which, fc.array(edit, { minLength: 1, maxLength: 6 }), (i, edits) => checkCapture(mangle(captures[i]!, edits))),
      { numRuns: 5000 },
    );
  });

  test("random 32-bit overwrites at aligned offsets (length and id fields) (2,000 cases)", () => {
    fc.assert(
      fc.property(which, fc.nat(), fc.oneof(fc.nat(0xffffffff), fc.nat(300)), fc.boolean(), (i, at, value, little) => {
        const bytes = captures[i]!.slice();
        const offset = (at % (bytes.length >> 2)) * 4;
        new DataView(bytes.buffer).setUint32(offset, value, little);
        checkCapture(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  test("random truncations (1,000 cases)", () => {
    fc.assert(
      fc.property(which, fc.nat(), (i, cut) => checkCapture(captures[i]!.subarray(0, cut % (captures[i]!.length + 1)))),
      { numRuns: 1000 },
    );
  });
});
