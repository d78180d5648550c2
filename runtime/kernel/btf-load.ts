// BPF_BTF_LOAD of an object's type information, as libbpf prepares it: DATASEC fix-up from
// the ELF file, kinds the running kernel rejects sanitised (probed once per process, by
// loading a tiny BTF blob per feature as libbpf's probe_kern_btf_* do), and .BTF.ext's
// file names and source lines placed in the string table, so line_info can refer to them.
//
// Invariants: a failed load leaves no fd open; the returned KernelBtf owns its fd; the
// `strings` map gives the offset of every string in the bytes that were loaded.

import { BtfBuilder, FuncLinkage, IntEncoding, VarLinkage, writeBtf, writeBtfAndExt, type Btf } from "../object/btf/index.js";
import type { ObjectFile } from "../object/object-file.js";
import { Attr } from "./attr.js";
import { BtfLoad } from "./attr-layouts.js";
import { ALL_BTF_FEATURES, fixupDatasecs, sanitizeBtf, stringOffsets, type BtfFeatures } from "./btf-fixup.js";
import { BpfCmd } from "./constants.js";
import { BpfSyscallError } from "./errors.js";
import { Fd } from "./fd.js";
import { bpf } from "./syscall.js";

export interface KernelBtf {
  readonly fd: Fd;
  /** The model that was loaded (fixed up and sanitised); type ids equal the object's. */
  readonly btf: Btf;
  readonly bytes: Uint8Array;
  readonly strings: ReadonlyMap<string, number>;
  /** What the kernel accepts; without FUNC support programs get no func_info/line_info. */
  readonly features: BtfFeatures;
}

export class BtfLoadError extends Error {
  override readonly name = "BtfLoadError";
  constructor(
    override readonly cause: BpfSyscallError,
    readonly log: string,
  ) {
    super(`the kernel rejected the object's BTF (${cause.code}): ${log.trim().split("\n").slice(-3).join(" | ") || "no log"}`);
  }
}

const LOG_SIZE = 1 << 20;

/** BPF_BTF_LOAD of raw bytes; on failure retries with a level-1 log and throws BtfLoadError. */
export function loadRawBtf(bytes: Uint8Array): Fd {
  try {
    return new Fd(bpf(BpfCmd.BTF_LOAD, new Attr(BtfLoad, { btf: bytes, btf_size: bytes.length }).bytes), "BTF");
  } catch (e) {
    if (!(e instanceof BpfSyscallError) || e.code === "EPERM") throw e;
    const log = new Uint8Array(LOG_SIZE);
    try {
      const fd = bpf(BpfCmd.BTF_LOAD, new Attr(BtfLoad, { btf: bytes, btf_size: bytes.length, btf_log_buf: log, btf_log_size: LOG_SIZE, btf_log_level: 1 }).bytes);
      return new Fd(fd, "BTF");
    } catch (again) {
      if (!(again instanceof BpfSyscallError)) throw again;
      throw new BtfLoadError(again, cString(log));
    }
  }
}

export function cString(buf: Uint8Array): string {
  const end = buf.indexOf(0);
  return new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end));
}

/** One tiny BTF per feature, the kinds libbpf probes with. */
function probeBlobs(): Record<keyof BtfFeatures, Btf> {
  const blob = (build: (b: BtfBuilder, int: number) => void): Btf => {
    const b = new BtfBuilder();
    const int = b.addInt("int", 4, IntEncoding.SIGNED);
    build(b, int);
    return b.build();
  };
  return {
    func: blob((b, int) => b.addFunc("x", b.addFuncProto(int, [{ name: "a", type: int }]), FuncLinkage.STATIC)),
    funcGlobal: blob((b, int) => b.addFunc("x", b.addFuncProto(int, [{ name: "a", type: int }]), FuncLinkage.GLOBAL)),
    datasec: blob((b, int) => b.addDatasec("data", [{ type: b.addVar("x", int, VarLinkage.STATIC), offset: 0, size: 4 }], 4)),
    float: blob((b) => b.addFloat("float", 4)),
    declTag: blob((b, int) => b.addDeclTag("tag", b.addVar("x", int, VarLinkage.STATIC), -1)),
    typeTag: blob((b, int) => b.addPtr(b.addTypeTag("tag", int))),
    enum64: blob((b) => b.add({ kind: "ENUM64", name: "e", size: 8, signed: false, values: [{ name: "v", value: 1n << 40n }] })),
  };
}

let probed: BtfFeatures | undefined;

/** The BTF features of the running kernel, probed once. */
export function btfFeatures(): BtfFeatures {
  if (probed) return probed;
  const result: Record<string, boolean> = {};
  for (const [feature, btf] of Object.entries(probeBlobs())) {
    try {
      loadRawBtf(writeBtf(btf)).close();
      result[feature] = true;
    } catch (e) {
      if (!(e instanceof BtfLoadError)) throw e;
      result[feature] = false;
    }
  }
  probed = result as unknown as BtfFeatures;
  return probed;
}

/** Fixes up, sanitises and loads the object's BTF; undefined when the object has none. */
export function loadObjectBtf(obj: ObjectFile, features: BtfFeatures = btfFeatures()): KernelBtf | undefined {
  if (!obj.btf) return undefined;
  const btf = sanitizeBtf(fixupDatasecs(obj.btf, obj.elf), features);
  const bytes = obj.btfExt ? writeBtfAndExt(btf, obj.btfExt).btf : writeBtf(btf);
  const fd = loadRawBtf(bytes);
  return { fd, btf, bytes, strings: stringOffsets(bytes), features };
}

export { ALL_BTF_FEATURES };
