// Walks up to four IPv6 extension headers (hop-by-hop, routing, destination options) to the
// transport header: UDP to port 53 behind the chain is dropped, a truncated header aborts,
// more than four extension headers are dropped, everything else passes.
import { XdpAction, htons, u32, type XdpContext, type u8 } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv6ExtHdr, type IPv6Hdr, type UdpHdr } from "tsbpf/net";

export const LICENSE = "GPL";

const MAX_EXT_HEADERS = 4;

function isExtension(next: u8): boolean {
  return next === IpProto.HOPOPTS || next === IpProto.ROUTING || next === IpProto.DSTOPTS;
}

export function xdp_ipv6_ext(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV6)) return XdpAction.PASS;
  const ip6 = ctx.header<IPv6Hdr>(HeaderSize.ETH);
  if (!ip6) return XdpAction.ABORTED;
  let next: u8 = ip6.nexthdr;
  let offset: u32 = HeaderSize.ETH + HeaderSize.IPV6;
  for (let i: u32 = 0; i < MAX_EXT_HEADERS; i++) {
    if (!isExtension(next)) break;
    const ext = ctx.header<IPv6ExtHdr>(offset);
    if (!ext) return XdpAction.ABORTED;
    next = ext.nexthdr;
    offset += (u32(ext.hdrlen) + 1) * 8;
  }
  if (isExtension(next)) return XdpAction.DROP;
  if (next !== IpProto.UDP) return XdpAction.PASS;
  const udp = ctx.header<UdpHdr>(offset);
  if (!udp) return XdpAction.ABORTED;
  return udp.dest === htons(53) ? XdpAction.DROP : XdpAction.PASS;
}
