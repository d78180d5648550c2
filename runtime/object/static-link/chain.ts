// `tsbpf link --chain NAME`: the inputs linked with one more program, the rootlet NAME
// (section "xdp"), which calls every input XDP program as a subprogram in libxdp's
// dispatcher order (priority, lowest first; ties in command-line order) and stops at the
// first action outside that program's chain-call actions, returning it; XDP_PASS when
// every program chained through. The input programs' sections move into .text and their
// BTF FUNCs become static, so the kernel verifies each inside the rootlet's context.

import { FuncLinkage, type Btf, type BtfType } from "../btf/types.js";
import type { BtfExt } from "../btf/ext-types.js";
import { buildElf } from "../elf/build.js";
import { R_BPF_64_32, SHF_ALLOC, SHF_EXECINSTR, STB_GLOBAL, STT_FUNC, STT_NOTYPE } from "../elf/constants.js";
import { objectPrograms } from "../link.js";
import type { ObjectFile } from "../object-file.js";
import { StaticLinkError } from "./errors.js";
import { inlineRootlet } from "./chain-inline.js";
import { linkObjects, type LinkInput, type LinkObject } from "./link-objects.js";
import { readRunConfig, type RunConfig } from "./run-config.js";

export interface ChainOptions {
  readonly name: string;
  /** Per program name: overrides of the objects' run configs. */
  readonly priority?: ReadonlyMap<string, number>;
  readonly chainActions?: ReadonlyMap<string, number>;
  /** Copy the programs' bodies into the rootlet instead of calling them (chain-inline.ts). */
  readonly inline?: boolean;
}

export interface ChainedProgram extends RunConfig {
  readonly name: string;
  readonly file: string;
}

const isXdpSection = (s: string): boolean => s === "xdp" || s.startsWith("xdp/") || s.startsWith("xdp.");

/** The XDP programs of the inputs in the order the rootlet calls them, with their run configs. */
export function chainOrder(inputs: readonly LinkInput[], options: ChainOptions): ChainedProgram[] {
  const progs: ChainedProgram[] = [];
  for (const { name: file, obj } of inputs) {
    for (const p of objectPrograms(obj as ObjectFile).filter((f) => isXdpSection(f.section))) {
      const rc = readRunConfig(obj.btf, p.name, file);
      progs.push({ name: p.name, file, priority: options.priority?.get(p.name) ?? rc.priority, chainActions: options.chainActions?.get(p.name) ?? rc.chainActions });
    }
  }
  if (progs.length === 0) throw new StaticLinkError(`--chain ${options.name}: no XDP program in the inputs`);
  for (const key of [...(options.priority?.keys() ?? []), ...(options.chainActions?.keys() ?? [])]) {
    if (!progs.some((p) => p.name === key)) throw new StaticLinkError(`--priority/--chain-actions name '${key}', which is not an XDP program of the inputs (${progs.map((p) => p.name).join(", ")})`);
  }
  if (progs.some((p) => p.name === options.name)) throw new StaticLinkError(`--chain ${options.name}: an input already has a program of that name`);
  // Array.prototype.sort is stable: ties keep command-line order.
  return progs.sort((a, b) => a.priority - b.priority);
}

/** Links the inputs and the rootlet; returns the object's bytes and the order used. */
export function linkChain(inputs: readonly LinkInput[], options: ChainOptions): { bytes: Uint8Array; order: ChainedProgram[] } {
  const order = chainOrder(inputs, options);
  const moved = inputs.map((input): LinkInput => {
    const progs = objectPrograms(input.obj as ObjectFile).filter((f) => isXdpSection(f.section));
    const rename = new Map(progs.map((p) => [p.section, ".text"]));
    return { ...input, obj: staticFuncs(input.obj, new Set(progs.map((p) => p.name))), renameSections: rename };
  });
  const linked = linkObjects([...moved, { name: `rootlet ${options.name}`, obj: rootletObject(options.name, order) }]);
  return { bytes: options.inline ? inlineRootlet(linked, options.name, order) : linked, order };
}

/** The object with the named FUNCs' BTF linkage made static (the ELF symbols stay global, for resolution). */
function staticFuncs(obj: LinkObject, names: ReadonlySet<string>): LinkObject {
  if (!obj.btf) return obj;
  const types = obj.btf.types.map((t): BtfType => (t.kind === "FUNC" && names.has(t.name) ? { ...t, linkage: FuncLinkage.STATIC } : t));
  return { ...obj, btf: { ...obj.btf, types } };
}

// Instruction encodings (little endian): code, dst | src << 4, off, imm.
function insn(code: number, dst: number, src: number, off: number, imm: number): number[] {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint8(0, code);
  v.setUint8(1, (dst & 0xf) | ((src & 0xf) << 4));
  v.setInt16(2, off, true);
  v.setInt32(4, imm, true);
  return [...b];
}
const MOV64_X = 0xbf;
const MOV64_K = 0xb7;
const CALL = 0x85;
const EXIT = 0x95;
const JEQ32_K = 0x16;
const PSEUDO_CALL = 1;
const XDP_PASS = 2;

/** The rootlet's code: r6 = ctx; per program: call it, go on when w0 is a chain action, else return it. */
export function rootletCode(order: readonly RunConfig[]): { code: Uint8Array; callSlots: number[] } {
  const out: number[][] = [insn(MOV64_X, 6, 1, 0, 0)];
  const callSlots: number[] = [];
  for (const p of order) {
    out.push(insn(MOV64_X, 1, 6, 0, 0));
    callSlots.push(out.length);
    out.push(insn(CALL, 0, PSEUDO_CALL, 0, -1));
    const actions = [0, 1, 2, 3, 4].filter((a) => (p.chainActions & (1 << a)) !== 0);
    actions.forEach((a, j) => out.push(insn(JEQ32_K, 0, 0, actions.length - j, a)));
    out.push(insn(EXIT, 0, 0, 0, 0));
  }
  out.push(insn(MOV64_K, 0, 0, 0, XDP_PASS), insn(EXIT, 0, 0, 0, 0));
  return { code: Uint8Array.from(out.flat()), callSlots };
}

/** The rootlet as an object: its code, calls to the programs by name, and BTF (struct xdp_md as the kernel's uapi). */
function rootletObject(name: string, order: readonly ChainedProgram[]): LinkObject {
  const { code, callSlots } = rootletCode(order);
  const elf = buildElf({
    sections: [{ name: "xdp", flags: SHF_ALLOC | SHF_EXECINSTR, align: 8, data: code }],
    symbols: [
      { name, section: "xdp", value: 0, size: code.length, bind: STB_GLOBAL, type: STT_FUNC },
      ...[...new Set(order.map((p) => p.name))].map((p) => ({ name: p, bind: STB_GLOBAL, type: STT_NOTYPE })),
    ],
    relocations: callSlots.map((slot, i) => ({ section: "xdp", offset: slot * 8, type: R_BPF_64_32, symbol: order[i]!.name })),
  });
  const u32 = 3;
  const members = ["data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex"].map((m, i) => ({ name: m, type: u32, bitsOffset: i * 32, bitfieldSize: 0 }));
  const btf: Btf = {
    types: [
      { kind: "INT", name: "int", size: 4, bitsOffset: 0, bits: 32, encoding: 1 },
      { kind: "INT", name: "unsigned int", size: 4, bitsOffset: 0, bits: 32, encoding: 0 },
      { kind: "TYPEDEF", name: "__u32", type: 2 },
      { kind: "STRUCT", name: "xdp_md", size: 24, kflag: false, members },
      { kind: "PTR", type: 4 },
      { kind: "FUNC_PROTO", returnType: 1, params: [{ name: "ctx", type: 5 }] },
      { kind: "FUNC", name, type: 6, linkage: FuncLinkage.GLOBAL },
    ],
  };
  const btfExt: BtfExt = {
    funcInfo: [{ section: "xdp", records: [{ insnOff: 0, typeId: 7 }] }],
    lineInfo: [{ section: "xdp", records: [{ insnOff: 0, fileName: `<chain ${name}>`, line: "", lineNumber: 1, column: 0 }] }],
    coreRelos: [],
  };
  return { elf, btf, btfExt };
}
