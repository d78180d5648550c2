// Twin: destination NAT with checksum rewrites. UDP to 10.0.0.2 is redirected to 10.0.0.99:
// the IPv4 header checksum is updated with csumDiff over the header before and after, the
// UDP checksum (when present) incrementally over the changed address; the frame is sent back out.
import { XdpAction, csumDiff, csumFold, htonl, htons, type XdpContext } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv4Hdr, type UdpHdr } from "tsbpf/net";

export const LICENSE = "GPL";

const VIP = htonl(0x0a000002);
const BACKEND = htonl(0x0a000063);

export function xdp_nat(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip || ip.verIhl !== 0x45 || ip.protocol !== IpProto.UDP || ip.daddr !== VIP) return XdpAction.PASS;
  const udp = ctx.header<UdpHdr>(HeaderSize.ETH + 20);
  if (!udp) return XdpAction.PASS;
  const before = csumDiff(ip, null, ip.check ^ 0xffff);
  ip.daddr = BACKEND;
  ip.check = csumFold(csumDiff(null, ip, before));
  if (udp.check !== 0) udp.check = csumFold(csumDiff(VIP, BACKEND, udp.check ^ 0xffff));
  return XdpAction.TX;
}
