// Twin: per-CPU statistics. Frames and bytes are counted per class (0 other, 1 TCP, 2 UDP,
// 3 ICMP) in a per-CPU array; every frame passes.
import { PerCpuArrayMap, XdpAction, htons, u32, u64, type XdpContext } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

interface Stats {
  packets: u64;
  bytes: u64;
}

const stats = new PerCpuArrayMap<u32, Stats>(4);

function classOf(protocol: u32): u32 {
  if (protocol === IpProto.TCP) return 1;
  if (protocol === IpProto.UDP) return 2;
  if (protocol === IpProto.ICMP) return 3;
  return 0;
}

export function xdp_percpu_stats(ctx: XdpContext): XdpAction {
  let cls: u32 = 0;
  const eth = ctx.header<EthHdr>(0);
  if (eth && eth.proto === htons(EtherType.IPV4)) {
    const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
    if (ip) cls = classOf(u32(ip.protocol));
  }
  const s = stats.lookup(cls);
  if (s) {
    s.packets += 1;
    s.bytes += u64(ctx.length);
  }
  return XdpAction.PASS;
}
