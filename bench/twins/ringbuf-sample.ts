// Twin: ring-buffer samples. Every TCP SYN over IPv4 is reported (addresses, ports, frame
// length) to user space through a ring buffer and dropped (a SYN-flood sampler); when the ring
// refuses the record the SYN passes.
import { RingBuf, XdpAction, htons, u32, type XdpContext, type be16, type be32 } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv4Hdr, type TcpHdr } from "tsbpf/net";

export const LICENSE = "GPL";

interface SynEvent {
  saddr: be32;
  daddr: be32;
  sport: be16;
  dport: be16;
  len: u32;
}

const events = new RingBuf(4096);

export function xdp_ringbuf_sample(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip || ip.verIhl !== 0x45 || ip.protocol !== IpProto.TCP) return XdpAction.PASS;
  const tcp = ctx.header<TcpHdr>(HeaderSize.ETH + 20);
  if (!tcp || (tcp.flags & 0x12) !== 0x02) return XdpAction.PASS;
  const rc = events.output<SynEvent>({ saddr: ip.saddr, daddr: ip.daddr, sport: tcp.source, dport: tcp.dest, len: u32(ctx.length) });
  return rc === 0 ? XdpAction.DROP : XdpAction.PASS;
}
