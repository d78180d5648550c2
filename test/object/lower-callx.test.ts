// The callx lowering (runtime/object/lower-callx.ts over runtime/object/splice.ts) on linked
// programs built here: the VM runs the original (callx natively) and the lowered program (direct
// calls only) on many inputs and must get the same r0; structurally, no callx is left, every
// jump, call and function address lands on an instruction start inside the right function,
// functions and line_info move with their instructions, and every inserted instruction carries
// its callx's source line. The refusals name the instruction. 300 generated programs (random
// pointer picks, callx through r7/r8/r0, direct calls, forward skips across callx sites, line
// records) agree with their originals in the VM on 8 inputs each.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatInstruction, Pseudo, type Instruction } from "../../runtime/isa/index.js";
import type { LinkedProgram } from "../../runtime/object/link.js";
import { CallxLoweringError, lowerIndirectCalls } from "../../runtime/object/lower-callx.js";
import { spliceProgram, targetSlot } from "../../runtime/object/splice.js";
import { helperTable } from "../../runtime/vm/helpers/registry.js";
import { Interpreter } from "../../runtime/vm/interpreter.js";
import { Machine } from "../../runtime/vm/machine.js";
import { sourceAt, type ExecProgram } from "../../runtime/vm/program.js";
import { vmConfig } from "../../runtime/vm/xdp.js";

// ---- a tiny label-resolving builder for linked programs ----------------------------------
type Item = Instruction | { readonly label: string } | { readonly insn: Instruction; readonly to: string } | { readonly line: number };
const L = (label: string): Item => ({ label });
const to = (insn: Instruction, label: string): Item => ({ insn, to: label });
const line = (n: number): Item => ({ line: n });
const mov = (dst: number, v: number): Instruction => ({ kind: "alu", width: 64, op: "mov", dst, src: { kind: "imm", imm: v } });
const movr = (dst: number, src: number): Instruction => ({ kind: "alu", width: 64, op: "mov", dst, src: { kind: "reg", reg: src } });
const alu = (op: "add" | "sub" | "mul" | "mod" | "xor", dst: number, src: number | { imm: number }): Instruction => ({
  kind: "alu",
  width: 64,
  op,
  dst,
  src: typeof src === "number" ? { kind: "reg", reg: src } : { kind: "imm", imm: src.imm },
});
const jeq = (dst: number, v: number): Instruction => ({ kind: "jcond", width: 64, cond: "jeq", dst, src: { kind: "imm", imm: v }, off: 0 });
const jgt = (dst: number, v: number): Instruction => ({ kind: "jcond", width: 64, cond: "jgt", dst, src: { kind: "imm", imm: v }, off: 0 });
const jne = (dst: number, v: number): Instruction => ({ kind: "jcond", width: 64, cond: "jne", dst, src: { kind: "imm", imm: v }, off: 0 });
const ja: Instruction = { kind: "ja", long: false, off: 0 };
const gotol: Instruction = { kind: "ja", long: true, off: 0 };
const call: Instruction = { kind: "call", target: "local", imm: 0, off: 0 };
const func = (dst: number): Instruction => ({ kind: "lddw", dst, pseudo: Pseudo.FUNC, lo: 0, hi: 0 });
const callx = (reg: number): Instruction => ({ kind: "callx", reg, encoding: "dst" });
const exit: Instruction = { kind: "exit" };

function build(name: string, functions: readonly { readonly name: string; readonly body: readonly Item[] }[]): LinkedProgram {
  const labels = new Map<string, number>();
  const placed: { slot: number; insn: Instruction; to?: string }[] = [];
  const lines: LinkedProgram["lineInfo"][number][] = [];
  let slot = 0;
  for (const f of functions) {
    labels.set(f.name, slot);
    for (const item of f.body) {
      if ("label" in item) labels.set(item.label, slot);
      else if ("line" in item) lines.push({ slot, insnOff: slot * 8, fileName: "t.c", line: `line ${item.line}`, lineNumber: item.line, column: 1 });
      else {
        const insn = "to" in item ? item.insn : item;
        placed.push({ slot, insn, ...("to" in item ? { to: item.to } : {}) });
        slot += insn.kind === "lddw" ? 2 : 1;
      }
    }
  }
  const insns: (Instruction | undefined)[] = new Array(slot).fill(undefined);
  for (const p of placed) {
    if (p.to === undefined) {
      insns[p.slot] = p.insn;
      continue;
    }
    const rel = labels.get(p.to)! - (p.slot + 1);
    const i = p.insn;
    insns[p.slot] = i.kind === "lddw" ? { ...i, lo: rel } : i.kind === "call" ? { ...i, imm: rel } : i.kind === "ja" || i.kind === "jcond" ? { ...i, off: rel } : i;
  }
  return { name, section: "xdp", insns, functions: functions.map((f) => ({ name: f.name, slot: labels.get(f.name)! })), lineInfo: lines };
}

// ---- running a linked program in the VM ---------------------------------------------------
const interpreter = new Interpreter((id) => helperTable.get(id), () => undefined);
const execOf = (p: LinkedProgram): ExecProgram => ({
  name: p.name,
  section: p.section,
  code: p.insns,
  functions: p.functions,
  lines: new Map(p.lineInfo.map((l) => [l.slot, `${l.fileName}:${l.lineNumber}: ${l.line}`])),
  maps: [],
});
const runVm = (p: LinkedProgram, x: bigint): bigint => interpreter.run(new Machine(vmConfig({})), execOf(p), [x, 0n]);

// ---- structural checks --------------------------------------------------------------------
function functionOf(p: LinkedProgram, slot: number): string {
  let best = p.functions[0]!;
  for (const f of p.functions) if (f.slot <= slot && f.slot >= best.slot) best = f;
  return best.name;
}

function checkStructure(before: LinkedProgram, after: LinkedProgram): void {
  expect(after.insns.some((i) => i?.kind === "callx")).toBe(false);
  after.insns.forEach((insn, slot) => {
    if (!insn) {
      expect(after.insns[slot - 1]?.kind, `slot ${slot} is empty but follows no lddw`).toBe("lddw");
      return;
    }
    const t = targetSlot(insn, slot);
    if (t === undefined) return;
    expect(after.insns[t], `instruction ${slot} (${formatInstruction(insn)}) lands on ${t}, no instruction start`).toBeDefined();
    if (insn.kind === "ja" || insn.kind === "jcond") expect(functionOf(after, t)).toBe(functionOf(after, slot));
    else expect(after.functions.map((f) => f.slot)).toContain(t);
  });
  // Functions and line records still start at the same instructions.
  expect(after.functions.map((f) => f.name)).toEqual(before.functions.map((f) => f.name));
  before.functions.forEach((f, i) => expect(after.insns[after.functions[i]!.slot]).toEqual(before.insns[f.slot]));
  expect(after.lineInfo.length).toBe(before.lineInfo.length);
  before.lineInfo.forEach((l, i) => {
    const moved = after.lineInfo[i]!;
    expect(moved.lineNumber).toBe(l.lineNumber);
    const was = before.insns[l.slot]!;
    if (was.kind !== "callx") expect(after.insns[moved.slot]!.kind).toBe(was.kind);
  });
}

// ---- the programs -------------------------------------------------------------------------
// main(x): picks add/mul/sub by x % 3 (jumps across), calls base() directly before and after,
// runs callx in a loop (a backward jump across it), skips a second callx (through r3) when x > 10
// (a forward jump across it, made a gotol), takes an address after the calls, and calls
// apply(fp, x), whose callx sits in a subprogram.
const three = [
  { name: "f_add", body: [line(40), movr(0, 1), alu("add", 0, 2), exit] },
  { name: "f_mul", body: [line(41), movr(0, 1), alu("mul", 0, 2), exit] },
  { name: "f_sub", body: [line(42), movr(0, 1), alu("sub", 0, 2), exit] },
];
const program = build("main", [
  {
    name: "main",
    body: [
      line(1),
      movr(6, 1),
      to(call, "base"),
      movr(7, 0),
      line(2),
      to(func(1), "f_add"),
      to(func(2), "f_mul"),
      to(func(3), "f_sub"),
      movr(4, 6),
      alu("mod", 4, { imm: 3 }),
      movr(8, 1),
      to(jeq(4, 0), "picked"),
      movr(8, 2),
      to(jeq(4, 1), "picked"),
      movr(8, 3),
      L("picked"),
      line(3),
      mov(9, 2),
      L("loop"),
      movr(1, 6),
      movr(2, 9),
      line(4),
      callx(8),
      line(5),
      alu("add", 7, 0),
      alu("sub", 9, { imm: 1 }),
      to(jne(9, 0), "loop"),
      line(6),
      to(func(3), "f_sub"),
      to(jgt(6, 10), "skip"),
      movr(1, 7),
      mov(2, 3),
      callx(3),
      alu("xor", 7, 0),
      L("skip"),
      movr(1, 6),
      to(call, "base"),
      alu("add", 7, 0),
      line(7),
      movr(1, 8),
      movr(2, 6),
      to(call, "apply"),
      alu("add", 7, 0),
      to(gotol, "out"),
      mov(7, 12345),
      L("out"),
      movr(0, 7),
      exit,
    ],
  },
  { name: "base", body: [line(20), movr(0, 1), alu("add", 0, { imm: 100 }), exit] },
  { name: "apply", body: [line(30), movr(3, 1), movr(1, 2), mov(2, 7), line(31), callx(3), alu("add", 0, { imm: 1 }), exit] },
  ...three,
]);

describe("callx lowering", () => {
  it("gives the VM's results of the original on 40 inputs, with no callx left and every target an instruction start", () => {
    const { program: lowered, lowered: sites } = lowerIndirectCalls(program);
    expect(sites.map((s) => [s.reg, s.candidates.join(",")])).toEqual([
      [8, "f_add,f_mul,f_sub"],
      [3, "f_add,f_mul,f_sub"],
      [3, "f_add,f_mul,f_sub"],
    ]);
    expect(sites.map((s) => s.source)).toEqual(["t.c:4: line 4", "t.c:6: line 6", "t.c:31: line 31"]);
    checkStructure(program, lowered);
    // 3 candidates: 2 compare rungs (3 slots each), the last call, its jump, 2 calls, 1 jump = 11 slots for 1.
    expect(lowered.insns.length).toBe(program.insns.length + 3 * 10);
    const distinct = new Set<bigint>();
    for (let x = 0n; x < 40n; x++) {
      const want = runVm(program, x);
      expect(runVm(lowered, x), `input ${x}`).toBe(want);
      distinct.add(want);
    }
    expect(distinct.size).toBeGreaterThan(30); // the inputs exercise different paths and callees
  });

  it("gives every inserted instruction the line of its callx", () => {
    const { program: lowered } = lowerIndirectCalls(program);
    const before = execOf(program);
    const after = execOf(lowered);
    const callxSlots = program.insns.flatMap((i, s) => (i?.kind === "callx" ? [s] : []));
    // The instruction after each callx in the lowered program is the same as in the original;
    // everything between the callx's new position and it is the ladder.
    for (const s of callxSlots) {
      const start = lowered.insns.findIndex((_, k) => k >= s && lowered.insns[k]?.kind === "lddw" && lowered.insns[k + 2]?.kind === "jcond" && (lowered.insns[k + 2] as { dst: number }).dst === (program.insns[s] as { reg: number }).reg);
      expect(start).toBeGreaterThanOrEqual(s);
      for (let k = start; k < start + 11; k++) if (lowered.insns[k]) expect(sourceAt(after, k)).toBe(sourceAt(before, s));
      expect(lowered.insns[start + 11]).toEqual(program.insns[s + 1]);
    }
  });

  it("makes a single candidate a plain direct call, even through r0", () => {
    const p = build("one", [
      { name: "one", body: [to(func(0), "f_add"), mov(1, 4), mov(2, 9), callx(0), exit] },
      three[0]!,
    ]);
    const { program: lowered, lowered: sites } = lowerIndirectCalls(p);
    expect(sites[0]!.candidates).toEqual(["f_add"]);
    expect(lowered.insns.length).toBe(p.insns.length);
    expect(lowered.insns[4]).toEqual({ kind: "call", target: "local", imm: 1, off: 0 }); // f_add starts at slot 6
    expect(runVm(lowered, 0n)).toBe(13n);
    expect(runVm(p, 0n)).toBe(13n);
  });

  it("leaves a program without callx as it is", () => {
    const p = build("plain", [{ name: "plain", body: [mov(0, 2), exit] }]);
    expect(lowerIndirectCalls(p).program).toBe(p);
  });

  it("lowers callx r0 with the highest argument register no candidate reads as scratch", () => {
    const p = build("viaR0", [
      { name: "viaR0", body: [line(9), movr(6, 1), to(func(0), "f_add"), to(jgt(6, 5), "call"), to(func(0), "plus5"), L("call"), movr(1, 6), mov(2, 3), mov(5, 11), callx(0), exit] },
      three[0]!,
      // Calls first (the walk follows the call): reads r5 (so the scratch must be r4) and
      // writes r4 before reading it.
      { name: "plus5", body: [to(call, "addR5"), exit] },
      { name: "addR5", body: [mov(4, 2), alu("add", 4, 1), movr(0, 4), alu("add", 0, 5), exit] },
    ]);
    const { program: lowered, lowered: sites } = lowerIndirectCalls(p);
    expect(sites).toEqual([{ slot: 9, reg: 0, scratch: 4, candidates: ["f_add", "plus5"], source: "t.c:9: line 9" }]);
    checkStructure(p, lowered);
    for (let x = 0n; x < 12n; x++) expect(runVm(lowered, x), `input ${x}`).toBe(runVm(p, x));
    expect(new Set(Array.from({ length: 12 }, (_, x) => runVm(p, BigInt(x)))).size).toBe(10); // plus5: x+13 for x <= 5 (13..18), f_add: x+3 past 5 (9..14)

  });

  it("refuses callx r0 when every argument register may be read by a candidate, and callx in a program that takes no function address, naming the instruction", () => {
    const sum3 = { name: "sum3", body: [movr(0, 1), alu("add", 0, 2), alu("add", 0, 3), exit] };
    // Reads nothing itself, but its helper call may take r1-r5: counted as reading them.
    const callsHelper: { name: string; body: Item[] } = { name: "callsHelper", body: [{ kind: "call", target: "helper", imm: 5, off: 0 }, exit] };
    const r0 = build("viaR0", [{ name: "viaR0", body: [line(9), to(func(0), "sum3"), to(func(3), "callsHelper"), callx(0), exit] }, sum3, callsHelper]);
    expect(() => lowerIndirectCalls(r0)).toThrow(CallxLoweringError);
    expect(() => lowerIndirectCalls(r0)).toThrow("program 'viaR0', instruction 4 (callx r0), t.c:9: line 9: lowering an indirect call through r0 is not supported here: the compare ladder needs a scratch register, and each of r1-r5 may be read by one of sum3, callsHelper");
    const none = build("noAddr", [{ name: "noAddr", body: [mov(2, 1), callx(2), exit] }]);
    expect(() => lowerIndirectCalls(none)).toThrow("program 'noAddr', instruction 1 (callx r2): lowering an indirect call to direct calls is not supported when the program takes no function address");
  });
});

describe("splicing", () => {
  it("turns a ja that outgrows 16 bits into gotol, and refuses a conditional jump that does", () => {
    const p = build("far", [{ name: "far", body: [to(ja, "end"), to(jeq(1, 0), "end"), mov(0, 1), L("end"), exit] }]);
    const pad = Array.from({ length: 40000 }, () => ({ insn: mov(0, 0) }));
    expect(() => spliceProgram(p, [{ slot: 2, items: pad }])).toThrow("far: instruction 1: after relocation the 16-bit jump offset would be 40000 slots, which does not fit");
    const onlyJa = build("far", [{ name: "far", body: [to(ja, "end"), mov(0, 1), L("end"), exit] }]);
    const out = spliceProgram(onlyJa, [{ slot: 1, items: pad }]);
    expect(out.insns[0]).toEqual({ kind: "ja", long: true, off: 40000 });
    expect(out.insns[40001]).toEqual(exit);
  });
});

// ---- generated programs ----------------------------------------------------------------------
// main(x): r6 = x, r9 accumulates; r7 and r8 hold function pointers chosen from x's bits by
// compare chains (forward jumps); blocks call through r7/r8 (or r0, copied from one of them),
// call leaves directly, and skip following blocks on a bit of x (forward jumps across callx).
type Block =
  | { readonly kind: "pick"; readonly into: 7 | 8; readonly shift: number }
  | { readonly kind: "callx"; readonly via: 7 | 8; readonly throughR0: boolean; readonly arg: number }
  | { readonly kind: "direct"; readonly leaf: number; readonly arg: number }
  | { readonly kind: "skip"; readonly bit: number; readonly over: number }
  | { readonly kind: "line"; readonly n: number };

const arbBlock = (leaves: number): fc.Arbitrary<Block> =>
  fc.oneof(
    fc.record({ kind: fc.constant("pick" as const), into: fc.constantFrom(7 as const, 8 as const), shift: fc.integer({ min: 0, max: 6 }) }),
    fc.record({ kind: fc.constant("callx" as const), via: fc.constantFrom(7 as const, 8 as const), throughR0: fc.boolean(), arg: fc.integer({ min: 0, max: 1000 }) }),
    fc.record({ kind: fc.constant("direct" as const), leaf: fc.integer({ min: 0, max: leaves - 1 }), arg: fc.integer({ min: 0, max: 1000 }) }),
    fc.record({ kind: fc.constant("skip" as const), bit: fc.integer({ min: 0, max: 7 }), over: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant("line" as const), n: fc.integer({ min: 1, max: 99 }) }),
  );

const arbProgram = fc.integer({ min: 1, max: 5 }).chain((leaves) =>
  fc.record({
    leaves: fc.array(fc.record({ op: fc.constantFrom("add" as const, "sub" as const, "mul" as const, "xor" as const), k: fc.integer({ min: 1, max: 97 }) }), { minLength: leaves, maxLength: leaves }),
    blocks: fc.array(arbBlock(leaves), { minLength: 1, maxLength: 14 }),
  }),
);

interface Generated {
  readonly leaves: readonly { readonly op: "add" | "sub" | "mul" | "xor"; readonly k: number }[];
  readonly blocks: readonly Block[];
}

function generated(g: Generated): LinkedProgram {
  const leafName = (i: number): string => `leaf${i}`;
  const body: Item[] = [line(1), movr(6, 1), mov(9, 0), to(func(7), leafName(0)), to(func(8), leafName(g.leaves.length - 1))];
  let label = 0;
  const pending: { at: number; label: string }[] = [];
  g.blocks.forEach((b, i) => {
    for (const p of pending.filter((p) => p.at === i)) body.push(L(p.label));
    switch (b.kind) {
      case "pick": {
        const done = `pick${label++}`;
        body.push(movr(4, 6), { kind: "alu", width: 64, op: "rsh", dst: 4, src: { kind: "imm", imm: b.shift } }, { kind: "alu", width: 64, op: "and", dst: 4, src: { kind: "imm", imm: 3 } });
        g.leaves.forEach((_, k) => {
          body.push(to(func(b.into), leafName(k)));
          if (k < g.leaves.length - 1) body.push(to(jeq(4, k), done));
        });
        body.push(L(done));
        break;
      }
      case "callx":
        body.push(movr(1, 6), mov(2, b.arg));
        if (b.throughR0) body.push(movr(0, b.via), callx(0));
        else body.push(callx(b.via));
        body.push(alu("mul", 9, { imm: 3 }), alu("add", 9, 0));
        break;
      case "direct":
        body.push(movr(1, 6), mov(2, b.arg), to(call, leafName(b.leaf)), alu("xor", 9, 0));
        break;
      case "skip": {
        const l = `skip${label++}`;
        body.push(movr(4, 6), { kind: "alu", width: 64, op: "and", dst: 4, src: { kind: "imm", imm: 1 << b.bit } }, to(jne(4, 0), l));
        pending.push({ at: Math.min(g.blocks.length, i + 1 + b.over), label: l });
        break;
      }
      case "line":
        body.push(line(b.n));
        break;
    }
  });
  for (const p of pending.filter((p) => p.at >= g.blocks.length)) body.push(L(p.label));
  body.push(movr(0, 9), exit);
  return build("gen", [
    { name: "gen", body },
    ...g.leaves.map((l, i) => ({ name: leafName(i), body: [line(50 + i), movr(0, 1), alu(l.op, 0, 2), alu("add", 0, { imm: l.k }), exit] })),
  ]);
}

describe("callx lowering on generated programs", () => {
  it("agrees with the original in the VM on 300 programs x 8 inputs, with sound structure", () => {
    let sites = 0;
    fc.assert(
      fc.property(arbProgram, (g) => {
        const p = generated(g);
        const { program: lowered, lowered: calls } = lowerIndirectCalls(p);
        sites += calls.length;
        checkStructure(p, lowered);
        for (const x of [0n, 1n, 2n, 5n, 0x55n, 0xaan, 0x7fn, 0xffn]) expect(runVm(lowered, x)).toBe(runVm(p, x));
      }),
      { numRuns: 300, seed: 0x5eed },
    );
    expect(sites).toBeGreaterThan(300);
  });
});
