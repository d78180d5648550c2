// Steers IPv4 traffic to CPUs by source address through a cpumap, decrementing the TTL with an
// incremental checksum update that bpf_csum_diff sums, and keeps the last 256 (source, length)
// samples in a queue for user space. Frames whose CPU has no queue in the cpumap pass.
import { CpuMap, QueueMap, UpdateFlags, XdpAction, config, csumDiff, csumFold, htons, ntohl, u32, u8, type XdpContext, type be32 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

interface Sample {
  saddr: be32;
  len: u32;
}

const cpus = new CpuMap(64);
const samples = new QueueMap<Sample>(256);
/** CPUs to spread over: slots 0 .. steerCpus-1 of the cpumap. */
const steerCpus = config<u32>(4);

export function xdp_cpu_steer(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.IPV4)) return XdpAction.PASS;
  const ip = ctx.header<IPv4Hdr>(HeaderSize.ETH);
  // Expiring packets go to the stack, which answers with ICMP time exceeded.
  if (!ip || ip.ttl <= 1) return XdpAction.PASS;
  // RFC 1624: the new checksum is ~(~old - sum(header before) + sum(header after)).
  const partial = csumDiff(ip, null, ip.check ^ 0xffff);
  ip.ttl = u8(ip.ttl - 1);
  ip.check = csumFold(csumDiff(null, ip, partial));
  samples.push({ saddr: ip.saddr, len: ctx.length }, UpdateFlags.EXIST);
  return cpus.redirect(ntohl(ip.saddr) % steerCpus, XdpAction.PASS);
}
