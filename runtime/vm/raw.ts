// Runs a bare instruction sequence with no object around it, under the conformance suite's
// contract: r1 = address of an input buffer and r2 = its length (0 and 0 without one),
// r10 = top of a 512-byte stack; helpers are the VM's (id 5, ktime_get_ns, returns normally).

import { slotCount, type Instruction } from "../isa/index.js";
import { HELPER_TAIL_CALL, Interpreter } from "./interpreter.js";
import { DEFAULT_TIER, runCompiled, type Tier } from "./wasm/tier.js";
import { Machine } from "./machine.js";
import { helperTable } from "./helpers/registry.js";
import type { ExecProgram } from "./program.js";
import { VmUsageError } from "./errors.js";
import { splitArgs } from "./halves.js";
import { vmConfig, type RunOptions } from "./xdp.js";

const interpreter = new Interpreter((id) => helperTable.get(id), () => undefined);

/** Lays instructions out by slot (an lddw leaves its second slot undefined). */
export function toExecProgram(name: string, insns: readonly Instruction[]): ExecProgram {
  const code: (Instruction | undefined)[] = [];
  for (const insn of insns) {
    code.push(insn);
    if (slotCount(insn) === 2) code.push(undefined);
  }
  return { name, section: "", code, functions: [{ name, slot: 0 }], lines: new Map(), maps: [] };
}

export interface RawResult {
  readonly r0: bigint;
  /** The input buffer after the run. */
  readonly memory: Uint8Array | undefined;
  /** The tier that ran the program. */
  readonly tier: Tier;
}

/**
 * A reusable runner for one bare program: the machine, its input region and the decoded
 * program are made once, and each call copies the input in and runs (as runRaw does, with
 * the same r1/r2 contract). For benchmarks and repeated runs of one program.
 */
export function rawRunner(insns: readonly Instruction[], capacity: number, options: RunOptions = {}): (memory: Uint8Array) => bigint {
  const config = vmConfig(options);
  const m = new Machine(config);
  const buf = new Uint8Array(capacity);
  const base = m.scratch("scratch", "input memory", buf);
  const region = m.mem.region(base)!;
  m.seal();
  const program = toExecProgram("program", insns);
  // r1 = the input's address, r2 = its length, as register halves (see splitArgs).
  const args = splitArgs([base, 0n]);
  return (memory) => {
    if (memory.length > capacity) throw new VmUsageError(`input of ${memory.length} bytes is larger than the runner's ${capacity}`);
    m.beginRun(config);
    buf.set(memory);
    region.hi = memory.length;
    args[1] = memory.length;
    return interpreter.run(m, program, args);
  };
}

export function runRaw(insns: readonly Instruction[], memory?: Uint8Array, options: RunOptions = {}): RawResult {
  const m = new Machine(vmConfig(options));
  const buf = memory?.slice();
  const args = buf ? [m.scratch("scratch", "input memory", buf), BigInt(buf.length)] : [0n, 0n];
  const program = toExecProgram("program", insns);
  const env = { helpers: (id: number) => helperTable.get(id), tailCallTarget: () => undefined, tailCallHelper: HELPER_TAIL_CALL };
  const compiled = (options.tier ?? DEFAULT_TIER) === "wasm" ? runCompiled(m, program, args, env) : undefined;
  const r0 = compiled ?? interpreter.run(m, program, args);
  return { r0, memory: buf, tier: compiled === undefined ? "interp" : "wasm" };
}
