// The plumbing of the helper tests: compiling the C programs of ./programs with clang-19, and
// running one case (a program object, optional map prefill, a sequence of program runs on
// frames) in the kernel (bpftool prog loadall / map update / prog run / map dump, pinned to
// CPU 0) and in the VM (loadObject / userUpdate / runXdp on CPU 0), each giving the same
// normalized outcome: per run the return value and the output frame, then every map's contents.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MapType } from "../../../runtime/object/map-types.js";
import { readObject } from "../../../runtime/object/object-file.js";
import { loadObject, type VmObject } from "../../../runtime/vm/loader.js";
import type { BpfMap } from "../../../runtime/vm/maps/types.js";
import type { ExecProgram } from "../../../runtime/vm/program.js";
import { runXdp } from "../../../runtime/vm/xdp.js";
import type { KernelAccess } from "../../support/kernel.js";
import { hex } from "../../support/reference-cases.js";

export const PROGRAMS_DIR = fileURLToPath(new URL("./programs/", import.meta.url));

/** Possible CPUs of this machine: the number of slots of per-CPU maps in the kernel. */
export function possibleCpuCount(): number {
  const text = readFileSync("/sys/devices/system/cpu/possible", "utf8").trim();
  return text.split(",").reduce((n, part) => {
    const [a, b] = part.split("-").map(Number);
    return n + (b === undefined ? 1 : b - a! + 1);
  }, 0);
}

function exec(file: string, args: readonly string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: "utf8", maxBuffer: 64 << 20 }, (err, stdout, stderr) => resolve({ ok: !err, stdout, stderr }));
  });
}

/** Compiles programs/NAME.c to OUT/NAME.o for every name, side by side; throws clang's errors. */
export async function compilePrograms(clang: string, names: readonly string[], outDir: string): Promise<Map<string, Uint8Array>> {
  const objects = new Map<string, Uint8Array>();
  await Promise.all(
    names.map(async (name) => {
      const out = join(outDir, `${name}.o`);
      const r = await exec(clang, ["-O2", "-g", "-target", "bpf", "-mcpu=v3", "-I/usr/include/x86_64-linux-gnu", "-c", join(PROGRAMS_DIR, `${name}.c`), "-o", out]);
      if (!r.ok) throw new Error(`clang-19 failed on ${name}.c:\n${r.stderr}`);
      objects.set(name, new Uint8Array(readFileSync(out)));
    }),
  );
  return objects;
}

// ---- cases and outcomes ----

export interface Step {
  readonly program: string;
  readonly frameName: string;
  readonly frame: Uint8Array;
}

/** A map element set before the runs: bytes, or a program of the object (PROG_ARRAY). */
export interface Prefill {
  readonly map: string;
  readonly key: Uint8Array;
  readonly value: Uint8Array | { readonly program: string };
}

export interface HelperCase {
  readonly name: string;
  /** programs/<object>.c */
  readonly object: string;
  readonly prefill?: readonly Prefill[];
  readonly steps: readonly Step[];
}

export interface RunOutcome {
  readonly step: string;
  readonly retval: number;
  /** The output frame as "offset: hex" lines of 32 bytes, so a diff points at the bytes. */
  readonly frame: readonly string[];
}

/** A frame as lines of 32 bytes, the first giving the length. */
export function frameLines(bytes: Uint8Array): string[] {
  const lines = [`${bytes.length} bytes`];
  for (let at = 0; at < bytes.length; at += 32) lines.push(`${at.toString().padStart(4)}: ${hex(bytes.subarray(at, at + 32))}`);
  return lines;
}

/** One element in a comparable form: per-CPU values joined by " | ", programs by name. */
export interface DumpEntry {
  readonly key: string;
  readonly value: string | readonly string[];
}

export interface Outcome {
  readonly runs: readonly RunOutcome[];
  /** By the VM's map name (".bss" for the object's .bss). */
  readonly maps: Readonly<Record<string, readonly DumpEntry[]>>;
}

const stepName = (s: Step, i: number): string => `#${i} ${s.program} on ${s.frameName}`;

const PERCPU = new Set<MapType>([MapType.PERCPU_ARRAY, MapType.PERCPU_HASH, MapType.LRU_PERCPU_HASH]);
const POPPED = new Set<MapType>([MapType.QUEUE, MapType.STACK]);
/** Maps without elements to dump (their records are read through the VM only). */
const UNDUMPABLE = new Set<MapType>([MapType.RINGBUF, MapType.PERF_EVENT_ARRAY]);

export const RUNS = 8;
export const SLOTS = 24;
const RES_BYTES = RUNS * SLOTS * 8;

/** Where the programs' res[RUNS][SLOTS] (programs/common.h) sits in .bss: its symbol's value. */
export function resOffset(object: Uint8Array): number | undefined {
  const sym = readObject(object).elf.symbols.find((s) => s.name === "res");
  return sym === undefined ? undefined : Number(sym.value);
}

/**
 * .bss shown with res[run][slot] as rows of signed 64-bit words and the other globals in hex,
 * so a failing comparison names the slot that differs; other values in hex.
 */
function showValue(mapName: string, bytes: Uint8Array, resAt: number | undefined): string | readonly string[] {
  if (mapName !== ".bss" || resAt === undefined || resAt + RES_BYTES > bytes.length) return hex(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows: string[] = [];
  if (resAt > 0) rows.push(`before res: ${hex(bytes.subarray(0, resAt))}`);
  for (let run = 0; run < RUNS; run++) {
    const words = Array.from({ length: SLOTS }, (_, slot) => view.getBigInt64(resAt + (run * SLOTS + slot) * 8, true).toString());
    rows.push(`res[${run}]: ${words.join(" ")}`);
  }
  if (resAt + RES_BYTES < bytes.length) rows.push(`after res: ${hex(bytes.subarray(resAt + RES_BYTES))}`);
  return rows;
}

const byKey = (a: DumpEntry, b: DumpEntry): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

// ---- the VM ----

export function runInVm(c: HelperCase, object: Uint8Array, cpus: number): Outcome {
  const obj: VmObject = loadObject(object, { cpus });
  for (const p of c.prefill ?? []) {
    const map = obj.maps.get(p.map);
    if (!map) throw new Error(`${c.name}: no map ${p.map}`);
    const value = p.value instanceof Uint8Array ? p.value : obj.programs.get(p.value.program);
    if (!value) throw new Error(`${c.name}: no program ${(p.value as { program: string }).program}`);
    const r = map.userUpdate(p.key, value, 0);
    if (r !== 0) throw new Error(`${c.name}: VM prefill of ${p.map} failed with ${r}`);
  }
  const runs = c.steps.map((s, i): RunOutcome => {
    const r = runXdp(obj, s.program, s.frame, { cpu: 0 });
    return { step: stepName(s, i), retval: r.retval, frame: frameLines(r.packet) };
  });
  const maps: Record<string, DumpEntry[]> = {};
  const resAt = resOffset(object);
  for (const [name, map] of obj.maps) if (!UNDUMPABLE.has(map.def.type)) maps[name] = dumpVmMap(name, map, resAt);
  return { runs, maps };
}

function dumpVmMap(name: string, map: BpfMap, resAt: number | undefined): DumpEntry[] {
  const type = map.def.type;
  if (POPPED.has(type)) {
    const out: DumpEntry[] = [];
    for (let v = map.userLookupAndDelete(undefined); typeof v !== "number"; v = map.userLookupAndDelete(undefined)) out.push({ key: `pop ${out.length}`, value: hex(v) });
    return out;
  }
  const out: DumpEntry[] = [];
  for (let key = map.nextKey(undefined); typeof key !== "number"; key = map.nextKey(key)) {
    if (type === MapType.PROG_ARRAY) {
      const prog = map.getProgram?.(new DataView(key.buffer, key.byteOffset, 4).getUint32(0, true)) as ExecProgram | undefined;
      if (prog) out.push({ key: hex(key), value: `program ${prog.name}` });
      continue;
    }
    const value = map.userLookup(key);
    if (typeof value === "number") continue;
    if (PERCPU.has(type)) {
      const stride = Math.ceil(map.def.valueSize / 8) * 8;
      const cpus = Array.from({ length: map.cpus }, (_, cpu) => hex(value.subarray(cpu * stride, cpu * stride + map.def.valueSize)));
      out.push({ key: hex(key), value: cpus.join(" | ") });
    } else {
      out.push({ key: hex(key), value: showValue(name, value, resAt) });
    }
  }
  return out.sort(byKey);
}

// ---- the kernel ----

interface BatchEntry {
  readonly command: string[];
  readonly output: unknown;
}

/** `taskset -c 0 bpftool -j batch file F`: the outputs of the commands that succeeded, and whether all did. */
async function batch(k: KernelAccess, dir: string, name: string, commands: readonly (readonly string[])[]): Promise<{ ok: boolean; outputs: unknown[]; stderr: string }> {
  const file = join(dir, `${name}.batch`);
  writeFileSync(file, commands.map((c) => c.join(" ")).join("\n") + "\n");
  const r = await exec("taskset", ["-c", "0", k.bpftool, "-j", "batch", "file", file]);
  // bpftool's exit status is not reliable here (after `prog loadall` a batch can end with
  // "reading batch file failed: File exists"), so success is read from the entries: one per
  // command run, the failing one with an error output, after which bpftool stops.
  const entries = ((r.stdout.trim() ? JSON.parse(r.stdout) : []) as (BatchEntry | { error: string })[]).filter((e): e is BatchEntry => "command" in e);
  const isError = (o: unknown): boolean => o !== null && typeof o === "object" && "error" in o;
  const good = entries.findIndex((e) => isError(e.output));
  const outputs = (good < 0 ? entries : entries.slice(0, good)).map((e) => e.output);
  return { ok: outputs.length === commands.length, outputs, stderr: r.stderr + r.stdout };
}

const bytesArgs = (b: Uint8Array): string[] => [...b].map(String);
const jsonHex = (list: readonly string[]): string => list.map((s) => s.slice(2).padStart(2, "0")).join("");
const jsonBytes = (list: readonly string[]): Uint8Array => Uint8Array.from(list.map((s) => parseInt(s, 16)));

/**
 * Runs a case in the kernel under `pins` (a fresh bpffs directory) with scratch files in
 * `work`. `vmMaps` gives the map names and types (the VM's view of the same object), to find
 * each pinned map: libbpf pins global data maps as <object prefix>_bss and so on.
 */
export async function runInKernel(k: KernelAccess, c: HelperCase, objectPath: string, pins: string, work: string, vmMaps: ReadonlyMap<string, BpfMap>): Promise<Outcome> {
  mkdirSync(work, { recursive: true });
  mkdirSync(pins, { recursive: true });
  const progs = join(pins, "progs");
  const mapsDir = join(pins, "maps");
  const setup: string[][] = [["prog", "loadall", objectPath, progs, "pinmaps", mapsDir]];
  for (const p of c.prefill ?? []) {
    const value = p.value instanceof Uint8Array ? bytesArgs(p.value) : ["pinned", join(progs, p.value.program)];
    setup.push(["map", "update", "pinned", join(mapsDir, p.map), "key", ...bytesArgs(p.key), "value", ...value]);
  }
  const outFiles = c.steps.map((_, i) => join(work, `out${i}.bin`));
  const runCommands = c.steps.map((s, i) => {
    const input = join(work, `in${i}.bin`);
    writeFileSync(input, s.frame);
    return ["prog", "run", "pinned", join(progs, s.program), "data_in", input, "data_out", outFiles[i]!, "data_size_out", "4096"];
  });
  const first = await batch(k, work, "run", [...setup, ...runCommands]);
  if (!first.ok) {
    const failed = [...setup, ...runCommands][first.outputs.length]!;
    throw new Error(`${c.name}: bpftool ${failed.join(" ")} failed:\n${first.stderr}`);
  }
  const runs = c.steps.map((s, i): RunOutcome => {
    const out = first.outputs[setup.length + i] as { retval: number };
    return { step: stepName(s, i), retval: out.retval, frame: frameLines(new Uint8Array(readFileSync(outFiles[i]!))) };
  });

  const resAt = resOffset(new Uint8Array(readFileSync(objectPath)));
  const pinned = new Set(readdirSync(mapsDir));
  const pinOf = (name: string): string => {
    if (!name.startsWith(".")) return name;
    const suffix = name.replace(/\./g, "_");
    const found = [...pinned].filter((p) => p.endsWith(suffix) && !vmMaps.has(p));
    if (found.length !== 1) throw new Error(`${c.name}: cannot tell which of ${[...pinned].join(", ")} is ${name}`);
    return found[0]!;
  };
  const names = [...vmMaps.keys()];
  const pinsByName = new Map(names.map((n) => [n, pinOf(n)]));
  if (pinned.size !== names.length) throw new Error(`${c.name}: the kernel pinned ${[...pinned].join(", ")}, the VM has ${names.join(", ")}`);

  // Program ids, to name what PROG_ARRAY slots hold.
  const progNames = readdirSync(progs);
  const dumpCommands: string[][] = [];
  const dumped = names.filter((n) => !POPPED.has(vmMaps.get(n)!.def.type) && !UNDUMPABLE.has(vmMaps.get(n)!.def.type));
  for (const n of dumped) dumpCommands.push(["map", "dump", "pinned", join(mapsDir, pinsByName.get(n)!)]);
  for (const p of progNames) dumpCommands.push(["prog", "show", "pinned", join(progs, p)]);
  const second = await batch(k, work, "dump", dumpCommands);
  if (!second.ok) throw new Error(`${c.name}: bpftool ${dumpCommands[second.outputs.length]!.join(" ")} failed:\n${second.stderr}`);
  const idToName = new Map<number, string>();
  // By pin name, the full function name (the kernel truncates program names to 15 characters).
  progNames.forEach((p, i) => idToName.set((second.outputs[dumped.length + i] as { id: number }).id, p));

  const maps: Record<string, DumpEntry[]> = {};
  dumped.forEach((n, i) => {
    const type = vmMaps.get(n)!.def.type;
    const entries = second.outputs[i] as { key: string[]; value?: string[] | { error: string }; values?: { cpu: number; value: string[] }[] }[];
    const out: DumpEntry[] = [];
    for (const e of entries) {
      const key = jsonHex(e.key);
      if (e.values) out.push({ key, value: e.values.map((v) => jsonHex(v.value)).join(" | ") });
      else if (Array.isArray(e.value)) {
        if (type === MapType.PROG_ARRAY) out.push({ key, value: `program ${idToName.get(new DataView(jsonBytes(e.value).buffer).getUint32(0, true)) ?? "?"}` });
        else out.push({ key, value: showValue(n, jsonBytes(e.value), resAt) });
      }
      // { error: ... }: an empty slot (DEVMAP, PROG_ARRAY), as the VM's dump skips it.
    }
    maps[n] = out.sort(byKey);
  });
  // QUEUE and STACK have no keys to dump: pop them empty (the last pop fails, ending the batch).
  for (const n of names.filter((x) => POPPED.has(vmMaps.get(x)!.def.type))) {
    const map = vmMaps.get(n)!;
    const pops = Array.from({ length: map.def.maxEntries + 1 }, () => ["map", "pop", "pinned", join(mapsDir, pinsByName.get(n)!)]);
    const r = await batch(k, work, `pop-${n}`, pops);
    maps[n] = r.outputs
      .filter((o): o is { value: string[] } => o !== null && typeof o === "object" && Array.isArray((o as { value?: unknown }).value))
      .map((o, i) => ({ key: `pop ${i}`, value: jsonHex(o.value) }));
  }
  return { runs, maps };
}
