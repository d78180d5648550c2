// A dispatcher (the rootlet idea, inside one program): the IPv4 protocol picks a slot, a table
// of per-protocol handler functions is indexed by it, and the chosen handler decides the frame.
// An administrative override (a `.rodata` setting) sends every frame to a handler that drops.
// Each handler adds the TTLs it saw to its own slot of `hits`:
// ICMP is dropped, TCP with a non-zero TOS is dropped, UDP with TTL <= 1 is sent back (TX).
// For the kernel the indirect call becomes a ladder of direct calls; `--target vm` emits callx.
import { ArrayMap, XdpAction, config, htons, u32, u64, type XdpContext } from "tsbpf";
import { EtherType, HeaderSize, IpProto, type EthHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

/** Frames seen per handler slot (slot 4: the override). */
const hits = new ArrayMap<u32, u64>(8);
/** When non-zero, every IPv4 frame is dropped by `dropAll` instead of its protocol's handler. */
const dropEverything = config<u32>(0);

function count(slot: u32, ip: IPv4Hdr): void {
  const c = hits.lookup(slot);
  if (c) c.value += u64(ip.ttl);
}

/** @noinline */
function other(ip: IPv4Hdr): XdpAction {
  count(0, ip);
  return XdpAction.PASS;
}

/** @noinline */
function icmp(ip: IPv4Hdr): XdpAction {
  count(1, ip);
  return XdpAction.DROP;
}

/** @noinline */
function tcp(ip: IPv4Hdr): XdpAction {
  count(2, ip);
  return ip.tos === 0 ? XdpAction.PASS : XdpAction.DROP;
}

/** @noinline */
function udp(ip: IPv4Hdr): XdpAction {
  count(3, ip);
  // Datagrams about to expire are bounced back to the sender.
  return ip.ttl <= 1 ? XdpAction.TX : XdpAction.PASS;
}

/** @noinline */
function dropAll(ip: IPv4Hdr): XdpAction {
  count(4, ip);
  return XdpAction.DROP;
}

const handlers = [other, icmp, tcp, udp];

/** The handler slot of an IP protocol. */
function slotOf(protocol: u32): u32 {
  switch (protocol) {
    case IpProto.ICMP:
      return 1;
    case IpProto.TCP:
      return 2;
    case IpProto.UDP:
      return 3;
  }
  return 0;
}

export function xdp_dispatch(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  if (!ip) return XdpAction.PASS;
  if (dropEverything !== 0) return dropAll(ip);
  const slot = slotOf(u32(ip.protocol));
  if (slot >= handlers.length) return XdpAction.ABORTED;
  return handlers[slot](ip);
}
