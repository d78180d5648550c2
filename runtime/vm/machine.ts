// The state of program runs, shared by the interpreter and the helpers: the address space,
// the regions already given to maps, map values and functions (one per object, so the same
// value always has the same address within a run), captured output, helper state (the XDP
// packet), and the run's configuration (CPU, clocks, random numbers). A machine serves many
// runs: beginRun() drops what one run mapped and keeps what was set up before seal() (the
// stacks, the packet buffer and ctx), so a run allocates almost nothing.

import { AddressSpace, type Region } from "./memory.js";
import { RawFault } from "./errors.js";
import type { BpfMap } from "./maps/types.js";
import type { ExecProgram } from "./program.js";

export interface VmConfig {
  /** CPU the program runs on: bpf_get_smp_processor_id and the per-CPU map slot. */
  readonly cpu: number;
  /** Instructions one run may execute before it is stopped. */
  readonly budget: number;
  /** bpf_ktime_get_ns. */
  readonly clock: () => bigint;
  /** bpf_ktime_get_boot_ns. */
  readonly bootClock: () => bigint;
  /** bpf_get_prandom_u32: a u32. */
  readonly random: () => number;
}

/** A function address inside a linked program, as held by a func region. */
export interface FunctionRef {
  readonly program: ExecProgram;
  readonly slot: number;
}

/** Runs a function of the current program with arguments; used by bpf_loop and friends. */
export type Invoke = (fn: FunctionRef, args: readonly bigint[]) => bigint;

/** Frames of bpf-to-bpf calls (and callbacks) one run may use, each with its own stack. */
export const MAX_FRAMES = 8;
export const STACK_SIZE = 512;

export class Machine {
  readonly mem = new AddressSpace();
  trace: string[] = [];
  tailCalls = 0;
  /** Call depth of the frame running now (callbacks start above their caller's frame). */
  depth = 0;
  /** Instructions left in this run's budget (callbacks share it). */
  budgetLeft: number;
  /** Set by the interpreter while it runs, so helpers can call back into program code. */
  invoke: Invoke | undefined;
  /** Helper-specific state (XDP packet, redirect target, ringbuf reservations), keyed by owner. */
  readonly extensions = new Map<string, unknown>();
  private readonly mapRegions = new Map<BpfMap, bigint>();
  private readonly valueRegions = new Map<Uint8Array, bigint>();
  private readonly funcRegions = new Map<ExecProgram, Map<number, bigint>>();
  private readonly stacks: { top: bigint; index: number; region: Region }[] = [];
  /** Register files (lo and hi halves of r0..r10) by the call depth an invocation starts at, reused across runs. */
  readonly registerFiles: readonly { readonly L: Int32Array; readonly H: Int32Array }[] = Array.from({ length: MAX_FRAMES }, () => ({ L: new Int32Array(11), H: new Int32Array(11) }));
  private sealed = 0;

  constructor(public config: VmConfig) {
    this.budgetLeft = config.budget;
    for (let depth = 0; depth < MAX_FRAMES; depth++) {
      const bytes = new Uint8Array(STACK_SIZE);
      const base = this.mem.add({ kind: "stack", label: `stack of frame ${depth}`, bytes, lo: 0, hi: STACK_SIZE, writable: true });
      this.stacks.push({ top: base + BigInt(STACK_SIZE), index: this.mem.size - 1, region: this.mem.region(base)! });
    }
    this.seal();
  }

  /** Keeps every region mapped so far across runs. */
  seal(): void {
    this.sealed = this.mem.size;
  }

  /** Starts a run: a fresh budget, output and helper state (but the extension `keep`); regions of earlier runs unmapped. */
  beginRun(config: VmConfig, keep?: string): void {
    this.config = config;
    this.budgetLeft = config.budget;
    this.tailCalls = 0;
    this.depth = 0;
    // Only what the last run used is reset: a run that mapped nothing costs nothing here.
    if (this.trace.length > 0) this.trace = [];
    if (this.extensions.size > (keep !== undefined && this.extensions.has(keep) ? 1 : 0)) {
      const kept = keep !== undefined ? this.extensions.get(keep) : undefined;
      this.extensions.clear();
      if (kept !== undefined) this.extensions.set(keep!, kept);
    }
    if (this.mem.size > this.sealed) {
      this.mem.truncate(this.sealed);
      this.mapRegions.clear();
      this.valueRegions.clear();
      this.funcRegions.clear();
    }
  }

  /** The address standing for a map (what an lddw of a map fd yields). */
  mapAddress(map: BpfMap): bigint {
    let a = this.mapRegions.get(map);
    if (a === undefined) {
      a = this.mem.add({ kind: "map", label: `map ${map.def.name}`, bytes: new Uint8Array(0), lo: 0, hi: 0, writable: false, payload: map });
      this.mapRegions.set(map, a);
    }
    return a;
  }

  /** The map a pointer argument stands for, or a fault naming the argument. */
  mapAt(addr: bigint, what: string): BpfMap {
    const r = this.mem.region(addr);
    if (r?.kind !== "map") throw new RawFault("helper", `${what} is not a map pointer`);
    return r.payload as BpfMap;
  }

  /** The address of a live map value (the same bytes always get the same address in a run). */
  valueAddress(map: BpfMap, value: Uint8Array, writable: boolean): bigint {
    let a = this.valueRegions.get(value);
    if (a === undefined) {
      a = this.mem.add({ kind: "map_value", label: `value of map ${map.def.name}`, bytes: value, lo: 0, hi: value.length, writable });
      this.valueRegions.set(value, a);
    }
    return a;
  }

  /** The address of a function (what an lddw of a function, pseudo src 4, yields). */
  funcAddress(program: ExecProgram, slot: number): bigint {
    let byProgram = this.funcRegions.get(program);
    if (!byProgram) this.funcRegions.set(program, (byProgram = new Map()));
    let a = byProgram.get(slot);
    if (a === undefined) {
      const ref: FunctionRef = { program, slot };
      a = this.mem.add({ kind: "func", label: `function at instruction ${slot} of ${program.name}`, bytes: new Uint8Array(0), lo: 0, hi: 0, writable: false, payload: ref });
      byProgram.set(slot, a);
    }
    return a;
  }

  /** The function a callback argument stands for. */
  functionAt(addr: bigint, what: string): FunctionRef {
    const r = this.mem.region(addr);
    if (r?.kind !== "func") throw new RawFault("helper", `${what} is not a function pointer`);
    return r.payload as FunctionRef;
  }

  /** The frame pointer (top of the zeroed 512-byte stack) for call depth `depth` < MAX_FRAMES. */
  stackTop(depth: number): bigint {
    // The region's bytes, not the array it was made with: the compiled tier moves them into its memory.
    const s = this.stacks[depth]!;
    s.region.bytes.fill(0);
    return s.top;
  }

  /** stackTop as the interpreter holds it: zeroes the stack and returns its region index. */
  stackRegion(depth: number): number {
    const s = this.stacks[depth]!;
    s.region.bytes.fill(0);
    return s.index;
  }

  /** Maps a scratch buffer (e.g. a ringbuf reservation) and returns its address. */
  scratch(kind: Region["kind"], label: string, bytes: Uint8Array, writable = true): bigint {
    return this.mem.add({ kind, label, bytes, lo: 0, hi: bytes.length, writable });
  }
}
