// Reflects IPv4 frames back where they came from: swaps the MAC and IP addresses, sets the TTL
// to 64 with an RFC 1624 incremental checksum update, and transmits (XDP_TX).
import { XdpAction, htons, ntohs, u16, u32, type XdpContext, type be16, type u8 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

/** RFC 1624: the checksum after one 16-bit word of the header changes from `old` to `now`. */
function checksumUpdate(check: be16, old: be16, now: be16): be16 {
  let sum: u32 = u32(~ntohs(check) & 0xffff) + u32(~ntohs(old) & 0xffff) + u32(ntohs(now));
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return htons(u16(~sum));
}

function swapMacs(eth: EthHdr): void {
  // FixedArray indices are constants, so the swap is written out.
  const d0: u8 = eth.dst[0], d1: u8 = eth.dst[1], d2: u8 = eth.dst[2], d3: u8 = eth.dst[3], d4: u8 = eth.dst[4], d5: u8 = eth.dst[5];
  eth.dst[0] = eth.src[0]; eth.dst[1] = eth.src[1]; eth.dst[2] = eth.src[2];
  eth.dst[3] = eth.src[3]; eth.dst[4] = eth.src[4]; eth.dst[5] = eth.src[5];
  eth.src[0] = d0; eth.src[1] = d1; eth.src[2] = d2; eth.src[3] = d3; eth.src[4] = d4; eth.src[5] = d5;
}

export function xdp_reflect(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return XdpAction.PASS;
  if ((ip.verIhl & 0x0f) < 5) return XdpAction.DROP;
  swapMacs(eth);
  const saddr = ip.saddr;
  ip.saddr = ip.daddr;
  ip.daddr = saddr;
  // TTL shares a 16-bit word with the protocol: TTL is the high byte in network order.
  const oldWord = htons((u16(ip.ttl) << 8) | u16(ip.protocol));
  ip.ttl = 64;
  const newWord = htons((u16(64) << 8) | u16(ip.protocol));
  ip.check = checksumUpdate(ip.check, oldWord, newWord);
  return XdpAction.TX;
}
