// The eBPF interpreter: runs a linked ExecProgram on a Machine. Implements the whole ISA,
// bpf-to-bpf calls (a 512-byte stack per frame, at most 8 frames), callx (to a function
// address, or to a helper id held in a register as the conformance suite does), tail calls
// (at most 33 per run) and the instruction budget. Every fault is a VmFault naming the
// program, the instruction index and the source line.
//
// Speed: programs are pre-decoded once (decoded.ts) and registers are int32 halves
// (halves.ts), so the common instructions allocate nothing and touch no bigint; loads and
// stores inside a region's window go straight to its DataView. Everything else (faults,
// helpers, map loads, atomics, 64-bit mul/div/mod) takes a bigint slow path through the
// same code as the address space and alu.ts.

import { Pseudo, type AluInsn, type AtomicInsn, type LddwInsn, type MovsxInsn } from "../isa/index.js";
import { alu32, alu64, immToU64, signExtend } from "./alu.js";
import { RawFault, VmFault, type FaultKind } from "./errors.js";
import { MAX_FRAMES as MAX_CALL_FRAMES, STACK_SIZE, type FunctionRef, type Machine } from "./machine.js";
import { regionBase } from "./memory.js";
import { sourceAt, type ExecProgram } from "./program.js";
import type { HelperFn } from "./helpers/registry.js";
import { helperId, helperName } from "../isa/helper-ids.js";
import { Op, WRITE_R10_PROBLEM, decode, type Cond, type Decoded } from "./decoded.js";
import { arsh64, lsh64, rsh64, setBig, swap32, test, toBig } from "./halves.js";
import { jumpTarget } from "../isa/instruction.js";

export const MAX_TAIL_CALLS = 33;
export const HELPER_TAIL_CALL = helperId("tail_call");

/** Looks up a helper by id; the loader has already refused programs calling unknown ones. */
export type HelperLookup = (id: number) => HelperFn | undefined;

/** The program in a prog_array slot, for tail calls. */
export type TailCallLookup = (map: unknown, index: bigint) => ExecProgram | undefined;

interface Frame {
  program: ExecProgram;
  decoded: Decoded;
  returnPc: number;
  /** lo halves of r6..r10, then their hi halves. */
  saved: Int32Array;
  /** The caller's may_goto budget, restored on return. */
  loops: number;
}

/** BPF_MAX_LOOPS: the may_goto budget the kernel's fixup gives each function invocation. */
const BPF_MAX_LOOPS = 1 << 23;

const ARG_REGS = 5;

/** The frame list of an invocation that has made no call yet (replaced on the first call). */
const NO_FRAMES: readonly Frame[] = Object.freeze([]);

export class Interpreter {
  /** Decoded form of each program this interpreter has run. */
  private readonly decodedPrograms = new WeakMap<ExecProgram, Decoded>();
  /** The callback entry (m.invoke) of each machine, made once. */
  private readonly invokers = new WeakMap<Machine, (fn: FunctionRef, args: readonly bigint[]) => bigint>();
  /** The last program decoded or looked up, and its decoded form: runs repeat one program. */
  private lastProgram: ExecProgram | undefined;
  private lastDecoded: Decoded | undefined;
  private lastMachine: Machine | undefined;
  private lastInvoke: ((fn: FunctionRef, args: readonly bigint[]) => bigint) | undefined;

  constructor(
    private readonly helpers: HelperLookup,
    private readonly tailCallTarget: TailCallLookup,
  ) {}

  /** Runs `program` from `slot` with r1..r5 = args (bigints, or halves from splitArgs); returns r0. */
  run(m: Machine, program: ExecProgram, args: readonly bigint[] | Int32Array, slot = 0): bigint {
    const previous = m.invoke;
    m.invoke = this.invoker(m);
    try {
      const depth = m.depth;
      this.execute(m, program, args, slot);
      const { L, H } = m.registerFiles[depth]!;
      return toBig(L[0]!, H[0]!);
    } finally {
      m.invoke = previous;
    }
  }

  /** run() for callers that want only the low 32 bits of r0 (test_run's retval), without a bigint. */
  run32(m: Machine, program: ExecProgram, args: readonly bigint[] | Int32Array): number {
    const previous = m.invoke;
    m.invoke = this.invoker(m);
    try {
      const depth = m.depth;
      this.execute(m, program, args, 0);
      return m.registerFiles[depth]!.L[0]! >>> 0;
    } finally {
      m.invoke = previous;
    }
  }

  /** Callbacks (bpf_loop) run nested on the same machine and share the run's budget. */
  private invoker(m: Machine): (fn: FunctionRef, args: readonly bigint[]) => bigint {
    if (m === this.lastMachine) return this.lastInvoke!;
    let invoke = this.invokers.get(m);
    if (invoke === undefined) {
      invoke = (fn, cbArgs) => {
        m.depth++;
        try {
          this.execute(m, fn.program, cbArgs, fn.slot);
          const { L, H } = m.registerFiles[m.depth]!;
          return toBig(L[0]!, H[0]!);
        } finally {
          m.depth--;
        }
      };
      this.invokers.set(m, invoke);
    }
    this.lastMachine = m;
    this.lastInvoke = invoke;
    return invoke;
  }

  private decoded(program: ExecProgram): Decoded {
    if (program === this.lastProgram) return this.lastDecoded!;
    let d = this.decodedPrograms.get(program);
    if (d === undefined) this.decodedPrograms.set(program, (d = decode(program)));
    this.lastProgram = program;
    this.lastDecoded = d;
    return d;
  }

  private fault(program: ExecProgram, at: number, kind: FaultKind, problem: string): VmFault {
    const source = sourceAt(program, at);
    return new VmFault(kind, { program: program.name, slot: at, ...(source ? { source } : {}) }, problem);
  }

  /** The fault of a taken jump whose target is not an instruction. */
  private jumpFault(program: ExecProgram, pc: number): VmFault {
    const off = (program.code[pc] as { off: number }).off;
    const target = jumpTarget(pc, off);
    if (target < 0 || target >= program.code.length) return this.fault(program, pc, "instruction", `jump by ${off} to instruction ${target}, outside the program (${program.code.length} slots)`);
    return this.fault(program, pc, "instruction", `jump by ${off} into the middle of the lddw at instruction ${target - 1}`);
  }

  /** Runs to the entry function's exit; r0 is then in the register file of the starting depth. */
  private execute(m: Machine, entry: ExecProgram, args: readonly bigint[] | Int32Array, entrySlot: number): void {
    // Callbacks run above the frames of the run that invoked them.
    const baseDepth = m.depth;
    const file = m.registerFiles[baseDepth];
    if (file === undefined) throw this.fault(entry, entrySlot, "call", `callbacks nested beyond ${MAX_CALL_FRAMES} frames`);
    const { L, H } = file;
    for (let i = 0; i < 11; i++) {
      L[i] = 0;
      H[i] = 0;
    }
    if (args instanceof Int32Array) {
      for (let i = 0; i < ARG_REGS; i++) {
        L[i + 1] = args[i]!;
        H[i + 1] = args[ARG_REGS + i]!;
      }
    } else for (let i = 0; i < ARG_REGS && i < args.length; i++) setBig(L, H, i + 1, args[i]!);
    let program = entry;
    let d = this.decoded(program);
    let op = d.op, dst = d.dst, src = d.src, aux = d.aux, imm = d.imm, target = d.target, size = d.size;
    let pc = entrySlot;
    let frames = NO_FRAMES as Frame[];
    // may_goto: the kernel's fixup keeps a counter in each invocation's stack, set to
    // BPF_MAX_LOOPS on entry, decremented per may_goto, which jumps once it is 0.
    let loops = BPF_MAX_LOOPS;
    const regions = m.mem.table;
    let budget = m.budgetLeft;
    if (baseDepth >= MAX_CALL_FRAMES) throw this.fault(program, pc, "call", `callbacks nested beyond ${MAX_CALL_FRAMES} frames`);
    L[10] = STACK_SIZE;
    H[10] = m.stackRegion(baseDepth) << 16;

    try {
      for (;;) {
        if (--budget < 0) throw this.fault(program, pc, "budget", `instruction budget of ${m.config.budget} exhausted (runaway loop?)`);
        const r = dst[pc]!;
        const s = src[pc]!;
        // The second operand: a register, or the immediate sign-extended to 64 bits.
        let bl: number, bh: number;
        if (s >= 0) {
          bl = L[s]!;
          bh = H[s]!;
        } else {
          bl = imm[pc]!;
          bh = bl >> 31;
        }
        switch (op[pc]) {
          case Op.ADD64: {
            const lo = (L[r]! >>> 0) + (bl >>> 0);
            H[r] = H[r]! + bh + (lo > 0xffffffff ? 1 : 0);
            L[r] = lo;
            break;
          }
          case Op.SUB64: {
            const lo = (L[r]! >>> 0) - (bl >>> 0);
            H[r] = H[r]! - bh - (lo < 0 ? 1 : 0);
            L[r] = lo;
            break;
          }
          case Op.OR64:
            L[r] = L[r]! | bl;
            H[r] = H[r]! | bh;
            break;
          case Op.AND64:
            L[r] = L[r]! & bl;
            H[r] = H[r]! & bh;
            break;
          case Op.XOR64:
            L[r] = L[r]! ^ bl;
            H[r] = H[r]! ^ bh;
            break;
          case Op.MOV64:
            L[r] = bl;
            H[r] = bh;
            break;
          case Op.LSH64:
            lsh64(L, H, r, bl & 63);
            break;
          case Op.RSH64:
            rsh64(L, H, r, bl & 63);
            break;
          case Op.ARSH64:
            arsh64(L, H, r, bl & 63);
            break;
          case Op.NEG64: {
            const lo = -(L[r]! >>> 0);
            H[r] = -H[r]! - (lo < 0 ? 1 : 0);
            L[r] = lo;
            break;
          }
          case Op.ADD32:
            L[r] = L[r]! + bl;
            H[r] = 0;
            break;
          case Op.SUB32:
            L[r] = L[r]! - bl;
            H[r] = 0;
            break;
          case Op.MUL32:
            L[r] = Math.imul(L[r]!, bl);
            H[r] = 0;
            break;
          case Op.OR32:
            L[r] = L[r]! | bl;
            H[r] = 0;
            break;
          case Op.AND32:
            L[r] = L[r]! & bl;
            H[r] = 0;
            break;
          case Op.XOR32:
            L[r] = L[r]! ^ bl;
            H[r] = 0;
            break;
          case Op.MOV32:
            L[r] = bl;
            H[r] = 0;
            break;
          case Op.LSH32:
            L[r] = L[r]! << (bl & 31);
            H[r] = 0;
            break;
          case Op.RSH32:
            L[r] = L[r]! >>> (bl & 31);
            H[r] = 0;
            break;
          case Op.ARSH32:
            L[r] = L[r]! >> (bl & 31);
            H[r] = 0;
            break;
          case Op.NEG32:
            L[r] = -L[r]!;
            H[r] = 0;
            break;
          case Op.SLOW_ALU: {
            const insn = program.code[pc] as AluInsn;
            const b = s >= 0 ? toBig(bl, bh) : immToU64(bl);
            setBig(L, H, r, insn.width === 64 ? alu64(insn.op, toBig(L[r]!, H[r]!), b) : alu32(insn.op, toBig(L[r]!, H[r]!), b));
            break;
          }
          case Op.MOVSX: {
            const insn = program.code[pc] as MovsxInsn;
            setBig(L, H, r, signExtend(toBig(bl, bh), insn.bits, insn.width));
            break;
          }
          case Op.TRUNC16:
            L[r] = L[r]! & 0xffff;
            H[r] = 0;
            break;
          case Op.TRUNC32:
            H[r] = 0;
            break;
          case Op.SWAP16: {
            const v = L[r]!;
            L[r] = ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
            H[r] = 0;
            break;
          }
          case Op.SWAP32:
            L[r] = swap32(L[r]!);
            H[r] = 0;
            break;
          case Op.SWAP64: {
            const lo = L[r]!;
            L[r] = swap32(H[r]!);
            H[r] = swap32(lo);
            break;
          }
          case Op.LDDW_IMM:
            L[r] = bl;
            H[r] = aux[pc]!;
            pc += 2;
            continue;
          case Op.LDDW_SLOW:
            setBig(L, H, r, this.lddw(m, program, program.code[pc] as LddwInsn, pc));
            pc += 2;
            continue;
          case Op.LDX:
          case Op.LDXS: {
            // Fast path: the access stays inside the window of a plain region.
            const sz = size[pc]!;
            const a = (bl >>> 0) + aux[pc]!;
            const region = a >= 0 && a <= 0xffffffff && (bh & 0xffff) === 0 ? regions[bh >>> 16] : undefined;
            if (region !== undefined && region.readCtx === undefined && a >= region.lo && a + sz <= region.hi) {
              const view = region.view;
              const signed = op[pc] === Op.LDXS;
              if (sz === 1) {
                L[r] = signed ? view.getInt8(a) : view.getUint8(a);
                H[r] = signed ? L[r]! >> 31 : 0;
              } else if (sz === 2) {
                L[r] = signed ? view.getInt16(a, true) : view.getUint16(a, true);
                H[r] = signed ? L[r]! >> 31 : 0;
              } else if (sz === 4) {
                L[r] = view.getInt32(a, true);
                H[r] = signed ? L[r]! >> 31 : 0;
              } else {
                L[r] = view.getInt32(a, true);
                H[r] = view.getInt32(a + 4, true);
              }
              break;
            }
            // The ctx's fields, when the access is one of them (anything else faults below).
            if (region !== undefined && region.readCtxInto !== undefined && op[pc] === Op.LDX && a >= region.lo && a + sz <= region.hi && region.readCtxInto(a, sz, L, H, r)) break;
            const v = m.mem.load(BigInt.asUintN(64, toBig(bl, bh) + BigInt(aux[pc]!)), sz);
            setBig(L, H, r, op[pc] === Op.LDXS ? signExtend(v, (sz * 8) as 8 | 16 | 32, 64) : v);
            break;
          }
          case Op.ST:
          case Op.STX: {
            const sz = size[pc]!;
            const vl = s >= 0 ? bl : imm[pc]!;
            const vh = s >= 0 ? bh : vl >> 31;
            const pl = L[r]!;
            const ph = H[r]!;
            const a = (pl >>> 0) + aux[pc]!;
            const region = a >= 0 && a <= 0xffffffff && (ph & 0xffff) === 0 ? regions[ph >>> 16] : undefined;
            if (region !== undefined && region.writable && region.readCtx === undefined && a >= region.lo && a + sz <= region.hi) {
              const view = region.view;
              if (sz === 1) view.setUint8(a, vl);
              else if (sz === 2) view.setUint16(a, vl, true);
              else if (sz === 4) view.setInt32(a, vl, true);
              else {
                view.setInt32(a, vl, true);
                view.setInt32(a + 4, vh, true);
              }
              break;
            }
            m.mem.store(BigInt.asUintN(64, toBig(pl, ph) + BigInt(aux[pc]!)), sz, toBig(vl, vh));
            break;
          }
          case Op.ATOMIC:
            this.atomic(m, L, H, program.code[pc] as AtomicInsn);
            break;
          case Op.LEGACY:
            throw this.fault(program, pc, "instruction", "legacy packet access (LD_ABS/LD_IND) is for socket filters; XDP programs cannot use it");
          case Op.JA:
            if (target[pc]! < 0) throw this.jumpFault(program, pc);
            pc = target[pc]!;
            continue;
          case Op.JCOND64:
          case Op.JCOND32:
            if (test(aux[pc]! as Cond, op[pc] === Op.JCOND64, L[r]!, H[r]!, bl, bh)) {
              if (target[pc]! < 0) throw this.jumpFault(program, pc);
              pc = target[pc]!;
              continue;
            }
            break;
          case Op.MAY_GOTO:
            if (loops === 0) {
              if (target[pc]! < 0) throw this.jumpFault(program, pc);
              pc = target[pc]!;
              continue;
            }
            loops--;
            break;
          case Op.CALL_LOCAL:
          case Op.CALLX: {
            let to: number;
            if (op[pc] === Op.CALL_LOCAL) {
              to = target[pc]!;
              if (baseDepth + frames.length + 1 >= MAX_CALL_FRAMES) throw this.fault(program, pc, "call", `call depth exceeds ${MAX_CALL_FRAMES} frames`);
              if (to < 0) throw this.fault(program, pc, "call", `call target ${jumpTarget(pc, imm[pc]!)} is not an instruction of ${program.name}`);
            } else {
              const addr = toBig(bl, bh);
              const region = m.mem.region(addr);
              if (region?.kind !== "func") {
                if (addr < regionBase(1)) {
                  m.budgetLeft = budget;
                  setBig(L, H, 0, this.callHelper(m, Number(addr), L, H));
                  budget = m.budgetLeft;
                  break;
                }
                throw this.fault(program, pc, "call", `callx through r${s} = 0x${addr.toString(16)}, which is neither a function address nor a helper id`);
              }
              const ref = region.payload as FunctionRef;
              if (ref.program !== program) throw this.fault(program, pc, "call", `callx to a function of another program (${ref.program.name})`);
              to = ref.slot;
              if (baseDepth + frames.length + 1 >= MAX_CALL_FRAMES) throw this.fault(program, pc, "call", `call depth exceeds ${MAX_CALL_FRAMES} frames`);
              if (to < 0 || to >= program.code.length || program.code[to] === undefined) throw this.fault(program, pc, "call", `call target ${to} is not an instruction of ${program.name}`);
            }
            if (frames === NO_FRAMES) frames = [];
            frames.push({ program, decoded: d, returnPc: pc + 1, saved: Int32Array.of(L[6]!, L[7]!, L[8]!, L[9]!, L[10]!, H[6]!, H[7]!, H[8]!, H[9]!, H[10]!), loops });
            loops = BPF_MAX_LOOPS;
            m.depth = baseDepth + frames.length;
            L[10] = STACK_SIZE;
            H[10] = m.stackRegion(baseDepth + frames.length) << 16;
            pc = to;
            continue;
          }
          case Op.CALL_KFUNC:
            throw this.fault(program, pc, "call", `kfunc calls (BTF id ${imm[pc]!}) are not supported by the VM`);
          case Op.CALL_TAIL: {
            const next = this.tailCall(m, L, H);
            if (next) {
              program = next;
              d = this.decoded(program);
              ({ op, dst, src, aux, imm, target, size } = d);
              pc = 0;
              continue;
            }
            break;
          }
          case Op.CALL_HELPER:
            m.budgetLeft = budget;
            setBig(L, H, 0, this.callHelper(m, imm[pc]!, L, H));
            budget = m.budgetLeft;
            break;
          case Op.EXIT: {
            if (frames.length === 0) return;
            const frame = frames.pop()!;
            m.depth = baseDepth + frames.length;
            const saved = frame.saved;
            for (let i = 0; i < 5; i++) {
              L[6 + i] = saved[i]!;
              H[6 + i] = saved[5 + i]!;
            }
            loops = frame.loops;
            program = frame.program;
            d = frame.decoded;
            ({ op, dst, src, aux, imm, target, size } = d);
            pc = frame.returnPc;
            continue;
          }
          case Op.WRITE_R10:
            throw this.fault(program, pc, "instruction", WRITE_R10_PROBLEM);
          default:
            // PAST_END: the slot after the last instruction (or the second half of an lddw reached by falling through).
            throw this.fault(program, pc - 1, "instruction", `execution ran past the end of the program (${program.code.length} slots) without exit`);
        }
        pc++;
      }
    } catch (e) {
      if (e instanceof RawFault) throw this.fault(program, pc, e.kind, e.message);
      throw e;
    } finally {
      m.depth = baseDepth;
      // A helper that ran callbacks already counted their instructions in m.budgetLeft.
      m.budgetLeft = Math.min(m.budgetLeft, budget);
    }
  }

  // The slow paths below raise RawFaults; execute() attaches the program, instruction and line.

  private lddw(m: Machine, program: ExecProgram, insn: LddwInsn, pc: number): bigint {
    const fault = (kind: FaultKind, problem: string): never => {
      throw new RawFault(kind, problem);
    };
    switch (insn.pseudo) {
      case Pseudo.IMM64:
        return (BigInt(insn.hi >>> 0) << 32n) | BigInt(insn.lo >>> 0);
      case Pseudo.MAP_IDX:
      case Pseudo.MAP_IDX_VALUE: {
        const map = program.maps[insn.lo];
        if (!map) return fault("instruction", `map index ${insn.lo} is not in the program's map table`);
        if (insn.pseudo === Pseudo.MAP_IDX) return m.mapAddress(map);
        const value = map.lookup(new Uint8Array(4), m.config.cpu);
        if (!value) return fault("instruction", `map ${map.def.name} has no element 0 for a direct value load`);
        const readOnly = (map.def.flags & 0x80) !== 0;
        return m.valueAddress(map, value, !readOnly) + BigInt(insn.hi >>> 0);
      }
      case Pseudo.FUNC:
        return m.funcAddress(program, jumpTarget(pc, insn.lo));
      default:
        return fault("instruction", `lddw with pseudo source ${insn.pseudo} must be resolved by the loader`);
    }
  }

  private atomic(m: Machine, L: Int32Array, H: Int32Array, insn: AtomicInsn): void {
    const addr = BigInt.asUintN(64, toBig(L[insn.dst]!, H[insn.dst]!) + BigInt(insn.off));
    const size = insn.size;
    const mask = size === 8 ? 0xffffffffffffffffn : 0xffffffffn;
    const old = m.mem.load(addr, size);
    const src = toBig(L[insn.src]!, H[insn.src]!) & mask;
    let next: bigint;
    switch (insn.op) {
      case "add":
        next = (old + src) & mask;
        break;
      case "or":
        next = old | src;
        break;
      case "and":
        next = old & src;
        break;
      case "xor":
        next = old ^ src;
        break;
      case "xchg":
        next = src;
        break;
      case "cmpxchg":
        next = old === (toBig(L[0]!, H[0]!) & mask) ? src : old;
        break;
    }
    m.mem.store(addr, size, next);
    if (insn.op === "cmpxchg") setBig(L, H, 0, old);
    else if (insn.fetch) setBig(L, H, insn.src, old);
  }

  private callHelper(m: Machine, id: number, L: Int32Array, H: Int32Array): bigint {
    const helper = this.helpers(id);
    if (!helper) throw new RawFault("call", `helper ${id} (${helperName(id)}) is not supported by the VM`);
    return helper(m, toBig(L[1]!, H[1]!), toBig(L[2]!, H[2]!), toBig(L[3]!, H[3]!), toBig(L[4]!, H[4]!), toBig(L[5]!, H[5]!));
  }

  /** bpf_tail_call(ctx, prog_array, index): the target program, or undefined to fall through. */
  private tailCall(m: Machine, L: Int32Array, H: Int32Array): ExecProgram | undefined {
    const map = m.mapAt(toBig(L[2]!, H[2]!), "bpf_tail_call's prog_array argument (r2)");
    if (m.tailCalls >= MAX_TAIL_CALLS) return undefined;
    const next = this.tailCallTarget(map, BigInt(L[3]! >>> 0));
    if (!next) return undefined;
    if (next.section !== "" && next.code.length === 0) throw new RawFault("call", `tail call target ${next.name} is empty`);
    m.tailCalls++;
    return next;
  }
}

