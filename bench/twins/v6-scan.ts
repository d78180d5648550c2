// Twin: a constant-trip scan of an IPv6 address (at most 15 rounds): the leading zero bytes of
// the destination are counted up to the first non-zero byte; 12 or more (an IPv4-compatible
// or loopback-like address) is dropped.
import { XdpAction, htons, type XdpContext, type u32 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv6Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

export function xdp_v6_scan(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV6)) return XdpAction.PASS;
  const ip6 = ctx.header<IPv6Hdr>(HeaderSize.ETH);
  if (!ip6) return XdpAction.PASS;
  let zeros: u32 = 0;
  for (let i: u32 = 0; i < 15; i++) {
    if (ip6.daddr[i] !== 0) break;
    zeros += 1;
  }
  return zeros >= 12 ? XdpAction.DROP : XdpAction.PASS;
}
