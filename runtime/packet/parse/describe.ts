// describeFrame: a one-line, tcpdump-like summary of a frame for test failure
// messages. Layers are separated by " | ", wrong checksums are flagged
// "cksum 0x.... BAD", and a frame parseFrame rejects is described up to the
// failing layer followed by the error ("! ipv4 at byte 14: IHL 4 ...").
// Invariant: never throws, never contains a newline.
import { PacketParseError } from "../errors.js";
import { parseFrame } from "./frame.js";
import type { Icmpv6Layer, IcmpLayer, ParsedLayer, TcpLayer } from "./types.js";

const hex = (n: number): string => `0x${n.toString(16).padStart(4, "0")}`;

function cksum(layer: { checksum: number; checksumValid: boolean | null }): string {
  return layer.checksumValid === false ? ` cksum ${hex(layer.checksum)} BAD` : "";
}

const TCP_FLAG_LETTERS: readonly (readonly [keyof TcpLayer["flags"], string])[] = [
  ["fin", "F"],
  ["syn", "S"],
  ["rst", "R"],
  ["psh", "P"],
  ["urg", "U"],
  ["ece", "E"],
  ["cwr", "W"],
  ["ae", "A"],
  ["ack", "."],
];

const TCP_OPTION_NAMES: Record<number, string> = { 0: "eol", 1: "nop", 4: "sackOK" };

function tcpOptions(t: TcpLayer): string {
  if (t.options.length === 0) return "";
  const parts = t.options.map(({ type: kind, data }) => {
    if (kind === 2 && t.mss !== undefined) return `mss ${t.mss}`;
    if (kind === 3 && t.windowScale !== undefined) return `wscale ${t.windowScale}`;
    if (kind === 8 && t.timestamps) return `TS val ${t.timestamps.value} ecr ${t.timestamps.echo}`;
    if (kind === 5 && t.sack) return `sack ${t.sack.map(([l, r]) => `${l}:${r}`).join(" ")}`;
    return TCP_OPTION_NAMES[kind] ?? `opt-${kind}:${data.length}`;
  });
  return ` <${parts.join(",")}>`;
}

function icmpText(m: IcmpLayer): string {
  const names: Record<number, string> = { 0: "echo reply", 8: "echo request", 3: "unreachable", 11: "time exceeded" };
  const echo = m.id !== undefined ? ` id ${hex(m.id)} seq ${m.seq}` : "";
  const mtu = m.mtu !== undefined ? ` mtu ${m.mtu}` : "";
  return `ICMP ${names[m.type] ?? `type ${m.type}`} code ${m.code}${echo}${mtu}${cksum(m)}`;
}

function icmpv6Text(m: Icmpv6Layer): string {
  const names: Record<number, string> = {
    1: "unreachable",
    2: "packet too big",
    3: "time exceeded",
    128: "echo request",
    129: "echo reply",
    133: "router solicitation",
    134: "router advertisement",
    135: "neighbor solicitation",
    136: "neighbor advertisement",
  };
  const echo = m.id !== undefined ? ` id ${hex(m.id)} seq ${m.seq}` : "";
  const target = m.target !== undefined ? ` target ${m.target}` : "";
  const flags = m.router || m.solicited || m.override ? ` [${m.router ? "R" : ""}${m.solicited ? "S" : ""}${m.override ? "O" : ""}]` : "";
  const link = m.linkAddress ? ` lladdr ${m.linkAddress}` : "";
  return `ICMPv6 ${names[m.type] ?? `type ${m.type}`} code ${m.code}${echo}${target}${flags}${link}${cksum(m)}`;
}

function layerText(l: ParsedLayer): string {
  switch (l.kind) {
    case "ethernet":
      return `${l.src} > ${l.dst} type ${hex(l.etherType)}`;
    case "vlan":
      return `${l.tpid === 0x8100 ? "802.1Q" : l.tpid === 0x88a8 ? "802.1ad" : `tag ${hex(l.tpid)}`} vid ${l.vid} pcp ${l.pcp}${l.dei ? " dei" : ""}`;
    case "arp":
      return l.operation === 1
        ? `ARP who-has ${l.targetIp} tell ${l.senderIp}`
        : l.operation === 2
          ? `ARP reply ${l.senderIp} is-at ${l.senderMac}`
          : `ARP op ${l.operation} ${l.senderIp} > ${l.targetIp}`;
    case "ipv4": {
      const flags = [l.reservedFlag ? "R" : "", l.df ? "DF" : "", l.mf ? "MF" : ""].filter(Boolean).join("+");
      const frag = l.fragmentOffset !== 0 ? ` frag ${l.fragmentOffset * 8}` : "";
      const opts = l.options.length > 0 ? ` options ${l.options.length}` : "";
      const sum = l.checksumValid ? "" : ` cksum ${hex(l.checksum)} BAD (expected ${hex(l.expectedChecksum)})`;
      return `IPv4 ${l.src} > ${l.dst} proto ${l.protocol} ttl ${l.ttl} id ${hex(l.id)}${flags ? ` ${flags}` : ""}${frag} len ${l.totalLength}${opts}${sum}`;
    }
    case "ipv6":
      return `IPv6 ${l.src} > ${l.dst} next ${l.nextHeader} hlim ${l.hopLimit}${l.flowLabel ? ` flow ${hex(l.flowLabel)}` : ""} plen ${l.payloadLength}`;
    case "hop-by-hop":
      return `HBH next ${l.nextHeader} (${l.length} bytes)`;
    case "destination-options":
      return `DSTOPT next ${l.nextHeader} (${l.length} bytes)`;
    case "routing":
      return l.srh
        ? `SRH next ${l.nextHeader} sl ${l.segmentsLeft} [${l.srh.segments.join(",")}]`
        : `RH type ${l.routingType} next ${l.nextHeader} sl ${l.segmentsLeft}`;
    case "fragment":
      return `FRAG next ${l.nextHeader} off ${l.fragmentOffset * 8}${l.more ? " M" : ""} id ${hex(l.id)}`;
    case "ah":
      return `AH next ${l.nextHeader} spi ${hex(l.spi)} seq ${l.sequence}`;
    case "udp":
      return `UDP ${l.sport} > ${l.dport} len ${l.length}${cksum(l)}`;
    case "tcp": {
      const letters = TCP_FLAG_LETTERS.filter(([name]) => l.flags[name]).map(([, c]) => c).join("");
      return `TCP ${l.sport} > ${l.dport} [${letters || "none"}] seq ${l.seq}${l.flags.ack ? ` ack ${l.ack}` : ""} win ${l.window}${tcpOptions(l)}${cksum(l)}`;
    }
    case "icmp":
      return icmpText(l);
    case "icmpv6":
      return icmpv6Text(l);
  }
}

/** One-line summary of an Ethernet frame; malformed frames are described up to the error. */
export function describeFrame(bytes: Uint8Array): string {
  const head = `${bytes.length} bytes:`;
  try {
    const f = parseFrame(bytes);
    const parts = f.layers.map(layerText);
    if (f.payload.length > 0) parts.push(`payload ${f.payload.length}`);
    if (f.trailer.length > 0) parts.push(`trailer ${f.trailer.length}`);
    return `${head} ${parts.join(" | ")}`;
  } catch (e) {
    if (!(e instanceof PacketParseError)) return `${head} unparseable (${String(e).replace(/[\r\n]+/g, " ")})`;
    const parts = e.layers.map(layerText);
    parts.push(`! ${e.message}`);
    return `${head} ${parts.join(" | ")}`;
  }
}
