// Counts frames per IP protocol (IPv4 protocol / IPv6 next header) in an array map and in
// a per-CPU array map; every frame passes.
import { ArrayMap, PerCpuArrayMap, XdpAction, htons, u32, type XdpContext, type u64 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv4Hdr, type IPv6Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

const protoCount = new ArrayMap<u32, u64>(256);
const protoCountPerCpu = new PerCpuArrayMap<u32, u64>(256);

function count(proto: u32): void {
  const shared = protoCount.lookup(proto);
  if (shared) shared.value += 1;
  const mine = protoCountPerCpu.lookup(proto);
  if (mine) mine.value += 1;
}

export function xdp_proto_count(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return XdpAction.PASS;
  if (eth.proto === htons(EtherType.IPV4)) {
    const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
    if (ip) count(u32(ip.protocol));
  } else if (eth.proto === htons(EtherType.IPV6)) {
    const ip6 = ctx.header<IPv6Hdr>(HeaderSize.ETH);
    if (ip6) count(u32(ip6.nexthdr));
  }
  return XdpAction.PASS;
}
