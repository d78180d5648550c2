// Drops DNS: UDP to port 53 over IPv4 is dropped, a malformed IPv4 header aborts,
// everything else passes.
import { XdpAction, htons, u32, type XdpContext } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv4Hdr, type UdpHdr } from "tsbpf/net";

export const LICENSE = "GPL";

export function xdp_udp53(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return XdpAction.PASS;
  if (eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return XdpAction.PASS;
  const ihl = ip.verIhl & 0x0f;
  if (ihl < 5) return XdpAction.ABORTED;
  if (ip.protocol !== IpProto.UDP) return XdpAction.PASS;
  if ((ip.fragOff & htons(0x1fff)) !== 0) return XdpAction.PASS;
  const udp = ctx.header<UdpHdr>(HeaderSize.ETH + u32(ihl) * 4);
  if (!udp) return XdpAction.PASS;
  return udp.dest === htons(53) ? XdpAction.DROP : XdpAction.PASS;
}
