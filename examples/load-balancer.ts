// A small layer-3 load balancer: IPv4 UDP to the virtual address 198.51.100.53 is rewritten to
// one of four backends (chosen by a hash of the source address), its IP checksum updated
// incrementally, and redirected through a devmap slot per backend. Other frames pass.
import { DevMap, XdpAction, htonl, htons, ntohl, ntohs, u16, u32, type XdpContext, type be16, type be32 } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

const VIP = 0xc6336435; // 198.51.100.53
const BACKEND_BASE = 0xc0000264; // 192.0.2.100 .. 192.0.2.103
const BACKENDS = 4;

const egress = new DevMap(BACKENDS);

function fold(sum: u32): u32 {
  sum = (sum & 0xffff) + (sum >> 16);
  return (sum & 0xffff) + (sum >> 16);
}

/** RFC 1624 update of `check` for a 32-bit field changing from `old` to `now` (host order). */
function checksumUpdate32(check: be16, old: u32, now: u32): be16 {
  const sum: u32 = u32(~ntohs(check) & 0xffff) + ((~old >> 16) & 0xffff) + (~old & 0xffff) + (now >> 16) + (now & 0xffff);
  return htons(u16(~fold(sum)));
}

function pickBackend(saddr: u32): u32 {
  const h = (saddr ^ (saddr >> 16)) * 0x45d9f3b;
  return (h ^ (h >> 16)) % BACKENDS;
}

export function xdp_load_balancer(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip || ip.protocol !== IpProto.UDP || ip.daddr !== htonl(VIP)) return XdpAction.PASS;
  const slot = pickBackend(ntohl(ip.saddr));
  const backend = BACKEND_BASE + slot;
  ip.check = checksumUpdate32(ip.check, VIP, backend);
  ip.daddr = htonl(backend);
  return egress.redirect(slot, XdpAction.DROP);
}
