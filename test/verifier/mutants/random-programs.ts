// Random XDP programs for the soundness fuzz test, biased towards plausibly valid code so
// that the verifier accepts many of them: packet parsing behind bounds checks of random
// length (sometimes one byte short), ALU chains on packet bytes, variable-offset packet
// reads, array/hash map lookups with (usually) a null check and value accesses of random
// offset, stack spills and fills (pointers too), bounded loops, a subprogram call, random
// forward jumps, packet writes, and now and then a random instruction. Each program is a
// whole object built with ObjectBuilder (BTF, func_info, one map).
//
// Invariants: deterministic for a seed; every program ends every path with r0 set and exit;
// jumps only go forward except the loop back-edge; r6 = ctx, r7 = data, r8 = data_end
// throughout (callee-saved, and no helper that moves packet data is called).

import { ProgramBuilder, type AccessSize, type AluOp, type Instruction, type JmpCond } from "../../../runtime/isa/index.js";
import { IntEncoding } from "../../../runtime/object/btf/index.js";
import { ObjectBuilder } from "../../../runtime/object/builder.js";
import { MapType } from "../../../runtime/object/map-types.js";
import type { Random } from "./random.js";

const R_CTX = 6;
const R_DATA = 7;
const R_END = 8;
const SCRATCH = [1, 2, 3, 4, 5, 9] as const;
const SAFE_ALU: readonly AluOp[] = ["add", "sub", "mul", "or", "and", "xor", "lsh", "rsh", "arsh", "div", "mod", "mov"];
const CONDS: readonly JmpCond[] = ["jeq", "jne", "jgt", "jge", "jlt", "jle", "jsgt", "jsge", "jslt", "jsle", "jset"];
const SIZES: readonly AccessSize[] = [1, 2, 4, 8];

const mov = (dst: number, src: number): Instruction => ({ kind: "alu", width: 64, op: "mov", dst, src: { kind: "reg", reg: src } });
const movi = (dst: number, imm: number): Instruction => ({ kind: "alu", width: 64, op: "mov", dst, src: { kind: "imm", imm } });
const addi = (dst: number, imm: number): Instruction => ({ kind: "alu", width: 64, op: "add", dst, src: { kind: "imm", imm } });
const at = { line: 0, column: 0 };

/** One function's code being generated: instructions, labels, symbol references. */
class Emitter {
  readonly b = new ProgramBuilder();
  readonly refs: { insn: number; symbol: string }[] = [];
  private labels = 0;
  /** Scratch registers holding an initialised scalar. */
  readonly init = new Set<number>();

  constructor(readonly rng: Random) {}

  fresh(): string {
    return `L${this.labels++}`;
  }

  emit(insn: Instruction): void {
    this.b.add(insn);
  }

  jump(insn: Instruction, label: string): void {
    this.b.add(insn, { label, ...at });
  }

  label(name: string): void {
    this.b.label(name, 0, 0);
  }

  ref(insn: Instruction, symbol: string): void {
    this.refs.push({ insn: this.b.instructionCount, symbol });
    this.b.add(insn);
  }

  /** An initialised scratch register (or, rarely, any register: the verifier must catch it). */
  source(): number {
    if (this.rng.bool(0.005)) return this.rng.int(0, 9);
    if (this.init.size === 0) {
      const r = this.scratch();
      this.emit(movi(r, this.rng.int(0, 255)));
      this.init.add(r);
    }
    return this.rng.pick([...this.init]);
  }

  scratch(): number {
    return this.rng.pick(SCRATCH);
  }

  /** Runs a conditionally skipped body: afterwards only registers initialised on both paths count. */
  conditional(body: () => void): void {
    const before = new Set(this.init);
    body();
    for (const r of [...this.init]) if (!before.has(r)) this.init.delete(r);
  }

  clobberCall(): void {
    for (const r of [1, 2, 3, 4, 5]) this.init.delete(r);
  }
}

export interface GeneratedProgram {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Which templates the program used, for the report. */
  readonly templates: readonly string[];
}

interface Shape {
  readonly mapType: typeof MapType.ARRAY | typeof MapType.HASH;
  readonly valueSize: number;
  readonly maxEntries: number;
}

/** Packet bytes [0, n) proven readable: `if data + n > data_end goto skip`, then `body`. */
function guarded(e: Emitter, n: number, body: () => void): void {
  const skip = e.fresh();
  const p = e.scratch();
  e.emit(mov(p, R_DATA));
  e.emit(addi(p, n));
  e.jump({ kind: "jcond", width: 64, cond: e.rng.bool() ? "jgt" : "jge", dst: p, src: { kind: "reg", reg: R_END }, off: 0 }, skip);
  e.init.delete(p);
  e.conditional(body);
  e.label(skip);
}

function packetReads(e: Emitter, n: number, tags: string[]): void {
  tags.push("bounds");
  // Mostly inside the checked range; sometimes one byte past it (must be rejected).
  const reads = e.rng.int(1, 3);
  for (let i = 0; i < reads; i++) {
    const size = e.rng.pick(SIZES.filter((s) => s <= Math.max(1, n)));
    const limit = e.rng.bool(0.9) ? n - size : n - size + 1;
    const off = e.rng.int(0, Math.max(0, limit));
    const dst = e.scratch();
    e.emit({ kind: "ldx", size, signed: false, dst, src: R_DATA, off });
    e.init.add(dst);
  }
  if (e.rng.bool(0.3)) {
    const size = e.rng.pick(SIZES.filter((s) => s <= Math.max(1, n)));
    e.emit({ kind: "st", size, dst: R_DATA, off: e.rng.int(0, Math.max(0, n - size)), imm: e.rng.int(-5, 300) });
  }
}

function aluChain(e: Emitter, tags: string[]): void {
  tags.push("alu");
  for (let i = e.rng.int(1, 6); i > 0; i--) {
    const op = e.rng.pick(SAFE_ALU);
    const dst = e.init.size > 0 && e.rng.bool(0.8) ? e.rng.pick([...e.init]) : e.scratch();
    const width = e.rng.bool() ? 64 : 32;
    const shift = op === "lsh" || op === "rsh" || op === "arsh";
    const src = e.rng.bool(0.5) ? { kind: "imm" as const, imm: shift ? e.rng.int(0, width - 1) : e.rng.int(-1000, 1000) } : { kind: "reg" as const, reg: e.source() };
    if (op !== "mov" && !e.init.has(dst)) e.emit(movi(dst, e.rng.int(0, 255)));
    e.emit({ kind: "alu", width, op, dst, src });
    e.init.add(dst);
  }
}

function variableOffsetRead(e: Emitter, tags: string[]): void {
  tags.push("var-offset");
  guarded(e, 15, () => {
    const idx = e.scratch();
    e.emit({ kind: "ldx", size: 1, signed: false, dst: idx, src: R_DATA, off: 14 });
    e.emit({ kind: "alu", width: 64, op: "and", dst: idx, src: { kind: "imm", imm: e.rng.pick([0xf, 0x3f, 0xff]) } });
    e.emit({ kind: "alu", width: 64, op: "lsh", dst: idx, src: { kind: "imm", imm: e.rng.int(0, 2) } });
    const p = e.rng.pick([9, 3, 4].filter((r) => r !== idx));
    e.emit(mov(p, R_DATA));
    e.emit({ kind: "alu", width: 64, op: "add", dst: p, src: { kind: "reg", reg: idx } });
    const q = e.rng.pick([1, 2, 5].filter((r) => r !== idx && r !== p));
    const span = e.rng.int(1, 8);
    e.emit(mov(q, p));
    e.emit(addi(q, span));
    const skip = e.fresh();
    e.jump({ kind: "jcond", width: 64, cond: "jgt", dst: q, src: { kind: "reg", reg: R_END }, off: 0 }, skip);
    const size = e.rng.pick(SIZES.filter((s) => s <= span + 1));
    const off = e.rng.bool(0.9) ? e.rng.int(0, Math.max(0, span - size)) : span - size + 1;
    e.emit({ kind: "ldx", size, signed: false, dst: idx, src: p, off });
    e.label(skip);
    e.init.delete(p);
    e.init.delete(q);
    e.init.add(idx);
  });
}

function mapAccess(e: Emitter, shape: Shape, tags: string[]): void {
  tags.push("map");
  const key = e.rng.bool(0.7) ? e.rng.int(0, shape.maxEntries - 1) : e.rng.int(0, 100000);
  e.emit({ kind: "st", size: 4, dst: 10, off: -4, imm: key });
  e.emit(mov(2, 10));
  e.emit(addi(2, -4));
  e.ref({ kind: "lddw", dst: 1, pseudo: 0, lo: 0, hi: 0 }, "m");
  e.emit({ kind: "call", target: "helper", imm: 1, off: 0 });
  e.clobberCall();
  const skip = e.fresh();
  const checked = e.rng.bool(0.9);
  if (checked) e.jump({ kind: "jcond", width: 64, cond: "jeq", dst: 0, src: { kind: "imm", imm: 0 }, off: 0 }, skip);
  e.conditional(() => mapValueAccesses(e, shape));
  e.label(skip);
}

function mapValueAccesses(e: Emitter, shape: Shape): void {
  for (let i = e.rng.int(1, 3); i > 0; i--) {
    const size = e.rng.pick(SIZES);
    const off = e.rng.bool(0.9) ? e.rng.int(0, shape.valueSize - size) : e.rng.pick([shape.valueSize - size + 1, shape.valueSize, -1]);
    const dst = e.scratch();
    switch (e.rng.int(0, 2)) {
      case 0:
        e.emit({ kind: "ldx", size, signed: false, dst, src: 0, off });
        e.init.add(dst);
        break;
      case 1:
        e.emit({ kind: "stx", size, dst: 0, src: e.source(), off });
        break;
      default:
        e.emit({ kind: "atomic", size: size === 8 ? 8 : 4, op: "add", fetch: false, dst: 0, src: e.source(), off: off & ~3 });
    }
  }
}

function spillFill(e: Emitter, tags: string[]): void {
  tags.push("spill");
  const slot = -8 * e.rng.int(2, 20);
  const what = e.rng.pick([R_DATA, R_END, R_CTX, e.source()]);
  e.emit({ kind: "stx", size: 8, dst: 10, src: what, off: slot });
  const dst = e.scratch();
  // Usually the slot just written; sometimes a neighbour (maybe never written).
  e.emit({ kind: "ldx", size: 8, signed: false, dst, src: 10, off: e.rng.bool(0.85) ? slot : slot - 8 });
  if (what === R_DATA && e.rng.bool(0.5)) guarded(e, 14, () => e.emit({ kind: "ldx", size: 2, signed: false, dst: 0, src: dst, off: 12 }));
  else if (what !== R_DATA && what !== R_END && what !== R_CTX) e.init.add(dst);
}

function boundedLoop(e: Emitter, tags: string[]): void {
  tags.push("loop");
  const counter = 9;
  const top = e.fresh();
  e.emit(movi(counter, 0));
  e.label(top);
  const acc = e.rng.pick([1, 2, 3]);
  if (!e.init.has(acc)) e.emit(movi(acc, 1));
  e.emit({ kind: "alu", width: 64, op: e.rng.pick(["add", "xor", "mul"] as const), dst: acc, src: { kind: "reg", reg: counter } });
  e.init.add(acc);
  // Terminating loops, except rarely (a `!=` exit the step can jump over).
  const step = e.rng.int(1, 3);
  const bound = e.rng.int(1, 24) * (e.rng.bool(0.995) ? step : 1);
  e.emit(addi(counter, step));
  e.jump({ kind: "jcond", width: 64, cond: e.rng.pick(["jlt", "jne"] as const), dst: counter, src: { kind: "imm", imm: bound }, off: 0 }, top);
  e.init.add(counter);
}

function randomJump(e: Emitter, body: () => void, tags: string[]): void {
  tags.push("jump");
  const skip = e.fresh();
  const dst = e.source();
  e.jump({ kind: "jcond", width: e.rng.bool() ? 64 : 32, cond: e.rng.pick(CONDS), dst, src: e.rng.bool(0.7) ? { kind: "imm", imm: e.rng.int(-10, 300) } : { kind: "reg", reg: e.source() }, off: 0 }, skip);
  e.conditional(body);
  e.label(skip);
}

function randomInstruction(e: Emitter, tags: string[]): void {
  tags.push("random-insn");
  const r = e.rng;
  const pick = r.int(0, 4);
  const insn: Instruction =
    pick === 0
      ? { kind: "ldx", size: r.pick(SIZES), signed: false, dst: r.int(0, 9), src: r.int(0, 10), off: r.int(-16, 64) }
      : pick === 1
        ? { kind: "stx", size: r.pick(SIZES), dst: r.int(0, 10), src: r.int(0, 10), off: r.int(-520, 64) }
        : pick === 2
          ? { kind: "alu", width: 64, op: r.pick(["add", "sub", "mov"] as const), dst: r.int(0, 9), src: { kind: "reg", reg: r.int(0, 10) } }
          : pick === 3
            ? { kind: "st", size: r.pick(SIZES), dst: r.pick([R_CTX, R_DATA, R_END, 10]), off: r.int(-8, 40), imm: r.int(0, 9) }
            : { kind: "alu", width: 64, op: "add", dst: r.pick([R_DATA, R_END, R_CTX]), src: { kind: "imm", imm: r.int(-4, 40) } };
  e.emit(insn);
}

function subprogramCall(e: Emitter, tags: string[]): void {
  tags.push("call");
  e.emit(mov(1, R_DATA));
  e.emit(mov(2, R_END));
  e.emit(movi(3, e.rng.int(0, 40)));
  e.ref({ kind: "call", target: "local", imm: -1, off: 0 }, "sub");
  e.clobberCall();
  e.emit(mov(9, 0));
  e.init.add(9);
}

/** The callee: reads byte r3 & 31 of the packet (r1 .. r2) behind its own check, using a small frame. */
function subprogram(rng: Random): { insns: Instruction[] } {
  const b = new ProgramBuilder();
  const n = rng.int(1, 40);
  b.add({ kind: "stx", size: 8, dst: 10, src: 1, off: -8 });
  b.add(movi(0, 0));
  b.add(mov(4, 1));
  b.add(addi(4, n));
  b.add({ kind: "jcond", width: 64, cond: "jgt", dst: 4, src: { kind: "reg", reg: 2 }, off: 0 }, { label: "out", ...at });
  b.add({ kind: "ldx", size: 8, signed: false, dst: 1, src: 10, off: -8 });
  b.add({ kind: "ldx", size: 1, signed: false, dst: 0, src: 1, off: rng.bool(0.9) ? rng.int(0, n - 1) : n });
  b.add({ kind: "alu", width: 64, op: "add", dst: 0, src: { kind: "reg", reg: 3 } });
  b.label("out", 0, 0);
  b.add({ kind: "exit" });
  return { insns: b.finish() };
}

/** One random program as a complete object; program name `fuzz`. */
export function randomProgram(rng: Random, index: number): GeneratedProgram {
  const e = new Emitter(rng);
  const tags: string[] = [];
  const shape: Shape = { mapType: rng.bool() ? MapType.ARRAY : MapType.HASH, valueSize: 8 * rng.int(1, 8), maxEntries: rng.int(1, 16) };
  e.emit(mov(R_CTX, 1));
  e.emit({ kind: "ldx", size: 4, signed: false, dst: R_DATA, src: R_CTX, off: 0 });
  e.emit({ kind: "ldx", size: 4, signed: false, dst: R_END, src: R_CTX, off: 4 });
  e.emit(movi(0, 2));
  let usesSub = false;
  const block = (depth: number): void => {
    switch (rng.int(0, 9)) {
      case 0:
      case 1: {
        const n = rng.pick([14, 20, 34, 42, 54, rng.int(1, 64)]);
        guarded(e, n, () => {
          packetReads(e, n, tags);
          if (depth < 2 && rng.bool(0.4)) block(depth + 1);
        });
        break;
      }
      case 2:
        aluChain(e, tags);
        break;
      case 3:
        variableOffsetRead(e, tags);
        break;
      case 4:
        mapAccess(e, shape, tags);
        break;
      case 5:
        spillFill(e, tags);
        break;
      case 6:
        boundedLoop(e, tags);
        break;
      case 7:
        if (depth < 2) randomJump(e, () => block(depth + 1), tags);
        break;
      case 8:
        usesSub = true;
        subprogramCall(e, tags);
        break;
      default:
        if (rng.bool(0.25)) randomInstruction(e, tags);
        else aluChain(e, tags);
    }
  };
  for (let i = rng.int(2, 6); i > 0; i--) block(0);
  // The verdict: a scalar (or, rarely, whatever r0 holds).
  if (rng.bool(0.9)) e.emit(movi(0, rng.int(0, 4)));
  e.emit({ kind: "exit" });

  const ob = new ObjectBuilder(`fuzz_${index}.c`);
  const t = ob.btf;
  const u32 = t.addInt("unsigned int", 4);
  const xdpMd = t.addStruct("xdp_md", 24, ["data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex"].map((name, i) => ({ name, type: u32, bitsOffset: i * 32 })));
  const intT = t.addInt("int", 4, IntEncoding.SIGNED);
  const u8 = t.addInt("unsigned char", 1);
  const value = t.addArray(u8, u32, shape.valueSize);
  ob.addMap({ name: "m", type: shape.mapType, key: u32, value, maxEntries: shape.maxEntries });
  ob.addFunction({ name: "fuzz", section: "xdp", linkage: "global", proto: t.addFuncProto(intT, [{ name: "ctx", type: t.addPtr(xdpMd) }]), insns: e.b.finish(), refs: e.refs });
  if (usesSub) {
    const voidPtr = t.addPtr(0);
    const proto = t.addFuncProto(intT, [
      { name: "data", type: voidPtr },
      { name: "end", type: voidPtr },
      { name: "k", type: u32 },
    ]);
    ob.addFunction({ name: "sub", section: ".text", linkage: "static", proto, insns: subprogram(rng).insns });
  }
  ob.license("GPL");
  return { name: `fuzz_${index}`, bytes: ob.build(), templates: [...new Set(tags)] };
}
