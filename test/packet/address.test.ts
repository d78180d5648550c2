// Address text forms: strict parsing, RFC 5952 formatting, and round trips.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { formatIpv4, formatIpv6, formatMac, PacketBuildError, parseIpv4, parseIpv6, parseMac } from "../../runtime/packet/index.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("MAC", () => {
  test("parses ':' and '-' forms, any case; formats lowercase with ':'", () => {
    expect(hex(parseMac("02:00:00:00:00:01"))).toBe("020000000001");
    expect(formatMac(parseMac("AA-bb-CC-dd-EE-ff"))).toBe("aa:bb:cc:dd:ee:ff");
    expect(formatMac(Uint8Array.of(9, 0, 1, 2, 3, 4, 5), 1)).toBe("00:01:02:03:04:05");
  });
  test.each(["02:00:00:00:00", "02:00:00:00:00:01:02", "02:00-00:00:00:01", "0g:00:00:00:00:01", "2:0:0:0:0:1", ""])("refuses %j", (s) => {
    expect(() => parseMac(s)).toThrow(PacketBuildError);
  });
  test("bytes pass through (copied) after a length check", () => {
    const b = Uint8Array.of(1, 2, 3, 4, 5, 6);
    const p = parseMac(b);
    expect(p).toEqual(b);
    expect(p).not.toBe(b);
    expect(() => parseMac(new Uint8Array(5))).toThrow(/expected 6 bytes/);
  });
});

describe("IPv4", () => {
  test("parses and formats dotted quads", () => {
    expect(hex(parseIpv4("192.0.2.255"))).toBe("c00002ff");
    expect(formatIpv4(parseIpv4("0.0.0.0"))).toBe("0.0.0.0");
  });
  test.each(["256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.-4", "a.b.c.d", " 1.2.3.4", "1..2.3"])("refuses %j", (s) => {
    expect(() => parseIpv4(s)).toThrow(PacketBuildError);
  });
});

describe("IPv6", () => {
  test.each([
    ["2001:db8::1", "2001:db8::1", "20010db8000000000000000000000001"],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1", "20010db8000000000000000000000001"],
    ["::", "::", "00000000000000000000000000000000"],
    ["::1", "::1", "00000000000000000000000000000001"],
    ["1::", "1::", "00010000000000000000000000000000"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", "20010db8000000010001000100010001"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1", "20010000000000010000000000000001"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "20010db8000000000001000000000001"],
    ["::ffff:192.0.2.1", "::ffff:c000:201", "00000000000000000000ffffc0000201"],
    ["ff02::1:ff00:2", "ff02::1:ff00:2", "ff0200000000000000000001ff000002"],
  ])("%s → %s", (input, canonical, bytes) => {
    expect(hex(parseIpv6(input))).toBe(bytes);
    expect(formatIpv6(parseIpv6(input))).toBe(canonical);
  });
  test.each([":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:2:3:4:5:6:7::8", "g::", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0"])(
    "refuses %j",
    (s) => {
      expect(() => parseIpv6(s)).toThrow(PacketBuildError);
    },
  );
  test("format → parse is the identity on random addresses (500 cases)", () => {
    const words = fc.array(fc.oneof(fc.constant(0), fc.nat({ max: 0xffff })), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(words, (ws) => {
        const b = new Uint8Array(16);
        ws.forEach((w, i) => {
          b[2 * i] = w >> 8;
          b[2 * i + 1] = w & 0xff;
        });
        const text = formatIpv6(b);
        expect(parseIpv6(text)).toEqual(b);
        expect(text).not.toMatch(/::.*::|(^|:)0[0-9a-f]/);
      }),
      { numRuns: 500 },
    );
  });
});
