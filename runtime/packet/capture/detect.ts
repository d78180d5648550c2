// readCapture: reads a pcap or pcapng file, chosen by its first four bytes
// (0a0d0d0a for pcapng; a pcap magic in either byte order for pcap).
import { PCAP_MAGIC_NS, PCAP_MAGIC_US, readPcap } from "./pcap.js";
import { readPcapng } from "./pcapng.js";
import { CaptureFormatError, type CaptureFormat, type CapturedPacket } from "./types.js";

/** The format of a capture file by its magic, or undefined. */
export function captureFormat(bytes: Uint8Array): CaptureFormat | undefined {
  if (bytes.length < 4) return undefined;
  const be = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const le = ((bytes[3]! << 24) | (bytes[2]! << 16) | (bytes[1]! << 8) | bytes[0]!) >>> 0;
  if (be === 0x0a0d0d0a) return "pcapng";
  if ([PCAP_MAGIC_US, PCAP_MAGIC_NS].some((m) => m === be || m === le)) return "pcap";
  return undefined;
}

export function readCapture(bytes: Uint8Array): CapturedPacket[] {
  const format = captureFormat(bytes);
  if (format === "pcapng") return readPcapng(bytes);
  if (format === "pcap") return readPcap(bytes);
  throw new CaptureFormatError("capture", 0, "expected a pcap magic (a1b2c3d4 / a1b23c4d) or a pcapng Section Header Block (0a0d0d0a)");
}
