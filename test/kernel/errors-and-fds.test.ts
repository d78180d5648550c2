// Failure paths of the kernel loader: every one closes every fd it opened (the count of
// /proc/self/fd is the same before and after, over repeated failures), and every one says
// something a person can act on: a verifier rejection names the kernel's complaint, the
// failing instruction's index and disassembly and its source line (the reference program
// xdp_udp53 with its first bounds check replaced by a no-op), with a level-2 log on request;
// a map the kernel refuses names the map; without privileges the EPERM says which
// capabilities are missing.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BpfSyscallError, KernelObject, PERMISSION_HINT, VerifierRejection } from "../../runtime/kernel/index.js";
import { assembleLlvm, decodeProgram, SLOT_BYTES } from "../../runtime/isa/index.js";
import { IntEncoding } from "../../runtime/object/btf/index.js";
import { ObjectBuilder } from "../../runtime/object/builder.js";
import { findSection } from "../../runtime/object/elf/query.js";
import { MapType } from "../../runtime/object/map-types.js";
import { readObject, writeObject } from "../../runtime/object/object-file.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { referenceObjectPath } from "../support/reference-cases.js";
import { haveShared, projectRoot } from "../support/shared.js";

const usable = haveShared("reference/obj") && (await kernelBackendUsable());
const openFds = (): number => readdirSync("/proc/self/fd").length;

/** xdp_udp53 with its first packet bounds check (a register-register branch) made a no-op. */
function brokenUdp53(): { bytes: Uint8Array; slot: number } {
  const obj = readObject(new Uint8Array(readFileSync(referenceObjectPath("xdp_udp53.o"))));
  const section = findSection(obj.elf, "xdp")!.section;
  const check = decodeProgram(section.data).find(({ insn }) => insn.kind === "jcond" && insn.src.kind === "reg")!;
  const data = section.data.slice();
  data.set([0x05, 0, 0, 0, 0, 0, 0, 0], check.slot * SLOT_BYTES); // ja +0
  const elf = { ...obj.elf, sections: obj.elf.sections.map((s) => (s === section ? { ...s, data } : s)) };
  return { bytes: writeObject({ ...obj, elf }), slot: check.slot };
}

/** A program with a good map, then one the kernel refuses (a hash map with max_entries 0). */
function badMapObject(): Uint8Array {
  const b = new ObjectBuilder("bad_map.c");
  const u32 = b.btf.addInt("unsigned int", 4);
  const int = b.btf.addInt("int", 4, IntEncoding.SIGNED);
  b.addMap({ name: "good", type: MapType.ARRAY, key: u32, value: u32, maxEntries: 1 });
  b.addMap({ name: "bad", type: MapType.HASH, key: u32, value: u32, maxEntries: 0 });
  b.addFunction({ name: "prog", section: "xdp", linkage: "global", proto: b.btf.addFuncProto(int, []), insns: assembleLlvm("r0 = 2\nexit") });
  b.license("GPL");
  return b.build();
}

describe.skipIf(!usable)("kernel loader failures", () => {
  it("reports a verifier rejection with the kernel's message, the instruction and its source line", () => {
    const { bytes } = brokenUdp53();
    let error: unknown;
    try {
      KernelObject.load(bytes).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VerifierRejection);
    const r = error as VerifierRejection;
    expect(r.cause.code).toBe("EACCES");
    expect(r.reason).toMatch(/invalid access to packet/);
    expect(r.at?.index).toBeGreaterThan(0);
    expect(r.at?.text).toMatch(/^[rw]\d+ = \*\(u(8|16|32) \*\)\(r\d+ \+ 0x[0-9a-f]+\)$/);
    expect(r.at?.source).toMatch(/^(\.\/)?xdp_udp53\.c:\d+:\d+: .+/);
    console.log(`[tsbpf kernel] a verifier rejection reads:\n${r.message}`);
    expect(r.message).toContain(`the kernel's verifier rejected program 'xdp_udp53' (EACCES): ${r.reason}\n  at instruction ${r.at!.index}: ${r.at!.text}\n  source: ${r.at!.source}`);
    expect(r.log).toMatch(/processed \d+ insns/);
  });

  it("captures the level-2 log on failure when asked", () => {
    const { bytes } = brokenUdp53();
    const levels = [false, true].map((verboseOnFailure) => {
      try {
        KernelObject.load(bytes, { verboseOnFailure }).close();
      } catch (e) {
        return (e as VerifierRejection).log;
      }
      throw new Error("the broken program loaded");
    });
    expect(levels[1]!.length).toBeGreaterThan(levels[0]!.length);
    expect(levels[1]).toMatch(/R1=ctx\(/);
  });

  it("leaves no fd open after repeated failed loads (verifier, map creation) or a load and close", () => {
    const { bytes } = brokenUdp53();
    const badMap = badMapObject();
    const good = new Uint8Array(readFileSync(referenceObjectPath("xdp_tailcall.o")));
    KernelObject.load(good).close(); // first use: koffi, libc and the BTF probes are loaded
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      expect(() => KernelObject.load(bytes)).toThrow(VerifierRejection);
      expect(() => KernelObject.load(badMap)).toThrow(/BPF_MAP_CREATE of map 'bad' failed: EINVAL/);
      const obj = KernelObject.load(good);
      expect(openFds()).toBeGreaterThan(before);
      obj.close();
      obj.close(); // closing twice is harmless: each fd is closed once
    }
    expect(openFds()).toBe(before);
  });

  it("fails a program late in an object (after maps and another program loaded) without leaking", () => {
    const obj = readObject(new Uint8Array(readFileSync(referenceObjectPath("xdp_tailcall.o"))));
    // Break the second program: its first instruction becomes a read of an uninitialised register.
    const section = obj.elf.sections.find((s) => s.name === "xdp" && s.data.length > 0)!;
    const data = section.data.slice();
    const entry = obj.elf.symbols.find((s) => s.name === "xdp_entry")!;
    data.set([0x79, 0x91, 0, 0, 0, 0, 0, 0], Number(entry.value)); // r1 = *(u64 *)(r9 + 0)
    const broken = writeObject({ ...obj, elf: { ...obj.elf, sections: obj.elf.sections.map((s) => (s === section ? { ...s, data } : s)) } });
    const before = openFds();
    for (let i = 0; i < 10; i++) expect(() => KernelObject.load(broken)).toThrow(/rejected program 'xdp_entry'.*R9 !read_ok/s);
    expect(openFds()).toBe(before);
  });

  it("says which privileges are missing when bpf() is refused with EPERM", () => {
    const script = `import("${join(projectRoot, "dist", "runtime", "kernel", "index.js")}").then((k) => {
      try { k.KernelObject.load(new Uint8Array(require("node:fs").readFileSync(${JSON.stringify(referenceObjectPath("xdp_pass.o"))}))); console.log("loaded"); }
      catch (e) { console.log(e instanceof k.BpfSyscallError ? e.code + ": " + e.message : "other: " + e.message); }
    });`;
    const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", process.execPath, "-e", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toMatch(/^EPERM: BPF_BTF_LOAD failed: EPERM \(operation not permitted\): /);
    expect(r.stdout.trim().endsWith(PERMISSION_HINT)).toBe(true);
    expect(BpfSyscallError.name).toBe("BpfSyscallError");
  });
});
