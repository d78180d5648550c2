// The smallest XDP program: let every frame through.
import { XdpAction, type XdpContext } from "tsbpf";

export const LICENSE = "GPL";

export function xdp_pass(_ctx: XdpContext): XdpAction {
  return XdpAction.PASS;
}
