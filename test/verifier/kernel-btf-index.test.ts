// The kernel BTF index (runtime/object/kernel-btf.ts) looks names up in the string section on
// demand instead of decoding every name: its answers are checked against bpftool's dump of the
// same BTF (the oracle) and against the fully decoded name map.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { indexKernelBtf, VMLINUX_BTF_PATH } from "../../runtime/object/kernel-btf.js";

const readable = ((): boolean => {
  try {
    readFileSync(VMLINUX_BTF_PATH, { flag: "r" }).subarray(0, 1);
    execFileSync("bpftool", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!readable)("kernel BTF index against bpftool", () => {
  const dump = readable ? execFileSync("bpftool", ["btf", "dump", "file", VMLINUX_BTF_PATH], { maxBuffer: 1 << 30 }).toString() : "";
  const idx = readable ? indexKernelBtf(readFileSync(VMLINUX_BTF_PATH)) : undefined;

  it("FUNC ids by name", () => {
    const funcs = [...dump.matchAll(/^\[(\d+)\] FUNC '([^']+)'/gm)];
    expect(funcs.length).toBeGreaterThan(1000);
    // Every 97th FUNC (a spread over the whole section) and some kfuncs.
    const named = new Set(["bpf_iter_num_next", "bpf_dynptr_from_xdp", "bpf_task_acquire"]);
    for (const [i, m] of funcs.entries()) {
      if (i % 97 !== 0 && !named.has(m[2]!)) continue;
      // bpftool lists each id once; a duplicated name keeps its last FUNC, as the full map does.
      const last = funcs.filter((f) => f[2] === m[2]).at(-1)![1];
      expect(idx!.funcId(m[2]!), m[2]).toBe(Number(last));
      expect(idx!.funcs.get(m[2]!), m[2]).toBe(Number(last));
    }
    expect(idx!.funcId("no_such_function_in_vmlinux")).toBeUndefined();
    // A name that is only a struct's is no FUNC.
    expect(idx!.funcId("task_struct")).toBeUndefined();
  });

  it("the FUNCs tagged bpf_kfunc", () => {
    const tagged = [...dump.matchAll(/^\[\d+\] DECL_TAG 'bpf_kfunc' type_id=(\d+) component_idx=-1$/gm)].map((m) => Number(m[1]));
    expect(tagged.length).toBeGreaterThan(50);
    expect([...idx!.kfuncIds].sort((a, b) => a - b)).toEqual([...new Set(tagged)].sort((a, b) => a - b));
  });

  it("struct members by name", () => {
    const m = /^\[(\d+)\] STRUCT 'task_struct' size=\d+ vlen=\d+\n((?:\t.*\n)+)/m.exec(dump)!;
    const member = /^\t'(\w+)' type_id=\d+ bits_offset=(\d+)$/m.exec(m[2]!)!;
    expect(idx!.memberAt("task_struct", Number(member[2]) / 8)?.name).toBe(member[1]);
    expect(idx!.structName(Number(m[1]))).toBe("struct task_struct");
    expect(idx!.memberAt("no_such_struct_in_vmlinux", 0)).toBeUndefined();
  });
});
