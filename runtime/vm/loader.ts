// Object → runnable program set, doing for the VM what libbpf does for the kernel: create
// every map (BTF-defined, legacy, and global data with its initial value, .rodata frozen),
// link each program with its subprograms, fill declarative prog arrays and map-in-maps,
// and refuse at load time any program that calls a helper the VM does not implement.

import { readObject, type ObjectFile } from "../object/object-file.js";
import { mapDefinitions, type MapDefinition } from "../object/map-defs.js";
import { linkProgram, objectPrograms } from "../object/link.js";
import { findSection } from "../object/elf/query.js";
import { MapType } from "../object/map-types.js";
import { VmLoadError, VmUsageError } from "./errors.js";
import { helperTable } from "./helpers/registry.js";
import { helperName } from "../isa/helper-ids.js";
import { HELPER_TAIL_CALL } from "./interpreter.js";
import { createMap } from "./maps/index.js";
import type { BpfMap, MapDef } from "./maps/types.js";
import type { ExecProgram } from "./program.js";

export interface VmLoadOptions {
  /** Possible CPUs, for per-CPU maps (default 1, at most MAX_CPUS). */
  readonly cpus?: number;
}

/**
 * The most possible CPUs a kernel can have: NR_CPUS of the kernel the VM is checked against
 * (CONFIG_NR_CPUS=256 in its /proc/config.gz; /sys/devices/system/cpu/kernel_max reads 255),
 * which bounds nr_cpu_ids and so every per-CPU map.
 */
export const MAX_CPUS = 256;

export interface VmObject {
  readonly license: string | undefined;
  /** Maps by definition name (global data maps as ".data", ".rodata", ".bss"). */
  readonly maps: ReadonlyMap<string, BpfMap>;
  readonly programs: ReadonlyMap<string, ExecProgram>;
  readonly cpus: number;
}

const u32le = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);

function toMapDef(d: MapDefinition): MapDef {
  return {
    name: d.name,
    type: d.type,
    keySize: d.keySize,
    valueSize: d.valueSize,
    maxEntries: d.maxEntries,
    flags: d.flags,
    ...(d.innerMap ? { innerMap: toMapDef(d.innerMap) } : {}),
  };
}

export function loadObject(input: Uint8Array | ObjectFile, options: VmLoadOptions = {}): VmObject {
  const cpus = options.cpus ?? 1;
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > MAX_CPUS) {
    throw new VmUsageError(`${cpus} possible CPUs: a kernel has 1 to ${MAX_CPUS} (NR_CPUS of the reference kernel, which bounds nr_cpu_ids)`);
  }
  const obj = input instanceof Uint8Array ? readObject(input) : input;
  const defs = mapDefinitions(obj);
  const mapList = defs.map((d) => {
    try {
      return createMap(toMapDef(d), { cpus });
    } catch (e) {
      throw new VmLoadError(`map '${d.name}': ${(e as Error).message}`);
    }
  });
  defs.forEach((d, i) => {
    if (d.initialValue) mapList[i]!.userUpdate(u32le(0), d.initialValue, 0);
  });

  const programs = new Map<string, ExecProgram>();
  for (const fn of objectPrograms(obj)) {
    const linked = linkProgram(obj, fn.name, defs);
    linked.insns.forEach((insn, slot) => {
      if (insn?.kind === "call" && insn.target === "helper" && insn.imm !== HELPER_TAIL_CALL && !helperTable.has(insn.imm)) {
        throw new VmLoadError(`${fn.name}: instruction ${slot}: helper ${insn.imm} (${helperName(insn.imm)}) is not supported by the VM`);
      }
      if (insn?.kind === "call" && insn.target === "kfunc") {
        throw new VmLoadError(`${fn.name}: instruction ${slot}: kfunc calls (BTF id ${insn.imm}) are not supported by the VM`);
      }
    });
    const lines = new Map<number, string>();
    for (const l of linked.lineInfo) lines.set(l.slot, `${l.fileName}:${l.lineNumber}: ${l.line.trim()}`);
    programs.set(fn.name, { name: fn.name, section: fn.section, code: linked.insns, functions: linked.functions, lines, maps: mapList });
  }

  // Declarative initial values: prog arrays get programs, map-in-maps get maps.
  defs.forEach((d, i) => {
    for (const slot of d.initialSlots ?? []) {
      const map = mapList[i]!;
      if (d.type === MapType.PROG_ARRAY) {
        const prog = programs.get(slot.symbol);
        if (!prog) throw new VmLoadError(`map '${d.name}': initial slot ${slot.index} names '${slot.symbol}', which is not a program`);
        map.userUpdate(u32le(slot.index), prog, 0);
      } else {
        const inner = mapList[defs.findIndex((x) => x.name === slot.symbol && x.dataSection === undefined)];
        if (!inner) throw new VmLoadError(`map '${d.name}': initial slot ${slot.index} names '${slot.symbol}', which is not a map`);
        map.userUpdate(u32le(slot.index), inner, 0);
      }
    }
  });

  const licenseSection = findSection(obj.elf, "license")?.section;
  const license = licenseSection ? new TextDecoder().decode(licenseSection.data).replace(/\0[\s\S]*$/, "") : undefined;
  return { license, maps: new Map(defs.map((d, i) => [d.name, mapList[i]!])), programs, cpus };
}
