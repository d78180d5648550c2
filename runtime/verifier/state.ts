// Register states and the verifier state (frames of registers and stack, acquired references),
// as the Linux verifier's bpf_reg_state / bpf_func_state / bpf_verifier_state, for a privileged
// loader. Register states are immutable values: a state is mutated by replacing array entries,
// so copying a state for a branch copies a few arrays, never register contents.
//
// Invariants: every pointer with an `off`/`var` pair means base + off + (a value of var); `var`
// is a Scalar (the kernel's var_off plus bounds), the constant 0 when the offset is fixed.
// Ids: scalar ids link copies (sync_linked_regs), packet ids link pointers that share a variable
// offset (their verified `range` is shared), or-null ids link copies of one helper result.

import { scalarConst, type Scalar } from "./scalar.js";
import type { StackSlot } from "./stack.js";
import { emptySlot } from "./stack.js";

export const MAX_BPF_STACK = 512;
export const STACK_SLOTS = MAX_BPF_STACK / 8;
export const MAX_CALL_FRAMES = 8;
export const FP = 10;

export const ZERO: Scalar = scalarConst(0n);

export type NotInit = { readonly type: "not_init" };
/**
 * A scalar; `id` links copies (0: none). `delta` (the kernel's BPF_ADD_CONST flag with
 * reg->off) says this copy is the linked value plus a constant: one `+=`/`-=` of a constant
 * after the copy. It is meaningful only with an id and is absent whenever id is 0.
 */
export type ScalarReg = { readonly type: "scalar"; readonly s: Scalar; readonly id: number; readonly delta?: number; readonly d32?: true; readonly precise?: true };
export type CtxPtr = { readonly type: "ctx"; readonly off: number; readonly var: Scalar };
export type PktPtr = { readonly type: "pkt" | "pkt_meta"; readonly off: number; readonly var: Scalar; readonly id: number; readonly range: number };
export type PktEnd = { readonly type: "pkt_end" };
/**
 * A map value. For a value holding a bpf_spin_lock (`lock`), the id names the looked-up element
 * and survives the null check: bpf_spin_unlock must get the same element as bpf_spin_lock.
 */
export type MapValuePtr = { readonly type: "map_value" | "map_value_or_null"; readonly map: number; readonly off: number; readonly var: Scalar; readonly id: number; readonly lock?: true };
export type MapPtr = { readonly type: "map_ptr"; readonly map: number };
/** A map-in-map lookup: the inner map (index `map` in env.maps) or null (CONST_PTR_TO_MAP | PTR_MAYBE_NULL). */
export type MapPtrOrNull = { readonly type: "map_ptr_or_null"; readonly map: number; readonly id: number };
export type StackPtr = { readonly type: "stack"; readonly frame: number; readonly off: number; readonly var: Scalar };
/** A function address; `targets` are subprogram indices (sorted, distinct). */
export type FuncPtr = { readonly type: "func"; readonly targets: readonly number[] };
/**
 * Memory of `size` bytes: ring buffer memory from bpf_ringbuf_reserve (reference `ref` until
 * submitted), a global subprogram's memory argument, or an iterator's element (`rdonly`).
 */
export type MemPtr = { readonly type: "mem" | "mem_or_null"; readonly size: number; readonly off: number; readonly var: Scalar; readonly id: number; readonly ref: number; readonly rdonly?: true };
/**
 * An open-coded iterator's state, only ever held in the stack slot(s) of its `struct
 * bpf_iter_*` (iter.ts): `ref` is its reference until destroyed; `depth` counts the
 * iterations assumed on this path.
 */
export type IterState = { readonly type: "iter"; readonly iter: string; readonly state: "active" | "drained"; readonly depth: number; readonly ref: number };

/**
 * A socket from bpf_sk_lookup_* / skc_lookup_tcp or a sockmap lookup (PTR_TO_SOCKET /
 * PTR_TO_SOCK_COMMON, maybe null): reference `ref` until bpf_sk_release; `id` links the copies
 * a null check resolves. No arithmetic: the offset is always 0.
 */
export type SockPtr = { readonly type: "sock" | "sock_or_null" | "sock_common" | "sock_common_or_null"; readonly id: number; readonly ref: number };

/**
 * A BTF-typed socket from a cast helper (bpf_skc_to_tcp_sock, ...: PTR_TO_BTF_ID, maybe null):
 * `btf` names the struct; it shares the reference `ref` (0: none) of the socket it was cast
 * from. Its fields are read through kernel BTF, which tsbpf does not model.
 */
export type BtfSockPtr = { readonly type: "ptr_" | "ptr_or_null_"; readonly btf: string; readonly id: number; readonly ref: number };

export type RegState = NotInit | ScalarReg | CtxPtr | PktPtr | PktEnd | MapValuePtr | MapPtr | StackPtr | FuncPtr | MemPtr | SockPtr | MapPtrOrNull | BtfSockPtr | IterState;
export type RegType = RegState["type"];
/** Pointers that carry a fixed and a variable offset. */
export type OffsetPtr = CtxPtr | PktPtr | MapValuePtr | StackPtr | MemPtr;

export const NOT_INIT: NotInit = { type: "not_init" };
export const scalarReg = (s: Scalar, id = 0): ScalarReg => ({ type: "scalar", s, id });

export function hasOffset(r: RegState): r is OffsetPtr {
  switch (r.type) {
    case "ctx":
    case "pkt":
    case "pkt_meta":
    case "map_value":
    case "map_value_or_null":
    case "stack":
    case "mem":
    case "mem_or_null":
      return true;
    case "not_init":
    case "scalar":
    case "pkt_end":
    case "map_ptr":
    case "map_ptr_or_null":
    case "ptr_":
    case "ptr_or_null_":
    case "func":
    case "sock":
    case "sock_or_null":
    case "sock_common":
    case "sock_common_or_null":
    case "iter":
      return false;
  }
}

export const isPointer = (r: RegState): boolean => r.type !== "scalar" && r.type !== "not_init";
export const mayBeNull = (r: RegState): boolean => r.type === "map_value_or_null" || r.type === "mem_or_null" || r.type === "sock_or_null" || r.type === "sock_common_or_null" || r.type === "map_ptr_or_null" || r.type === "ptr_or_null_";

/** The kernel's reg_type_str. */
export function typeName(t: RegType): string {
  switch (t) {
    case "not_init":
      return "?";
    case "scalar":
      return "scalar";
    case "ctx":
      return "ctx";
    case "pkt":
      return "pkt";
    case "pkt_meta":
      return "pkt_meta";
    case "pkt_end":
      return "pkt_end";
    case "map_value":
      return "map_value";
    case "map_value_or_null":
      return "map_value_or_null";
    case "map_ptr":
      return "map_ptr";
    case "stack":
      return "fp";
    case "func":
      return "func";
    case "mem":
      return "ringbuf_mem";
    case "mem_or_null":
      return "ringbuf_mem_or_null";
    case "sock":
    case "sock_or_null":
    case "sock_common":
    case "sock_common_or_null":
    case "map_ptr_or_null":
    case "ptr_":
    case "ptr_or_null_":
      return t;
    case "iter":
      return "iter";
  }
}

export interface Frame {
  /** Subprogram index this frame runs. */
  readonly subprog: number;
  /** Slot of the call instruction in the caller (-1 for the main frame). */
  readonly callsite: number;
  /** A callback frame (bpf_loop): its exit re-executes the calling helper instead of returning past it. */
  readonly callback: boolean;
  readonly regs: RegState[];
  /** 64 slots; slot i covers bytes [-8(i+1), -8i) of the frame. */
  readonly stack: StackSlot[];
  /** Callback iterations begun from this frame's current bpf_loop call (the kernel's callback_depth). */
  callbackDepth: number;
  /** Bytes of stack this path has touched in this frame (the kernel's allocated_stack). */
  allocated: number;
}

export interface Reference {
  readonly id: number;
  readonly insn: number;
}

/** A snapshot stored for pruning, with the count of live paths below it (the kernel's `branches`). */
export interface StoredState {
  /** The state at `insn`, with the path segment from its parent checkpoint (history, first/last insn). */
  readonly state: VerifierState;
  readonly insn: number;
  branches: number;
  readonly parent: StoredState | undefined;
  /** Pruning hits and misses, for the kernel's eviction of useless states. */
  hits: number;
  misses: number;
  /** Dead registers and stack slots were cleared once its subtree was explored (clean_verifier_state). */
  cleaned: boolean;
}

/**
 * One instruction of a path's history (the kernel's insn_hist entry): recorded at jump points
 * and at spills/fills, so that precision backtracking can walk the path backwards. A list,
 * newest first, shared between a state and the branches copied from it.
 */
export interface HistEntry {
  readonly idx: number;
  readonly prev: number;
  /** A spill or fill of a register at (frame, slot). */
  stack?: { readonly frame: number; readonly spi: number };
  /** Conditional jump operands that are stack pointers (INSN_F_SRC/DST_REG_STACK). */
  srcStack?: boolean;
  dstStack?: boolean;
  /** Scalars sharing an id with a compared register: a precision mark on one marks all. */
  linked?: readonly LinkedReg[];
  readonly next: HistEntry | undefined;
  readonly len: number;
}
export type LinkedReg = { readonly frame: number; readonly reg: number } | { readonly frame: number; readonly spi: number };

/** The held bpf_spin_lock: the map and the id of the element looked up (active_lock). */
export interface HeldLock {
  readonly map: number;
  readonly id: number;
}

export interface VerifierState {
  frames: Frame[];
  refs: Reference[];
  lock?: HeldLock;
  /** The last stored snapshot on this path. */
  parent: StoredState | undefined;
  /** History since the parent checkpoint (newest first); the first instruction after it. */
  hist: HistEntry | undefined;
  firstInsn: number;
  /** The instruction executed before the current one (set when a checkpoint copies the state). */
  lastInsn: number;
  /** Checkpoints above this path (the kernel's dfs_depth). */
  dfsDepth: number;
  /** Callback bodies entered on this path (the kernel's callback_unroll_depth). */
  cbUnroll: number;
  /** may_goto iterations taken on this path (the kernel's may_goto_depth). */
  mayGotoDepth: number;
  /** Inside a bpf_rcu_read_lock-ed region (kfunc.ts). */
  rcuLock: boolean;
}

export function newFrame(subprog: number, callsite: number, callback: boolean, frameNo: number): Frame {
  const regs: RegState[] = new Array<RegState>(11).fill(NOT_INIT);
  regs[FP] = { type: "stack", frame: frameNo, off: 0, var: ZERO };
  return { subprog, callsite, callback, regs, stack: new Array<StackSlot>(STACK_SLOTS).fill(emptySlot), callbackDepth: 0, allocated: 0 };
}

export function copyFrame(f: Frame): Frame {
  // Every field spelled out, in newFrame's order: an object spread showed in profiles.
  return { subprog: f.subprog, callsite: f.callsite, callback: f.callback, regs: f.regs.slice(), stack: f.stack.slice(), callbackDepth: f.callbackDepth, allocated: f.allocated };
}

export function copyState(s: VerifierState): VerifierState {
  const frames = new Array<Frame>(s.frames.length);
  for (let i = 0; i < frames.length; i++) frames[i] = copyFrame(s.frames[i]!);
  return { frames, refs: s.refs.slice(), parent: s.parent, hist: s.hist, firstInsn: s.firstInsn, lastInsn: s.lastInsn, dfsDepth: s.dfsDepth, cbUnroll: s.cbUnroll, mayGotoDepth: s.mayGotoDepth, rcuLock: s.rcuLock, ...(s.lock ? { lock: s.lock } : {}) };
}

export const curFrame = (s: VerifierState): Frame => s.frames[s.frames.length - 1]!;
