// What libbpf does to an object's BTF before BPF_BTF_LOAD, as pure functions on the model:
//   - fixupDatasecs: clang leaves DATASEC sizes and VAR offsets zero; they come from the ELF
//     section sizes and the variables' symbols (libbpf's btf_fixup_datasec), hidden globals
//     become static, and each DATASEC's entries are sorted by offset;
//   - sanitizeBtf: kinds the running kernel does not know are replaced the way libbpf's
//     bpf_object__sanitize_btf replaces them (VAR/DECL_TAG → INT, DATASEC → STRUCT,
//     FUNC_PROTO → ENUM, FUNC → TYPEDEF or static FUNC, FLOAT → empty STRUCT,
//     TYPE_TAG → CONST, ENUM64 → UNION, signed ENUM → unsigned).
//   - the .ksyms DATASEC of `__ksym` externs rewritten as libbpf does (fixupKsyms).
// Invariants: the input is never modified (every function returns a fresh model); type ids
// are preserved (only an ENUM64 placeholder INT, and for .ksyms a dummy VAR and maybe an int,
// may be appended at the end), so the type ids of maps and func_info stay valid.

import { IntEncoding, VarLinkage, FuncLinkage, type Btf, type BtfType } from "../object/btf/index.js";
import { STB_GLOBAL, STB_WEAK, STT_OBJECT, STV_HIDDEN, STV_INTERNAL } from "../object/elf/constants.js";
import { findSection } from "../object/elf/query.js";
import type { ElfFile } from "../object/elf/types.js";
import { ObjectFormatError } from "../object/format-error.js";

/** Which BTF kinds and flavours the kernel accepts (libbpf's FEAT_BTF_* probes). */
export interface BtfFeatures {
  readonly func: boolean;
  readonly funcGlobal: boolean;
  readonly datasec: boolean;
  readonly float: boolean;
  readonly declTag: boolean;
  readonly typeTag: boolean;
  readonly enum64: boolean;
}

export const ALL_BTF_FEATURES: BtfFeatures = { func: true, funcGlobal: true, datasec: true, float: true, declTag: true, typeTag: true, enum64: true };

const clone = (btf: Btf): Btf => ({ types: structuredClone(btf.types) });

/** DATASEC sizes and VAR offsets from the ELF file, as libbpf's btf_fixup_datasec. */
export function fixupDatasecs(btf: Btf, elf: ElfFile): Btf {
  const out = clone(btf);
  for (const t of out.types) {
    if (t.kind !== "DATASEC") continue;
    if (t.name === ".ksyms") fixupKsyms(out, t);
    if (t.name !== ".kconfig" && t.name !== ".ksyms") {
      let fixOffsets = false;
      if (t.size === 0) {
        const size = findSection(elf, t.name)?.section.size ?? 0n;
        if (size === 0n) throw new ObjectFormatError({ section: ".BTF", offset: 0 }, `DATASEC '${t.name}' has no ELF section to take its size from`);
        t.size = Number(size);
        fixOffsets = true;
      }
      for (const vsi of t.vars) {
        const v = out.types[vsi.type - 1];
        if (v?.kind !== "VAR") throw new ObjectFormatError({ section: ".BTF", offset: 0 }, `DATASEC '${t.name}' has an entry [${vsi.type}] that is not a VAR`);
        if (v.linkage === VarLinkage.STATIC || v.linkage === VarLinkage.EXTERN) continue;
        const sym = elf.symbols.find((s) => s.type === STT_OBJECT && (s.bind === STB_GLOBAL || s.bind === STB_WEAK) && s.name === v.name);
        if (!sym) throw new ObjectFormatError({ section: ".BTF", offset: 0 }, `DATASEC '${t.name}': variable '${v.name}' has no ELF symbol`);
        if (fixOffsets) vsi.offset = Number(sym.value);
        const visibility = sym.other & 3;
        if (visibility === STV_HIDDEN || visibility === STV_INTERNAL) v.linkage = VarLinkage.STATIC;
      }
    }
    t.vars.sort((a, b) => a.offset - b.offset);
  }
  return out;
}

/**
 * The `.ksyms` DATASEC of `__ksym` externs, which the kernel refuses as clang writes it (extern
 * FUNCs: "Invalid func linkage"), as libbpf's bpf_object__collect_externs rewrites it: every
 * entry becomes a 4-byte slot holding a dummy `int` VAR ("dummy_ksym", appended), extern FUNCs
 * become global with unnamed parameters named after the dummy, extern VARs become allocated ints.
 */
function fixupKsyms(out: Btf, sec: Extract<BtfType, { kind: "DATASEC" }>): void {
  let intId = out.types.findIndex((t) => t.kind === "INT" && t.size === 4 && t.bits === 32) + 1;
  if (intId === 0) intId = out.types.push({ kind: "INT", name: "int", size: 4, bitsOffset: 0, bits: 32, encoding: IntEncoding.SIGNED });
  const dummyId = out.types.push({ kind: "VAR", name: "dummy_ksym", type: intId, linkage: VarLinkage.GLOBAL });
  sec.vars.forEach((vsi, i) => {
    const v = out.types[vsi.type - 1];
    if (v?.kind === "FUNC") {
      const proto = out.types[v.type - 1];
      if (proto?.kind === "FUNC_PROTO") for (const p of proto.params) if (p.type !== 0 && p.name === "") p.name = "dummy_ksym";
      v.linkage = FuncLinkage.GLOBAL;
      vsi.type = dummyId;
    } else if (v?.kind === "VAR") {
      v.linkage = VarLinkage.GLOBAL;
      v.type = intId;
    }
    vsi.offset = i * 4;
    vsi.size = 4;
  });
  sec.size = sec.vars.length * 4;
}

/** Replaces kinds the kernel lacks, as libbpf's bpf_object__sanitize_btf. */
export function sanitizeBtf(btf: Btf, has: BtfFeatures): Btf {
  const out = clone(btf);
  let placeholder = 0;
  out.types = out.types.map((t): BtfType => {
    if ((!has.datasec && t.kind === "VAR") || (!has.declTag && t.kind === "DECL_TAG")) {
      // size 1: 4 could be bigger than the variable and fail validation.
      return { kind: "INT", name: "name" in t ? t.name : "", size: 1, bitsOffset: 0, bits: 8, encoding: IntEncoding.NONE };
    }
    if (!has.datasec && t.kind === "DATASEC") {
      return {
        kind: "STRUCT",
        name: t.name.replaceAll(".", "_"),
        size: t.size,
        kflag: false,
        members: t.vars.map((v) => {
          const vt = btf.types[v.type - 1];
          return { name: vt && "name" in vt ? vt.name : "", type: v.type, bitsOffset: v.offset * 8, bitfieldSize: 0 };
        }),
      };
    }
    if (!has.func && t.kind === "FUNC_PROTO") {
      return { kind: "ENUM", name: "", size: 4, signed: false, values: t.params.map((p) => ({ name: p.name, value: p.type })) };
    }
    if (!has.func && t.kind === "FUNC") return { kind: "TYPEDEF", name: t.name, type: t.type };
    if (!has.funcGlobal && t.kind === "FUNC") return { ...t, linkage: FuncLinkage.STATIC };
    if (!has.float && t.kind === "FLOAT") return { kind: "STRUCT", name: "", size: t.size, kflag: false, members: [] };
    if (!has.typeTag && t.kind === "TYPE_TAG") return { kind: "CONST", type: t.type };
    if (!has.enum64 && t.kind === "ENUM") return { ...t, signed: false };
    if (!has.enum64 && t.kind === "ENUM64") {
      if (placeholder === 0) placeholder = btf.types.length + 1;
      return { kind: "UNION", name: t.name, size: t.size, kflag: false, members: t.values.map((v) => ({ name: v.name, type: placeholder, bitsOffset: 0, bitfieldSize: 0 })) };
    }
    return t;
  });
  if (placeholder !== 0) out.types.push({ kind: "INT", name: "enum64_placeholder", size: 1, bitsOffset: 0, bits: 8, encoding: IntEncoding.NONE });
  return out;
}

/** Offsets of every string in a BTF blob's string section (for func_info / line_info). */
export function stringOffsets(btfBytes: Uint8Array): Map<string, number> {
  const view = new DataView(btfBytes.buffer, btfBytes.byteOffset, btfBytes.length);
  const hdrLen = view.getUint32(4, true);
  const strOff = view.getUint32(16, true);
  const strLen = view.getUint32(20, true);
  const start = hdrLen + strOff;
  const table = btfBytes.subarray(start, start + strLen);
  const out = new Map<string, number>();
  const decoder = new TextDecoder();
  for (let at = 0; at < table.length; ) {
    const end = table.indexOf(0, at);
    const s = decoder.decode(table.subarray(at, end < 0 ? table.length : end));
    if (!out.has(s)) out.set(s, at);
    at = (end < 0 ? table.length : end) + 1;
  }
  return out;
}
