// Twin: IPIP decapsulation. An IPv4 frame carrying IPv4 (protocol 4) with a 20-byte outer
// header loses the outer header: the Ethernet header is saved, the frame start moved 20 bytes
// on, and the Ethernet header written back in front of the inner packet. Others pass.
import { XdpAction, copy, assign, htons, type XdpContext } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

const IPPROTO_IPIP = 4;

export function xdp_ipip_decap(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const outer = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!outer || outer.verIhl !== 0x45 || outer.protocol !== IPPROTO_IPIP) return XdpAction.PASS;
  const inner = ctx.header<IPv4Hdr>(HeaderSize.ETH + 20);
  if (!inner || inner.verIhl !== 0x45) return XdpAction.DROP;
  const saved = copy(eth);
  if (ctx.adjustHead(20) !== 0) return XdpAction.ABORTED;
  const fresh = ctx.header<EthHdr>(0);
  if (!fresh) return XdpAction.ABORTED;
  assign(fresh, saved);
  return XdpAction.TX;
}
