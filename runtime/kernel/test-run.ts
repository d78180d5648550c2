// BPF_PROG_TEST_RUN for XDP: the frame in, the frame out (data_out, which may be shorter or
// longer after bpf_xdp_adjust_head/tail), the xdp_md ctx in and out, repeat and the kernel's
// average duration per run, the return value; optionally on a chosen CPU (the thread is
// pinned there for the call, since XDP test runs take no cpu flag and run where called).
//
// Invariants: the program runs exactly once per call (repeat times in the kernel): the
// output buffer is sized up front (frame + the page's head and tail room) so no ENOSPC
// retry, which would run the program again, is ever needed; errors keep the kernel's errno
// (EINVAL for frames shorter than an Ethernet header, as bpftool reports).

import { Attr } from "./attr.js";
import { TestRun, XdpMd, XDP_MD_SIZE } from "./attr-layouts.js";
import { BpfCmd } from "./constants.js";
import type { Fd } from "./fd.js";
import { bpf, onCpu } from "./syscall.js";

export interface XdpContext {
  readonly ingressIfindex?: number;
  readonly rxQueueIndex?: number;
  /** Bytes of metadata before the frame (data_meta), taken from the start of the frame. */
  readonly dataMeta?: number;
}

export interface TestRunOptions {
  /** Run this many times on the same frame; duration is then the average (default 1). */
  readonly repeat?: number;
  /** Pin the calling thread to this CPU for the run (per-CPU maps see this CPU). */
  readonly cpu?: number;
  readonly ctx?: XdpContext;
  /** Bytes reserved for the output frame (default: frame length + 4096). */
  readonly dataOutSize?: number;
}

export interface TestRunResult {
  /** r0 as a u32, what bpftool prints as "Return value". */
  readonly retval: number;
  /** Nanoseconds per run, as the kernel measured them. */
  readonly duration: number;
  /** The frame after the program (data .. data_end). */
  readonly packet: Uint8Array;
  /** xdp_md after the run, when a ctx was passed in. */
  readonly ctx?: { readonly ingressIfindex: number; readonly rxQueueIndex: number; readonly dataMeta: number };
}

export function testRunXdp(prog: Fd, frame: Uint8Array, options: TestRunOptions = {}): TestRunResult {
  const repeat = options.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new RangeError(`repeat must be a positive integer, not ${repeat}`);
  const out = new Uint8Array(options.dataOutSize ?? frame.length + 4096);
  let ctxIn: Attr<keyof typeof XdpMd.fields> | undefined;
  let ctxOut: Attr<keyof typeof XdpMd.fields> | undefined;
  if (options.ctx) {
    const meta = options.ctx.dataMeta ?? 0;
    // The kernel wants data_meta = 0, data = meta length, data_end = frame length.
    ctxIn = new Attr(XdpMd, { data: meta, data_end: frame.length, ingress_ifindex: options.ctx.ingressIfindex ?? 0, rx_queue_index: options.ctx.rxQueueIndex ?? 0 });
    ctxOut = new Attr(XdpMd);
  }
  const attr = new Attr(TestRun, {
    prog_fd: prog.fd,
    data_in: frame,
    data_size_in: frame.length,
    data_out: out,
    data_size_out: out.length,
    repeat,
    ...(ctxIn && ctxOut ? { ctx_in: ctxIn.bytes, ctx_size_in: XDP_MD_SIZE, ctx_out: ctxOut.bytes, ctx_size_out: XDP_MD_SIZE } : {}),
  });
  const call = (): void => void bpf(BpfCmd.PROG_TEST_RUN, attr.bytes);
  if (options.cpu === undefined) call();
  else onCpu(options.cpu, call);
  const size = attr.u32("data_size_out");
  return {
    retval: attr.u32("retval"),
    duration: attr.u32("duration"),
    packet: out.slice(0, size),
    ...(ctxOut ? { ctx: { ingressIfindex: ctxOut.u32("ingress_ifindex"), rxQueueIndex: ctxOut.u32("rx_queue_index"), dataMeta: ctxOut.u32("data") - ctxOut.u32("data_meta") } } : {}),
  };
}
