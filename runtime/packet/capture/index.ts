// Public entry point of the capture-file layer: pcap and pcapng readers and
// writers for Ethernet captures, format sniffing, and CaptureFormatError.
export { LINKTYPE_ETHERNET, PCAP_MAGIC_NS, PCAP_MAGIC_US, readPcap, writePcap, type PcapWriteOptions } from "./pcap.js";
export { readPcapng, writePcapng, type PcapngWriteOptions } from "./pcapng.js";
export { captureFormat, readCapture } from "./detect.js";
export {
  CaptureFormatError,
  type ByteOrder,
  type CaptureFormat,
  type CapturedPacket,
  type TimestampPrecision,
} from "./types.js";
