// The VM never lets bad programs hurt the host: 100,000+ random programs (random valid
// instructions, raw random words, and mutations of the reference programs run on reference
// frames) each end in a result or a VmFault (memory, budget, call, helper, instruction) —
// never a host exception — and out-of-bounds accesses are reported as memory faults.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeProgram, InstructionDecodeError, type Instruction } from "../../runtime/isa/index.js";
import { VmFault } from "../../runtime/vm/errors.js";
import { loadObject } from "../../runtime/vm/loader.js";
import type { ExecProgram } from "../../runtime/vm/program.js";
import { runRaw } from "../../runtime/vm/raw.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { arbInstruction } from "../support/arbitrary-insn.js";
import { referencePacket } from "../support/reference-cases.js";
import { referenceObjects } from "../support/shared.js";

const BUDGET = 2_000;
const faults = new Map<string, number>();

function expectVmOutcome(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof VmFault)) throw e;
    expect(e.message).toMatch(/^\S+: instruction \d+: /);
    faults.set(e.kind, (faults.get(e.kind) ?? 0) + 1);
  }
}

const mem = Uint8Array.from({ length: 64 }, (_, i) => i);

describe("VM fuzz", () => {
  it("40,000 programs of random valid instructions", () => {
    fc.assert(
      fc.property(fc.array(arbInstruction, { minLength: 1, maxLength: 24 }), (insns) => {
        expectVmOutcome(() => runRaw([...insns, { kind: "exit" }], mem, { budget: BUDGET, clock: () => 0n }));
      }),
      { numRuns: 40_000, seed: 101 },
    );
  });

  it("30,000 programs of random instruction words", () => {
    let decoded = 0;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 96 }), (raw) => {
        const bytes = raw.slice(0, raw.length - (raw.length % 8));
        let insns: Instruction[];
        try {
          insns = decodeProgram(bytes).map((d) => d.insn);
        } catch (e) {
          expect(e).toBeInstanceOf(InstructionDecodeError);
          return;
        }
        decoded++;
        expectVmOutcome(() => runRaw(insns, mem, { budget: BUDGET, clock: () => 0n }));
      }),
      { numRuns: 30_000, seed: 202 },
    );
    expect(decoded).toBeGreaterThan(0);
  });

  const objects = referenceObjects();
  it.skipIf(objects.length === 0)("40,000 mutations of the reference programs on reference frames", () => {
    const loaded = objects.map((p) => loadObject(new Uint8Array(readFileSync(p)), { cpus: 2 }));
    const targets = loaded.flatMap((obj) => [...obj.programs.values()].map((prog) => ({ obj, prog })));
    const frames = ["ipv4_udp_dns", "ipv4_tcp_syn", "ipv6_hbh_rh_udp_dns", "vlan100_ipv4_udp_dns", "arp_request", "eth_only_14b"].map(referencePacket);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(fc.tuple(fc.nat(), arbInstruction), { minLength: 1, maxLength: 3 }), (t, f, edits) => {
        const { obj, prog } = targets[t % targets.length]!;
        const code = [...prog.code];
        for (const [at, insn] of edits) {
          const slot = at % code.length;
          // Keep the program well-formed slot-wise: replace a one-slot instruction by a one-slot one.
          if (code[slot] === undefined || code[slot]!.kind === "lddw" || insn.kind === "lddw") continue;
          code[slot] = insn;
        }
        const mutant: ExecProgram = { ...prog, name: `${prog.name}~`, code };
        const programs = new Map(obj.programs).set(mutant.name, mutant);
        expectVmOutcome(() => runXdp({ ...obj, programs }, mutant.name, frames[f % frames.length]!, { budget: BUDGET, clock: () => 0n }));
      }),
      { numRuns: 40_000, seed: 303 },
    );
    console.log(`[vm fuzz] faults by kind: ${JSON.stringify(Object.fromEntries(faults))}`);
    expect(faults.get("memory") ?? 0).toBeGreaterThan(100);
  });

  it.skipIf(objects.length === 0)("reports an out-of-bounds packet read with the instruction, address and region", () => {
    // r2 = data; r0 = *(u8 *)(r2 + 100) on a 14-byte frame: 86 bytes past data_end.
    const obj = loadObject(new Uint8Array(readFileSync(objects.find((p) => p.endsWith("xdp_pass.o"))!)));
    const prog = obj.programs.get("xdp_pass")!;
    const code: Instruction[] = [
      { kind: "ldx", size: 4, signed: false, dst: 2, src: 1, off: 0 },
      { kind: "ldx", size: 1, signed: false, dst: 0, src: 2, off: 100 },
      { kind: "exit" },
    ];
    const mutant: ExecProgram = { ...prog, name: "oob", code, lines: new Map([[1, "oob.c:7: return data[100];"]]) };
    const run = (): unknown => runXdp({ ...obj, programs: new Map([["oob", mutant]]) }, "oob", referencePacket("eth_only_14b"));
    expect(run).toThrow(VmFault);
    expect(run).toThrow(/^oob: instruction 1: load of 1 bytes at 0x[0-9a-f]+ is outside the packet \(offset 100, accessible size 14\)\n  at oob\.c:7: return data\[100\];$/);
  });
});
