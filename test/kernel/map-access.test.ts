// Maps and test runs from Node through our loader: hash-map update flags (NOEXIST, EXIST) with
// the kernel's errnos, lookup/delete/iteration, size checks before the syscall, LPM keys and
// values rendered through BTF, per-CPU values landing in the slot of the CPU the test run was
// pinned to, pinning and re-opening a map (same kernel id), the XDP ctx going in and out of
// BPF_PROG_TEST_RUN, and a prog array filled from Node steering a tail call.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BpfSyscallError, KernelObject, KernelUsageError, numPossibleCpus, openPinnedMap, UpdateFlags } from "../../runtime/kernel/index.js";
import { kernelBackendUsable, pinDir } from "../support/kernel.js";
import { referenceObjectPath, referencePacket } from "../support/reference-cases.js";
import { haveShared } from "../support/shared.js";

const usable = haveShared("reference/obj") && (await kernelBackendUsable());
const load = (name: string): KernelObject => KernelObject.load(new Uint8Array(readFileSync(referenceObjectPath(name))), { name: name.replace(/\..*$/, "") });
const u32le = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

describe.skipIf(!usable)("kernel maps and test runs from Node", () => {
  const pins = usable ? pinDir("tsbpf-maps") : undefined;
  afterAll(() => pins?.cleanup());

  it("updates, looks up, iterates and deletes a hash map with the kernel's flag semantics", () => {
    const obj = load("xdp_blocklist.o");
    try {
      const m = obj.map("sightings");
      const key = bytes(192, 0, 2, 1);
      expect(m.lookup(key)).toBeUndefined();
      expect(() => m.update(key, u32le(1), UpdateFlags.EXIST)).toThrow(expect.objectContaining({ code: "ENOENT" }) as BpfSyscallError);
      m.update(key, u32le(1), UpdateFlags.NOEXIST);
      expect(() => m.update(key, u32le(2), UpdateFlags.NOEXIST)).toThrow(expect.objectContaining({ code: "EEXIST" }) as BpfSyscallError);
      m.update(bytes(192, 0, 2, 2), u32le(7));
      expect([...m.keys()].map((k) => [...k]).sort()).toEqual([[192, 0, 2, 1], [192, 0, 2, 2]]);
      expect(m.delete(key)).toBe(true);
      expect(m.delete(key)).toBe(false);
      expect(m.entries().map((e) => [...e.value])).toEqual([[7, 0, 0, 0]]);
      expect(() => m.lookup(bytes(1, 2))).toThrow(KernelUsageError);
      expect(() => m.update(key, bytes(1))).toThrow(/value of 1 bytes, expected 4/);
      // The program sees what Node wrote: 192.0.2.10 already seen twice → the next sighting drops.
      m.update(bytes(192, 0, 2, 10), u32le(2));
      expect(obj.program("xdp_blocklist").testRun(referencePacket("ipv4_udp_dns")).retval).toBe(1);
    } finally {
      obj.close();
    }
  });

  it("renders LPM keys and values through BTF after the program filled the trie", () => {
    const obj = load("xdp_lpm.o");
    try {
      obj.program("xdp_lpm").testRun(referencePacket("ipv4_udp_dns"));
      const m = obj.map("rules");
      const rendered = m.entries().map((e) => ({ key: m.formatKey(e.key), value: m.formatValue(e.value) }));
      expect(rendered).toContainEqual({ key: { prefixlen: 24, addr: 0x0002_00c0 }, value: { action: 1, hits: 1 } });
    } finally {
      obj.close();
    }
  });

  it("puts per-CPU counts in the slot of the CPU the test run was pinned to", () => {
    const cpus = numPossibleCpus();
    const cpu = cpus > 1 ? 1 : 0;
    const obj = load("xdp_percpu.o");
    try {
      obj.program("xdp_percpu").testRun(referencePacket("ipv4_udp_dns"), { cpu });
      const m = obj.map("pcpu_stats");
      const value = m.lookup(u32le(0))!;
      expect(value.length).toBe(16 * cpus);
      const packets = Array.from({ length: cpus }, (_, c) => new DataView(m.cpuValue(value, c).buffer).getBigUint64(0, true));
      expect(packets).toEqual(Array.from({ length: cpus }, (_, c) => (c === cpu ? 1n : 0n)));
      expect((m.formatValue(value) as { cpu: number; value: unknown }[])[cpu]).toEqual({ cpu, value: { packets: 1, bytes: 71 } });
    } finally {
      obj.close();
    }
  });

  it("pins a map and opens it again by path: the same kernel object", () => {
    const obj = load("xdp_globals.o");
    try {
      const path = join(pins!.dir, "globals_bss");
      obj.map(".bss").pin(path);
      const again = openPinnedMap(path);
      try {
        expect(again.info().id).toBe(obj.map(".bss").info().id);
        expect(again.info().name).toBe("xdp_glob.bss");
        expect(() => obj.map(".rodata").update(u32le(0), new Uint8Array(4))).toThrow(expect.objectContaining({ code: "EPERM" }) as BpfSyscallError);
      } finally {
        again.close();
      }
      expect(() => obj.map(".bss").pin(join(pins!.dir, "a.b"))).toThrow(/bpffs does not allow '\.' in names/);
    } finally {
      obj.close();
    }
  });

  it("passes the XDP ctx in and out of BPF_PROG_TEST_RUN", () => {
    const obj = load("xdp_pass.o");
    try {
      const r = obj.program("xdp_pass").testRun(referencePacket("ipv4_udp_dns"), { ctx: { ingressIfindex: 1, rxQueueIndex: 0 }, repeat: 3 });
      expect(r.retval).toBe(2);
      expect(r.ctx).toEqual({ ingressIfindex: 1, rxQueueIndex: 0, dataMeta: 0 });
    } finally {
      obj.close();
    }
  });

  it("steers a tail call through a prog array filled from Node, and empties the slot again", () => {
    const obj = load("xdp_tailcall.o");
    try {
      const entry = obj.program("xdp_entry");
      const frame = referencePacket("ipv4_udp_1500b");
      expect(entry.testRun(frame).retval).toBe(0);
      obj.map("jmp_table").update(u32le(1), obj.program("xdp_stage2").fd);
      expect(entry.testRun(frame).retval).toBe(3);
      expect(obj.map("jmp_table").delete(u32le(1))).toBe(true);
      expect(entry.testRun(frame).retval).toBe(0);
    } finally {
      obj.close();
    }
  });
});
