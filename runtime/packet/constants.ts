// Protocol numbers, header sizes and bit-field layouts shared by the packet
// builders and parsers. Every multi-byte field on the wire is big-endian.
// Values are the IANA/IEEE assignments; the layouts drawn beside each group
// are the ones the builders write and the parsers read.

// ---- Ethernet II (no FCS) -------------------------------------------------
//  0       6       12     14
//  | dst   | src   | type | payload ...
export const ETH_HEADER_LEN = 14;
export const ETH_ADDR_LEN = 6;
/** Minimum Ethernet frame without the 4-byte FCS (64 - 4). */
export const ETH_MIN_FRAME_LEN = 60;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
/** 802.1Q customer tag. */
export const ETHERTYPE_VLAN = 0x8100;
/** 802.1ad service tag (the outer tag of QinQ). */
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERTYPE_IPV6 = 0x86dd;

// ---- 802.1Q / 802.1ad tag (follows the source MAC) ------------------------
//  0      2                     4
//  | TPID | PCP:3 DEI:1 VID:12  | inner EtherType (2) ...
export const VLAN_TAG_LEN = 4;
export const VLAN_PCP_SHIFT = 13;
export const VLAN_DEI_BIT = 0x1000;
export const VLAN_VID_MASK = 0x0fff;

// ---- ARP for Ethernet / IPv4 (28 bytes) -----------------------------------
//  0 htype(2)  2 ptype(2)  4 hlen(1)  5 plen(1)  6 oper(2)
//  8 sha(6)   14 spa(4)   18 tha(6)  24 tpa(4)
export const ARP_FIXED_LEN = 8;
export const ARP_ETH_IPV4_LEN = 28;
export const ARP_HTYPE_ETHERNET = 1;
export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;

// ---- IP protocol / IPv6 next-header numbers -------------------------------
export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_NONE = 59;
export const IPPROTO_DSTOPTS = 60;

// ---- IPv4 header (20 bytes + options) --------------------------------------
//  0 ver:4 ihl:4   1 tos (dscp:6 ecn:2)   2 total length(2)
//  4 id(2)         6 flags:3 (0 DF MF) fragment offset:13 (8-byte units)
//  8 ttl           9 protocol             10 header checksum(2)
// 12 src(4)       16 dst(4)               20 options (to ihl*4)
export const IPV4_MIN_HEADER_LEN = 20;
export const IPV4_MAX_OPTIONS_LEN = 40;
export const IPV4_FLAG_RESERVED = 0x8000;
export const IPV4_FLAG_DF = 0x4000;
export const IPV4_FLAG_MF = 0x2000;
export const IPV4_FRAG_OFFSET_MASK = 0x1fff;
export const IPV4_CHECKSUM_OFFSET = 10;
export const IPV4OPT_EOL = 0;
export const IPV4OPT_NOP = 1;
export const IPV4OPT_LSRR = 131;
export const IPV4OPT_SSRR = 137;
export const IPV4OPT_ROUTER_ALERT = 148;

// ---- IPv6 header (40 bytes) ------------------------------------------------
//  0 ver:4 traffic class:8 flow label:20
//  4 payload length(2)  6 next header  7 hop limit
//  8 src(16)           24 dst(16)
export const IPV6_HEADER_LEN = 40;
export const IPV6_FLOW_LABEL_MASK = 0xfffff;

// ---- IPv6 extension headers -------------------------------------------------
// Hop-by-Hop / Destination Options:  next header | hdr ext len (8-byte units - 1) | TLV options
//   option: type(1) len(1) data; Pad1 is the single byte 0.
// Routing:   next header | hdr ext len | routing type | segments left | type-specific data
//   SRH (type 4): last entry(1) flags(1) tag(2) | segment list (16 each) | TLVs
// Fragment (8 bytes): next header | reserved | offset:13 res:2 M:1 | identification(4)
// AH: next header | payload len (4-byte units - 2) | reserved(2) | SPI(4) | seq(4) | ICV
export const IPV6_EXT_UNIT = 8;
export const IPV6OPT_PAD1 = 0;
export const IPV6OPT_PADN = 1;
export const IPV6OPT_ROUTER_ALERT = 5;
export const IPV6OPT_JUMBO = 0xc2;
export const ROUTING_TYPE_0 = 0;
export const ROUTING_TYPE_2 = 2;
export const ROUTING_TYPE_SRH = 4;
export const IPV6_FRAGMENT_HEADER_LEN = 8;
export const IPV6_FRAG_MORE = 0x0001;
export const AH_FIXED_LEN = 12;

// ---- UDP (8 bytes) ---------------------------------------------------------
//  0 sport(2)  2 dport(2)  4 length(2)  6 checksum(2)
export const UDP_HEADER_LEN = 8;
export const UDP_CHECKSUM_OFFSET = 6;

// ---- TCP (20 bytes + options) ----------------------------------------------
//  0 sport(2)  2 dport(2)  4 seq(4)  8 ack(4)
// 12 data offset:4 reserved:3 AE:1 | 13 CWR ECE URG ACK PSH RST SYN FIN
// 14 window(2)  16 checksum(2)  18 urgent pointer(2)  20 options (to data offset*4)
export const TCP_MIN_HEADER_LEN = 20;
export const TCP_MAX_OPTIONS_LEN = 40;
export const TCP_CHECKSUM_OFFSET = 16;
export const TCP_FIN = 0x001;
export const TCP_SYN = 0x002;
export const TCP_RST = 0x004;
export const TCP_PSH = 0x008;
export const TCP_ACK = 0x010;
export const TCP_URG = 0x020;
export const TCP_ECE = 0x040;
export const TCP_CWR = 0x080;
/** Accurate-ECN (formerly NS): bit 0 of byte 12. */
export const TCP_AE = 0x100;
export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WINDOW_SCALE = 3;
export const TCPOPT_SACK_PERMITTED = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMPS = 8;

// ---- ICMP / ICMPv6 (type, code, checksum, 4 bytes of type-specific data) ---
//  0 type  1 code  2 checksum(2)  4 rest of header(4)  8 data ...
export const ICMP_HEADER_LEN = 8;
export const ICMP_CHECKSUM_OFFSET = 2;
export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACHABLE = 3;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;
/** Code 4 of destination unreachable carries the next-hop MTU in bytes 6-7. */
export const ICMP_CODE_FRAG_NEEDED = 4;

export const ICMPV6_DEST_UNREACHABLE = 1;
export const ICMPV6_PACKET_TOO_BIG = 2;
export const ICMPV6_TIME_EXCEEDED = 3;
export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;
export const ICMPV6_ROUTER_SOLICITATION = 133;
export const ICMPV6_ROUTER_ADVERTISEMENT = 134;
export const ICMPV6_NEIGHBOR_SOLICITATION = 135;
export const ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
// Neighbour solicitation / advertisement body (after the 4-byte header):
//  4 NA flags: R:1 S:1 O:1 reserved:29 (NS: reserved:32)   8 target address(16)   24 options
// NDP option: type(1) length(1, 8-byte units) data
export const NDP_MESSAGE_LEN = 24;
export const NA_FLAG_ROUTER = 0x80000000;
export const NA_FLAG_SOLICITED = 0x40000000;
export const NA_FLAG_OVERRIDE = 0x20000000;
export const NDP_OPT_SOURCE_LINK_ADDR = 1;
export const NDP_OPT_TARGET_LINK_ADDR = 2;
