// eBPF → WebAssembly: one Wasm function per eBPF function, with r0..r10 as i64 locals, the
// may_goto counter and the call depth as parameters, and r0..r5 as results (the interpreter
// keeps the callee's r0..r5 and restores r6..r10 on return). Blocks follow the slot order in
// nested Wasm blocks: forward jumps branch straight to their block, backward jumps go through
// a br_table at the loop head. Every instruction decrements the shared budget (a word of linear memory, kept in a local between calls) first, as the
// interpreter does. Loads and stores check the region table in linear memory (stacks and the
// packet are mirrored there) and call the `ld`/`st` imports for anything else, which apply the
// interpreter's own checks and messages.

import { Pseudo, type Instruction, type Operand } from "../../isa/index.js";
import { MapType } from "../../object/map-types.js";
import { MAX_FRAMES, STACK_SIZE } from "../machine.js";
import { REGION_SHIFT } from "../memory.js";
import type { ExecProgram } from "../program.js";
import { BUDGET, CACHE, CACHE_MAPS, MAX_LOOPS, START_ARGS, START_R0, SCRATCH_HI, SCRATCH_R0, SCRATCH_TAIL, STACKS, TABLE_ENTRIES } from "./layout.js";
import type { FunctionPlan, ProgramPlan } from "./plan.js";
import { Code, EMPTY, I32, I32_BIN, I64, I64_BIN, Op, encodeModule, type FuncType } from "./wasm-binary.js";
import { jumpTarget } from "../../isa/instruction.js";

const R = (n: number): number => n;
const LOOPS = 11;
const DEPTH = 12;
const PC = 13;
const BUD = 14;
const T0 = 15;
const T1 = 16;
const I0 = 17;
const I1 = 18;
const T2 = 19;
const OLD = 20;
const LOCALS = [I32, I64, I64, I64, I32, I32, I64, I64];

const regs11 = Array<number>(11).fill(I64);
const TYPES: FuncType[] = [
  { params: [...regs11, I32, I32], results: Array<number>(6).fill(I64) }, // 0 function
  { params: [I32, I32], results: [] }, // 1 fault(code, pc)
  { params: [I32, I32, I32, I32], results: [I32] }, // 2 ld(addrHi, off, size, pc)
  { params: [I64, I32, I32, I32, I32], results: [] }, // 3 wrapFault(base, off, size, write, pc)
  { params: [I32, I32, I32, I32, I32, I32], results: [] }, // 4 st(addrHi, off, size, lo, hi, pc)
  { params: [I32, I64, I64, I64, I64, I64, I32, I32], results: [I64] }, // 5 helper(id, r1..r5, pc, depth)
  { params: [...regs11, I32, I32, I32], results: [I32] }, // 6 tail(r0..r10, loops, depth, pc)
  { params: [I64, I64, I64, I64, I64, I64, I32, I32, I32], results: [I32] }, // 7 callx(target, r1..r5, reg, pc, depth)
  { params: [I32, I32, I32], results: [I64] }, // 8 lddw(pseudo, lo, pc)
  { params: [I32, ...regs11, I32, I32], results: Array<number>(6).fill(I64) }, // 9 dispatch
  { params: [I32, I32, I32], results: [] }, // 10 start(slot, depth, fresh): r1..r5 from START_ARGS, r0 to START_R0
];
export const IMPORTS = ["fault", "ld", "wrapFault", "st", "helper", "tail", "callx", "lddw"] as const;
const F = { fault: 0, ld: 1, wrapFault: 2, st: 3, helper: 4, tail: 5, callx: 6, lddw: 7 } as const;
const FIRST_FUNC = IMPORTS.length;

/** Fault codes of the `fault` import. */
export const FaultCode = { budget: 0, depth: 1, pastEnd: 2, planned: 3 } as const;

const loadOp = { 1: Op.i64_load8_u, 2: Op.i64_load16_u, 4: Op.i64_load32_u, 8: Op.i64_load } as const;
const storeOp = { 1: Op.i64_store8, 2: Op.i64_store16, 4: Op.i64_store32, 8: Op.i64_store } as const;
const align = { 1: 0, 2: 1, 4: 2, 8: 3 } as const;

const condOp: Record<string, string> = { jeq: "eq", jne: "ne", jgt: "gt_u", jge: "ge_u", jlt: "lt_u", jle: "le_u", jsgt: "gt_s", jsge: "ge_s", jslt: "lt_s", jsle: "le_s" };
const binOp: Record<string, string> = { add: "add", sub: "sub", mul: "mul", or: "or", and: "and", xor: "xor", lsh: "shl", rsh: "shr_u", arsh: "shr_s" };

class FunctionEmitter {
  readonly c = new Code();
  /** Open Wasm constructs inside the current block's code (ifs), for branch depths. */
  private extra = 0;
  private block = 0;

  constructor(
    private readonly program: ExecProgram,
    private readonly plan: ProgramPlan,
    private readonly fn: FunctionPlan,
    private readonly tailHelper: number,
  ) {}

  private funcIndex(slot: number): number {
    return FIRST_FUNC + this.plan.functions.findIndex((f) => f.start === slot);
  }

  emit(): Code {
    const { c, fn } = this;
    const n = fn.leaders.length;
    const backward = this.hasBackwardJump();
    this.syncIn();
    c.op(Op.loop, EMPTY);
    for (let i = 0; i < n; i++) c.op(Op.block, EMPTY);
    if (backward) {
      c.get(PC).op(Op.br_table);
      const t: number[] = [];
      for (let i = 0; i < n; i++) t.push(i);
      this.uleb(n);
      for (const x of t) this.uleb(x);
      this.uleb(0);
    }
    for (let i = 0; i < n; i++) {
      c.op(Op.end);
      this.block = i;
      const from = fn.leaders[i]!;
      const to = fn.leaders[i + 1] ?? fn.end;
      for (let pc = from; pc < to; pc++) {
        const insn = this.program.code[pc];
        if (insn) this.insn(insn, pc);
      }
    }
    c.op(Op.end);
    // Falling off the function's last slot: into the next function's code in the same frame,
    // or past the end of the program.
    if (fn.end < this.program.code.length) {
      this.syncOut();
      for (let r = 0; r <= 10; r++) c.get(R(r));
      c.get(LOOPS).get(DEPTH).idx(Op.call, this.funcIndex(fn.end)).op(Op.return);
    } else {
      this.budget(fn.end);
      c.i32(FaultCode.pastEnd).i32(fn.end - 1).idx(Op.call, F.fault);
    }
    c.op(Op.unreachable);
    return c;
  }

  private uleb(v: number): void {
    let x = v >>> 0;
    do {
      const b = x & 0x7f;
      x >>>= 7;
      this.c.bytes.push(x === 0 ? b : b | 0x80);
    } while (x !== 0);
  }

  private hasBackwardJump(): boolean {
    const { fn } = this;
    for (let pc = fn.start; pc < fn.end; pc++) {
      const insn = this.program.code[pc];
      if (!insn || (insn.kind !== "ja" && insn.kind !== "jcond" && insn.kind !== "may_goto")) continue;
      if (jumpTarget(pc, insn.off) <= pc) return true;
    }
    return false;
  }

  private leaderIndex(slot: number): number {
    return this.fn.leaders.indexOf(slot);
  }

  private jump(target: number, pc: number): void {
    if (this.plan.faults.has(pc)) {
      this.staticFault(pc);
      return;
    }
    const j = this.leaderIndex(target);
    const n = this.fn.leaders.length;
    if (j > this.block) this.c.idx(Op.br, j - this.block - 1 + this.extra);
    else this.c.i32(j).set(PC).idx(Op.br, n - 1 - this.block + this.extra);
  }

  private staticFault(pc: number): void {
    this.c.i32(FaultCode.planned).i32(pc).idx(Op.call, F.fault).op(Op.unreachable);
  }

  private budget(pc: number): void {
    this.c.get(BUD).i64(1n).op(Op.i64_sub).tee(BUD).i64(0n).op(Op.i64_lt_s, Op.if, EMPTY);
    this.c.i32(FaultCode.budget).i32(pc).idx(Op.call, F.fault).op(Op.unreachable, Op.end);
  }

  private syncOut(): void {
    this.c.i32(0).get(BUD).mem(Op.i64_store, 3, BUDGET);
  }

  private syncIn(): void {
    this.c.i32(0).mem(Op.i64_load, 3, BUDGET).set(BUD);
  }

  private src64(s: Operand): void {
    if (s.kind === "reg") this.c.get(R(s.reg));
    else this.c.i64(BigInt(s.imm));
  }

  private src32(s: Operand): void {
    if (s.kind === "reg") this.c.get(R(s.reg)).op(Op.i32_wrap_i64);
    else this.c.i32(s.imm);
  }

  private insn(insn: Instruction, pc: number): void {
    const c = this.c;
    this.budget(pc);
    const isJump = insn.kind === "ja" || insn.kind === "jcond" || insn.kind === "may_goto";
    const isLocalCall = insn.kind === "call" && insn.target === "local";
    if (this.plan.faults.has(pc) && !isJump && !isLocalCall) return this.staticFault(pc);
    switch (insn.kind) {
      case "alu":
        return this.alu(insn);
      case "neg":
        if (insn.width === 64) c.i64(0n).get(R(insn.dst)).op(Op.i64_sub).set(R(insn.dst));
        else c.i32(0).get(R(insn.dst)).op(Op.i32_wrap_i64, Op.i32_sub, Op.i64_extend_i32_u).set(R(insn.dst));
        return;
      case "movsx":
        if (insn.width === 64) c.get(R(insn.src)).op(insn.bits === 8 ? Op.i64_extend8_s : insn.bits === 16 ? Op.i64_extend16_s : Op.i64_extend32_s);
        else {
          c.get(R(insn.src)).op(Op.i32_wrap_i64);
          if (insn.bits !== 32) c.op(insn.bits === 8 ? Op.i32_extend8_s : Op.i32_extend16_s);
          c.op(Op.i64_extend_i32_u);
        }
        c.set(R(insn.dst));
        return;
      case "endian":
        return this.endian(insn);
      case "lddw":
        return this.lddw(insn, pc);
      case "ldx":
        this.load(insn.size, insn.src, insn.off, pc);
        if (insn.signed) c.op(insn.size === 1 ? Op.i64_extend8_s : insn.size === 2 ? Op.i64_extend16_s : Op.i64_extend32_s);
        c.set(R(insn.dst));
        return;
      case "st":
        c.i64(BigInt(insn.imm)).set(T2);
        return this.store(insn.size, insn.dst, insn.off, pc);
      case "stx":
        c.get(R(insn.src)).set(T2);
        return this.store(insn.size, insn.dst, insn.off, pc);
      case "atomic":
        return this.atomic(insn, pc);
      case "ja":
        return this.jump(jumpTarget(pc, insn.off), pc);
      case "jcond":
        this.cond(insn);
        c.op(Op.if, EMPTY);
        this.extra++;
        this.jump(jumpTarget(pc, insn.off), pc);
        this.extra--;
        c.op(Op.end);
        return;
      case "may_goto":
        c.get(LOOPS).op(Op.i32_eqz, Op.if, EMPTY);
        this.extra++;
        this.jump(jumpTarget(pc, insn.off), pc);
        this.extra--;
        c.op(Op.else).get(LOOPS).i32(1).op(Op.i32_sub).set(LOOPS).op(Op.end);
        return;
      case "call":
        if (insn.target === "local") {
          if (this.plan.faults.has(pc)) {
            this.depthCheck(pc);
            return this.staticFault(pc);
          }
          return this.bpfCall(pc, () => c.idx(Op.call, this.funcIndex(jumpTarget(pc, insn.imm))));
        }
        if (insn.imm === this.tailHelper) return this.tailCall(pc);
        this.syncOut();
        c.i32(insn.imm);
        for (let r = 1; r <= 5; r++) c.get(R(r));
        c.i32(pc).get(DEPTH).idx(Op.call, F.helper).set(R(0));
        this.syncIn();
        return;
      case "callx":
        this.syncOut();
        c.get(R(insn.reg));
        for (let r = 1; r <= 5; r++) c.get(R(r));
        c.i32(insn.reg).i32(pc).get(DEPTH).idx(Op.call, F.callx).tee(I0).i32(0).op(I32_BIN.ge_s!, Op.if, EMPTY);
        this.extra++;
        this.bpfCall(pc, () => c.idx(Op.call, FIRST_FUNC + this.plan.functions.length), true);
        this.extra--;
        c.op(Op.else).i32(0).mem(Op.i64_load, 3, SCRATCH_R0).set(R(0)).op(Op.end);
        this.syncIn();
        return;
      case "exit":
        this.syncOut();
        for (let r = 0; r <= 5; r++) c.get(R(r));
        c.op(Op.return);
        return;
      case "ldabs":
      case "ldind":
        // The planner gave every LD_ABS/LD_IND a static fault, emitted above.
        return;
    }
  }

  private alu(insn: Extract<Instruction, { kind: "alu" }>): void {
    const c = this.c;
    const d = R(insn.dst);
    const wide = insn.width === 64;
    const B = wide ? I64_BIN : I32_BIN;
    const T = wide ? T1 : I1;
    const src = (): void => (wide ? this.src64(insn.src) : this.src32(insn.src));
    const dst = (): void => {
      c.get(d);
      if (!wide) c.op(Op.i32_wrap_i64);
    };
    const zero = (): void => {
      if (wide) c.i64(0n);
      else c.i32(0);
    };
    const eqz = wide ? Op.i64_eqz : Op.i32_eqz;
    const rt = wide ? I64 : I32;
    switch (insn.op) {
      case "mov":
        src();
        break;
      case "div":
      case "mod":
      case "smod":
        src();
        c.tee(T).op(eqz, Op.if, rt);
        if (insn.op === "div") zero();
        else dst();
        c.op(Op.else);
        dst();
        c.get(T).op(B[insn.op === "div" ? "div_u" : insn.op === "mod" ? "rem_u" : "rem_s"]!, Op.end);
        break;
      case "sdiv":
        // x / 0 = 0; x / -1 = -x (INT_MIN / -1 wraps instead of trapping).
        src();
        c.tee(T).op(eqz, Op.if, rt);
        zero();
        c.op(Op.else).get(T);
        if (wide) c.i64(-1n);
        else c.i32(-1);
        c.op(B.eq!, Op.if, rt);
        zero();
        dst();
        c.op(B.sub!, Op.else);
        dst();
        c.get(T).op(B.div_s!, Op.end, Op.end);
        break;
      default:
        dst();
        src();
        c.op(B[binOp[insn.op]!]!);
    }
    if (!wide) c.op(Op.i64_extend_i32_u);
    c.set(d);
  }

  private bswap32(): void {
    // I0 holds the word; leaves the swapped word.
    this.c.get(I0).i32(24).op(Op.i32_shr_u).get(I0).i32(8).op(Op.i32_shr_u).i32(0xff00).op(Op.i32_and, Op.i32_or);
    this.c.get(I0).i32(8).op(Op.i32_shl).i32(0xff0000).op(Op.i32_and, Op.i32_or).get(I0).i32(24).op(Op.i32_shl, Op.i32_or);
  }

  private endian(insn: Extract<Instruction, { kind: "endian" }>): void {
    const c = this.c;
    const d = R(insn.dst);
    if (insn.order === "le") {
      if (insn.bits !== 64) c.get(d).i64(insn.bits === 16 ? 0xffffn : 0xffffffffn).op(Op.i64_and).set(d);
      return;
    }
    if (insn.bits === 16) {
      c.get(d).i64(8n).op(Op.i64_shr_u).i64(0xffn).op(Op.i64_and).get(d).i64(0xffn).op(Op.i64_and).i64(8n).op(Op.i64_shl, Op.i64_or).set(d);
    } else if (insn.bits === 32) {
      c.get(d).op(Op.i32_wrap_i64).set(I0);
      this.bswap32();
      c.op(Op.i64_extend_i32_u).set(d);
    } else {
      c.get(d).op(Op.i32_wrap_i64).set(I0);
      this.bswap32();
      c.op(Op.i64_extend_i32_u).i64(32n).op(Op.i64_shl);
      c.get(d).i64(32n).op(Op.i64_shr_u, Op.i32_wrap_i64).set(I0);
      this.bswap32();
      c.op(Op.i64_extend_i32_u, Op.i64_or).set(d);
    }
  }

  private cond(insn: Extract<Instruction, { kind: "jcond" }>): void {
    const c = this.c;
    if (insn.width === 64) {
      c.get(R(insn.dst));
      this.src64(insn.src);
      if (insn.cond === "jset") c.op(Op.i64_and).i64(0n).op(I64_BIN.ne!);
      else c.op(I64_BIN[condOp[insn.cond]!]!);
    } else {
      c.get(R(insn.dst)).op(Op.i32_wrap_i64);
      this.src32(insn.src);
      c.op(insn.cond === "jset" ? Op.i32_and : I32_BIN[condOp[insn.cond]!]!);
    }
  }

  private lddw(insn: Extract<Instruction, { kind: "lddw" }>, pc: number): void {
    const c = this.c;
    const d = R(insn.dst);
    switch (insn.pseudo) {
      case Pseudo.IMM64:
        c.i64((BigInt(insn.hi >>> 0) << 32n) | BigInt(insn.lo >>> 0)).set(d);
        return;
      case Pseudo.FUNC:
        this.syncOut();
        c.i32(Pseudo.FUNC).i32(jumpTarget(pc, insn.lo)).i32(pc).idx(Op.call, F.lddw).set(d);
        return;
      case Pseudo.MAP_IDX:
        this.cachedAddress(Pseudo.MAP_IDX, insn.lo, pc, CACHE + insn.lo * 16);
        c.set(d);
        return;
      default: {
        // Element 0 of an array map is always the same bytes, so its address is cached per run;
        // other maps are asked each time, as the interpreter does.
        if (this.program.maps[insn.lo]!.def.type === MapType.ARRAY) this.cachedAddress(Pseudo.MAP_IDX_VALUE, insn.lo, pc, CACHE + insn.lo * 16 + 8);
        else c.i32(Pseudo.MAP_IDX_VALUE).i32(insn.lo).i32(pc).idx(Op.call, F.lddw);
        c.i64(BigInt(insn.hi >>> 0)).op(Op.i64_add).set(d);
      }
    }
  }

  private cachedAddress(pseudo: number, lo: number, pc: number, at: number): void {
    const c = this.c;
    c.i32(0).mem(Op.i64_load, 3, at).tee(T0).op(Op.i64_eqz, Op.if, EMPTY);
    c.i32(pseudo).i32(lo).i32(pc).idx(Op.call, F.lddw).set(T0).i32(0).get(T0).mem(Op.i64_store, 3, at).op(Op.end).get(T0);
  }

  /**
   * T0 = address, T1 = its high word (region index << 16 | guard bits); leaves 1 when the access
   * of `size` bytes hits a mirrored region (I0 = its table entry, I1 = offset). The high word
   * rotated by 16 is guard << 16 | index, below TABLE_ENTRIES only when the guard bits are zero,
   * so an address off its region by a multiple of 4 GiB takes the slow path and faults there.
   */
  private fastCheck(base: number, off: number, size: number): void {
    const c = this.c;
    c.get(R(base)).i64(BigInt(off)).op(Op.i64_add).tee(T0).i64(32n).op(Op.i64_shr_u).tee(T1).op(Op.i32_wrap_i64).i32(16).op(Op.i32_rotl).tee(I0);
    c.i32(TABLE_ENTRIES).op(Op.i32_lt_u, Op.if, I32);
    c.get(I0).i32(4).op(Op.i32_shl).set(I0);
    c.get(T0).op(Op.i32_wrap_i64).tee(I1).get(I0).mem(Op.i32_load, 2, 4).op(Op.i32_ge_u);
    c.get(T0).i64(0xffffffffn).op(Op.i64_and).i64(BigInt(size)).op(Op.i64_add).get(I0).mem(Op.i64_load32_u, 2, 8).op(Op.i64_le_u, Op.i32_and);
    c.op(Op.else).i32(0).op(Op.end);
  }

  /** base + off wrapped around 2^64: the interpreter's address is out of range; fault through it. */
  private wrapCheck(base: number, off: number, size: number, write: boolean, pc: number): void {
    if (off === 0) return;
    const c = this.c;
    c.get(T0).get(R(base)).op(off > 0 ? Op.i64_lt_u : Op.i64_gt_u, Op.if, EMPTY);
    c.get(R(base)).i32(off).i32(size).i32(write ? 1 : 0).i32(pc).idx(Op.call, F.wrapFault).op(Op.unreachable, Op.end);
  }

  /** Leaves the zero-extended value of `size` bytes at base + off. */
  private load(size: 1 | 2 | 4 | 8, base: number, off: number, pc: number): void {
    const c = this.c;
    this.fastCheck(base, off, size);
    c.op(Op.if, I64).get(I0).mem(Op.i32_load, 2, 0).get(I1).op(Op.i32_add).mem(loadOp[size], align[size], 0);
    c.op(Op.else);
    this.wrapCheck(base, off, size, false, pc);
    c.get(T1).op(Op.i32_wrap_i64).get(T0).op(Op.i32_wrap_i64).i32(size).i32(pc).idx(Op.call, F.ld).op(Op.i64_extend_i32_u);
    c.i32(0).mem(Op.i64_load32_u, 2, SCRATCH_HI).i64(32n).op(Op.i64_shl, Op.i64_or, Op.end);
  }

  /** Stores T2's low `size` bytes at base + off. */
  private store(size: 1 | 2 | 4 | 8, base: number, off: number, pc: number): void {
    const c = this.c;
    this.fastCheck(base, off, size);
    c.op(Op.if, EMPTY).get(I0).mem(Op.i32_load, 2, 0).get(I1).op(Op.i32_add).get(T2).mem(storeOp[size], align[size], 0);
    c.op(Op.else);
    this.wrapCheck(base, off, size, true, pc);
    c.get(T1).op(Op.i32_wrap_i64).get(T0).op(Op.i32_wrap_i64).i32(size).get(T2).op(Op.i32_wrap_i64).get(T2).i64(32n).op(Op.i64_shr_u, Op.i32_wrap_i64).i32(pc).idx(Op.call, F.st);
    c.op(Op.end);
  }

  private atomic(insn: Extract<Instruction, { kind: "atomic" }>, pc: number): void {
    const c = this.c;
    const narrow = insn.size === 4;
    const src = (): void => {
      c.get(R(insn.src));
      if (narrow) c.i64(0xffffffffn).op(Op.i64_and);
    };
    this.load(insn.size, insn.dst, insn.off, pc);
    c.set(OLD);
    switch (insn.op) {
      case "add":
        c.get(OLD);
        src();
        c.op(Op.i64_add);
        if (narrow) c.i64(0xffffffffn).op(Op.i64_and);
        break;
      case "or":
      case "and":
      case "xor":
        c.get(OLD);
        src();
        c.op(I64_BIN[insn.op]!);
        break;
      case "xchg":
        src();
        break;
      case "cmpxchg":
        src();
        c.get(OLD).get(OLD).get(R(0));
        if (narrow) c.i64(0xffffffffn).op(Op.i64_and);
        c.op(I64_BIN.eq!, 0x1b);
        break;
    }
    c.set(T2);
    this.store(insn.size, insn.dst, insn.off, pc);
    if (insn.op === "cmpxchg") c.get(OLD).set(R(0));
    else if (insn.fetch) c.get(OLD).set(R(insn.src));
  }

  private depthCheck(pc: number): void {
    this.c.get(DEPTH).i32(1).op(Op.i32_add).i32(MAX_FRAMES).op(Op.i32_ge_s, Op.if, EMPTY);
    this.c.i32(FaultCode.depth).i32(pc).idx(Op.call, F.fault).op(Op.unreachable, Op.end);
  }

  /** A bpf-to-bpf call (or callx to a function, slot in I0): new frame, zeroed stack, fresh may_goto budget. */
  private bpfCall(pc: number, call: () => void, viaDispatch = false): void {
    const c = this.c;
    this.depthCheck(pc);
    this.syncOut();
    c.get(DEPTH).i32(1).op(Op.i32_add).i32(9).op(Op.i32_shl).i32(STACKS).op(Op.i32_add).i32(0).i32(STACK_SIZE).memoryFill();
    if (viaDispatch) c.get(I0);
    for (let r = 0; r <= 9; r++) c.get(R(r));
    // The stack of frame d is region d + 1 (the machine maps the 8 stacks first).
    c.get(DEPTH).i32(2).op(Op.i32_add, Op.i64_extend_i32_u).i64(REGION_SHIFT).op(Op.i64_shl).i64(BigInt(STACK_SIZE)).op(Op.i64_or);
    c.i32(MAX_LOOPS).get(DEPTH).i32(1).op(Op.i32_add);
    call();
    for (let r = 5; r >= 0; r--) c.set(R(r));
    this.syncIn();
  }

  private tailCall(pc: number): void {
    const c = this.c;
    this.syncOut();
    for (let r = 0; r <= 10; r++) c.get(R(r));
    c.get(LOOPS).get(DEPTH).i32(pc).idx(Op.call, F.tail).op(Op.if, EMPTY);
    for (let r = 0; r <= 5; r++) c.i32(0).mem(Op.i64_load, 3, SCRATCH_TAIL + 8 * r);
    c.op(Op.return, Op.end);
    this.syncIn();
  }
}

function dispatchFunction(plan: ProgramPlan): Code {
  const c = new Code();
  plan.functions.forEach((f, k) => {
    c.get(0).i32(f.start).op(Op.i32_eq, Op.if, EMPTY);
    for (let i = 1; i <= 13; i++) c.get(i);
    c.idx(Op.call, FIRST_FUNC + k).op(Op.return, Op.end);
  });
  return c.op(Op.unreachable);
}

function startFunction(plan: ProgramPlan): Code {
  const c = new Code();
  // params: slot (0), depth (1), fresh (2): a new run, whose map address cache starts empty
  c.get(2).op(Op.if, EMPTY).i32(CACHE).i32(0).i32(CACHE_MAPS * 16).memoryFill().op(Op.end);
  c.get(1).i32(9).op(Op.i32_shl).i32(STACKS).op(Op.i32_add).i32(0).i32(STACK_SIZE).memoryFill();
  c.i32(0); // address for the r0 store below
  c.get(0).i64(0n);
  for (let i = 0; i < 5; i++) c.i32(0).mem(Op.i64_load, 3, START_ARGS + 8 * i);
  for (let i = 0; i < 4; i++) c.i64(0n);
  c.get(1).i32(1).op(Op.i32_add, Op.i64_extend_i32_u).i64(REGION_SHIFT).op(Op.i64_shl).i64(BigInt(STACK_SIZE)).op(Op.i64_or);
  c.i32(MAX_LOOPS).get(1).idx(Op.call, FIRST_FUNC + plan.functions.length);
  c.op(Op.drop, Op.drop, Op.drop, Op.drop, Op.drop);
  return c.mem(Op.i64_store, 3, START_R0);
}

/** The module bytes of a planned program. */
export function compileProgram(program: ExecProgram, plan: ProgramPlan, tailHelper: number): Uint8Array {
  const funcs = plan.functions.map((fn) => ({ type: 0, locals: LOCALS, code: new FunctionEmitter(program, plan, fn, tailHelper).emit() }));
  const n = plan.functions.length;
  return encodeModule({
    types: TYPES,
    importFuncs: IMPORTS.map((name, i) => ({ name, type: i + 1 })),
    funcs: [...funcs, { type: 9, locals: [], code: dispatchFunction(plan) }, { type: 10, locals: [], code: startFunction(plan) }],
    exports: [
      { name: "dispatch", func: FIRST_FUNC + n },
      { name: "start", func: FIRST_FUNC + n + 1 },
    ],
  });
}
