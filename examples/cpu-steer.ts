// Steers IPv4 traffic to CPUs by source address through a cpumap, decrementing the TTL with an
// incremental checksum that bpf_csum_diff computes, and keeps the last 256 (source, length)
// samples in a queue for user space. Frames whose CPU has no queue in the cpumap pass.
import { CpuMap, QueueMap, UpdateFlags, XdpAction, config, csumDiff, htons, ntohl, u16, u32, u8, type XdpContext, type be32 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type IPv4Hdr } from "tsbpf/net";

export const LICENSE = "GPL";

/** Bytes 8..11 of the IPv4 header, the checksum as it lies in memory (csum_diff sums memory). */
interface TtlWord {
  ttl: u8;
  protocol: u8;
  check: u16;
}

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
  const w = ctx.header<TtlWord>(HeaderSize.ETH + 8);
  if (!ip || !w) return XdpAction.PASS;
  // Expiring packets go to the stack, which answers with ICMP time exceeded.
  if (w.ttl <= 1) return XdpAction.PASS;
  const before: TtlWord = { ttl: w.ttl, protocol: w.protocol, check: 0 };
  w.ttl = u8(w.ttl - 1);
  const after: TtlWord = { ttl: w.ttl, protocol: w.protocol, check: 0 };
  // RFC 1624: new checksum = ~(~old + sum(after) - sum(before)); the kernel sums and folds.
  let sum = u32(csumDiff(before, after, u32(~w.check & 0xffff)));
  sum = (sum & 0xffff) + (sum >> 16);
  w.check = u16(~sum & 0xffff);
  samples.push({ saddr: ip.saddr, len: ctx.length }, UpdateFlags.EXIST);
  return cpus.redirect(ntohl(ip.saddr) % steerCpus, XdpAction.PASS);
}
