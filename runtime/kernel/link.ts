// XDP attachment through BPF links: BPF_LINK_CREATE with the device's ifindex and
// attach type BPF_XDP, in generic (XDP_FLAGS_SKB_MODE) or driver (XDP_FLAGS_DRV_MODE) mode or
// whichever the kernel picks; the link lives while its fd is open or it is pinned, and is
// detached by closing it / removing the pin, or at once with BPF_LINK_DETACH. Finding the
// XDP links of a device walks every link id (BPF_LINK_GET_NEXT_ID).
//
// Invariants: interface names resolve in the network namespace the calling thread is in;
// an XdpLink owns its fd; detachXdpLinks opens each candidate link once and closes it again.

import { existsSync, rmSync } from "node:fs";
import { Attr } from "./attr.js";
import { LinkCreate, LinkDetach } from "./attr-layouts.js";
import { AttachType, BpfCmd, LinkType, XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE } from "./constants.js";
import { KernelUsageError } from "./errors.js";
import { Fd } from "./fd.js";
import { allIds, fdById, linkInfo, objectKind, type LinkInfo } from "./info.js";
import { objGet, objPin } from "./pins.js";
import { bpf, ifNameToIndex } from "./syscall.js";

export type XdpMode = "skb" | "drv";

const MODE_FLAGS: Readonly<Record<XdpMode, number>> = { skb: XDP_FLAGS_SKB_MODE, drv: XDP_FLAGS_DRV_MODE };

/** The ifindex of an interface in this thread's network namespace. */
export function interfaceIndex(name: string): number {
  const index = ifNameToIndex(name);
  if (index === undefined) throw new KernelUsageError(`no network interface '${name}' in this network namespace`);
  return index;
}

export class XdpLink {
  constructor(
    readonly fd: Fd,
    readonly ifindex: number,
  ) {}

  info(): LinkInfo {
    return linkInfo(this.fd);
  }

  /** Keeps the link (and so the attachment) alive after this process exits. */
  pin(path: string): void {
    objPin(this.fd, path);
  }

  /** Detaches the program now, even if the link is pinned elsewhere. */
  detach(): void {
    bpf(BpfCmd.LINK_DETACH, new Attr(LinkDetach, { link_fd: this.fd.fd }).bytes);
  }

  /** Drops our reference: detaches unless the link is pinned. */
  close(): void {
    this.fd.close();
  }
}

export function attachXdp(prog: Fd, ifindex: number, mode?: XdpMode): XdpLink {
  const attr = new Attr(LinkCreate, { prog_fd: prog.fd, target_ifindex: ifindex, attach_type: AttachType.XDP, flags: mode ? MODE_FLAGS[mode] : 0 });
  return new XdpLink(new Fd(bpf(BpfCmd.LINK_CREATE, attr.bytes), `XDP link on ifindex ${ifindex}`), ifindex);
}

/** Opens a pinned XDP link. */
export function openPinnedLink(path: string): XdpLink {
  const fd = objGet(path);
  try {
    if (objectKind(fd) !== "link") throw new KernelUsageError(`${path} is not a pinned link`);
    const info = linkInfo(fd);
    if (info.type !== LinkType.XDP) throw new KernelUsageError(`${path} is a link of type ${info.type}, not an XDP link`);
    return new XdpLink(fd, info.ifindex);
  } catch (e) {
    fd.close();
    throw e;
  }
}

/** The XDP links whose device has this ifindex (in any network namespace). */
export function xdpLinksOn(ifindex: number): LinkInfo[] {
  const out: LinkInfo[] = [];
  for (const id of allIds("link")) {
    const fd = fdById("link", id);
    if (!fd) continue;
    try {
      const info = linkInfo(fd);
      if (info.type === LinkType.XDP && info.ifindex === ifindex) out.push(info);
    } finally {
      fd.close();
    }
  }
  return out;
}

export interface DetachResult {
  readonly linkIds: readonly number[];
  readonly unpinned?: string;
}

/**
 * Detaches the XDP link of a device: the one pinned at `pinPath` when that exists, else the
 * only XDP link on that ifindex. Removes the pin. Refuses when several links match (the same
 * ifindex in different network namespaces) rather than guess.
 */
export function detachXdp(ifname: string, pinPath?: string): DetachResult {
  const ifindex = interfaceIndex(ifname);
  if (pinPath && existsSync(pinPath)) {
    const link = openPinnedLink(pinPath);
    try {
      if (link.ifindex !== ifindex && link.ifindex !== 0) throw new KernelUsageError(`the link pinned at ${pinPath} is on ifindex ${link.ifindex}, not on ${ifname} (ifindex ${ifindex})`);
      const id = link.info().id;
      if (link.ifindex !== 0) link.detach();
      rmSync(pinPath);
      return { linkIds: [id], unpinned: pinPath };
    } finally {
      link.close();
    }
  }
  const links = xdpLinksOn(ifindex);
  if (links.length === 0) {
    throw new KernelUsageError(`no XDP link on ${ifname}; a program attached with 'ip link set dev ${ifname} xdp ...' is removed with 'ip link set dev ${ifname} xdp off'`);
  }
  if (links.length > 1) throw new KernelUsageError(`${links.length} XDP links (ids ${links.map((l) => l.id).join(", ")}) are on ifindex ${ifindex} in different network namespaces; give --pin PATH of the one to detach`);
  const fd = fdById("link", links[0]!.id);
  if (fd) {
    try {
      bpf(BpfCmd.LINK_DETACH, new Attr(LinkDetach, { link_fd: fd.fd }).bytes);
    } finally {
      fd.close();
    }
  }
  return { linkIds: [links[0]!.id] };
}
