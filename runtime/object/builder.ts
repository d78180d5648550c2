// Builds a loadable BPF object through an API: functions (programs and subprograms) as
// instruction lists with symbolic relocations and source lines, BTF-defined maps in .maps,
// global variables in .data/.rodata/.bss, and a license. Emits what clang emits, so that
// libbpf, bpftool and the kernel accept it: ld_imm64 + R_BPF_64_64 for maps and variables,
// bpf-to-bpf calls resolved in-section or through R_BPF_64_32 against the callee's section
// symbol, func_info and line_info in .BTF.ext, DATASECs with real sizes and offsets.
//
// Invariants: output is a pure function of the calls made (same calls, same bytes);
// every name is checked to exist before bytes are produced; errors name what is wrong.

import { encodeProgram, SLOT_BYTES, slotCount, type Instruction } from "../isa/index.js";
import { BtfBuilder, FuncLinkage, IntEncoding, VarLinkage, writeBtfAndExt, type BtfExt, type TypeId } from "./btf/index.js";
import { buildElf, type ElfRelocationSpec, type ElfSectionSpec, type ElfSymbolSpec } from "./elf/build.js";
import { writeElf } from "./elf/writer.js";
import {
  R_BPF_64_32,
  R_BPF_64_64,
  R_BPF_64_ABS64,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHT_NOBITS,
  STB_GLOBAL,
  STB_LOCAL,
  STT_FUNC,
  STT_OBJECT,
} from "./elf/constants.js";
import type { MapType } from "./map-types.js";

export class ObjectBuildError extends Error {
  override readonly name = "ObjectBuildError";
}

/** A source position for line_info; `line` is the source text shown by verifier logs. */
export interface SourceLine {
  readonly insn: number;
  readonly file: string;
  readonly line: string;
  readonly lineNumber: number;
  readonly column: number;
}

/** Instruction `insn` refers to `symbol`: a map, a variable (ld_imm64) or a function (call, or ld_imm64 of its address). */
export interface SymbolReference {
  readonly insn: number;
  readonly symbol: string;
}

export interface FunctionSpec {
  readonly name: string;
  /** ELF section: the program's SEC name (e.g. "xdp"), or ".text" for subprograms. */
  readonly section: string;
  readonly linkage: "global" | "static";
  /** BTF FUNC_PROTO of the function; a FUNC is added for it. */
  readonly proto: TypeId;
  readonly insns: readonly Instruction[];
  readonly refs?: readonly SymbolReference[];
  readonly lines?: readonly SourceLine[];
}

export interface MapSpec {
  readonly name: string;
  readonly type: MapType;
  /** Key and value types; absent for maps without them (ring buffers). */
  readonly key?: TypeId;
  readonly value?: TypeId;
  readonly maxEntries: number;
  readonly flags?: number;
  /**
   * Declarative initial slots (libbpf's `.values = { [i] = &prog }`): prog arrays name
   * programs, map-in-maps name maps. Emitted as a `values` member and .rel.maps relocations.
   */
  readonly initialSlots?: readonly { readonly index: number; readonly symbol: string }[];
  /** Explicit key/value sizes (__uint(key_size), __uint(value_size)) for maps without key/value types. */
  readonly keySize?: number;
  readonly valueSize?: number;
  /** libbpf's __uint(pinning, …): 1 (LIBBPF_PIN_BY_NAME) pins the map by its name. Not for inner maps (libbpf refuses). */
  readonly pinning?: number;
  /**
   * Map-in-maps: the inner map template, emitted as libbpf's `__array(values, struct { … })`
   * (the `values` member points to the inner definition even when no slot is filled).
   */
  readonly innerMap?: Omit<MapSpec, "name" | "initialSlots" | "innerMap" | "pinning">;
}

export type DataSection = ".data" | ".rodata" | ".bss";

export interface VariableSpec {
  readonly name: string;
  /** .data/.rodata/.bss, or any other name: a writable PROGBITS section of its own (clang's `SEC("name")` global). */
  readonly section: DataSection | (string & {});
  readonly type: TypeId;
  /** Initial bytes; their length is the variable's size. Zero-filled for .bss. */
  readonly init: Uint8Array;
  readonly align?: number;
}

interface Placed<T> {
  readonly spec: T;
  readonly offset: number;
}

const dataFlags: Record<DataSection, bigint> = { ".data": SHF_ALLOC | SHF_WRITE, ".rodata": SHF_ALLOC, ".bss": SHF_ALLOC | SHF_WRITE };
const MAP_DEF_FIELD_BYTES = 8;
/** XDP actions by number, as libxdp names the run config's members (XDP_<name>). */
const XDP_ACTION_NAMES = ["ABORTED", "DROP", "PASS", "TX", "REDIRECT"] as const;

export interface RunConfigSpec {
  readonly program: string;
  readonly priority: number;
  /** Bit a set: chain on after action a. */
  readonly chainActions: number;
}

export class ObjectBuilder {
  readonly btf = new BtfBuilder();
  private readonly functions: FunctionSpec[] = [];
  private readonly maps: MapSpec[] = [];
  private readonly variables: VariableSpec[] = [];
  private readonly runConfigs: RunConfigSpec[] = [];
  private licenseText: string | undefined;
  private built = false;
  private intId: TypeId | undefined;
  private arraySizeTypeId: TypeId | undefined;

  constructor(readonly fileName?: string) {}

  addFunction(spec: FunctionSpec): void {
    this.checkNewSymbol(spec.name);
    this.functions.push(spec);
  }

  addMap(spec: MapSpec): void {
    this.checkNewSymbol(spec.name);
    this.maps.push(spec);
  }

  addVariable(spec: VariableSpec): void {
    this.checkNewSymbol(spec.name);
    this.variables.push(spec);
  }

  /** libxdp's run config of a program: `_<program>` in .xdp_run_config. */
  addRunConfig(spec: RunConfigSpec): void {
    this.checkNewSymbol(`_${spec.program}`);
    this.runConfigs.push(spec);
  }

  license(text: string): void {
    this.licenseText = text;
  }

  /** The finished relocatable ELF object. */
  build(): Uint8Array {
    // Building appends FUNC, VAR and DATASEC types to the BTF, so it happens once.
    if (this.built) throw new ObjectBuildError("build() was already called on this ObjectBuilder");
    this.built = true;
    const btf = this.btf;
    const sections: ElfSectionSpec[] = [];
    const symbols: ElfSymbolSpec[] = [];
    const relocations: ElfRelocationSpec[] = [];
    const ext: BtfExt = { funcInfo: [], lineInfo: [], coreRelos: [] };

    const codeSections = this.layoutCode();
    const funcAt = new Map<string, { section: string; slot: number }>();
    for (const [section, fns] of codeSections) for (const f of fns) funcAt.set(f.spec.name, { section, slot: f.offset });

    // .text first, as clang orders it, then the program sections in the order they were added.
    for (const [section, fns] of codeSections) {
      const insns: Instruction[] = [];
      const funcInfo = [];
      const lineInfo = [];
      for (const { spec, offset } of fns) {
        const fixed = this.resolveRefs(spec, section, offset, funcAt, relocations);
        insns.push(...fixed);
        const func = btf.addFunc(spec.name, spec.proto, spec.linkage === "global" ? FuncLinkage.GLOBAL : FuncLinkage.STATIC);
        funcInfo.push({ insnOff: offset * SLOT_BYTES, typeId: func });
        const slots = slotOffsets(spec.insns);
        for (const l of spec.lines ?? []) {
          if (l.insn < 0 || l.insn >= spec.insns.length) throw new ObjectBuildError(`${spec.name}: line info for instruction ${l.insn}, but it has ${spec.insns.length}`);
          lineInfo.push({ insnOff: (offset + slots[l.insn]!) * SLOT_BYTES, fileName: l.file, line: l.line, lineNumber: l.lineNumber, column: l.column });
        }
        const size = slots[slots.length - 1]!;
        symbols.push({ name: spec.name, section, value: offset * SLOT_BYTES, size: size * SLOT_BYTES, bind: spec.linkage === "global" ? STB_GLOBAL : STB_LOCAL, type: STT_FUNC });
      }
      sections.push({ name: section, flags: SHF_ALLOC | SHF_EXECINSTR, align: 8, data: encodeProgram(insns) });
      ext.funcInfo.push({ section, records: funcInfo });
      if (lineInfo.length > 0) ext.lineInfo.push({ section, records: lineInfo.sort((a, b) => a.insnOff - b.insnOff) });
    }

    if (this.maps.length > 0) sections.push(this.mapsSection(symbols, relocations));
    const own = [...new Set(this.variables.map((v) => v.section))].filter((s) => !(s in dataFlags));
    for (const name of [".data", ".rodata", ".bss", ...own]) {
      const vars = this.variables.filter((v) => v.section === name);
      if (vars.length > 0) sections.push(this.dataSection(name, vars, symbols));
    }
    if (this.runConfigs.length > 0) sections.push(this.runConfigSection(symbols));
    if (this.licenseText !== undefined) sections.push(this.licenseSection(symbols));

    const { btf: btfBytes, ext: extBytes } = writeBtfAndExt(btf.build(), ext);
    sections.push({ name: ".BTF", flags: 0n, align: 4, data: btfBytes }, { name: ".BTF.ext", flags: 0n, align: 4, data: extBytes });
    return writeElf(buildElf({ sections, symbols, relocations, ...(this.fileName !== undefined ? { fileName: this.fileName } : {}) }));
  }

  private checkNewSymbol(name: string): void {
    if (!/^[A-Za-z_][\w.]*$/.test(name)) throw new ObjectBuildError(`'${name}' is not a valid symbol name`);
    const taken = [...this.functions, ...this.maps, ...this.variables].some((s) => s.name === name);
    if (taken) throw new ObjectBuildError(`symbol '${name}' is defined twice`);
  }

  /** Code sections in output order with each function's slot offset inside its section. */
  private layoutCode(): Map<string, Placed<FunctionSpec>[]> {
    const order = [...new Set([".text", ...this.functions.map((f) => f.section)])].filter((s) => this.functions.some((f) => f.section === s));
    const out = new Map<string, Placed<FunctionSpec>[]>();
    for (const section of order) {
      let slot = 0;
      const placed: Placed<FunctionSpec>[] = [];
      for (const spec of this.functions.filter((f) => f.section === section)) {
        if (spec.insns.length === 0) throw new ObjectBuildError(`function '${spec.name}' has no instructions`);
        placed.push({ spec, offset: slot });
        slot += slotOffsets(spec.insns).at(-1)!;
      }
      out.set(section, placed);
    }
    return out;
  }

  /** Applies a function's symbol references: in-section calls become offsets, the rest relocations. */
  private resolveRefs(
    spec: FunctionSpec,
    section: string,
    base: number,
    funcAt: Map<string, { section: string; slot: number }>,
    relocations: ElfRelocationSpec[],
  ): Instruction[] {
    const insns = [...spec.insns];
    const slots = slotOffsets(spec.insns);
    for (const ref of spec.refs ?? []) {
      const insn = insns[ref.insn];
      if (!insn) throw new ObjectBuildError(`${spec.name}: reference to '${ref.symbol}' from instruction ${ref.insn}, but it has ${insns.length}`);
      const slot = base + slots[ref.insn]!;
      const offset = slot * SLOT_BYTES;
      const target = funcAt.get(ref.symbol);
      if (insn.kind === "call" && insn.target === "local") {
        if (!target) throw new ObjectBuildError(`${spec.name}: call to '${ref.symbol}', which is not a function of this object`);
        if (target.section === section) {
          insns[ref.insn] = { ...insn, imm: target.slot - (slot + 1) };
        } else {
          // libbpf: callee = symbol value / 8 + imm + 1 (clang relocates against the section symbol).
          insns[ref.insn] = { ...insn, imm: target.slot - 1 };
          relocations.push({ section, offset, type: R_BPF_64_32, symbol: target.section, against: "section" });
        }
      } else if (insn.kind === "lddw" && insn.pseudo === 0) {
        if (target) {
          // Address of a function (for callx): lo = byte offset of the callee in its section.
          insns[ref.insn] = { ...insn, lo: target.slot * SLOT_BYTES, hi: 0 };
          relocations.push({ section, offset, type: R_BPF_64_64, symbol: target.section, against: "section" });
        } else if (this.maps.some((m) => m.name === ref.symbol) || this.variables.some((v) => v.name === ref.symbol)) {
          relocations.push({ section, offset, type: R_BPF_64_64, symbol: ref.symbol });
        } else {
          throw new ObjectBuildError(`${spec.name}: instruction ${ref.insn} refers to '${ref.symbol}', which is not defined`);
        }
      } else {
        throw new ObjectBuildError(`${spec.name}: instruction ${ref.insn} (${insn.kind}) cannot refer to a symbol; use a local call or an lddw with pseudo 0`);
      }
    }
    return insns;
  }

  /** The BTF `int` of map definitions (shared with the caller's types, so it is emitted once). */
  int(): TypeId {
    this.intId ??= this.btf.addInt("int", 4, IntEncoding.SIGNED);
    return this.intId;
  }

  /** `__ARRAY_SIZE_TYPE__`, the index type of every BTF array, as clang emits it once. */
  arraySizeType(): TypeId {
    this.arraySizeTypeId ??= this.btf.addInt("__ARRAY_SIZE_TYPE__", 4);
    return this.arraySizeTypeId;
  }

  /** `.maps` with one libbpf map definition struct per map: __uint(type), __uint(max_entries), __type(key), __type(value), __uint(map_flags), __uint(pinning). */
  private mapsSection(symbols: ElfSymbolSpec[], relocations: ElfRelocationSpec[]): ElfSectionSpec {
    const btf = this.btf;
    const uintField = (value: number): TypeId => btf.addPtr(btf.addArray(this.int(), this.arraySizeType(), value));
    const definitionFields = (m: Omit<MapSpec, "name" | "initialSlots" | "innerMap">): { name: string; type: TypeId }[] => {
      const fields: { name: string; type: TypeId }[] = [
        { name: "type", type: uintField(m.type) },
        { name: "max_entries", type: uintField(m.maxEntries) },
        ...(m.key !== undefined ? [{ name: "key", type: btf.addPtr(m.key) }] : []),
        ...(m.value !== undefined ? [{ name: "value", type: btf.addPtr(m.value) }] : []),
      ];
      if (m.flags) fields.push({ name: "map_flags", type: uintField(m.flags) });
      if (m.keySize !== undefined) fields.push({ name: "key_size", type: uintField(m.keySize) });
      if (m.valueSize !== undefined) fields.push({ name: "value_size", type: uintField(m.valueSize) });
      if (m.pinning) fields.push({ name: "pinning", type: uintField(m.pinning) });
      return fields;
    };
    const vars = [];
    let offset = 0;
    for (const m of this.maps) {
      const fields = definitionFields(m);
      const slots = m.initialSlots ?? [];
      const hasValues = slots.length > 0 || m.innerMap !== undefined;
      if (m.innerMap) {
        // __array(values, struct { … }): pointers to maps like the inner definition.
        const inner = definitionFields(m.innerMap);
        const innerDef = btf.addStruct("", inner.length * MAP_DEF_FIELD_BYTES, inner.map((f, i) => ({ name: f.name, type: f.type, bitsOffset: i * MAP_DEF_FIELD_BYTES * 8 })));
        fields.push({ name: "values", type: btf.addArray(btf.addPtr(innerDef), this.arraySizeType(), 0) });
      } else if (slots.length > 0) {
        // __array(values, int (void *)): a flexible array of function pointers.
        const proto = btf.addFuncProto(this.int(), [{ name: "", type: btf.addPtr(0) }]);
        fields.push({ name: "values", type: btf.addArray(btf.addPtr(proto), this.arraySizeType(), 0) });
      }
      const fixed = (hasValues ? fields.length - 1 : fields.length) * MAP_DEF_FIELD_BYTES;
      const valuesLength = slots.length > 0 ? (Math.max(...slots.map((x) => x.index)) + 1) * MAP_DEF_FIELD_BYTES : 0;
      const size = fixed + valuesLength;
      const def = btf.addStruct("", fixed, fields.map((f, i) => ({ name: f.name, type: f.type, bitsOffset: i * MAP_DEF_FIELD_BYTES * 8 })));
      const v = btf.addVar(m.name, def, VarLinkage.GLOBAL);
      vars.push({ type: v, offset, size });
      symbols.push({ name: m.name, section: ".maps", value: offset, size, bind: STB_GLOBAL, type: STT_OBJECT });
      for (const slot of slots) relocations.push({ section: ".maps", offset: offset + fixed + slot.index * MAP_DEF_FIELD_BYTES, type: R_BPF_64_ABS64, symbol: slot.symbol });
      offset += size;
    }
    btf.addDatasec(".maps", vars, offset);
    return { name: ".maps", flags: SHF_ALLOC | SHF_WRITE, align: 8, data: new Uint8Array(offset) };
  }

  /** `.xdp_run_config` as libxdp's XDP_RUN_CONFIG macro writes it: per program a struct of __uint(priority) and __uint(XDP_<ACTION>, 0|1). */
  private runConfigSection(symbols: ElfSymbolSpec[]): ElfSectionSpec {
    const btf = this.btf;
    const uintField = (value: number): TypeId => btf.addPtr(btf.addArray(this.int(), this.arraySizeType(), value));
    const vars = [];
    let offset = 0;
    for (const rc of this.runConfigs) {
      const fields = [{ name: "priority", type: uintField(rc.priority) }, ...XDP_ACTION_NAMES.map((a, i) => ({ name: `XDP_${a}`, type: uintField((rc.chainActions >> i) & 1) }))];
      const size = fields.length * MAP_DEF_FIELD_BYTES;
      const def = btf.addStruct("", size, fields.map((f, i) => ({ name: f.name, type: f.type, bitsOffset: i * MAP_DEF_FIELD_BYTES * 8 })));
      vars.push({ type: btf.addVar(`_${rc.program}`, def, VarLinkage.GLOBAL), offset, size });
      symbols.push({ name: `_${rc.program}`, section: ".xdp_run_config", value: offset, size, bind: STB_GLOBAL, type: STT_OBJECT });
      offset += size;
    }
    btf.addDatasec(".xdp_run_config", vars, offset);
    return { name: ".xdp_run_config", flags: SHF_ALLOC | SHF_WRITE, align: 8, data: new Uint8Array(offset) };
  }

  private dataSection(name: string, vars: readonly VariableSpec[], symbols: ElfSymbolSpec[]): ElfSectionSpec {
    let offset = 0;
    let maxAlign = 1;
    const placed: Placed<VariableSpec>[] = [];
    for (const v of vars) {
      const align = v.align ?? Math.min(8, 2 ** Math.floor(Math.log2(Math.max(1, v.init.length))));
      if ((align & (align - 1)) !== 0) throw new ObjectBuildError(`variable '${v.name}': alignment ${align} is not a power of two`);
      if (name === ".bss" && v.init.some((b) => b !== 0)) throw new ObjectBuildError(`variable '${v.name}' in .bss must be zero-initialised`);
      maxAlign = Math.max(maxAlign, align);
      offset = Math.ceil(offset / align) * align;
      placed.push({ spec: v, offset });
      offset += v.init.length;
    }
    const data = new Uint8Array(offset);
    const secinfo = placed.map(({ spec, offset: at }) => {
      data.set(spec.init, at);
      symbols.push({ name: spec.name, section: name, value: at, size: spec.init.length, bind: STB_GLOBAL, type: STT_OBJECT });
      return { type: this.btf.addVar(spec.name, spec.type, VarLinkage.GLOBAL), offset: at, size: spec.init.length };
    });
    this.btf.addDatasec(name, secinfo, offset);
    return name === ".bss"
      ? { name, type: SHT_NOBITS, flags: dataFlags[".bss"], align: maxAlign, size: offset }
      : { name, flags: dataFlags[name as DataSection] ?? SHF_ALLOC | SHF_WRITE, align: maxAlign, data };
  }

  private licenseSection(symbols: ElfSymbolSpec[]): ElfSectionSpec {
    const bytes = new TextEncoder().encode(`${this.licenseText}\0`);
    const btf = this.btf;
    const char = btf.addInt("char", 1, IntEncoding.SIGNED);
    const v = btf.addVar("LICENSE", btf.addArray(char, this.arraySizeType(), bytes.length), VarLinkage.GLOBAL);
    btf.addDatasec("license", [{ type: v, offset: 0, size: bytes.length }], bytes.length);
    symbols.push({ name: "LICENSE", section: "license", value: 0, size: bytes.length, bind: STB_GLOBAL, type: STT_OBJECT });
    return { name: "license", flags: SHF_ALLOC | SHF_WRITE, align: 1, data: bytes };
  }
}

/** Slot index at which each instruction starts, plus the total slot count as the last entry. */
function slotOffsets(insns: readonly Instruction[]): number[] {
  const out = [0];
  for (const insn of insns) out.push(out[out.length - 1]! + slotCount(insn));
  return out;
}
