// Twin: a TCP options walk (at most 8 options) looking for MSS. SYNs announcing an MSS under
// 536 are dropped, a truncated option aborts, everything else passes.
import { XdpAction, htons, u32, ntohs, type XdpContext, type be16, type u8 } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv4Hdr, type TcpHdr } from "tsbpf/net";

export const LICENSE = "GPL";

interface OptKind {
  kind: u8;
}

interface OptHead {
  kind: u8;
  len: u8;
}

interface OptMss {
  kind: u8;
  len: u8;
  mss: be16;
}

const MAX_OPTIONS = 8;
const TCP_OFF = HeaderSize.ETH + 20;

export function xdp_tcp_options(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip || ip.verIhl !== 0x45 || ip.protocol !== IpProto.TCP) return XdpAction.PASS;
  const tcp = ctx.header<TcpHdr>(TCP_OFF);
  if (!tcp) return XdpAction.PASS;
  const end: u32 = TCP_OFF + (u32(tcp.doff) >> 4) * 4;
  let off: u32 = TCP_OFF + 20;
  for (let i: u32 = 0; i < MAX_OPTIONS; i++) {
    if (off >= end) break;
    const k = ctx.header<OptKind>(off);
    if (!k) return XdpAction.ABORTED;
    if (k.kind === 0) break;
    if (k.kind === 1) {
      off += 1;
      continue;
    }
    const h = ctx.header<OptHead>(off);
    if (!h || h.len < 2) return XdpAction.ABORTED;
    if (h.kind === 2) {
      const m = ctx.header<OptMss>(off);
      if (!m) return XdpAction.ABORTED;
      return ntohs(m.mss) < 536 ? XdpAction.DROP : XdpAction.PASS;
    }
    off += u32(h.len);
  }
  return XdpAction.PASS;
}
