// The XDP test harness: run a program of a loaded object on a frame and get what the
// kernel's BPF_PROG_TEST_RUN gives (return value, frame after) plus what a test wants to
// see (action name, redirect target, trace_printk output). Frames shorter than an Ethernet
// header are refused with the kernel's EINVAL.

import { Interpreter, type HelperLookup, type TailCallLookup } from "./interpreter.js";
import { Machine, type VmConfig } from "./machine.js";
import { helperTable } from "./helpers/registry.js";
import { FIB_KEY, type FibTable } from "./helpers/fib-lookup.js";
import type { ExecProgram } from "./program.js";
import type { VmObject } from "./loader.js";
import type { BpfMap } from "./maps/types.js";
import { VmUsageError } from "./errors.js";
import { DEFAULT_TIER, runCompiled, type Tier, type TierEnv } from "./wasm/tier.js";
import { HELPER_TAIL_CALL } from "./interpreter.js";
import { ETH_HLEN, XDP_MAX_FRAGS, XDP_MAX_FRAME, XDP_MAX_LINEAR, XDP_KEY, createXdpState, frameOut, loadFrame, type RedirectTarget, type XdpState } from "./xdp-state.js";

export const XdpAction = { ABORTED: 0, DROP: 1, PASS: 2, TX: 3, REDIRECT: 4 } as const;
const actionNames = ["XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"];

export function xdpActionName(action: number): string {
  return actionNames[action] ?? `unknown action ${action}`;
}

export class XdpInputError extends Error {
  override readonly name = "XdpInputError";
  constructor(
    readonly errno: "EINVAL" | "E2BIG" | "ENOMEM",
    message: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  /** CPU the program runs on (default 0). */
  readonly cpu?: number;
  /** Instruction budget per run (default 10,000,000). */
  readonly budget?: number;
  /** bpf_ktime_get_ns (default: the host's monotonic clock). */
  readonly clock?: () => bigint;
  /** bpf_ktime_get_boot_ns (default: the same as clock). */
  readonly bootClock?: () => bigint;
  /** Seed of bpf_get_prandom_u32's generator (default 1), or a generator. */
  readonly random?: number | (() => number);
  readonly ingressIfindex?: number;
  readonly rxQueueIndex?: number;
  /** Routing table for bpf_fib_lookup. */
  readonly fib?: FibTable;
  /**
   * Runs the program this many times on the same frame, as BPF_PROG_TEST_RUN's repeat does:
   * the frame is not reset between runs and the result is the last run's (default 1).
   */
  readonly repeat?: number;
  /**
   * "wasm" runs the program compiled to WebAssembly, "interp" in the interpreter (default
   * DEFAULT_TIER). A program the compiled tier does not handle runs in the interpreter whole.
   */
  readonly tier?: Tier;
}

export interface XdpResult {
  /** r0 as BPF_PROG_TEST_RUN's retval (u32). */
  readonly retval: number;
  readonly action: string;
  /** The frame after the program, as the kernel's test run returns it: data_meta .. data_end. */
  readonly packet: Uint8Array;
  readonly redirect: RedirectTarget | undefined;
  readonly trace: readonly string[];
  /** Instructions executed, over all repeats. */
  readonly instructions: number;
  /** The tier that ran the program. */
  readonly tier: Tier;
}

/** xorshift32: a small deterministic generator for bpf_get_prandom_u32. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

const lookupHelper: HelperLookup = (id) => helperTable.get(id);
const tailCallTarget: TailCallLookup = (map, index) => (map as BpfMap).getProgram?.(Number(index)) as ExecProgram | undefined;
const interpreter = new Interpreter(lookupHelper, tailCallTarget);
const tierEnv: TierEnv = { helpers: lookupHelper, tailCallTarget, tailCallHelper: HELPER_TAIL_CALL };

export function vmConfig(options: RunOptions): VmConfig {
  const clock = options.clock ?? (() => process.hrtime.bigint());
  const random = typeof options.random === "function" ? options.random : xorshift(options.random ?? 1);
  return { cpu: options.cpu ?? 0, budget: options.budget ?? 10_000_000, clock, bootClock: options.bootClock ?? clock, random };
}

/** One machine per loaded object, with its frame buffer and ctx mapped once and reused by every run. */
const sessions = new WeakMap<VmObject, { m: Machine; state: XdpState }>();

/** The object's machine, ready for a run with `config`. */
export function xdpSession(obj: VmObject, config: VmConfig): { m: Machine; state: XdpState } {
  let s = sessions.get(obj);
  if (!s) {
    const m = new Machine(config);
    const state = createXdpState(m);
    m.seal();
    s = { m, state };
    sessions.set(obj, s);
  }
  s.m.beginRun(config);
  return s;
}

/** The program named `program`, or a usage error listing the object's programs. */
export function xdpProgram(obj: VmObject, program: string): ExecProgram {
  const prog = obj.programs.get(program);
  if (!prog) throw new VmUsageError(`no program '${program}' in the object (it has ${[...obj.programs.keys()].join(", ") || "none"})`);
  return prog;
}

/**
 * Runs the program once on the frame already loaded in the session, compiled when `compiled`
 * and the compiled tier takes it; returns test_run's retval (r0's low 32 bits) and sets
 * `ran.tier` to the tier that ran.
 */
export function runLoaded(m: Machine, state: XdpState, prog: ExecProgram, compiled = false, ran?: { tier: Tier }): number {
  if (compiled) {
    const out = runCompiled(m, prog, [state.ctxAddress], tierEnv);
    if (out !== undefined) {
      if (ran) ran.tier = "wasm";
      return Number(out & 0xffffffffn);
    }
  }
  return interpreter.run32(m, prog, state.argHalves);
}

/** Runs `program` of `obj` on one frame. Map state persists in `obj` between runs, as in the kernel. */
export function runXdp(obj: VmObject, program: string, frame: Uint8Array, options: RunOptions = {}, config: VmConfig = vmConfig(options)): XdpResult {
  const prog = xdpProgram(obj, program);
  if (frame.length < ETH_HLEN) throw new XdpInputError("EINVAL", `frame of ${frame.length} bytes is shorter than an Ethernet header (${ETH_HLEN}); the kernel's test run refuses it with EINVAL`);
  if (frame.length > XDP_MAX_FRAME) throw new XdpInputError("ENOMEM", `frame of ${frame.length} bytes needs more than ${XDP_MAX_FRAGS} fragments after its ${XDP_MAX_LINEAR} linear bytes; the kernel's test run refuses it with ENOMEM`);
  if (config.cpu >= obj.cpus) throw new VmUsageError(`cpu ${config.cpu} is not one of the object's ${obj.cpus} possible CPUs`);
  const { m, state } = xdpSession(obj, config);
  if (options.fib) m.extensions.set(FIB_KEY, options.fib);
  loadFrame(m, state, { frame, ...(options.ingressIfindex !== undefined ? { ingressIfindex: options.ingressIfindex } : {}), ...(options.rxQueueIndex !== undefined ? { rxQueueIndex: options.rxQueueIndex } : {}) });
  const repeat = options.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new VmUsageError(`repeat must be a positive integer, not ${repeat}`);
  let r0 = 0n;
  let executed = 0;
  let ran: Tier = "interp";
  const compiled = (options.tier ?? DEFAULT_TIER) === "wasm";
  for (let i = 0; i < repeat; i++) {
    if (i > 0) {
      // Later repeats run on the frame as the previous run left it, as in the kernel.
      const trace = m.trace;
      m.beginRun(config, XDP_KEY);
      m.trace = trace;
      if (options.fib) m.extensions.set(FIB_KEY, options.fib);
    }
    const out = compiled ? runCompiled(m, prog, [state.ctxAddress], tierEnv) : undefined;
    if (out !== undefined) ran = "wasm";
    r0 = out ?? interpreter.run(m, prog, state.argHalves);
    executed += config.budget - m.budgetLeft;
  }
  const retval = Number(r0 & 0xffffffffn);
  return {
    retval,
    action: xdpActionName(retval),
    packet: frameOut(state),
    redirect: retval === XdpAction.REDIRECT ? state.redirect : undefined,
    // The machine's trace array is reused by the next run when it stayed empty.
    trace: m.trace.length > 0 ? m.trace : [],
    instructions: executed,
    tier: ran,
  };
}
