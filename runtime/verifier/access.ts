// Memory access rules per pointer type (the kernel's check_mem_access and its helpers), for
// loads, stores and atomics: ctx, packet and packet metadata, map values (and frozen read-only
// maps, whose constant-offset loads give the map's bytes), stack, ring buffer memory.
// Alignment: privileged x86-64 programs only get strict alignment on the stack (and atomics).

import { taskAccess } from "./task.js";
import { BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG, type MapDefinition } from "../object/map-defs.js";
import { MapType } from "../object/map-types.js";
import { xdpCtxAccess } from "./ctx-xdp.js";
import { signExtend, truncateScalar } from "./coerce.js";
import type { Env } from "./env.js";
import { RuleError } from "./messages.js";
import { scalarConst, scalarLoad, S64_MIN, type Scalar } from "./scalar.js";
import { sockAccess } from "./sock.js";
import { clobberRange, readFixed, slotOf, writeFixed } from "./stack.js";
import { iterByteIn } from "./iter.js";
import { formatTnum, tnumAdd, tnumConst, tnumIsAligned } from "./tnum.js";
import { typeName, type Frame, type OffsetPtr, type RegState, type VerifierState } from "./state.js";

export const BPF_MAX_VAR_OFF = 1 << 29;

/**
 * Maps whose values a program may only read: BPF_F_RDONLY_PROG, which devmaps get whatever
 * their flags say (dev_map_alloc_check adds it).
 */
export function progReadOnly(map: MapDefinition): boolean {
  return (map.flags & BPF_F_RDONLY_PROG) !== 0 || map.type === MapType.DEVMAP || map.type === MapType.DEVMAP_HASH;
}
/** Maps whose values a program may only write (BPF_F_WRONLY_PROG): loads are "read from map forbidden". */
export function progWriteOnly(map: MapDefinition): boolean {
  return (map.flags & BPF_F_WRONLY_PROG) !== 0;
}
const isConst = (s: Scalar): boolean => s.tnum.mask === 0n;
const sval = (s: Scalar): number => Number(BigInt.asIntN(64, s.tnum.value));

export type AccessKind = "read" | "write";

export interface Access {
  readonly regno: number;
  readonly off: number;
  readonly size: 1 | 2 | 4 | 8;
  readonly kind: AccessKind;
  /** For writes: the stored value (a register state, or a constant for store-immediate). */
  readonly value?: RegState;
  /** Loads: sign-extending (LDX MEMSX). */
  readonly signed?: boolean;
  /** Atomics need natural alignment everywhere. */
  readonly strictAlign?: boolean;
}

/** __check_mem_access for a fixed offset. */
function memOk(off: number, size: number, memSize: number): boolean {
  return off >= 0 && size <= memSize - off;
}

/** check_mem_region_access: every offset the variable part allows stays inside [0, memSize). */
export function checkRegion(regno: number, reg: OffsetPtr, off: number, size: number, memSize: number, describe: (off: number) => string): void {
  const v = reg.var;
  if (v.smin < 0n && (v.smin === S64_MIN || off + Number(v.smin) !== ((off + Number(v.smin)) | 0) || Number(v.smin) + off < 0)) {
    throw new RuleError(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`, [regno]);
  }
  const lo = Number(v.smin) + off;
  if (!memOk(lo, size, memSize)) throw new RuleError(`${describe(lo)}; R${regno} min value is outside of the allowed memory range`, [regno]);
  if (v.umax >= BigInt(BPF_MAX_VAR_OFF)) throw new RuleError(`R${regno} unbounded memory access, make sure to bounds check any such access`, [regno]);
  const hi = Number(v.umax) + off;
  if (!memOk(hi, size, memSize)) throw new RuleError(`${describe(hi)}; R${regno} max value is outside of the allowed memory range`, [regno]);
}

// Pointer kinds whose accesses the kernel rewrites per instruction (ctx field conversion, socket
// field loads): one load or store instruction may not see two of them, or one of them and
// another pointer (reg_type_mismatch_ok).
const REWRITTEN = new Set(["ctx", "sock", "sock_common", "xdp_sock", "ptr_"]);

/**
 * save_aux_ptr_type: after a successful load or store at `insn` through `base`, the pointer
 * kind it used must be the one every earlier path used there, when either is rewritten.
 */
export function sameInsnPointer(env: Env, insn: number, base: RegState): void {
  const kind = base.type === "map_value" && env.maps[base.map]!.type === MapType.XSKMAP ? "xdp_sock" : base.type;
  const prev = env.accessTypes.get(insn);
  if (prev === undefined) {
    env.accessTypes.set(insn, kind);
    return;
  }
  if (prev !== kind && (REWRITTEN.has(prev) || REWRITTEN.has(kind))) throw new RuleError("same insn cannot be used with different pointers");
}

/** __check_ptr_off_reg for the ctx: no negative, no fixed and no variable offset, in that order. */
export function checkCtxOff(reg: Extract<RegState, { type: "ctx" }>, regno: number): void {
  if (reg.off < 0) throw new RuleError(`negative offset ctx ptr R${regno} off=${reg.off} disallowed`, [regno]);
  if (reg.off !== 0) throw new RuleError(`dereference of modified ctx ptr R${regno} off=${reg.off} disallowed`, [regno]);
  if (!isConst(reg.var) || reg.var.tnum.value !== 0n) throw new RuleError(`variable ctx access var_off=${formatTnum(reg.var.tnum)} disallowed`, [regno]);
}

/**
 * A load or store through a map pointer reads the kernel's struct bpf_map (check_ptr_to_map_access):
 * a negative offset and any write are refused in the kernel's words (for arrays and hash maps,
 * whose struct names we know); a read needs the kernel's BTF, which tsbpf does not model.
 */
function mapPtrAccess(env: Env, reg: Extract<RegState, { type: "map_ptr" }>, a: Access): never {
  const type = env.maps[reg.map]!.type;
  const arrays = [MapType.ARRAY, MapType.PERCPU_ARRAY, MapType.PROG_ARRAY, MapType.PERF_EVENT_ARRAY, MapType.CGROUP_ARRAY, MapType.ARRAY_OF_MAPS];
  const hashes = [MapType.HASH, MapType.PERCPU_HASH, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH, MapType.HASH_OF_MAPS];
  const tname = arrays.includes(type) ? "bpf_array" : hashes.includes(type) ? "bpf_htab" : undefined;
  if (tname !== undefined && a.off < 0) throw new RuleError(`R${a.regno} is ${tname} invalid negative access: off=${a.off}`, [a.regno]);
  if (tname !== undefined && a.kind === "write") throw new RuleError(`only read from ${tname} is supported`, [a.regno]);
  throw new RuleError(`R${a.regno} ${a.kind === "read" ? "reads" : "writes"} of the kernel's struct bpf_map (a map pointer) are not supported by tsbpf's verifier`, [a.regno]);
}

/** check_map_access's special fields: no load, store or helper may touch a value's bpf_spin_lock. */
export function checkSpinLockBytes(map: MapDefinition, reg: OffsetPtr, off: number, size: number): void {
  if (map.spinLock === undefined) return;
  const lo = reg.var.smin + BigInt(off);
  const hi = reg.var.umax + BigInt(off + size);
  if (lo < BigInt(map.spinLock + 4) && BigInt(map.spinLock) < hi) throw new RuleError("bpf_spin_lock cannot be accessed directly by load/store", []);
}

export function checkAlignment(regno: number, reg: OffsetPtr, off: number, size: number, strict: boolean): void {
  if (!strict || size === 1) return;
  const t = tnumAdd(reg.var.tnum, tnumConst(BigInt(reg.off + off)));
  if (!tnumIsAligned(t, BigInt(size))) {
    const what = reg.type === "stack" ? "stack " : reg.type === "ctx" ? "context " : reg.type === "map_value" ? "value " : reg.type === "pkt" || reg.type === "pkt_meta" ? "packet " : "";
    const varText = reg.var.tnum.mask === 0n ? BigInt.asIntN(64, reg.var.tnum.value).toString() : formatTnum(reg.var.tnum);
    throw new RuleError(`misaligned ${what}access off ${varText}+${reg.off}+${off} size ${size}`, [regno]);
  }
}

/** A load's result of unknown bytes. */
const loaded = (size: 1 | 2 | 4 | 8, signed: boolean): RegState => ({ type: "scalar", s: scalarLoad(size, signed), id: 0 });

/** The bytes of a frozen read-only map as a constant (bpf_map_direct_read). */
function directRead(init: Uint8Array, off: number, size: 1 | 2 | 4 | 8, signed: boolean): Scalar {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(init[off + i] ?? 0);
  const s = scalarConst(v);
  return signed ? signExtend(s, size) : s;
}

/**
 * Checks one access through register `regno` of the current frame and applies its effect
 * (stack writes). Returns the loaded register state for reads.
 */
export function checkMemAccess(env: Env, st: VerifierState, a: Access): RegState | undefined {
  const frame = st.frames[st.frames.length - 1]!;
  const reg = frame.regs[a.regno]!;
  const { size, kind, regno } = a;
  switch (reg.type) {
    case "ctx": {
      checkCtxOff(reg, regno);
      const r = xdpCtxAccess(a.off, size, kind === "write", env.section, a.signed === true);
      if (!r) throw new RuleError(`invalid bpf_context access off=${a.off} size=${size}`, [regno]);
      if (kind === "write") return undefined;
      return a.signed === true && r.type === "scalar" ? { ...r, s: scalarLoad(size, true) } : r;
    }
    case "pkt":
    case "pkt_meta": {
      const off = a.off + reg.off;
      if (reg.var.smin < 0n) throw new RuleError(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`, [regno]);
      if (!memOk(off, size, reg.range)) {
        throw new RuleError(`invalid access to packet, off=${off} size=${size}, R${regno}(id=${reg.id},off=${off},r=${reg.range}); R${regno} offset is outside of the packet`, [regno]);
      }
      checkAlignment(regno, reg, a.off, size, a.strictAlign === true);
      return kind === "read" ? loaded(size, a.signed === true) : undefined;
    }
    case "map_value": {
      const map = env.maps[reg.map]!;
      const off = a.off + reg.off;
      if (map.type === MapType.XSKMAP) return xdpSockAccess(reg, a, off);
      if (kind === "write" && progReadOnly(map)) {
        throw new RuleError(`write into map forbidden, value_size=${map.valueSize} off=${off} size=${size}`, [regno]);
      }
      if (kind === "read" && progWriteOnly(map)) {
        throw new RuleError(`read from map forbidden, value_size=${map.valueSize} off=${off} size=${size}`, [regno]);
      }
      checkRegion(regno, reg, off, size, map.valueSize, (o) => `invalid access to map value, value_size=${map.valueSize} off=${o} size=${size}`);
      checkSpinLockBytes(map, reg, off, size);
      checkAlignment(regno, reg, a.off, size, a.strictAlign === true);
      if (kind === "write") return undefined;
      if (isConst(reg.var) && map.frozen && (map.flags & BPF_F_RDONLY_PROG) !== 0 && map.initialValue) {
        return { type: "scalar", s: directRead(map.initialValue, off + sval(reg.var), size, a.signed === true), id: 0 };
      }
      return loaded(size, a.signed === true);
    }
    case "mem": {
      if (kind === "write" && reg.rdonly) throw new RuleError(`R${regno} cannot write into rdonly_mem`, [regno]);
      const off = a.off + reg.off;
      checkRegion(regno, reg, off, size, reg.size, (o) => `invalid access to memory, mem_size=${reg.size} off=${o} size=${size}`);
      checkAlignment(regno, reg, a.off, size, a.strictAlign === true);
      return kind === "read" ? loaded(size, a.signed === true) : undefined;
    }
    case "stack":
      return stackAccess(env, st, reg, a);
    case "sock":
    case "sock_common":
    case "sock_or_null":
    case "sock_common_or_null":
      return sockAccess(reg, regno, a.off, size, kind === "write", a.signed === true);
    case "ptr_":
      if (reg.btf === "task_struct") return taskAccess(env, reg, regno, a.off, size, kind === "write", a.signed === true);
      throw new RuleError(`R${regno} ${kind === "read" ? "reads" : "writes"} of a BTF-typed struct ${reg.btf} are not supported by tsbpf's verifier`, [regno]);
    case "map_ptr":
      return mapPtrAccess(env, reg, a);
    case "not_init":
    case "scalar":
    case "pkt_end":
    case "map_value_or_null":
    case "func":
    case "mem_or_null":
    case "map_ptr_or_null":
    case "ptr_or_null_":
      throw new RuleError(`R${regno} invalid mem access '${typeName(reg.type)}'`, [regno]);
  }
}

/**
 * An xskmap lookup gives a `struct bpf_xdp_sock` (the kernel's PTR_TO_XDP_SOCK), not the map
 * value: read-only, one u32 field (queue_id) at offset 0 (bpf_xdp_sock_is_valid_access).
 */
function xdpSockAccess(reg: OffsetPtr, a: Access, off: number): RegState | undefined {
  if (a.kind === "write") throw new RuleError(`R${a.regno} cannot write into xdp_sock`, [a.regno]);
  if (!isConst(reg.var) || sval(reg.var) !== 0 || off !== 0 || a.size !== 4) throw new RuleError(`R${a.regno} invalid xdp_sock access off=${off} size=${a.size}`, [a.regno]);
  return loaded(4, a.signed === true);
}

/** Records that subprogram of `frame` touched its stack down to `off`. */
export function growStack(env: Env, frame: Frame, off: number): void {
  // grow_stack_state: the depth is kept in whole 8-byte slots.
  const depth = Math.ceil(-off / 8) * 8;
  if (depth > env.stackDepth[frame.subprog]!) env.stackDepth[frame.subprog] = depth;
  // The path's own allocation too: pruning compares slots against it (stacksafe).
  if (depth > frame.allocated) frame.allocated = depth;
}

/**
 * Bounds of a stack access of `size` bytes at `off` past the pointer (check_stack_access_within_bounds);
 * grows the owning subprogram's stack. Returns the byte range and whether the offset is fixed.
 */
export function stackBounds(env: Env, st: VerifierState, regno: number, reg: Extract<RegState, { type: "stack" }>, off: number, size: number, kind: AccessKind): { lo: number; hi: number; fixed: boolean } {
  const owner = st.frames[reg.frame]!;
  const extra = kind === "read" ? " read from" : " write to";
  const fixed = isConst(reg.var);
  let lo: number;
  let hi: number;
  if (fixed) {
    lo = sval(reg.var) + off;
    hi = lo + size;
  } else {
    if (reg.var.smax >= BigInt(BPF_MAX_VAR_OFF) || reg.var.smin <= -BigInt(BPF_MAX_VAR_OFF)) throw new RuleError(`invalid unbounded variable-offset${extra} stack R${regno}`, [regno]);
    lo = Number(reg.var.smin) + off;
    hi = Number(reg.var.smax) + off + size;
  }
  if (lo < -512 || lo >= 0 || hi > 0) {
    if (fixed) throw new RuleError(`invalid${extra} stack R${regno} off=${off} size=${size}`, [regno]);
    throw new RuleError(`invalid variable-offset${extra} stack R${regno} var_off=${formatTnum(reg.var.tnum)} off=${off} size=${size}`, [regno]);
  }
  growStack(env, owner, lo);
  return { lo, hi, fixed };
}

function stackAccess(env: Env, st: VerifierState, reg: Extract<RegState, { type: "stack" }>, a: Access): RegState | undefined {
  const { regno, size, kind } = a;
  const owner = st.frames[reg.frame]!;
  checkAlignment(regno, reg, a.off, size, true);
  const { lo, hi, fixed } = stackBounds(env, st, regno, reg, a.off + reg.off, size, kind);
  if (kind === "write") {
    const value = a.value!;
    if (fixed) {
      if (value.type === "stack" && reg.frame < st.frames.length - 1) throw new RuleError("cannot spill pointers to stack into stack frame of the caller", [regno]);
      if (value.type !== "scalar" && value.type !== "not_init" && (size !== 8 || lo % 8 !== 0)) throw new RuleError("invalid size of register spill", [regno]);
      writeFixed(owner.stack, lo, size, value);
    } else {
      clobberRange(owner.stack, lo, hi, value.type === "scalar" && value.s.tnum.mask === 0n && value.s.tnum.value === 0n);
    }
    return undefined;
  }
  if (!fixed && iterByteIn(owner, lo, hi) !== undefined) throw new RuleError(`invalid variable-offset read from stack R${regno} var_off=${formatTnum(reg.var.tnum)} off=${a.off + reg.off} size=${size}`, [regno]);
  if (!fixed) return (env.target === "vm" && size === 8 && funcTableRead(owner, reg, a.off, lo, hi)) || { type: "scalar", s: scalarLoad(size, a.signed === true), id: 0 };
  // An iterator's slot is not data (iter.ts).
  const iterByte = iterByteIn(owner, lo, hi);
  if (iterByte !== undefined) throw new RuleError(`invalid read from stack off ${lo}+${iterByte - lo} size ${size}`, [regno]);
  const r = readFixed(owner.stack, lo, size);
  if (!r.ok) throw new RuleError(r.message, [regno]);
  if (a.signed && r.reg.type === "scalar" && size < 8) {
    // The kernel sign-extends the whole spilled register (coerce_reg_to_size_sx on the copy),
    // not its low bytes: `*(s8 *)` of a spilled [128, 511] is [-128, 127], not [-128, -1].
    const { slot, byte } = slotOf(lo);
    const spill = owner.stack[slot]!;
    const whole = spill.kind === "spill" && byte === 0 && size <= spill.size && spill.reg.type === "scalar" ? spill.reg.s : r.reg.s;
    return { type: "scalar", s: signExtend(whole, size), id: 0 };
  }
  if (r.reg.type === "scalar" && size < 8) return { ...r.reg, s: truncateScalar(r.reg.s, size) };
  return r.reg;
}

/**
 * A variable-offset 8-byte read of a stack table of function addresses (C's
 * `fn_t table[4] = {...}; table[i](x)`), for the VM target only. The kernel reads any
 * variable-offset slot as an unknown scalar; it has no callx, so the difference never matters
 * there. The VM's callx needs the register to be a known function, so when every 8-aligned
 * position the offset can take holds a spilled function address, the read is a function
 * address with the union of their targets. Anything less (a misaligned offset, one slot that is
 * not a function spill) stays an unknown scalar, as in the kernel.
 */
function funcTableRead(owner: Frame, reg: Extract<RegState, { type: "stack" }>, off: number, lo: number, hi: number): RegState | undefined {
  const start = BigInt(reg.off + off);
  if (!tnumIsAligned(tnumAdd(reg.var.tnum, tnumConst(start)), 8n)) return undefined;
  const targets = new Set<number>();
  for (let at = lo; at + 8 <= hi; at += 8) {
    const r = readFixed(owner.stack, at, 8);
    if (!r.ok || r.reg.type !== "func") return undefined;
    for (const t of r.reg.targets) targets.add(t);
  }
  return targets.size > 0 ? { type: "func", targets: [...targets].sort((x, y) => x - y) } : undefined;
}
