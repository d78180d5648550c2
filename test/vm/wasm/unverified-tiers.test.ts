// Unverified programs (as --no-verify runs them) that move a pointer off its region by whole
// multiples of 4 GiB: the pointer keeps its region index but gets non-zero guard bits (or
// borrows into the index below). Both tiers must fault the same way (kind, site, message),
// and never reach memory: the packet and the stacks are mirrored in the compiled tier's linear
// memory, so a region check that looked only at bits 63..48 would load or store there.
import { describe, expect, it } from "vitest";
import type { Instruction } from "../../../runtime/isa/index.js";
import { helperTable } from "../../../runtime/vm/helpers/registry.js";
import { HELPER_TAIL_CALL } from "../../../runtime/vm/interpreter.js";
import type { VmObject } from "../../../runtime/vm/loader.js";
import { toExecProgram } from "../../../runtime/vm/raw.js";
import { interpreterReason } from "../../../runtime/vm/wasm/tier.js";
import { ethernet, ipv4, udp } from "../../../runtime/packet/index.js";
import { bothTiers } from "./compare.js";

const mov = (dst: number, imm: number): Instruction => ({ kind: "alu", width: 64, op: "mov", dst, src: { kind: "imm", imm } });
const alu = (op: "add" | "sub" | "lsh", dst: number, src: number | { imm: number }): Instruction => ({
  kind: "alu",
  width: 64,
  op,
  dst,
  src: typeof src === "number" ? { kind: "reg", reg: src } : { kind: "imm", imm: src.imm },
});
const ldx = (size: 1 | 4 | 8, dst: number, src: number, off: number): Instruction => ({ kind: "ldx", size, signed: false, dst, src, off });
const stx = (size: 1 | 8, dst: number, src: number, off: number): Instruction => ({ kind: "stx", size, dst, src, off });
const exit: Instruction = { kind: "exit" };

const frame = ethernet({ src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02" }, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, udp({ sport: 1000, dport: 53 }, new Uint8Array(8))));

const object = (insns: Instruction[]): VmObject => ({ license: "GPL", maps: new Map(), programs: new Map([["p", { ...toExecProgram("p", insns), section: "xdp" }]]), cpus: 1 });

/** r3 = hi << 32 | lo (hi, lo small), then r2 = base register `from` op r3. */
function offBy(from: number, op: "add" | "sub", hi: number, lo: number): Instruction[] {
  return [alu("add", 2, from), mov(3, hi), alu("lsh", 3, { imm: 32 }), alu("add", 3, { imm: lo }), alu(op, 2, 3)];
}

// r2 starts at 0 (mov), then takes the packet pointer (ctx->data) or the frame pointer.
const packet = (op: "add" | "sub", hi: number, lo: number): Instruction[] => [mov(2, 0), ldx(4, 4, 1, 0), ...offBy(4, op, hi, lo)];
const stack = (op: "add" | "sub", hi: number, lo: number): Instruction[] => [mov(2, 0), ...offBy(10, op, hi, lo)];

const cases: [string, Instruction[]][] = [
  ["packet - 4 GiB, load", [...packet("sub", 1, 0), ldx(1, 0, 2, 0), exit]],
  ["packet + 4 GiB, load", [...packet("add", 1, 0), ldx(1, 0, 2, 0), exit]],
  ["packet + 4 GiB, store", [...packet("add", 1, 0), mov(5, 7), stx(1, 2, 5, 0), mov(0, 2), exit]],
  ["packet - 9 x 4 GiB - 256, load", [...packet("sub", 9, 256), ldx(8, 0, 2, 0), exit]],
  ["packet + 0xffff x 4 GiB, load", [...packet("add", 0xffff, 0), ldx(1, 0, 2, 0), exit]],
  ["frame pointer - 4 GiB - 8, store", [...stack("sub", 1, 8), mov(5, 7), stx(8, 2, 5, 0), mov(0, 2), exit]],
  ["frame pointer + 4 GiB - 8, load", [...stack("add", 1, -8), ldx(8, 0, 2, 0), exit]],
];

describe("compiled tier = interpreter on pointers moved by multiples of 4 GiB", () => {
  const env = { helpers: (id: number) => helperTable.get(id), tailCallTarget: () => undefined, tailCallHelper: HELPER_TAIL_CALL };
  for (const [name, insns] of cases) {
    it(name, () => {
      const interpObj = object(insns);
      const wasmObj = object(insns);
      // The program is one the compiled tier takes (else "wasm" would run the interpreter too).
      expect(interpreterReason(wasmObj.programs.get("p")!, env)).toBeUndefined();
      const { interp, wasm } = bothTiers(interpObj, wasmObj, "p", frame);
      expect(interp.fault?.kind, JSON.stringify(interp)).toBe("memory");
      expect(interp.fault?.message).toMatch(/is outside the |unmapped memory/);
      expect(wasm).toEqual(interp);
    });
  }
});
