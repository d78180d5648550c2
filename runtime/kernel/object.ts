// The libbpf equivalent: `KernelObject.load(bytes, options)` reads a BPF ELF object, lowers
// what the kernel cannot run (indirect calls, `callx`) to ladders of direct calls before
// touching the kernel (refusing, before any fd exists, the callx it cannot lower), loads its BTF
// (fixed up and sanitised; loading goes on without BTF if the kernel refuses it, as libbpf
// does), creates its maps with global data written and .rodata frozen, loads every XDP
// program with func_info/line_info and its verifier log, fills declarative prog arrays, and
// hands back maps and programs with their fds. `close()` releases everything.
//
// Invariants: a load either returns an object owning every fd it made, or throws having
// closed all of them (checked by test/kernel/fd-hygiene.test.ts); maps are keyed by their
// definition names (".data", ".bss", ".rodata" for global data), programs by function name.

import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { findSection } from "../object/elf/query.js";
import { linkProgram, objectPrograms, type LinkedProgram } from "../object/link.js";
import { CallxLoweringError, lowerIndirectCalls, type LoweredCall } from "../object/lower-callx.js";
import { mapDefinitions, type MapDefinition } from "../object/map-defs.js";
import { verifyProgram } from "../verifier/index.js";
import { MapType } from "../object/map-types.js";
import { readObject, type ObjectFile } from "../object/object-file.js";
import type { BtfFeatures } from "./btf-fixup.js";
import { BtfLoadError, loadObjectBtf, type KernelBtf } from "./btf-load.js";
import { KernelUsageError, UnsupportedProgramError } from "./errors.js";
import { FdScope } from "./fd.js";
import { progInfo, type ProgInfo } from "./info.js";
import { attachXdp, interfaceIndex, type XdpLink, type XdpMode } from "./link.js";
import type { KernelMap } from "./map-access.js";
import { createMaps, kernelMapName } from "./maps.js";
import { objPin, pinName } from "./pins.js";
import { loadProgramCode, type LoadedProgramCode, type ProgramLoadOptions } from "./programs.js";
import { programKind } from "./sections.js";
import { testRunXdp, type TestRunOptions, type TestRunResult } from "./test-run.js";
import type { VerifierStats } from "./verifier-log.js";

export interface KernelLoadOptions extends ProgramLoadOptions {
  /** The object's name, for global data map names (`<name>.bss`); default "obj". */
  readonly name?: string;
  /** Load only these programs (default: every program of the object). */
  readonly programs?: readonly string[];
  /** Assume these BTF features instead of probing the kernel. */
  readonly btfFeatures?: BtfFeatures;
}

export class KernelProgram {
  constructor(
    readonly name: string,
    readonly section: string,
    private readonly code: LoadedProgramCode,
    /** The program as loaded (after callx lowering; map references still as map indexes), for diagnostics. */
    readonly linked: LinkedProgram,
    /** The indirect calls (callx) lowered to direct-call ladders, by slot before lowering. */
    readonly loweredCalls: readonly LoweredCall[] = [],
  ) {}

  get fd(): LoadedProgramCode["fd"] {
    return this.code.fd;
  }

  /** The verifier's log of the load (level 1 unless level 2 was asked for). */
  get log(): string {
    return this.code.log;
  }

  get stats(): VerifierStats | undefined {
    return this.code.stats;
  }

  info(): ProgInfo {
    return progInfo(this.code.fd);
  }

  testRun(frame: Uint8Array, options?: TestRunOptions): TestRunResult {
    return testRunXdp(this.code.fd, frame, options);
  }

  pin(path: string): void {
    objPin(this.code.fd, path);
  }

  /** Attaches to an interface (by name, in this network namespace, or by ifindex). */
  attachXdp(device: string | number, mode?: XdpMode): XdpLink {
    return attachXdp(this.code.fd, typeof device === "number" ? device : interfaceIndex(device), mode);
  }

  close(): void {
    this.code.fd.close();
  }
}

/**
 * The program with its callx lowered; what cannot be lowered is refused before loading.
 * The ladder is complete only when every callee register holds a function address (never,
 * say, a helper id, which the VM's callx also accepts). The bundled verifier proves that
 * (target "vm": a callx register must be a function pointer), so a program with callx is
 * lowered only once it accepts the program.
 */
function lowerForKernel(obj: ObjectFile, defs: readonly MapDefinition[], linked: LinkedProgram): { linked: LinkedProgram; lowered: readonly LoweredCall[] } {
  if (!linked.insns.some((i) => i?.kind === "callx")) return { linked, lowered: [] };
  const verdict = verifyProgram(obj, defs, linked.name, { target: "vm" });
  if (!verdict.accepted) {
    const e = verdict.error!;
    const where = e.line ? `${e.line.file}:${e.line.line}:${e.line.column}` : `instruction ${e.insn}`;
    throw new UnsupportedProgramError(
      `program '${linked.name}' makes indirect calls (callx), which the Linux kernel does not support ("unknown opcode 8d"); tsbpf lowers them to direct calls only for programs its verifier accepts (so every callee is a known function), and it rejects this one at ${where}: ${e.message} (instruction ${e.insn}: ${e.text}); the program is not loaded`,
    );
  }
  try {
    const { program, lowered } = lowerIndirectCalls(linked);
    return { linked: program, lowered };
  } catch (e) {
    if (e instanceof CallxLoweringError) throw new UnsupportedProgramError(`${e.message}; the Linux kernel has no indirect calls (callx, "unknown opcode 8d"), so the program is not loaded`);
    throw e;
  }
}

/** The note a load leaves about a program whose indirect calls were lowered. */
export function loweringNote(program: string, lowered: readonly LoweredCall[]): string {
  const names = [...new Set(lowered.flatMap((l) => l.candidates))].join(", ");
  return `program ${program}: ${lowered.length} indirect call${lowered.length === 1 ? "" : "s"} (callx) lowered to direct-call ladders over ${names}`;
}

function sectionString(obj: ObjectFile, name: string): string | undefined {
  const s = findSection(obj.elf, name)?.section;
  return s ? new TextDecoder().decode(s.data).replace(/\0[\s\S]*$/, "") : undefined;
}

export class KernelObject {
  private constructor(
    readonly name: string,
    readonly maps: ReadonlyMap<string, KernelMap>,
    readonly programs: ReadonlyMap<string, KernelProgram>,
    readonly btf: KernelBtf | undefined,
    /** What was done differently from a plain load (BTF refused, map created without BTF). */
    readonly warnings: readonly string[],
    /** What the loader changed in the programs on purpose (indirect calls lowered), one line each. */
    readonly notes: readonly string[] = [],
  ) {}

  static load(input: Uint8Array | ObjectFile, options: KernelLoadOptions = {}): KernelObject {
    const obj = input instanceof Uint8Array ? readObject(input) : input;
    const name = options.name ?? "obj";
    const defs = mapDefinitions(obj);
    const all = objectPrograms(obj);
    for (const wanted of options.programs ?? []) {
      if (!all.some((f) => f.name === wanted)) throw new KernelUsageError(`no program '${wanted}' in the object (it has ${all.map((f) => f.name).join(", ") || "none"})`);
    }
    const chosen = options.programs ? all.filter((f) => options.programs!.includes(f.name)) : all;
    const linked = chosen.map((f) => ({ fn: f, kind: programKind(f.section, f.name), ...lowerForKernel(obj, defs, linkProgram(obj, f.name, defs)) }));
    const notes = linked.filter((p) => p.lowered.length > 0).map((p) => loweringNote(p.fn.name, p.lowered));
    const license = sectionString(obj, "license") ?? "";
    const versionSection = findSection(obj.elf, "version")?.section;
    const kernVersion = versionSection && versionSection.data.length >= 4 ? new DataView(versionSection.data.buffer, versionSection.data.byteOffset).getUint32(0, true) : 0;

    return FdScope.guard((scope) => {
      const warnings: string[] = [];
      let btf: KernelBtf | undefined;
      try {
        btf = loadObjectBtf(obj, options.btfFeatures);
        if (btf) scope.add(btf.fd);
      } catch (e) {
        if (!(e instanceof BtfLoadError)) throw e;
        warnings.push(`${e.message}; loading without BTF`);
      }
      const maps = createMaps(defs, { btf, objectName: name, scope, warnings });
      const mapFds = maps.map((m) => m.fd.fd);
      const mapNames = defs.map((d) => d.name);
      const programs = new Map<string, KernelProgram>();
      for (const { fn, kind, linked: l, lowered } of linked) {
        const code = loadProgramCode(l, { kind, btf, mapFds, mapNames, license, kernVersion, scope }, options);
        programs.set(fn.name, new KernelProgram(fn.name, fn.section, code, l, lowered));
      }
      defs.forEach((d, i) => {
        if (d.type !== MapType.PROG_ARRAY) return;
        for (const slot of d.initialSlots ?? []) {
          const prog = programs.get(slot.symbol);
          if (!prog) throw new KernelUsageError(`map '${d.name}': initial slot ${slot.index} names '${slot.symbol}', which is not a loaded program`);
          maps[i]!.update(new Uint8Array(new Uint32Array([slot.index]).buffer), prog.fd);
        }
      });
      return new KernelObject(name, new Map(defs.map((d, i) => [d.name, maps[i]!])), programs, btf, warnings, notes);
    });
  }

  map(name: string): KernelMap {
    const m = this.maps.get(name);
    if (!m) throw new KernelUsageError(`no map '${name}' in the object (it has ${[...this.maps.keys()].join(", ") || "none"})`);
    return m;
  }

  program(name: string): KernelProgram {
    const p = this.programs.get(name);
    if (!p) throw new KernelUsageError(`no program '${name}' in the object (it has ${[...this.programs.keys()].join(", ") || "none"})`);
    return p;
  }

  /**
   * Pins every program at `progDir/<name>` and every map at `mapDir/<kernel name>` (dots
   * made '_', as libbpf does for bpffs), as
   * `bpftool prog loadall OBJ progDir pinmaps mapDir` does; on a failure removes the pins
   * it made. Returns the paths pinned.
   */
  pinAll(progDir: string, mapDir: string = join(progDir, "maps")): string[] {
    const pinned: string[] = [];
    try {
      mkdirSync(progDir, { recursive: true });
      mkdirSync(mapDir, { recursive: true });
      for (const [name, p] of this.programs) {
        const path = join(progDir, name);
        p.pin(path);
        pinned.push(path);
      }
      for (const m of this.maps.values()) {
        const path = join(mapDir, pinName(m.definition ? kernelMapName(m.definition, this.name) : m.name));
        m.pin(path);
        pinned.push(path);
      }
      return pinned;
    } catch (e) {
      for (const path of pinned) rmSync(path, { force: true });
      throw e;
    }
  }

  close(): void {
    for (const p of this.programs.values()) p.close();
    for (const m of this.maps.values()) m.close();
    this.btf?.fd.close();
  }
}
