// Link-layer parsers: Ethernet II, 802.1Q/802.1ad tags, ARP.
//   Ethernet: dst(6) src(6) type(2)        tag: TPID(2) PCP:3 DEI:1 VID:12 | type(2)
//   ARP: htype(2) ptype(2) hlen(1) plen(1) oper(2) sha(hlen) spa(plen) tha(hlen) tpa(plen)
// Each returns its layer (already pushed onto the cursor) and where the next
// layer starts; a shortfall is a PacketParseError at the offset where the
// structure that does not fit starts.
import { formatIpv4, formatMac } from "../address.js";
import {
  ARP_FIXED_LEN,
  ETH_HEADER_LEN,
  ETHERTYPE_IPV4,
  VLAN_DEI_BIT,
  VLAN_PCP_SHIFT,
  VLAN_TAG_LEN,
  VLAN_VID_MASK,
} from "../constants.js";
import type { FrameCursor } from "./cursor.js";
import type { ArpLayer, EthernetLayer, VlanLayer } from "./types.js";

export function parseEthernet(cur: FrameCursor): EthernetLayer {
  if (cur.length < ETH_HEADER_LEN) {
    cur.fail("ethernet", 0, `frame is ${cur.length} bytes, shorter than the ${ETH_HEADER_LEN}-byte Ethernet header`);
  }
  return cur.push({
    kind: "ethernet",
    offset: 0,
    dst: formatMac(cur.bytes, 0),
    src: formatMac(cur.bytes, 6),
    etherType: cur.u16(12),
  });
}

/** A tag whose TPID the previous header announced, starting at `offset` (the TCI; TPID is at offset - 2). */
export function parseVlan(cur: FrameCursor, offset: number, tpid: number): VlanLayer {
  cur.need("vlan", offset, VLAN_TAG_LEN, cur.length, "802.1Q tag");
  const tci = cur.u16(offset);
  return cur.push({
    kind: "vlan",
    offset: offset - 2,
    tpid,
    pcp: tci >> VLAN_PCP_SHIFT,
    dei: (tci & VLAN_DEI_BIT) !== 0,
    vid: tci & VLAN_VID_MASK,
    etherType: cur.u16(offset + 2),
  });
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** ARP at `offset`; returns the layer and the offset just after it. */
export function parseArp(cur: FrameCursor, offset: number): { layer: ArpLayer; end: number } {
  cur.need("arp", offset, ARP_FIXED_LEN, cur.length, "ARP fixed header");
  const hlen = cur.u8(offset + 4);
  const plen = cur.u8(offset + 5);
  const size = ARP_FIXED_LEN + 2 * (hlen + plen);
  cur.need("arp", offset, size, cur.length, `ARP with ${hlen}-byte hardware and ${plen}-byte protocol addresses`);
  const ptype = cur.u16(offset + 2);
  const proto = (at: number): string =>
    ptype === ETHERTYPE_IPV4 && plen === 4 ? formatIpv4(cur.bytes, at) : hex(cur.bytes.subarray(at, at + plen));
  const sha = offset + ARP_FIXED_LEN;
  const spa = sha + hlen;
  const tha = spa + plen;
  const tpa = tha + hlen;
  const layer = cur.push<ArpLayer>({
    kind: "arp",
    offset,
    hardwareType: cur.u16(offset),
    protocolType: ptype,
    hardwareLength: hlen,
    protocolLength: plen,
    operation: cur.u16(offset + 6),
    senderMac: formatMac(cur.bytes, sha, hlen),
    senderIp: proto(spa),
    targetMac: formatMac(cur.bytes, tha, hlen),
    targetIp: proto(tpa),
  });
  return { layer, end: offset + size };
}
