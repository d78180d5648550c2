// Twin: an ICMP echo responder. An echo request is turned into a reply in place: MACs and
// addresses swapped, type 8 -> 0 with the ICMP checksum updated over the changed header, and
// the frame is sent back (TX). Everything else passes.
import { XdpAction, copy, assign, csumDiff, csumFold, htons, type XdpContext } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IcmpHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

export function xdp_icmp_echo(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip || ip.verIhl !== 0x45 || ip.protocol !== IpProto.ICMP) return XdpAction.PASS;
  const icmp = ctx.header<IcmpHdr>(HeaderSize.ETH + 20);
  if (!icmp || icmp.type !== 8 || icmp.code !== 0) return XdpAction.PASS;
  const mac = copy(eth.dst);
  assign(eth.dst, eth.src);
  assign(eth.src, mac);
  const addr = ip.saddr;
  ip.saddr = ip.daddr;
  ip.daddr = addr;
  const before = csumDiff(icmp, null, icmp.checksum ^ 0xffff);
  icmp.type = 0;
  icmp.checksum = csumFold(csumDiff(null, icmp, before));
  return XdpAction.TX;
}
