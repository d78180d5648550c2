// Ethernet II frames and 802.1Q / 802.1ad (QinQ) tags.
//   frame: dst(6) src(6) type(2) payload [zero padding to padTo]   (no FCS)
//   tag:   TPID(2) | PCP:3 DEI:1 VID:12 | inner type(2)            (sits where `type` was)
// ethernet() is the outermost builder and returns the finished frame; a vlan()
// is a Layer whose etherType is its TPID, so tags nest in wire order:
// ethernet(mac, vlan(outer, vlan(inner, ipv4(...)))).
import { parseMac, type MacInput } from "../address.js";
import {
  ETH_HEADER_LEN,
  ETHERTYPE_QINQ,
  ETHERTYPE_VLAN,
  VLAN_DEI_BIT,
  VLAN_PCP_SHIFT,
} from "../constants.js";
import { encodePayload, field, isLayer, nextProtocol, withHeader, type Layer, type Payload } from "./layer.js";

export interface EthernetOptions {
  /** Destination MAC; default 02:00:00:00:00:02 (the reference corpus's receiver). */
  dst?: MacInput;
  /** Source MAC; default 02:00:00:00:00:01 (the reference corpus's sender). */
  src?: MacInput;
  /** EtherType; default: announced by the payload layer (required for raw payloads). */
  type?: number;
  /** Pad with zero bytes to at least this length (60 = minimum frame without FCS). Default: no padding. */
  padTo?: number;
}

export interface VlanOptions {
  vid: number;
  /** Priority code point, 0-7; default 0. */
  pcp?: number;
  /** Drop eligible indicator; default false. */
  dei?: boolean;
  /** Tag protocol identifier: 0x8100 (802.1Q, default) or 0x88a8 (802.1ad service tag), or any. */
  tpid?: number;
  /** EtherType after the tag; default: announced by the payload layer. */
  type?: number;
}

export const DEFAULT_SRC_MAC = "02:00:00:00:00:01";
export const DEFAULT_DST_MAC = "02:00:00:00:00:02";

/** Builds an Ethernet II frame (without FCS) around `payload`. */
export function ethernet(options: EthernetOptions, payload?: Payload): Uint8Array {
  const dst = parseMac(options.dst ?? DEFAULT_DST_MAC);
  const src = parseMac(options.src ?? DEFAULT_SRC_MAC);
  const type = field(
    "ethernet",
    "type",
    nextProtocol("ethernet", "type", options.type, isLayer(payload) ? payload.etherType : undefined),
    16,
  );
  const body = encodePayload(payload, {});
  const padTo = options.padTo === undefined ? 0 : field("ethernet", "padTo", options.padTo, 24);
  const { bytes, view } = withHeader(ETH_HEADER_LEN, body);
  bytes.set(dst, 0);
  bytes.set(src, 6);
  view.setUint16(12, type);
  if (bytes.length >= padTo) return bytes;
  const padded = new Uint8Array(padTo);
  padded.set(bytes);
  return padded;
}

/** An 802.1Q tag (or any TPID) in front of `payload`. */
export function vlan(options: VlanOptions, payload?: Payload): Layer {
  const tpid = field("vlan", "tpid", options.tpid ?? ETHERTYPE_VLAN, 16);
  const tci =
    (field("vlan", "pcp", options.pcp ?? 0, 3) << VLAN_PCP_SHIFT) |
    (options.dei ? VLAN_DEI_BIT : 0) |
    field("vlan", "vid", options.vid, 12);
  const type = field(
    "vlan",
    "type",
    nextProtocol("vlan", "type", options.type, isLayer(payload) ? payload.etherType : undefined),
    16,
  );
  return {
    name: "vlan",
    etherType: tpid,
    encode(context) {
      const { bytes, view } = withHeader(4, encodePayload(payload, context));
      view.setUint16(0, tci);
      view.setUint16(2, type);
      return bytes;
    },
  };
}

/** QinQ: an 802.1ad service tag (TPID 0x88a8) around an 802.1Q customer tag. */
export function qinq(outer: Omit<VlanOptions, "tpid" | "type">, inner: VlanOptions, payload?: Payload): Layer {
  return vlan({ ...outer, tpid: ETHERTYPE_QINQ }, vlan(inner, payload));
}
