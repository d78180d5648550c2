// Calls and returns: helper calls checked against their prototypes (check_helper_call),
// bpf-to-bpf calls and callx into new frames (check_func_call), bpf_loop callbacks, exits from
// subprograms, callbacks and the program (check_return_code, check_reference_leak).

import { helperId, helperName, helperNames } from "../isa/helper-ids.js";
import { MapType } from "../object/map-types.js";
import { checkAlignment, checkCtxOff, checkRegion, checkSpinLockBytes, progReadOnly, progWriteOnly, stackBounds } from "./access.js";
import { readReg } from "./alu.js";
import { freshId, type Env } from "./env.js";
import { GPL_ONLY, SLEEPABLE_HELPERS, UNMODELLED_ARGS, XDP_HELPERS } from "./helper-set.js";
import { callGlobal } from "./global-subprogs.js";
import { iterByteIn } from "./iter.js";
import { helperProto, helperProtoRetBtfs, mapOnlyFor, unmodelledMap, type ArgKind, type HelperProto } from "./helpers.js";
import { mapAllRegs } from "./jumps.js";
import { RuleError } from "./messages.js";
import { S64_MAX, S64_MIN, scalarUnknown } from "./scalar.js";
import { clobberRange, rawKinds, slotOf } from "./stack.js";
import { copyState, MAX_CALL_FRAMES, mayBeNull, newFrame, NOT_INIT, typeName, ZERO, type OffsetPtr, type RegState, type SockPtr, type BtfSockPtr, type VerifierState } from "./state.js";
import { BPF_F_RDONLY_PROG } from "../object/map-defs.js";

const WRITE_HELPERS = new Set(["map_update_elem", "map_delete_elem", "map_push_elem", "map_pop_elem"]);
const MEM_TYPES = "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_";
const BPF_MAX_VAR_SIZ = 1 << 29;
const isZero = (r: RegState): boolean => r.type === "scalar" && r.s.tnum.mask === 0n && r.s.tnum.value === 0n;

/** What a helper call asks the walk to do besides continuing after it. */
export interface HelperEffect {
  /** bpf_loop: a callback path to explore, entering subprogram `subprog`. */
  readonly callback?: VerifierState;
}

/** check_helper_mem_access: `size` bytes at the pointer in `regno` may be read (or written). */
export function helperMem(env: Env, st: VerifierState, regno: number, size: number, write: boolean, zeroOk = true): void {
  const reg = readReg(st, regno);
  switch (reg.type) {
    case "pkt":
    case "pkt_meta": {
      if (reg.var.smin < 0n) throw new RuleError(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`, [regno]);
      if (reg.off < 0 || size > reg.range - reg.off) {
        throw new RuleError(`invalid access to packet, off=${reg.off} size=${size}, R${regno}(id=${reg.id},off=${reg.off},r=${reg.range}); R${regno} offset is outside of the packet`, [regno]);
      }
      return;
    }
    case "map_value": {
      const map = env.maps[reg.map]!;
      if (map.type === MapType.XSKMAP) throw new RuleError(`R${regno} type=xdp_sock expected=${MEM_TYPES}`, [regno]);
      if (write && progReadOnly(map)) throw new RuleError(`write into map forbidden, value_size=${map.valueSize} off=${reg.off} size=${size}`, [regno]);
      if (!write && progWriteOnly(map)) throw new RuleError(`read from map forbidden, value_size=${map.valueSize} off=${reg.off} size=${size}`, [regno]);
      checkRegion(regno, reg, reg.off, size, map.valueSize, (o) => `invalid access to map value, value_size=${map.valueSize} off=${o} size=${size}`);
      checkSpinLockBytes(map, reg, reg.off, size);
      return;
    }
    case "mem":
    case "mem_or_null":
      checkRegion(regno, reg, reg.off, size, reg.size, (o) => `invalid access to memory, mem_size=${reg.size} off=${o} size=${size}`);
      return;
    case "map_value_or_null": {
      // A maybe-null argument (csum_diff): checked as plain memory of the value's size.
      const valueSize = env.maps[reg.map]!.valueSize;
      checkRegion(regno, reg, reg.off, size, valueSize, (o) => `invalid access to memory, mem_size=${valueSize} off=${o} size=${size}`);
      return;
    }
    case "stack": {
      if (size === 0 && !zeroOk) throw new RuleError("invalid zero-sized read", [regno]);
      const { lo, hi } = stackBounds(env, st, regno, reg, reg.off, size, write ? "write" : "read");
      // Helpers may not touch an iterator's slot (iter.ts).
      const iterByte = iterByteIn(st.frames[reg.frame]!, lo, hi);
      if (iterByte !== undefined) throw new RuleError(`invalid read from stack R${regno} off ${lo}+${iterByte - lo} size ${size}`, [regno]);
      if (write) clobberRange(st.frames[reg.frame]!.stack, lo, hi);
      return;
    }
    default:
      throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=fp`, [regno]);
  }
}

const MEM_ARG_TYPES = new Set(["stack", "pkt", "pkt_meta", "map_value", "mem"]);

function expectMemPointer(st: VerifierState, regno: number, orNull = false): void {
  const reg = readReg(st, regno);
  if (!MEM_ARG_TYPES.has(reg.type) && !(orNull && mayBeNull(reg))) throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=${MEM_TYPES}`, [regno]);
}

/** check_reg_const_str: a zero-terminated string at a constant offset of a frozen read-only map. */
function constStr(env: Env, reg: RegState, regno: number): void {
  if (reg.type !== "map_value") throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=map_value`, [regno]);
  const map = env.maps[reg.map]!;
  if (!(map.frozen === true && (map.flags & BPF_F_RDONLY_PROG) !== 0)) throw new RuleError(`R${regno} does not point to a readonly map'`, [regno]);
  if (reg.var.tnum.mask !== 0n) throw new RuleError(`R${regno} is not a constant address'`, [regno]);
  const off = reg.off + Number(BigInt.asIntN(64, reg.var.tnum.value));
  checkRegion(regno, reg, reg.off, map.valueSize - reg.off, map.valueSize, (o) => `invalid access to map value, value_size=${map.valueSize} off=${o} size=${map.valueSize - reg.off}`);
  const bytes = map.initialValue ?? new Uint8Array(map.valueSize);
  let terminated = false;
  for (let i = off; i < map.valueSize; i++) {
    if ((bytes[i] ?? 0) === 0) {
      terminated = true;
      break;
    }
  }
  if (!terminated) throw new RuleError("string is not zero-terminated", [regno]);
}

/** process_spin_lock: the lock of a map value at its constant offset; one lock held at a time. */
function spinLock(env: Env, st: VerifierState, reg: RegState, regno: number, lock: boolean): void {
  if (reg.type !== "map_value") throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=map_value, ptr_`, [regno]);
  if (reg.var.tnum.mask !== 0n) throw new RuleError(`R${regno} doesn't have constant offset. bpf_spin_lock has to be at the constant offset`, [regno]);
  const map = env.maps[reg.map]!;
  if (map.spinLock === undefined) {
    throw new RuleError(map.valueType !== undefined && (map.type === MapType.HASH || map.type === MapType.ARRAY) ? `map '${map.name}' has no valid bpf_spin_lock` : `map '${map.name}' has to have BTF in order to use bpf_spin_lock`, [regno]);
  }
  const off = reg.off + Number(BigInt.asIntN(64, reg.var.tnum.value));
  if (off !== map.spinLock) throw new RuleError(`off ${off} doesn't point to 'struct bpf_spin_lock' that is at ${map.spinLock}`, [regno]);
  if (lock) {
    if (st.lock) throw new RuleError("Locking two bpf_spin_locks are not allowed", [regno]);
    st.lock = { map: reg.map, id: reg.id };
    return;
  }
  if (!st.lock) throw new RuleError("bpf_spin_unlock without taking a lock", [regno]);
  if (st.lock.map !== reg.map || st.lock.id !== reg.id) throw new RuleError("bpf_spin_unlock of different lock", [regno]);
  delete st.lock;
}

const SOCK_COMMON_TYPES = "sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_";

/** ARG_PTR_TO_BTF_ID_SOCK_COMMON: a socket known not to be null. */
function sockArg(reg: RegState, regno: number): asserts reg is SockPtr | BtfSockPtr {
  if (reg.type !== "sock" && reg.type !== "sock_common" && reg.type !== "ptr_") throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=${SOCK_COMMON_TYPES}`, [regno]);
  // Only the BTF sockets of the skc_to_* casts; other kernel objects (kfunc-objects.ts) are not.
  if (reg.type === "ptr_" && !BTF_SOCKS.has(reg.btf)) throw new RuleError(`R${regno} a BTF-typed struct ${reg.btf} pointer passed as a socket is not supported by tsbpf's verifier`, [regno]);
}

const BTF_SOCKS = new Set(helperProtoRetBtfs());

/** get_constant_map_key: a known array index on the stack, for eliding the lookup's null result. */
function constantKey(st: VerifierState, regno: number, keySize: number): bigint | undefined {
  const reg = st.frames[st.frames.length - 1]!.regs[regno]!;
  if (reg.type !== "stack" || reg.var.tnum.mask !== 0n) return undefined;
  const off = reg.off + Number(BigInt.asIntN(64, reg.var.tnum.value));
  if (off >= 0 || off < -512) return undefined;
  const { slot, byte } = slotOf(off);
  const s = st.frames[reg.frame]!.stack[slot]!;
  // Zero bytes (not bytes of a spilled zero) from the key upwards, else a scalar spill whose
  // bytes from the key upwards are exactly the key: the kernel then takes the whole spilled
  // value as the key.
  const kinds = rawKinds(s);
  let zeros = 0;
  for (let i = byte; i < 8 && kinds[i] === "zero"; i++) zeros++;
  if (zeros >= keySize) return 0n;
  if (s.kind !== "spill" || s.reg.type !== "scalar") return undefined;
  let spilled = 0;
  for (let i = byte; i < 8 && kinds[i] === "spill"; i++) spilled++;
  if (spilled !== keySize || s.reg.s.tnum.mask !== 0n) return undefined;
  return s.reg.s.tnum.value;
}

export function checkHelperCall(env: Env, st: VerifierState, id: number, insnIdx: number): HelperEffect {
  // Only bpf_spin_unlock may be called with a lock held (bpf-to-bpf calls may), whatever the helper.
  if (st.lock && id !== helperId("spin_unlock")) throw new RuleError("function calls are not allowed while holding a lock");
  if (id <= 0 || id >= helperNames.length) throw new RuleError(`invalid func ${helperName(id)}#${id}`);
  const name = helperName(id);
  // check_helper_call: the program type's helper set, then gpl_only, then might_sleep.
  if (!XDP_HELPERS.has(name) && !SLEEPABLE_HELPERS.has(name)) throw new RuleError(`program of this type cannot use helper bpf_${name}#${id}`);
  if (GPL_ONLY.has(name) && !env.gplCompatible) throw new RuleError("cannot call GPL-restricted function from non-GPL compatible program");
  if (SLEEPABLE_HELPERS.has(name)) throw new RuleError("helper call might sleep in a non-sleepable prog");
  const proto: HelperProto | undefined = helperProto(id);
  if (!proto) {
    // Linux lets XDP call it, but its rules (BTF objects, dynptrs, timers, callbacks other than
    // bpf_loop's) are not modelled here: refused as ours, never in the kernel's words, once
    // its arguments are known to be initialised (the kernel's first complaint otherwise).
    for (let r = 1; r <= (UNMODELLED_ARGS.get(name) ?? 0); r++) readReg(st, r);
    throw new RuleError(`helper bpf_${name}#${id} is not supported by tsbpf's verifier`);
  }
  const frame = st.frames[st.frames.length - 1]!;
  let mapIndex: number | undefined;
  let allocSize = 0;
  let callback: number | undefined;
  let constKey: bigint | undefined;
  let released: number | undefined;
  let castRef = 0;
  const args = proto.args;
  for (let i = 0; i < args.length; i++) {
    const regno = i + 1;
    const kind: ArgKind = args[i]!;
    const reg = readReg(st, regno);
    // check_func_arg, before any type check: only helpers marked pkt_access may be given a
    // packet pointer in any typed argument (may_access_direct_pkt_data).
    if (kind !== "anything" && (reg.type === "pkt" || reg.type === "pkt_meta") && proto.pktAccess !== true) {
      throw new RuleError("helper access to the packet is not allowed", [regno]);
    }
    switch (kind) {
      case "anything":
        break;
      case "map_ptr": {
        if (reg.type !== "map_ptr") throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=map_ptr`, [regno]);
        mapIndex = reg.map;
        const map = env.maps[reg.map]!;
        // Helpers that write the map: a map programs may only read refuses them first.
        if (WRITE_HELPERS.has(proto.name) && progReadOnly(map)) throw new RuleError("write into map forbidden", [regno]);
        const unmodelled = unmodelledMap(map.type);
        if (unmodelled && proto.name !== "map_delete_elem") {
          throw new RuleError(`bpf_${proto.name} on a ${unmodelled} is not supported by tsbpf's verifier`, [regno]);
        }
        if ((map.type === MapType.ARRAY_OF_MAPS || map.type === MapType.HASH_OF_MAPS) && !env.innerMap.has(reg.map)) {
          throw new RuleError(`bpf_${proto.name} on a map of maps without a BTF inner map definition is not supported by tsbpf's verifier`, [regno]);
        }
        const onlyFor = mapOnlyFor(map.type);
        if (proto.name === "tail_call" && map.type !== MapType.PROG_ARRAY) throw new RuleError("expected prog array map for tail call", [regno]);
        if ((proto.mapTypes && !proto.mapTypes.includes(map.type)) || (onlyFor && !onlyFor.includes(proto.name))) {
          throw new RuleError(`cannot pass map_type ${map.type} into func bpf_${proto.name}#${id}`, [regno]);
        }
        break;
      }
      case "map_key":
      case "map_value":
      case "map_value_uninit": {
        if (mapIndex === undefined) throw new RuleError("invalid map_ptr to access map->key", [regno]);
        const map = env.maps[mapIndex]!;
        // A socket map's value argument is a socket (resolve_map_arg_type: ARG_PTR_TO_BTF_ID_SOCK_COMMON).
        if (kind === "map_value" && (map.type === MapType.SOCKMAP || map.type === MapType.SOCKHASH)) {
          sockArg(reg, regno);
          break;
        }
        expectMemPointer(st, regno);
        const size = kind === "map_key" ? map.keySize : map.valueSize;
        helperMem(env, st, regno, size, kind === "map_value_uninit", false);
        if (kind === "map_key" && (map.type === MapType.ARRAY || map.type === MapType.PERCPU_ARRAY)) constKey = constantKey(st, regno, map.keySize);
        break;
      }
      case "ctx":
        if (reg.type !== "ctx") throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=ctx`, [regno]);
        checkCtxOff(reg, regno);
        break;
      case "mem_ro":
      case "mem_ro_or_null":
      case "mem_rw":
      case "mem_uninit": {
        const sizeReg = readReg(st, regno + 1);
        const orNull = kind === "mem_ro_or_null" && isZero(reg);
        if (!orNull) expectMemPointer(st, regno, kind === "mem_ro_or_null");
        const zeroOk = args[i + 1] === "size_or_zero";
        if (sizeReg.type !== "scalar") throw new RuleError(`R${regno + 1} type=${typeName(sizeReg.type)} expected=scalar`, [regno + 1]);
        const s = sizeReg.s;
        if (s.smin < 0n) throw new RuleError(`R${regno + 1} min value is negative, either use unsigned or 'var &= const'`, [regno + 1]);
        if (s.umin === 0n && !zeroOk) throw new RuleError(`R${regno + 1} invalid zero-sized read: u64=[${s.umin},${s.umax}]`, [regno + 1]);
        if (s.umax >= BigInt(BPF_MAX_VAR_SIZ)) throw new RuleError(`R${regno + 1} unbounded memory access, use 'var &= const' or 'if (var < const)'`, [regno + 1]);
        if (orNull) {
          if (s.umax !== 0n) throw new RuleError(`R${regno} type=scalar expected=${MEM_TYPES}`, [regno]);
        } else {
          // Even a size of 0 needs a pointer inside its object (check_helper_mem_access).
          helperMem(env, st, regno, Number(s.umax), kind === "mem_rw" || kind === "mem_uninit");
        }
        i++; // the size argument is checked with its memory
        break;
      }
      case "size":
      case "size_or_zero":
        throw new RuleError(`R${regno} size argument without a memory argument`);
      case "alloc_size":
        if (reg.type !== "scalar" || reg.s.tnum.mask !== 0n) throw new RuleError(`R${regno} is not a known constant'`, [regno]);
        allocSize = Number(reg.s.tnum.value);
        break;
      case "ringbuf_release": {
        if (reg.type !== "mem") throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=ringbuf_mem`, [regno]);
        if (reg.off !== 0 || reg.var.tnum.mask !== 0n || reg.var.tnum.value !== 0n) throw new RuleError(`R${regno} must have zero offset when passed to release func or trusted arg to kfunc`, [regno]);
        if (!st.refs.some((r) => r.id === reg.ref)) throw new RuleError(`R${regno} must be referenced when passed to release function`, [regno]);
        released = reg.ref;
        break;
      }
      case "func":
        if (reg.type !== "func") throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=func`, [regno]);
        if (reg.targets.length !== 1) throw new RuleError(`R${regno} callback with several possible targets is not supported`, [regno]);
        callback = reg.targets[0]!;
        break;
      case "stack_or_null":
        if (reg.type !== "stack" && !isZero(reg)) throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=fp`, [regno]);
        break;
      case "long_out":
      case "int_inout": {
        // ARG_PTR_TO_FIXED_SIZE_MEM | MEM_WRITE | MEM_ALIGNED: the whole object is written, and
        // the pointer must be aligned to its size (strict, whatever the architecture).
        const size = kind === "long_out" ? 8 : 4;
        expectMemPointer(st, regno);
        helperMem(env, st, regno, size, true, false);
        checkAlignment(regno, reg as OffsetPtr, 0, size, true);
        break;
      }
      case "const_str":
        constStr(env, reg, regno);
        break;
      case "spin_lock":
        spinLock(env, st, reg, regno, proto.name === "spin_lock");
        break;
      case "sock":
        sockArg(reg, regno);
        if (reg.ref !== 0) castRef = reg.ref;
        break;
      case "fixed_ro":
      case "fixed_ro2":
        expectMemPointer(st, regno);
        helperMem(env, st, regno, proto.fixedSizes![kind === "fixed_ro" ? 0 : 1]!, false, false);
        break;
      case "sock_release":
        sockArg(reg, regno);
        if (!("ref" in reg) || !st.refs.some((r) => r.id === reg.ref)) throw new RuleError(`R${regno} must be referenced when passed to release function`, [regno]);
        released = reg.ref;
        break;
    }
  }
  if (proto.name === "tail_call" && st.refs.length > 0) throw new RuleError(`Unreleased reference id=${st.refs[0]!.id} alloc_insn=${st.refs[0]!.insn}; tail_call would lead to reference leak`);
  if (proto.name === "tail_call" && st.rcuLock) throw new RuleError("tail_call cannot be used inside bpf_rcu_read_lock-ed region");
  // bpf_loop: the kernel marks the count (r1) precise to tell when iteration ends; for a
  // pointer that fails inside the kernel, and the program is refused with its internal error.
  if (proto.callback === true && frame.regs[1]!.type !== "scalar") throw new RuleError("verifier bug: backtracking misuse", [1]);

  // The callback path starts from the state before the call (bpf_loop: r1 = index, r2 = ctx).
  let callbackState: VerifierState | undefined;
  if (callback !== undefined) {
    if (st.frames.length >= MAX_CALL_FRAMES) throw new RuleError(`the call stack of ${st.frames.length + 1} frames is too deep`);
    callbackState = copyState(st);
    const callee = newFrame(callback, insnIdx, true, st.frames.length);
    // The kernel gives the index no bounds (set_loop_callback_state); neither do we.
    callee.regs[1] = { type: "scalar", s: scalarUnknown(), id: 0 };
    callee.regs[2] = frame.regs[3]!;
    callbackState.frames.push(callee);
  }

  if (released !== undefined) {
    const ref = released;
    st.refs = st.refs.filter((r) => r.id !== ref);
    // release_reference: every copy of the released object becomes an unknown scalar (root).
    mapAllRegs(st, (r) => ("ref" in r && r.ref === ref ? { type: "scalar", s: scalarUnknown(), id: 0 } : r));
  }
  if (proto.changesPkt) {
    mapAllRegs(st, (r) => (r.type === "pkt" || r.type === "pkt_meta" || r.type === "pkt_end" ? { type: "scalar", s: scalarUnknown(), id: 0 } : r));
  }
  let r0: RegState;
  switch (proto.ret) {
    case "integer":
      r0 = { type: "scalar", s: scalarUnknown(), id: 0 };
      break;
    case "void":
      r0 = NOT_INIT;
      break;
    case "map_value_or_null": {
      const map = env.maps[mapIndex!]!;
      // A socket map gives a referenced socket (is_acquire_function), a map of maps its inner map.
      if (map.type === MapType.SOCKMAP || map.type === MapType.SOCKHASH) {
        r0 = acquireSock(env, st, "sock_or_null", insnIdx);
        break;
      }
      const inner = env.innerMap.get(mapIndex!);
      if (inner !== undefined) {
        r0 = { type: "map_ptr_or_null", map: inner, id: freshId(env) };
        break;
      }
      const elide = constKey !== undefined && constKey < BigInt(map.maxEntries);
      // A value with a spin lock keeps an id naming the element, even when known non-null.
      const lock = map.spinLock !== undefined;
      r0 = { type: elide ? "map_value" : "map_value_or_null", map: mapIndex!, off: 0, var: ZERO, id: elide && !lock ? 0 : freshId(env), ...(lock ? { lock: true as const } : {}) };
      break;
    }
    case "sock_or_null":
    case "sock_common_or_null":
      r0 = acquireSock(env, st, proto.ret, insnIdx);
      break;
    case "ptr_or_null_":
      r0 = { type: "ptr_or_null_", btf: proto.retBtf!, id: freshId(env), ref: castRef };
      break;
    case "trusted_task":
      r0 = { type: "ptr_", btf: "task_struct", id: 0, ref: 0 };
      break;
    case "ringbuf_mem_or_null": {
      const ref = freshId(env);
      st.refs = [...st.refs, { id: ref, insn: insnIdx }];
      r0 = { type: "mem_or_null", size: allocSize, off: 0, var: ZERO, id: ref, ref };
      break;
    }
  }
  for (let r = 1; r <= 5; r++) frame.regs[r] = NOT_INIT;
  frame.regs[0] = r0;
  return callbackState ? { callback: callbackState } : {};
}

/** A socket helper result: maybe null, holding a fresh reference (id = ref_obj_id). */
function acquireSock(env: Env, st: VerifierState, type: "sock_or_null" | "sock_common_or_null", insnIdx: number): SockPtr {
  const ref = freshId(env);
  st.refs = [...st.refs, { id: ref, insn: insnIdx }];
  return { type, id: ref, ref };
}

/** Enters subprogram `subprog` from the call at `insnIdx` (state `st` is modified). */
export function enterSubprog(env: Env, st: VerifierState, subprog: number, insnIdx: number): number {
  // A global subprogram is verified on its own; the call only checks its arguments.
  const global = env.globals?.get(subprog);
  if (global) return callGlobal(env, st, global, insnIdx);
  if (st.frames.length >= MAX_CALL_FRAMES) throw new RuleError(`the call stack of ${st.frames.length + 1} frames is too deep`);
  const caller = st.frames[st.frames.length - 1]!;
  const callee = newFrame(subprog, insnIdx, false, st.frames.length);
  for (let r = 1; r <= 5; r++) callee.regs[r] = caller.regs[r]!;
  for (let r = 0; r <= 5; r++) caller.regs[r] = NOT_INIT;
  st.frames.push(callee);
  return env.cfg.subprogs[subprog]!.start;
}

/**
 * An exit. Returns the slot to continue at, or undefined when the program itself ended.
 */
export function checkExit(st: VerifierState): number | undefined {
  const callee = st.frames[st.frames.length - 1]!;
  const r0 = callee.regs[0]!;
  if (st.frames.length === 1) {
    // check_resource_leak (a held lock, then references) comes before the return value.
    if (st.lock) throw new RuleError("BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region");
    if (st.refs.length > 0) throw new RuleError(`Unreleased reference id=${st.refs[0]!.id} alloc_insn=${st.refs[0]!.insn}; BPF_EXIT instruction in main prog would lead to reference leak`);
    if (st.rcuLock) throw new RuleError("BPF_EXIT instruction in main prog cannot be used inside bpf_rcu_read_lock-ed region");
    if (r0.type === "not_init") throw new RuleError("R0 !read_ok", [0]);
    // A global subprogram verified on its own (check_return_code for a subprogram).
    if (callee.subprog !== 0 && r0.type !== "scalar") throw new RuleError(`At subprogram exit the register R0 is not a scalar value (${typeName(r0.type)})`, [0]);
    // A privileged program may return a pointer (allow_ptr_leaks); XDP has no return range.
    return undefined;
  }
  if (callee.callback) {
    if (r0.type === "not_init") throw new RuleError("R0 !read_ok", [0]);
    // prepare_func_exit refuses a stack pointer before looking at the callback's range.
    if (r0.type === "stack") throw new RuleError("cannot return stack pointer to the caller frame", [0]);
    if (r0.type !== "scalar") throw new RuleError("R0 not a scalar value", [0]);
    if (r0.s.smin < 0n || r0.s.smax > 1n) {
      // verbose_invalid_scalar: only the bounds that say something.
      const parts = [...(r0.s.smin > S64_MIN ? [`smin=${r0.s.smin}`] : []), ...(r0.s.smax < S64_MAX ? [`smax=${r0.s.smax}`] : [])];
      throw new RuleError(`At callback return the register R0 has ${parts.length > 0 ? parts.join(" ") : "unknown scalar value"} should have been in [0, 1]`, [0]);
    }
    st.frames.pop();
    return callee.callsite;
  }
  if (r0.type === "stack") throw new RuleError("cannot return stack pointer to the caller frame", [0]);
  st.frames.pop();
  st.frames[st.frames.length - 1]!.regs[0] = r0;
  return callee.callsite + 1;
}

