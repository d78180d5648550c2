// Twin: an LPM-trie key built from an IPv6 packet address ({ prefixlen: 128, addr: ip6.saddr }).
// A source seen for the first time is learned (inserted with count 1) and passes; a source
// already in the trie is counted and dropped.
import { LpmTrieMap, XdpAction, htons, type FixedArray, type XdpContext, type u8, type u32, type u64 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv6Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

interface Prefix6 {
  prefixlen: u32;
  addr: FixedArray<u8, 16>;
}

const seen = new LpmTrieMap<Prefix6, u64>(64);

export function xdp_lpm_v6(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV6)) return XdpAction.PASS;
  const ip6 = ctx.header<IPv6Hdr>(HeaderSize.ETH);
  if (!ip6) return XdpAction.PASS;
  const hit = seen.lookup({ prefixlen: 128, addr: ip6.saddr });
  if (hit) {
    hit.value += 1;
    return XdpAction.DROP;
  }
  seen.update({ prefixlen: 128, addr: ip6.saddr }, 1);
  return XdpAction.PASS;
}
