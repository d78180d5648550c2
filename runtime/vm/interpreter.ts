// The eBPF interpreter: runs a linked ExecProgram on a Machine. Implements the whole ISA,
// bpf-to-bpf calls (a 512-byte stack per frame, at most 8 frames), callx (to a function
// address, or to a helper id held in a register as the conformance suite does), tail calls
// (at most 33 per run) and the instruction budget. Every fault is a VmFault naming the
// program, the instruction index and the source line.

import { Pseudo, type Instruction } from "../isa/index.js";
import { alu32, alu64, compare, endian, immToU64, signExtend } from "./alu.js";
import { RawFault, VmFault, type FaultKind } from "./errors.js";
import { MAX_FRAMES as MAX_CALL_FRAMES, type FunctionRef, type Machine } from "./machine.js";
import { regionBase } from "./memory.js";
import { sourceAt, type ExecProgram } from "./program.js";
import type { HelperFn } from "./helpers/registry.js";
import { helperId, helperName } from "../isa/helper-ids.js";

export const MAX_TAIL_CALLS = 33;
export const HELPER_TAIL_CALL = helperId("tail_call");

/** Looks up a helper by id; the loader has already refused programs calling unknown ones. */
export type HelperLookup = (id: number) => HelperFn | undefined;

/** The program in a prog_array slot, for tail calls. */
export type TailCallLookup = (map: unknown, index: bigint) => ExecProgram | undefined;

interface Frame {
  program: ExecProgram;
  returnPc: number;
  saved: bigint[];
  /** The caller's may_goto budget, restored on return. */
  loops: number;
}

/** BPF_MAX_LOOPS: the may_goto budget the kernel's fixup gives each function invocation. */
const BPF_MAX_LOOPS = 1 << 23;

const ARG_REGS = 5;

export class Interpreter {
  constructor(
    private readonly helpers: HelperLookup,
    private readonly tailCallTarget: TailCallLookup,
  ) {}

  /** Runs `program` from `slot` with r1..r5 = args; returns r0. */
  run(m: Machine, program: ExecProgram, args: readonly bigint[], slot = 0): bigint {
    const previous = m.invoke;
    // Callbacks (bpf_loop) run nested on the same machine and share the run's budget.
    m.invoke = (fn: FunctionRef, cbArgs: readonly bigint[]): bigint => {
      m.depth++;
      try {
        return this.execute(m, fn.program, cbArgs, fn.slot);
      } finally {
        m.depth--;
      }
    };
    try {
      return this.execute(m, program, args, slot);
    } finally {
      m.invoke = previous;
    }
  }

  private execute(m: Machine, entry: ExecProgram, args: readonly bigint[], entrySlot: number): bigint {
    const regs: bigint[] = new Array<bigint>(11).fill(0n);
    for (let i = 0; i < ARG_REGS && i < args.length; i++) regs[i + 1] = args[i]!;
    let program = entry;
    let code = program.code;
    let pc = entrySlot;
    const frames: Frame[] = [];
    // may_goto: the kernel's fixup keeps a counter in each invocation's stack, set to
    // BPF_MAX_LOOPS on entry, decremented per may_goto, which jumps once it is 0.
    let loops = BPF_MAX_LOOPS;
    // Callbacks run above the frames of the run that invoked them.
    const baseDepth = m.depth;
    const newStack = (depth: number): bigint => m.stackTop(baseDepth + depth);
    const fault: (kind: FaultKind, problem: string, at?: number) => never = (kind, problem, at = pc) => {
      const source = sourceAt(program, at);
      throw new VmFault(kind, { program: program.name, slot: at, ...(source ? { source } : {}) }, problem);
    };
    if (baseDepth >= MAX_CALL_FRAMES) fault("call", `callbacks nested beyond ${MAX_CALL_FRAMES} frames`);
    regs[10] = newStack(0);
    /** The target of a jump by `off` from pc, checked to be an instruction of the program. */
    const jump = (off: number): number => {
      const target = pc + 1 + off;
      if (target < 0 || target >= code.length) fault("instruction", `jump by ${off} to instruction ${target}, outside the program (${code.length} slots)`);
      if (code[target] === undefined) fault("instruction", `jump by ${off} into the middle of the lddw at instruction ${target - 1}`);
      return target;
    };
    const enterFunction = (target: number, from: number): void => {
      if (baseDepth + frames.length + 1 >= MAX_CALL_FRAMES) fault("call", `call depth exceeds ${MAX_CALL_FRAMES} frames`, from);
      if (target < 0 || target >= code.length || code[target] === undefined) fault("call", `call target ${target} is not an instruction of ${program.name}`, from);
      frames.push({ program, returnPc: from + 1, saved: regs.slice(6, 11), loops });
      loops = BPF_MAX_LOOPS;
      m.depth = baseDepth + frames.length;
      regs[10] = newStack(frames.length);
      pc = target;
    };

    try {
      for (;;) {
        if (--m.budgetLeft < 0) fault("budget", `instruction budget of ${m.config.budget} exhausted (runaway loop?)`);
        const insn: Instruction | undefined = code[pc];
        if (insn === undefined) fault("instruction", `execution ran past the end of the program (${code.length} slots) without exit`, pc - 1);
        switch (insn.kind) {
          case "alu": {
            const src = insn.src.kind === "reg" ? regs[insn.src.reg]! : immToU64(insn.src.imm);
            regs[insn.dst] = insn.width === 64 ? alu64(insn.op, regs[insn.dst]!, src) : alu32(insn.op, regs[insn.dst]!, src);
            break;
          }
          case "neg":
            regs[insn.dst] = insn.width === 64 ? alu64("sub", 0n, regs[insn.dst]!) : alu32("sub", 0n, regs[insn.dst]!);
            break;
          case "movsx":
            regs[insn.dst] = signExtend(regs[insn.src]!, insn.bits, insn.width);
            break;
          case "endian":
            regs[insn.dst] = endian(insn.order, insn.bits, regs[insn.dst]!);
            break;
          case "lddw":
            regs[insn.dst] = this.lddw(m, program, insn, pc, fault);
            pc++;
            break;
          case "ldx": {
            const v = m.mem.load(regs[insn.src]! + BigInt(insn.off), insn.size);
            regs[insn.dst] = insn.signed ? signExtend(v, (insn.size * 8) as 8 | 16 | 32, 64) : v;
            break;
          }
          case "st":
            m.mem.store(regs[insn.dst]! + BigInt(insn.off), insn.size, immToU64(insn.imm));
            break;
          case "stx":
            m.mem.store(regs[insn.dst]! + BigInt(insn.off), insn.size, regs[insn.src]!);
            break;
          case "atomic":
            this.atomic(m, regs, insn);
            break;
          case "ldabs":
          case "ldind":
            fault("instruction", "legacy packet access (LD_ABS/LD_IND) is for socket filters; XDP programs cannot use it");
            break;
          case "ja":
            pc = jump(insn.off);
            continue;
          case "jcond": {
            const b = insn.src.kind === "reg" ? regs[insn.src.reg]! : immToU64(insn.src.imm);
            if (compare(insn.cond, insn.width, regs[insn.dst]!, b)) {
              pc = jump(insn.off);
              continue;
            }
            break;
          }
          case "may_goto":
            if (loops === 0) {
              pc = jump(insn.off);
              continue;
            }
            loops--;
            break;
          case "call":
            if (insn.target === "local") {
              enterFunction(pc + 1 + insn.imm, pc);
              continue;
            }
            if (insn.target === "kfunc") fault("call", `kfunc calls (BTF id ${insn.imm}) are not supported by the VM`);
            if (insn.imm === HELPER_TAIL_CALL) {
              const target = this.tailCall(m, regs, fault);
              if (target) {
                program = target;
                code = target.code;
                pc = 0;
                continue;
              }
              break;
            }
            regs[0] = this.callHelper(m, insn.imm, regs, fault);
            break;
          case "callx": {
            const target = regs[insn.reg]!;
            const region = m.mem.region(target);
            if (region?.kind === "func") {
              const ref = region.payload as FunctionRef;
              if (ref.program !== program) fault("call", `callx to a function of another program (${ref.program.name})`);
              enterFunction(ref.slot, pc);
              continue;
            }
            if (target < regionBase(1)) {
              regs[0] = this.callHelper(m, Number(target), regs, fault);
              break;
            }
            fault("call", `callx through r${insn.reg} = 0x${target.toString(16)}, which is neither a function address nor a helper id`);
            break;
          }
          case "exit": {
            const frame = frames.pop();
            if (!frame) return regs[0]!;
            m.depth = baseDepth + frames.length;
            for (let i = 0; i < 5; i++) regs[6 + i] = frame.saved[i]!;
            loops = frame.loops;
            program = frame.program;
            code = program.code;
            pc = frame.returnPc;
            continue;
          }
        }
        pc++;
      }
    } catch (e) {
      if (e instanceof RawFault) fault(e.kind, e.message);
      throw e;
    } finally {
      m.depth = baseDepth;
    }
  }

  private lddw(m: Machine, program: ExecProgram, insn: Extract<Instruction, { kind: "lddw" }>, pc: number, fault: (k: FaultKind, p: string) => never): bigint {
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
        return m.funcAddress(program, pc + 1 + insn.lo);
      default:
        return fault("instruction", `lddw with pseudo source ${insn.pseudo} must be resolved by the loader`);
    }
  }

  private atomic(m: Machine, regs: bigint[], insn: Extract<Instruction, { kind: "atomic" }>): void {
    const addr = regs[insn.dst]! + BigInt(insn.off);
    const size = insn.size;
    const mask = size === 8 ? 0xffffffffffffffffn : 0xffffffffn;
    const old = m.mem.load(addr, size);
    const src = regs[insn.src]! & mask;
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
        next = old === (regs[0]! & mask) ? src : old;
        break;
    }
    m.mem.store(addr, size, next);
    if (insn.op === "cmpxchg") regs[0] = old;
    else if (insn.fetch) regs[insn.src] = old;
  }

  private callHelper(m: Machine, id: number, regs: bigint[], fault: (k: FaultKind, p: string) => never): bigint {
    const helper = this.helpers(id);
    if (!helper) return fault("call", `helper ${id} (${helperName(id)}) is not supported by the VM`);
    return helper(m, regs[1]!, regs[2]!, regs[3]!, regs[4]!, regs[5]!);
  }

  /** bpf_tail_call(ctx, prog_array, index): the target program, or undefined to fall through. */
  private tailCall(m: Machine, regs: bigint[], fault: (k: FaultKind, p: string) => never): ExecProgram | undefined {
    const map = m.mapAt(regs[2]!, "bpf_tail_call's prog_array argument (r2)");
    if (m.tailCalls >= MAX_TAIL_CALLS) return undefined;
    const target = this.tailCallTarget(map, regs[3]! & 0xffffffffn);
    if (!target) return undefined;
    if (target.section !== "" && target.code.length === 0) fault("call", `tail call target ${target.name} is empty`);
    m.tailCalls++;
    return target;
  }
}
