// The layered description parseFrame returns. Every layer carries `kind` (the
// discriminant) and `offset`, its absolute byte offset in the frame; addresses
// are canonical text (see ../address.ts). Checksum validity is true/false when
// it could be checked, and null when it cannot be: a UDP checksum of 0 over
// IPv4 (none sent) or a transport header in the first fragment of a
// fragmented datagram (the checksum covers fragments not in this frame).

export interface EthernetLayer {
  kind: "ethernet";
  offset: number;
  dst: string;
  src: string;
  /** The EtherType after the MAC addresses (a TPID when tags follow). */
  etherType: number;
}

export interface VlanLayer {
  kind: "vlan";
  offset: number;
  /** 0x8100 (802.1Q), 0x88a8 (802.1ad) or 0x9100. */
  tpid: number;
  pcp: number;
  dei: boolean;
  vid: number;
  /** The EtherType after this tag. */
  etherType: number;
}

export interface ArpLayer {
  kind: "arp";
  offset: number;
  hardwareType: number;
  protocolType: number;
  hardwareLength: number;
  protocolLength: number;
  /** 1 request, 2 reply. */
  operation: number;
  /** MACs as aa:bb:.. text (any hardware length); IPv4 addresses dotted when the protocol is IPv4/4 bytes, else hex. */
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

/** An IPv4, IPv6, TCP or NDP option: type (TCP's "kind") and data (without type and length bytes; empty for Pad1/EOL/NOP). */
export interface TlvOption {
  type: number;
  data: Uint8Array;
}

export interface Ipv4Layer {
  kind: "ipv4";
  offset: number;
  version: number;
  ihl: number;
  headerLength: number;
  tos: number;
  dscp: number;
  ecn: number;
  totalLength: number;
  id: number;
  reservedFlag: boolean;
  df: boolean;
  mf: boolean;
  /** In 8-byte units, as on the wire. */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  checksum: number;
  checksumValid: boolean;
  /** The checksum the header should carry. */
  expectedChecksum: number;
  src: string;
  dst: string;
  options: TlvOption[];
}

export interface Ipv6Layer {
  kind: "ipv6";
  offset: number;
  version: number;
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  /** The next-header field of the fixed header. */
  nextHeader: number;
  hopLimit: number;
  src: string;
  dst: string;
  /** The extension header chain, in order (also listed in ParsedFrame.layers). */
  extensions: Ipv6ExtensionLayer[];
}

interface ExtensionBase {
  offset: number;
  nextHeader: number;
  /** Header length in bytes. */
  length: number;
}

export interface HopByHopLayer extends ExtensionBase {
  kind: "hop-by-hop";
  options: TlvOption[];
}

export interface DestinationOptionsLayer extends ExtensionBase {
  kind: "destination-options";
  options: TlvOption[];
}

export interface RoutingLayer extends ExtensionBase {
  kind: "routing";
  routingType: number;
  segmentsLeft: number;
  /** Type-specific data after the first 4 bytes. */
  data: Uint8Array;
  /** For SRH (type 4): last entry, flags, tag and the segment list in wire order. */
  srh?: { lastEntry: number; flags: number; tag: number; segments: string[] };
}

export interface FragmentLayer extends ExtensionBase {
  kind: "fragment";
  /** In 8-byte units. */
  fragmentOffset: number;
  more: boolean;
  id: number;
}

export interface AuthHeaderLayer extends ExtensionBase {
  kind: "ah";
  spi: number;
  sequence: number;
  icv: Uint8Array;
}

export type Ipv6ExtensionLayer = HopByHopLayer | DestinationOptionsLayer | RoutingLayer | FragmentLayer | AuthHeaderLayer;

export interface UdpLayer {
  kind: "udp";
  offset: number;
  sport: number;
  dport: number;
  length: number;
  checksum: number;
  checksumValid: boolean | null;
}

export interface TcpFlagSet {
  fin: boolean;
  syn: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
  urg: boolean;
  ece: boolean;
  cwr: boolean;
  ae: boolean;
}

export interface TcpLayer {
  kind: "tcp";
  offset: number;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  dataOffset: number;
  headerLength: number;
  /** 9 bits: AE CWR ECE URG ACK PSH RST SYN FIN (TCP_* constants). */
  flagBits: number;
  flags: TcpFlagSet;
  window: number;
  checksum: number;
  checksumValid: boolean | null;
  urgent: number;
  /** Every option in order, NOP and EOL included (EOL ends the list). */
  options: TlvOption[];
  /** The well-known options, decoded. */
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  sack?: [number, number][];
  timestamps?: { value: number; echo: number };
}

export interface IcmpLayer {
  kind: "icmp";
  offset: number;
  type: number;
  code: number;
  checksum: number;
  checksumValid: boolean | null;
  /** The 4 bytes after the checksum as a 32-bit number. */
  rest: number;
  /** For echo request/reply. */
  id?: number;
  seq?: number;
  /** For destination unreachable / fragmentation needed. */
  mtu?: number;
}

export interface Icmpv6Layer {
  kind: "icmpv6";
  offset: number;
  type: number;
  code: number;
  checksum: number;
  checksumValid: boolean | null;
  /** For echo request/reply. */
  id?: number;
  seq?: number;
  /** For neighbor solicitation/advertisement. */
  target?: string;
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  /** NDP options (type, data after type and length). */
  ndpOptions?: TlvOption[];
  /** From a source/target link-layer address option. */
  linkAddress?: string;
}

export type ParsedLayer =
  | EthernetLayer
  | VlanLayer
  | ArpLayer
  | Ipv4Layer
  | Ipv6Layer
  | Ipv6ExtensionLayer
  | UdpLayer
  | TcpLayer
  | IcmpLayer
  | Icmpv6Layer;

export interface ParsedFrame {
  /** Frame length in bytes. */
  length: number;
  /** Every decoded layer in wire order (tunnelled IP headers included). */
  layers: ParsedLayer[];
  ethernet: EthernetLayer;
  vlans: VlanLayer[];
  /** The outermost layer of each kind, for convenience. */
  arp?: ArpLayer;
  ipv4?: Ipv4Layer;
  ipv6?: Ipv6Layer;
  udp?: UdpLayer;
  tcp?: TcpLayer;
  icmp?: IcmpLayer;
  icmpv6?: Icmpv6Layer;
  /** Offset and bytes after the innermost decoded header, up to the end the headers declare. */
  payloadOffset: number;
  payload: Uint8Array;
  /** Bytes after the declared end (Ethernet padding after a short datagram or ARP). */
  trailer: Uint8Array;
  /** False if any checked checksum is wrong (unknown ones do not count). */
  checksumsValid: boolean;
}
