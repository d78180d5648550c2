// VM = kernel, differentially: every program of every reference object (callx.o with its
// callx lowered to direct calls by our loader, natively in the VM) runs on every reference packet, in order, on one fresh load in the
// VM (runtime/vm) and one in the kernel (our loader, BPF_PROG_TEST_RUN on CPU 0); after each
// packet the return value, the output frame and the contents of every map agree. Frames the
// kernel refuses (EINVAL) are refused by the VM too. Prog arrays are filled the same way in
// both (xdp_tailcall's jmp_table slot 1 = xdp_stage2, as the reference runner does).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BpfSyscallError, KernelObject, numPossibleCpus } from "../../runtime/kernel/index.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { XdpInputError, runXdp } from "../../runtime/vm/xdp.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { dumpKernelMap, dumpVmMap } from "../support/map-dump.js";
import { hex, referenceObjectPath } from "../support/reference-cases.js";
import { haveShared, referenceObjects, sharedDir } from "../support/shared.js";

const usable = haveShared("reference/obj") && (await kernelBackendUsable());
const packetDir = join(sharedDir, "reference", "packets");
const packets = usable ? readdirSync(packetDir).filter((f) => f.endsWith(".bin")).sort() : [];
const u32le = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);
/** What the reference runner puts in prog arrays before running. */
const PROG_ARRAY_SETUP: Readonly<Record<string, Readonly<Record<string, Readonly<Record<number, string>>>>>> = {
  "xdp_tailcall.o": { jmp_table: { 1: "xdp_stage2" } },
};

const programs = usable
  ? referenceObjects()
      .map((path) => path.slice(path.lastIndexOf("/") + 1))
      .flatMap((object) => {
        const vm = loadObject(new Uint8Array(readFileSync(referenceObjectPath(object))));
        return [...vm.programs.keys()].map((program) => ({ object, program }));
      })
  : [];

describe.skipIf(programs.length === 0)("VM = kernel on every reference program × packet", () => {
  it.each(programs.map((p) => [`${p.object} ${p.program}`, p] as const))("%s", (_name, { object, program }) => {
    const bytes = new Uint8Array(readFileSync(referenceObjectPath(object)));
    const cpus = numPossibleCpus();
    const vm = loadObject(bytes, { cpus });
    const kernel = KernelObject.load(bytes, { name: object.replace(/\..*$/, "") });
    try {
      for (const [mapName, slots] of Object.entries(PROG_ARRAY_SETUP[object] ?? {})) {
        for (const [index, progName] of Object.entries(slots)) {
          vm.maps.get(mapName)!.userUpdate(u32le(Number(index)), vm.programs.get(progName)!, 0);
          kernel.map(mapName).update(u32le(Number(index)), kernel.program(progName).fd);
        }
      }
      for (const packet of packets) {
        const frame = new Uint8Array(readFileSync(join(packetDir, packet)));
        const where = `${object} ${program} after ${packet}`;
        let kernelResult;
        try {
          kernelResult = kernel.program(program).testRun(frame, { cpu: 0 });
        } catch (e) {
          expect(e, where).toBeInstanceOf(BpfSyscallError);
          expect((e as BpfSyscallError).code, where).toBe("EINVAL");
          expect(() => runXdp(vm, program, frame, { cpu: 0 }), where).toThrow(XdpInputError);
          continue;
        }
        const vmResult = runXdp(vm, program, frame, { cpu: 0 });
        expect({ retval: vmResult.retval, frame: hex(vmResult.packet) }, where).toEqual({ retval: kernelResult.retval, frame: hex(kernelResult.packet) });
        for (const [mapName, vmMap] of vm.maps) {
          expect(dumpVmMap(vmMap, vm), `${where}: map ${mapName}`).toEqual(dumpKernelMap(kernel.map(mapName), kernel, cpus));
        }
      }
    } finally {
      kernel.close();
    }
  });
});
