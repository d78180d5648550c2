// An IPv4 blocklist that learns: each source address is counted in a hash map; the first and
// second sighting pass, the third and later are dropped. User space can also insert an
// address with a count of 2 or more to block it at once.
import { HashMap, UpdateFlags, XdpAction, htons, type XdpContext, type be32, type u32 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

const sightings = new HashMap<be32, u32>(1024);

export function xdp_blocklist(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return XdpAction.PASS;
  const saddr = ip.saddr;
  const seen = sightings.lookup(saddr);
  if (!seen) {
    sightings.update(saddr, 1, UpdateFlags.NOEXIST);
    return XdpAction.PASS;
  }
  const count = seen.value + 1;
  sightings.update(saddr, count, UpdateFlags.EXIST);
  return count >= 3 ? XdpAction.DROP : XdpAction.PASS;
}
