// Twin: tail-call stages. The entry program sends IPv4 to stage 1 and IPv6 to stage 2 through
// a program array filled at load time; stage 1 drops UDP, stage 2 drops ICMPv6 (58). An empty
// slot (slot 3: neither) falls through to PASS.
import { ProgArray, XdpAction, htons, type XdpContext } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv4Hdr, type IPv6Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

export function xdp_stage_v4(ctx: XdpContext): XdpAction {
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return XdpAction.ABORTED;
  return ip.protocol === IpProto.UDP ? XdpAction.DROP : XdpAction.PASS;
}

export function xdp_stage_v6(ctx: XdpContext): XdpAction {
  const ip6 = ctx.header<IPv6Hdr>(HeaderSize.ETH);
  if (!ip6) return XdpAction.ABORTED;
  return ip6.nexthdr === 58 ? XdpAction.DROP : XdpAction.PASS;
}

const stages = new ProgArray(4, { 1: xdp_stage_v4, 2: xdp_stage_v6 });

export function xdp_tail_entry(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return XdpAction.PASS;
  if (eth.proto === htons(EtherType.IPV4)) stages.tailCall(ctx, 1);
  else if (eth.proto === htons(EtherType.IPV6)) stages.tailCall(ctx, 2);
  else stages.tailCall(ctx, 3);
  return XdpAction.PASS;
}
