// Calls and returns: helper calls checked against their prototypes (check_helper_call),
// bpf-to-bpf calls and callx into new frames (check_func_call), bpf_loop callbacks, exits from
// subprograms, callbacks and the program (check_return_code, check_reference_leak).

import { helperName, helperNames } from "../isa/helper-ids.js";
import { MapType } from "../object/map-types.js";
import { checkRegion, progReadOnly, stackBounds } from "./access.js";
import { readReg } from "./alu.js";
import { freshId, type Env } from "./env.js";
import { callGlobal } from "./global-subprogs.js";
import { iterByteIn } from "./iter.js";
import { helperProto, mapOnlyFor, unmodelledMap, type ArgKind, type HelperProto } from "./helpers.js";
import { mapAllRegs } from "./jumps.js";
import { RuleError } from "./messages.js";
import { S64_MAX, S64_MIN, scalarUnknown } from "./scalar.js";
import { clobberRange, rawKinds, slotOf } from "./stack.js";
import { copyState, MAX_CALL_FRAMES, mayBeNull, newFrame, NOT_INIT, typeName, ZERO, type RegState, type VerifierState } from "./state.js";

const UNMODELLED = new Set(["for_each_map_elem", "spin_lock", "spin_unlock"]);
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
      checkRegion(regno, reg, reg.off, size, map.valueSize, (o) => `invalid access to map value, value_size=${map.valueSize} off=${o} size=${size}`);
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
  const proto: HelperProto | undefined = helperProto(id);
  if (!proto) {
    if (id <= 0 || id >= helperNames.length) throw new RuleError(`invalid func ${helperName(id)}#${id}`);
    // Helpers XDP may call that the VM runs but whose rules (BTF-described spin locks, map
    // iteration callbacks) are not modelled here.
    if (UNMODELLED.has(helperName(id))) throw new RuleError(`helper bpf_${helperName(id)}#${id} is not supported by the bundled verifier`);
    throw new RuleError(`program of this type cannot use helper bpf_${helperName(id)}#${id}`);
  }
  const frame = st.frames[st.frames.length - 1]!;
  let mapIndex: number | undefined;
  let allocSize = 0;
  let callback: number | undefined;
  let constKey: bigint | undefined;
  let released: number | undefined;
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
          throw new RuleError(`bpf_${proto.name} on a ${unmodelled} is not supported by the bundled verifier`, [regno]);
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
        expectMemPointer(st, regno);
        const map = env.maps[mapIndex]!;
        const size = kind === "map_key" ? map.keySize : map.valueSize;
        helperMem(env, st, regno, size, kind === "map_value_uninit", false);
        if (kind === "map_key" && (map.type === MapType.ARRAY || map.type === MapType.PERCPU_ARRAY)) constKey = constantKey(st, regno, map.keySize);
        break;
      }
      case "ctx":
        if (reg.type !== "ctx") throw new RuleError(`R${regno} type=${typeName(reg.type)} expected=ctx`, [regno]);
        if (reg.off !== 0 || reg.var.tnum.mask !== 0n || reg.var.tnum.value !== 0n) throw new RuleError(`dereference of modified ctx ptr R${regno} off=${reg.off} disallowed`, [regno]);
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
    }
  }
  if (proto.name === "tail_call" && st.refs.length > 0) throw new RuleError("tail_call would lead to reference leak");
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
    mapAllRegs(st, (r) => ((r.type === "mem" || r.type === "mem_or_null") && r.ref === ref ? { type: "scalar", s: scalarUnknown(), id: 0 } : r));
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
      const elide = constKey !== undefined && constKey < BigInt(map.maxEntries);
      r0 = { type: elide ? "map_value" : "map_value_or_null", map: mapIndex!, off: 0, var: ZERO, id: elide ? 0 : freshId(env) };
      break;
    }
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
    if (r0.type === "not_init") throw new RuleError("R0 !read_ok", [0]);
    // A global subprogram verified on its own (check_return_code for a subprogram).
    if (callee.subprog !== 0 && r0.type !== "scalar") throw new RuleError(`At subprogram exit the register R0 is not a scalar value (${typeName(r0.type)})`, [0]);
    // A privileged program may return a pointer (allow_ptr_leaks); XDP has no return range.
    if (st.refs.length > 0) throw new RuleError(`Unreleased reference id=${st.refs[0]!.id} alloc_insn=${st.refs[0]!.insn}; BPF_EXIT instruction in main prog would lead to reference leak`);
    if (st.rcuLock) throw new RuleError("BPF_EXIT instruction in main prog cannot be used inside bpf_rcu_read_lock-ed region");
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

