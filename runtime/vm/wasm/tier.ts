// The compiled tier's runtime: compiles a program once (WasmModule per ExecProgram),
// gives each Machine one linear memory with its stacks and packet mirrored into it, and
// instantiates each program per machine with imports that do what the interpreter does for
// anything the generated code does not do inline (helpers, map/ctx/scratch accesses, tail
// calls, callx, map and function addresses, faults). runCompiled returns undefined, before
// running anything, when the program must run in the interpreter instead.

import { helperName } from "../../isa/helper-ids.js";
import { RawFault, VmFault, type FaultKind } from "../errors.js";
import { MAX_FRAMES, STACK_SIZE, type FunctionRef, type Invoke, type Machine } from "../machine.js";
import { regionBase, type Region } from "../memory.js";
import { sourceAt, type ExecProgram } from "../program.js";
import { compileProgram, FaultCode } from "./codegen.js";
import { BUDGET, CACHE, CACHE_MAPS, START_ARGS, START_R0, PACKET, PACKET_MAX, SCRATCH_HI, SCRATCH_R0, SCRATCH_TAIL, STACKS, TABLE, TABLE_ENTRIES } from "./layout.js";
import { planProgram, type ProgramPlan } from "./plan.js";
import { Wasm, type WasmMemory, type WasmModule } from "./wasm-api.js";
import type { HelperLookup, TailCallLookup } from "../interpreter.js";

const MAX_TAIL_CALLS = 33;

export type Tier = "wasm" | "interp";
/** The tier runs use when they do not choose one; TSBPF_VM_TIER=wasm|interp overrides it (to run whole suites on either). */
export const DEFAULT_TIER: Tier = process.env.TSBPF_VM_TIER === "wasm" || process.env.TSBPF_VM_TIER === "interp" ? process.env.TSBPF_VM_TIER : "interp";

/** What the tier needs from its caller: the helper table, tail-call lookup, bpf_tail_call's id. */
export interface TierEnv {
  readonly helpers: HelperLookup;
  readonly tailCallTarget: TailCallLookup;
  readonly tailCallHelper: number;
}

interface Exports {
  start(slot: number, depth: number, fresh: number): void;
  dispatch(slot: number, ...rest: (bigint | number)[]): bigint[];
}

interface Session {
  readonly memory: WasmMemory;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i64: BigInt64Array;
  readonly u64: BigUint64Array;
  /** The mirrored packet region and its table index, if the machine has one. */
  readonly packet: { readonly index: number; readonly region: Region } | undefined;
  readonly instances: Map<ExecProgram, Exports>;
  /** m.invoke while a compiled run is on, by environment (made once, not per run). */
  readonly invokers: Map<TierEnv, Invoke>;
}

interface Compiled {
  readonly module: WasmModule;
  readonly plan: ProgramPlan;
}

/** Compiled modules by program (or why a program is not compiled); programs are immutable once loaded. */
const modules = new WeakMap<ExecProgram, Compiled | string>();
/** One linear memory per machine (or why the machine cannot host compiled code). */
const sessions = new WeakMap<Machine, Session | string>();

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** The compiled module of a program, or the reason it runs in the interpreter. */
export function compiledModule(program: ExecProgram, tailCallHelper: number): Compiled | string {
  let mod = modules.get(program);
  if (mod === undefined) {
    const plan = planProgram(program, tailCallHelper);
    mod = typeof plan === "string" ? plan : { module: new Wasm.Module(compileProgram(program, plan, tailCallHelper)), plan };
    modules.set(program, mod);
  }
  return mod;
}

function mirror(u8: Uint8Array, region: Region, at: number, u32: Uint32Array, index: number): void {
  u8.set(region.bytes, at);
  region.bytes = u8.subarray(at, at + region.bytes.length);
  region.view = new DataView(u8.buffer, at, region.bytes.length);
  u32[(TABLE + index * 16) / 4] = at;
  u32[(TABLE + index * 16 + 4) / 4] = region.lo;
  u32[(TABLE + index * 16 + 8) / 4] = region.hi;
}

function session(m: Machine): Session | string {
  let s = sessions.get(m);
  if (s !== undefined) return s;
  const memory = new Wasm.Memory({ initial: 1, maximum: 1 });
  const u8 = new Uint8Array(memory.buffer);
  const u32 = new Uint32Array(memory.buffer);
  for (let i = 0; i < TABLE_ENTRIES; i++) u32[(TABLE + i * 16 + 4) / 4] = 1;
  const regions: Region[] = [];
  for (let d = 0; d < MAX_FRAMES; d++) {
    const r = m.mem.at(d + 1);
    if (r?.kind !== "stack" || r.bytes.length !== STACK_SIZE) {
      s = "the machine's first regions are not its frame stacks";
      sessions.set(m, s);
      return s;
    }
    regions.push(r);
  }
  regions.forEach((r, d) => mirror(u8, r, STACKS + d * STACK_SIZE, u32, d + 1));
  let packet: Session["packet"];
  for (let i = MAX_FRAMES + 1; i < Math.min(m.mem.size, TABLE_ENTRIES); i++) {
    const r = m.mem.at(i);
    if (r?.kind === "packet" && r.bytes.length <= PACKET_MAX) {
      mirror(u8, r, PACKET, u32, i);
      packet = { index: i, region: r };
      break;
    }
  }
  s = { memory, u8, u32, i64: new BigInt64Array(memory.buffer), u64: new BigUint64Array(memory.buffer), packet, instances: new Map(), invokers: new Map() };
  sessions.set(m, s);
  return s;
}

/** Copies the packet's accessible window (moved by adjust_head/tail/meta) into the table. */
function syncPacket(s: Session): void {
  if (!s.packet) return;
  s.u32[(TABLE + s.packet.index * 16 + 4) / 4] = s.packet.region.lo;
  s.u32[(TABLE + s.packet.index * 16 + 8) / 4] = s.packet.region.hi;
}

function site(program: ExecProgram, slot: number): { program: string; slot: number; source?: string } {
  const source = sourceAt(program, slot);
  return { program: program.name, slot, ...(source ? { source } : {}) };
}

/** Runs `f`, turning a RawFault into the VmFault the interpreter would raise at `slot`. */
function located<T>(program: ExecProgram, slot: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RawFault) throw new VmFault(e.kind, site(program, slot), e.message);
    throw e;
  }
}

function fail(program: ExecProgram, slot: number, kind: FaultKind, problem: string): never {
  throw new VmFault(kind, site(program, slot), problem);
}

/** Whether a program's tail calls can only reach compiled programs (its prog arrays' current contents). */
function tailTargetsCompile(program: ExecProgram, env: TierEnv, seen: Set<ExecProgram>): boolean {
  if (seen.has(program)) return true;
  seen.add(program);
  const mod = compiledModule(program, env.tailCallHelper);
  if (typeof mod === "string") return false;
  if (!mod.plan.tailCalls) return true;
  for (const map of program.maps) {
    if (!map.getProgram) continue;
    for (let i = 0; i < map.def.maxEntries; i++) {
      const p = map.getProgram(i) as ExecProgram | undefined;
      if (p && p.code.length > 0 && !tailTargetsCompile(p, env, seen)) return false;
    }
  }
  return true;
}

function instance(m: Machine, s: Session, program: ExecProgram, env: TierEnv): Exports {
  const have = s.instances.get(program);
  if (have) return have;
  const mod = compiledModule(program, env.tailCallHelper);
  if (typeof mod === "string") throw new Error(`compiled tier: ${program.name} cannot be compiled (${mod}); run it with the interpreter tier`);
  const { u32, i64 } = s;
  const imports = {
    memory: s.memory,
    fault(code: number, pc: number): never {
      if (code === FaultCode.budget) return fail(program, pc, "budget", `instruction budget of ${m.config.budget} exhausted (runaway loop?)`);
      if (code === FaultCode.depth) return fail(program, pc, "call", `call depth exceeds ${MAX_FRAMES} frames`);
      const planned = mod.plan.faults.get(pc);
      if (code === FaultCode.planned && planned) return fail(program, pc, planned.kind, planned.problem);
      return fail(program, pc, "instruction", `execution ran past the end of the program (${program.code.length} slots) without exit`);
    },
    // ld and st get the address as its high word (region index << 16 | guard bits) and offset;
    // a region is looked up only when the guard bits are zero, as AddressSpace.resolve does.
    ld(addrHi: number, offset: number, size: number, pc: number): number {
      const off = offset >>> 0;
      const r = (addrHi & 0xffff) === 0 ? m.mem.at(addrHi >>> 16) : undefined;
      if (r && !r.readCtx && r.kind !== "map" && r.kind !== "func" && off >= r.lo && off + size <= r.hi) {
        const v = r.view;
        u32[SCRATCH_HI / 4] = size === 8 ? v.getUint32(off + 4, true) : 0;
        return size === 1 ? v.getUint8(off) : size === 2 ? v.getUint16(off, true) : v.getUint32(off, true);
      }
      // The ctx's fields (xdp_md's data, data_end...) read as 64-bit values; anything else is the interpreter's fault.
      const field = r?.readCtx && r.kind !== "map" && r.kind !== "func" && off >= r.lo && off + size <= r.hi ? r.readCtx(off, size) : undefined;
      const value = field ?? located(program, pc, () => m.mem.load((BigInt(addrHi >>> 0) << 32n) | BigInt(off), size));
      u32[SCRATCH_HI / 4] = Number((value >> 32n) & 0xffffffffn);
      return Number(value & 0xffffffffn);
    },
    wrapFault(base: bigint, off: number, size: number, write: number, pc: number): void {
      const addr = u64(u64(base) + BigInt(off));
      located(program, pc, () => (write ? m.mem.store(addr, size, 0n) : m.mem.load(addr, size)));
      throw new Error(`compiled tier: access at 0x${addr.toString(16)} wrapped but did not fault`);
    },
    st(addrHi: number, offset: number, size: number, lo: number, hi: number, pc: number): void {
      const off = offset >>> 0;
      const r = (addrHi & 0xffff) === 0 ? m.mem.at(addrHi >>> 16) : undefined;
      if (r && r.writable && !r.readCtx && r.kind !== "map" && r.kind !== "func" && off >= r.lo && off + size <= r.hi) {
        const v = r.view;
        if (size === 1) v.setUint8(off, lo & 0xff);
        else if (size === 2) v.setUint16(off, lo & 0xffff, true);
        else {
          v.setUint32(off, lo >>> 0, true);
          if (size === 8) v.setUint32(off + 4, hi >>> 0, true);
        }
        return;
      }
      const value = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      located(program, pc, () => m.mem.store((BigInt(addrHi >>> 0) << 32n) | BigInt(off), size, value));
    },
    helper(id: number, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint, pc: number, depth: number): bigint {
      m.depth = depth;
      const h = env.helpers(id);
      if (!h) return fail(program, pc, "call", `helper ${id} (${helperName(id)}) is not supported by the VM`);
      try {
        return h(m, u64(r1), u64(r2), u64(r3), u64(r4), u64(r5));
      } catch (e) {
        if (e instanceof RawFault) throw new VmFault(e.kind, site(program, pc), e.message);
        throw e;
      } finally {
        syncPacket(s);
      }
    },
    tail(...a: (bigint | number)[]): number {
      const regs = a.slice(0, 11) as bigint[];
      const [loops, depth, pc] = a.slice(11) as number[];
      const map = located(program, pc!, () => m.mapAt(u64(regs[2]!), "bpf_tail_call's prog_array argument (r2)"));
      if (m.tailCalls >= MAX_TAIL_CALLS) return 0;
      const target = env.tailCallTarget(map, u64(regs[3]!) & 0xffffffffn);
      if (!target) return 0;
      if (target.section !== "" && target.code.length === 0) fail(program, pc!, "call", `tail call target ${target.name} is empty`);
      m.tailCalls++;
      // The address cache is by map index: a target with another map table must not share it.
      const foreign = target.maps !== program.maps;
      if (foreign) s.u8.fill(0, CACHE, CACHE + CACHE_MAPS * 16);
      const out = instance(m, s, target, env).dispatch(0, ...regs, loops!, depth!);
      if (foreign) s.u8.fill(0, CACHE, CACHE + CACHE_MAPS * 16);
      for (let r = 0; r < 6; r++) i64[SCRATCH_TAIL / 8 + r] = out[r]!;
      return 1;
    },
    callx(target: bigint, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint, reg: number, pc: number, depth: number): number {
      const t = u64(target);
      const region = m.mem.region(t);
      if (region?.kind === "func") {
        const ref = region.payload as FunctionRef;
        if (ref.program !== program) fail(program, pc, "call", `callx to a function of another program (${ref.program.name})`);
        return ref.slot;
      }
      if (t < regionBase(1)) {
        i64[SCRATCH_R0 / 8] = imports.helper(Number(t), r1, r2, r3, r4, r5, pc, depth);
        return -1;
      }
      return fail(program, pc, "call", `callx through r${reg} = 0x${t.toString(16)}, which is neither a function address nor a helper id`);
    },
    lddw(pseudo: number, lo: number, pc: number): bigint {
      if (pseudo === 4) return m.funcAddress(program, lo);
      const map = program.maps[lo]!;
      if (pseudo === 5) return m.mapAddress(map);
      const value = map.lookup(new Uint8Array(4), m.config.cpu);
      if (!value) return fail(program, pc, "instruction", `map ${map.def.name} has no element 0 for a direct value load`);
      return m.valueAddress(map, value, (map.def.flags & 0x80) === 0);
    },
  };
  const inst = new Wasm.Instance(mod.module, { env: imports });
  const exports = inst.exports as unknown as Exports;
  s.instances.set(program, exports);
  return exports;
}

/**
 * Runs `program` from slot 0 with r1..r5 = args on the compiled tier, exactly as
 * Interpreter.run would; undefined (having run nothing) when the program, a program it can
 * tail-call, or the machine's layout is not handled by the compiled tier.
 */
export function runCompiled(m: Machine, program: ExecProgram, args: readonly bigint[], env: TierEnv): bigint | undefined {
  const s = session(m);
  if (typeof s === "string") return undefined;
  const mod = compiledModule(program, env.tailCallHelper);
  if (typeof mod === "string" || (mod.plan.tailCalls && !tailTargetsCompile(program, env, new Set()))) return undefined;
  const entry = instance(m, s, program, env);
  syncPacket(s);
  // The budget word, written and read as two u32 halves (budgets stay below 2^53).
  s.u32[BUDGET / 4] = m.budgetLeft >>> 0;
  s.u32[BUDGET / 4 + 1] = Math.floor(m.budgetLeft / 2 ** 32);
  const previous = m.invoke;
  const baseDepth = m.depth;
  m.invoke = invoker(m, s, env);
  try {
    if (baseDepth >= MAX_FRAMES) fail(program, 0, "call", `callbacks nested beyond ${MAX_FRAMES} frames`);
    return start(s, entry, args, 0, baseDepth, 1);
  } finally {
    m.budgetLeft = s.u32[BUDGET / 4 + 1]! * 2 ** 32 + s.u32[BUDGET / 4]!;
    m.invoke = previous;
    m.depth = baseDepth;
  }
}

/** Enters a module at `slot` with r1..r5 = args (through memory), returning r0; `fresh` empties the per-run address cache. */
function start(s: Session, e: Exports, args: readonly bigint[], slot: number, depth: number, fresh: 0 | 1): bigint {
  const base = START_ARGS / 8;
  for (let i = 0; i < 5; i++) s.i64[base + i] = i < args.length ? BigInt.asIntN(64, args[i]!) : 0n;
  e.start(slot, depth, fresh);
  return s.u64[START_R0 / 8]!;
}

/** Runs callbacks (bpf_loop, for_each_map_elem) on the compiled tier, above the caller's frame, as the interpreter does. */
function invoker(m: Machine, s: Session, env: TierEnv): Invoke {
  let f = s.invokers.get(env);
  if (!f) {
    f = (fn: FunctionRef, a: readonly bigint[]): bigint => {
      m.depth++;
      try {
        if (m.depth >= MAX_FRAMES) fail(fn.program, fn.slot, "call", `callbacks nested beyond ${MAX_FRAMES} frames`);
        return start(s, instance(m, s, fn.program, env), a, fn.slot, m.depth, 0);
      } finally {
        m.depth--;
      }
    };
    s.invokers.set(env, f);
  }
  return f;
}

/** Why a program would run in the interpreter, or undefined when it compiles. */
export function interpreterReason(program: ExecProgram, env: TierEnv): string | undefined {
  const mod = compiledModule(program, env.tailCallHelper);
  return typeof mod === "string" ? mod : undefined;
}
