// Twin: a table of handler functions indexed by the UDP destination port's class (port % 4):
// 0 passes, 1 drops, 2 sends back frames whose TTL is below 64, 3 drops when the payload is
// longer than 32 bytes. Non-UDP frames pass.
import { XdpAction, htons, ntohs, u32, type XdpContext } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv4Hdr, type UdpHdr } from "tsbpf/net";

export const LICENSE = "GPL";

/** @noinline */
function allow(ip: IPv4Hdr, udp: UdpHdr): XdpAction {
  return XdpAction.PASS;
}

/** @noinline */
function deny(ip: IPv4Hdr, udp: UdpHdr): XdpAction {
  return XdpAction.DROP;
}

/** @noinline */
function bounce(ip: IPv4Hdr, udp: UdpHdr): XdpAction {
  return ip.ttl < 64 ? XdpAction.TX : XdpAction.PASS;
}

/** @noinline */
function limit(ip: IPv4Hdr, udp: UdpHdr): XdpAction {
  return ntohs(udp.len) > 40 ? XdpAction.DROP : XdpAction.PASS;
}

const handlers = [allow, deny, bounce, limit];

export function xdp_fn_table(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip || ip.verIhl !== 0x45 || ip.protocol !== IpProto.UDP) return XdpAction.PASS;
  const udp = ctx.header<UdpHdr>(HeaderSize.ETH + 20);
  if (!udp) return XdpAction.PASS;
  return handlers[u32(ntohs(udp.dest)) & 3](ip, udp);
}
