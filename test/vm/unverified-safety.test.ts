// What the VM does with programs the verifier would refuse (`tsbpf run --no-verify`, or
// loadObject without loadVerified): each defect below once ran on or faulted with the wrong
// words; now each faults cleanly, naming the instruction and the region the pointer came from.
// The programs are built from instructions (the kernel refuses every one of them at load, so
// there is no kernel run to compare with); --cpus is bounded by the reference kernel's NR_CPUS.
import { describe, expect, it } from "vitest";
import type { Instruction } from "../../runtime/isa/index.js";
import { VmFault, VmUsageError } from "../../runtime/vm/errors.js";
import { MAX_CPUS, loadObject, type VmObject } from "../../runtime/vm/loader.js";
import { toExecProgram } from "../../runtime/vm/raw.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { ethernet, ipv4, udp } from "../../runtime/packet/index.js";
import { tsbpf } from "../support/cli.js";
import { haveShared, sharedDir } from "../support/shared.js";
import { join } from "node:path";

const mov = (dst: number, imm: number): Instruction => ({ kind: "alu", width: 64, op: "mov", dst, src: { kind: "imm", imm } });
const alu = (op: "add" | "sub" | "lsh" | "mov", dst: number, src: number | { imm: number }): Instruction => ({
  kind: "alu",
  width: 64,
  op,
  dst,
  src: typeof src === "number" ? { kind: "reg", reg: src } : { kind: "imm", imm: src.imm },
});
const ldx = (size: 1 | 4, dst: number, src: number, off: number): Instruction => ({ kind: "ldx", size, signed: false, dst, src, off });
const exit: Instruction = { kind: "exit" };

/** An object holding one XDP program made of `insns`, as loadObject would give it. */
function object(insns: Instruction[]): VmObject {
  return { license: "GPL", maps: new Map(), programs: new Map([["p", { ...toExecProgram("p", insns), section: "xdp" }]]), cpus: 1 };
}

const frame = ethernet({ src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02" }, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, udp({ sport: 1000, dport: 53 }, new Uint8Array(8))));

/** The fault a program raises on the frame (the test fails if it runs to the end). */
function faultOf(insns: Instruction[]): VmFault {
  try {
    runXdp(object(insns), "p", frame);
  } catch (e) {
    if (e instanceof VmFault) return e;
    throw e;
  }
  throw new Error("the program ran to its end instead of faulting");
}

/** r2 = ctx->data, minus `distance` bytes (r3 = distance, built from 32-bit halves), then a load through it. */
function packetMinus(hi: number, lo: number): Instruction[] {
  return [ldx(4, 2, 1, 0), mov(3, hi), alu("lsh", 3, { imm: 32 }), alu("add", 3, { imm: lo }), alu("sub", 2, 3), ldx(1, 0, 2, 0), exit];
}

describe("unverified programs fault cleanly", () => {
  it("writing r10 (the read-only frame pointer) faults at that instruction", () => {
    for (const insn of [mov(10, 0), alu("add", 10, { imm: -8 }), ldx(4, 10, 1, 0)]) {
      const f = faultOf([mov(0, 2), insn, exit]);
      expect(f.kind).toBe("instruction");
      expect(f.site.slot).toBe(1);
      expect(f.problem).toMatch(/r10, the read-only frame pointer/);
    }
  });

  it("a packet pointer minus 4 GiB reaches no other region: the load faults naming the packet", () => {
    const f = faultOf(packetMinus(1, 0));
    expect(f.kind).toBe("memory");
    expect(f.site.slot).toBe(5);
    expect(f.problem).toMatch(/is outside the packet \(offset -4294967296,/);
  });

  it("a packet pointer a little before the packet is named as outside the packet, not another region", () => {
    const f = faultOf(packetMinus(0, 300));
    expect(f.problem).toContain(`is outside the packet (offset -300, accessible size ${frame.length})`);
    expect(f.problem).not.toMatch(/stack/);
  });

  it("a packet pointer minus many times 4 GiB is not called a scalar", () => {
    const f = faultOf(packetMinus(9, 256));
    expect(f.problem).toMatch(/outside the packet/);
    expect(f.problem).not.toMatch(/scalar/);
  });

  it("a small number used as a pointer is still named a scalar, and 0 a null pointer", () => {
    expect(faultOf([mov(2, 4096), ldx(1, 0, 2, 0), exit]).problem).toMatch(/a scalar, not a pointer/);
    expect(faultOf([mov(2, 0), ldx(1, 0, 2, 0), exit]).problem).toMatch(/null pointer/);
  });
});

describe("possible CPUs are bounded as the kernel bounds them", () => {
  it(`loadObject refuses more than ${MAX_CPUS} CPUs at once, and takes ${MAX_CPUS}`, () => {
    const bytes = new Uint8Array(0);
    const started = Date.now();
    expect(() => loadObject(bytes, { cpus: 100_000_000 })).toThrow(VmUsageError);
    expect(() => loadObject(bytes, { cpus: MAX_CPUS + 1 })).toThrow(/1 to 256/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  const reference = haveShared("reference/obj");
  it.skipIf(!reference)("tsbpf run --cpus 100000000 stops with one clear error", () => {
    const obj = join(sharedDir, "reference", "obj", "xdp_percpu.o");
    const data = join(sharedDir, "reference", "packets", "ipv4_udp_dns.bin");
    const r = tsbpf(["run", obj, "--prog", "xdp_percpu", "--data-in", data, "--cpus", "100000000"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/100000000 possible CPUs: a kernel has 1 to 256/);
    const ok = tsbpf(["run", obj, "--prog", "xdp_percpu", "--data-in", data, "--cpus", String(MAX_CPUS)]);
    expect(ok.status, ok.stderr).toBe(0);
  });
});
