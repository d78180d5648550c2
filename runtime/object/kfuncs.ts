// The kernel functions (kfuncs) a program may name as `__ksym` externs, as the linker and the
// verifier need them: the BTF id libbpf puts in the call's imm (the FUNC's id in vmlinux BTF,
// module index 0), its prototype, and whether XDP programs may call it. The running kernel's
// BTF is used when readable; otherwise the bundled snapshot (kfunc-snapshot.ts, generated from
// a kernel by bench/kfuncs/snapshot.ts). Which kfuncs XDP may call is not in BTF (it is in the
// kernel's kfunc id sets), so it always comes from the snapshot's probe.

import { readVmlinuxBtf, type KernelBtfIndex, type KfuncProto } from "./kernel-btf.js";
import { SNAPSHOT_KERNEL, XDP_KFUNCS } from "./kfunc-snapshot.js";

export interface KfuncTable {
  /** Where ids and prototypes come from. */
  readonly source: "vmlinux" | "snapshot";
  /** The kernel function named `name`: its id and prototype; undefined when this table does not know it. */
  lookup(name: string): KfuncProto | undefined;
  /** True when the kernel's kfunc id sets let XDP programs call it (from the snapshot's probe). */
  xdpAllowed(name: string): boolean;
  /** True for KF_SLEEPABLE kfuncs, which XDP programs (never sleepable) may not call. */
  sleepable(name: string): boolean;
  /** True when `lookup` failing means the kernel has no such function (a full kernel BTF). */
  readonly complete: boolean;
  /** The kernel BTF's struct or union with type id `id` ("struct X"); absent without a kernel BTF. */
  readonly structName?: (id: number) => string | undefined;
  /** The kernel BTF index the table reads (absent for the snapshot), shared with other lookups. */
  readonly btf?: KernelBtfIndex;
}

const SNAPSHOT_BY_NAME = new Map(XDP_KFUNCS.map((p) => [p.name, p] as const));

/** A table over the kernel BTF `btf` (the running kernel's by default), or the snapshot alone. */
export function kfuncTable(btf: KernelBtfIndex | undefined | "snapshot" = readVmlinuxBtf()): KfuncTable {
  const xdpAllowed = (name: string): boolean => SNAPSHOT_BY_NAME.has(name);
  const sleepable = (name: string): boolean => SNAPSHOT_BY_NAME.get(name)?.sleepable === true;
  if (btf === undefined || btf === "snapshot") {
    return { source: "snapshot", complete: false, lookup: (name) => SNAPSHOT_BY_NAME.get(name), xdpAllowed, sleepable };
  }
  return {
    source: "vmlinux",
    complete: true,
    lookup: (name) => {
      const id = btf.funcId(name);
      return id === undefined ? undefined : btf.proto(id);
    },
    xdpAllowed,
    sleepable,
    structName: (id) => btf.structName(id),
    btf,
  };
}

export { SNAPSHOT_KERNEL };
