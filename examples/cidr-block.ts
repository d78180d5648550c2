// A CIDR blocklist: source addresses are matched against prefixes in an LPM trie filled from
// user space; the longest matching prefix's action (1 = drop, 2 = pass) decides, and each
// rule counts its hits. No match passes.
import { LpmTrieMap, XdpAction, htons, type XdpContext, type be32, type u32, type u64 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

interface Prefix {
  prefixlen: u32;
  addr: be32;
}

interface Rule {
  action: u32;
  hits: u64;
}

const rules = new LpmTrieMap<Prefix, Rule>(256);

export function xdp_cidr_block(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return XdpAction.PASS;
  const rule = rules.lookup({ prefixlen: 32, addr: ip.saddr });
  if (!rule) return XdpAction.PASS;
  rule.hits += 1;
  return rule.action === XdpAction.DROP ? XdpAction.DROP : XdpAction.PASS;
}
