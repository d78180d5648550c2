// ARP for Ethernet and IPv4 (RFC 826), 28 bytes:
//   0 htype(2)=1  2 ptype(2)=0x0800  4 hlen=6  5 plen=4  6 operation(2)
//   8 sender MAC(6)  14 sender IP(4)  18 target MAC(6)  24 target IP(4)
// A request leaves the target MAC zero. The frame around it is usually padded
// to 60 bytes: ethernet({ dst: "ff:ff:ff:ff:ff:ff", padTo: 60 }, arpRequest(...)).
import { parseIpv4, parseMac, type Ipv4Input, type MacInput } from "../address.js";
import {
  ARP_ETH_IPV4_LEN,
  ARP_HTYPE_ETHERNET,
  ARP_OP_REPLY,
  ARP_OP_REQUEST,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
} from "../constants.js";
import { field, type Layer } from "./layer.js";

export interface ArpOptions {
  /** "request" (1), "reply" (2) or any 16-bit operation code. */
  operation: "request" | "reply" | number;
  senderMac: MacInput;
  senderIp: Ipv4Input;
  /** Default 00:00:00:00:00:00. */
  targetMac?: MacInput;
  targetIp: Ipv4Input;
  /** Hardware type; default 1 (Ethernet). */
  hardwareType?: number;
  /** Protocol type; default 0x0800 (IPv4). */
  protocolType?: number;
}

export function arp(options: ArpOptions): Layer {
  const op =
    options.operation === "request"
      ? ARP_OP_REQUEST
      : options.operation === "reply"
        ? ARP_OP_REPLY
        : field("arp", "operation", options.operation, 16);
  const htype = field("arp", "hardwareType", options.hardwareType ?? ARP_HTYPE_ETHERNET, 16);
  const ptype = field("arp", "protocolType", options.protocolType ?? ETHERTYPE_IPV4, 16);
  const sha = parseMac(options.senderMac);
  const spa = parseIpv4(options.senderIp);
  const tha = parseMac(options.targetMac ?? new Uint8Array(6));
  const tpa = parseIpv4(options.targetIp);
  return {
    name: "arp",
    etherType: ETHERTYPE_ARP,
    encode() {
      const bytes = new Uint8Array(ARP_ETH_IPV4_LEN);
      const view = new DataView(bytes.buffer);
      view.setUint16(0, htype);
      view.setUint16(2, ptype);
      bytes[4] = 6;
      bytes[5] = 4;
      view.setUint16(6, op);
      bytes.set(sha, 8);
      bytes.set(spa, 14);
      bytes.set(tha, 18);
      bytes.set(tpa, 24);
      return bytes;
    },
  };
}

/** "Who has targetIp? Tell senderIp." */
export function arpRequest(options: { senderMac: MacInput; senderIp: Ipv4Input; targetIp: Ipv4Input }): Layer {
  return arp({ operation: "request", ...options });
}

/** "senderIp is at senderMac", addressed to the asker. */
export function arpReply(options: { senderMac: MacInput; senderIp: Ipv4Input; targetMac: MacInput; targetIp: Ipv4Input }): Layer {
  return arp({ operation: "reply", ...options });
}
