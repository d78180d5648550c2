// Batches of XDP runs: many frames through one program on the object's machine, which is
// built once (frame buffer, ctx, stacks, register files, decoded program) and reset per
// frame only where the previous frame left state. Maps carry over from frame to frame as
// in the kernel; each frame gets a fresh instruction budget and a buffer laid out as
// BPF_PROG_TEST_RUN lays it out. One configuration serves the whole batch, so
// bpf_get_prandom_u32 continues its sequence across frames (as the kernel's does).

import { VmUsageError } from "./errors.js";
import { FIB_KEY } from "./helpers/fib-lookup.js";
import type { VmObject } from "./loader.js";
import { XdpInputError, runLoaded, vmConfig, xdpActionName, xdpProgram, xdpSession, type RunOptions } from "./xdp.js";
import { DEFAULT_TIER, type Tier } from "./wasm/tier.js";
import { ETH_HLEN, XDP_KEY, XDP_MAX_FRAME, loadFrame } from "./xdp-state.js";

export interface XdpBatchResult {
  /** r0 of each frame as test_run's retval (u32); 0 for a refused frame. */
  readonly retvals: Uint32Array;
  /** Frames test_run would refuse (shorter than an Ethernet header: EINVAL; too long: ENOMEM), by index. */
  readonly refused: readonly { readonly index: number; readonly errno: XdpInputError["errno"] }[];
  /** Frames by action name ("XDP_PASS", ...), refused frames not counted. */
  readonly actions: ReadonlyMap<string, number>;
  /** trace_printk output of every frame, in order. */
  readonly trace: readonly string[];
  /** Instructions executed over the batch. */
  readonly instructions: number;
  /** The tier that ran the frames ("interp" when no frame ran). */
  readonly tier: Tier;
}

/** Runs `program` of `obj` on every frame, in order; a fault stops the batch (a VmFault naming the frame's index). */
export function runXdpBatch(obj: VmObject, program: string, frames: readonly Uint8Array[], options: Omit<RunOptions, "repeat"> = {}): XdpBatchResult {
  const prog = xdpProgram(obj, program);
  const config = vmConfig(options);
  if (config.cpu >= obj.cpus) throw new VmUsageError(`cpu ${config.cpu} is not one of the object's ${obj.cpus} possible CPUs`);
  const { m, state } = xdpSession(obj, config);
  const retvals = new Uint32Array(frames.length);
  const refused: { index: number; errno: XdpInputError["errno"] }[] = [];
  // Frames by retval: the five actions in an array, anything else in a map.
  const known = new Float64Array(5);
  const other = new Map<number, number>();
  const trace: string[] = [];
  const input = { frame: new Uint8Array(0) as Uint8Array, ingressIfindex: options.ingressIfindex ?? 0, rxQueueIndex: options.rxQueueIndex ?? 0 };
  let instructions = 0;
  const compiled = (options.tier ?? DEFAULT_TIER) === "wasm";
  const ran: { tier: Tier } = { tier: "interp" };
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    if (frame.length < ETH_HLEN || frame.length > XDP_MAX_FRAME) {
      refused.push({ index: i, errno: frame.length < ETH_HLEN ? "EINVAL" : "ENOMEM" });
      continue;
    }
    m.beginRun(config, XDP_KEY);
    if (options.fib) m.extensions.set(FIB_KEY, options.fib);
    input.frame = frame;
    loadFrame(m, state, input);
    let retval: number;
    try {
      retval = runLoaded(m, state, prog, compiled, ran);
    } catch (e) {
      if (e instanceof Error) e.message = `frame ${i}: ${e.message}`;
      throw e;
    }
    instructions += config.budget - m.budgetLeft;
    if (m.trace.length > 0) trace.push(...m.trace);
    retvals[i] = retval;
    if (retval < 5) known[retval]!++;
    else other.set(retval, (other.get(retval) ?? 0) + 1);
  }
  const actions = new Map<string, number>();
  known.forEach((n, a) => n > 0 && actions.set(xdpActionName(a), n));
  for (const [v, n] of other) actions.set(xdpActionName(v), n);
  return { retvals, refused, actions, trace, instructions, tier: ran.tier };
}
