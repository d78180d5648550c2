// Twin: LPM-trie keys built from IPv4 packet addresses. A destination is learned on first
// sight (passes); a frame whose source is a learned destination is dropped and counted.
import { LpmTrieMap, XdpAction, htons, type XdpContext, type be32, type u32, type u64 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

interface Prefix4 {
  prefixlen: u32;
  addr: be32;
}

const peers = new LpmTrieMap<Prefix4, u64>(64);

export function xdp_lpm_v4(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return XdpAction.PASS;
  const back = peers.lookup({ prefixlen: 32, addr: ip.saddr });
  if (back) {
    back.value += 1;
    return XdpAction.DROP;
  }
  if (!peers.lookup({ prefixlen: 32, addr: ip.daddr })) peers.update({ prefixlen: 32, addr: ip.daddr }, 0);
  return XdpAction.PASS;
}
