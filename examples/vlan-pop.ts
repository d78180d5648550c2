// Pops an 802.1Q tag: the MAC addresses move 4 bytes forward over the tag with
// bpf_xdp_adjust_head, and the frame passes without it. Untagged frames pass unchanged.
import { XdpAction, htons, type XdpContext, type u8 } from "tsbpf";
import { EtherType, HeaderSize, type EthHdr, type VlanHdr } from "tsbpf/net";

export const LICENSE = "GPL";

interface Macs {
  b0: u8; b1: u8; b2: u8; b3: u8; b4: u8; b5: u8; b6: u8; b7: u8; b8: u8; b9: u8; b10: u8; b11: u8;
}

export function xdp_vlan_pop(ctx: XdpContext): XdpAction {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.proto !== htons(EtherType.VLAN)) return XdpAction.PASS;
  const tag = ctx.header<VlanHdr>(HeaderSize.ETH);
  if (!tag) return XdpAction.DROP;
  const macs = ctx.header<Macs>(0);
  if (!macs) return XdpAction.DROP;
  const saved: Macs = {
    b0: macs.b0, b1: macs.b1, b2: macs.b2, b3: macs.b3, b4: macs.b4, b5: macs.b5,
    b6: macs.b6, b7: macs.b7, b8: macs.b8, b9: macs.b9, b10: macs.b10, b11: macs.b11,
  };
  if (ctx.adjustHead(HeaderSize.VLAN) !== 0) return XdpAction.ABORTED;
  const out = ctx.header<Macs>(0);
  if (!out) return XdpAction.ABORTED;
  out.b0 = saved.b0; out.b1 = saved.b1; out.b2 = saved.b2; out.b3 = saved.b3; out.b4 = saved.b4; out.b5 = saved.b5;
  out.b6 = saved.b6; out.b7 = saved.b7; out.b8 = saved.b8; out.b9 = saved.b9; out.b10 = saved.b10; out.b11 = saved.b11;
  return XdpAction.PASS;
}
