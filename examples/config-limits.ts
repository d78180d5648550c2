// A program configured by .rodata globals and built from subprograms: frames longer than
// `maxFrameLen` are dropped; the first `passBudget` frames pass and later ones are dropped;
// `framesSeen` and `bytesSeen` (.bss) count what went by, `lastLen` (.data) the last length.
import { XdpAction, config, u64, type XdpContext, type u32 } from "tsbpf";

export const LICENSE = "GPL";

const maxFrameLen = config<u32>(1024);
const passBudget = config<u64>(2);

let framesSeen: u64 = 0;
let bytesSeen: u64 = 0;
let lastLen: u32 = 64;

/** @noinline */
function account(len: u32): u64 {
  bytesSeen += u64(len);
  lastLen = len;
  framesSeen += 1;
  return framesSeen;
}

/** @noinline */
function verdict(len: u32, seen: u64): XdpAction {
  if (len > maxFrameLen) return XdpAction.DROP;
  return seen > passBudget ? XdpAction.DROP : XdpAction.PASS;
}

export function xdp_config_limits(ctx: XdpContext): XdpAction {
  const len = ctx.length;
  return verdict(len, account(len));
}
