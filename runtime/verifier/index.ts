// The bundled verifier's entry points: verifyObject (every program of an object) and
// verifyProgram (one program with the object's maps), per docs/verifier.md.

import { kfuncTable, type KfuncTable } from "../object/kfuncs.js";
import type { KernelBtfIndex } from "../object/kernel-btf.js";
import { ObjectFormatError } from "../object/format-error.js";
import { linkProgram, objectPrograms, type LinkedProgram } from "../object/link.js";
import { mapDefinitions, type MapDefinition } from "../object/map-defs.js";
import { readObject, type ObjectFile } from "../object/object-file.js";
import { Pseudo, jumpTarget } from "../isa/index.js";
import type { Btf } from "../object/btf/types.js";
import { buildCfg, type Cfg } from "./cfg.js";
import { withInnerMaps, type Env, type Target } from "./env.js";
import { GPL_COMPATIBLE } from "./helper-set.js";
import { findSection } from "../object/elf/query.js";
import { DEFAULT_MAX_INSNS, Explorer, type WalkResult } from "./explore.js";
import { fastcallDepths } from "./fastcall.js";
import { globalEntryState, globalSubprogs } from "./global-subprogs.js";
import { checkKfuncsStatic } from "./kfunc.js";
import { buildError, Reject, RuleError, type VerifierError } from "./messages.js";
import { ProgressClock, type ProgressCallback } from "./progress.js";
import { MAX_BPF_STACK, MAX_CALL_FRAMES } from "./state.js";

export type { VerifierError, SourceLine } from "./messages.js";
export type { Target } from "./env.js";
export type { ProgressCallback, VerifyProgress } from "./progress.js";

export interface VerifyOptions {
  /** Processed-instruction budget (the kernel's BPF_COMPLEXITY_LIMIT_INSNS). */
  readonly maxInsns?: number;
  /** "vm" (default) accepts callx, which our VM runs; "kernel" rejects it as Linux does. */
  readonly target?: Target;
  /** Called about once per `progressIntervalMs` (default 1000) while a walk runs longer than that. */
  readonly onProgress?: ProgressCallback;
  readonly progressIntervalMs?: number;
  /**
   * The program's license is GPL-compatible (gpl_only helpers allowed). verifyProgram and
   * verifyObject read it from the object's `license` section; verifyLinked assumes true.
   */
  readonly gplCompatible?: boolean;
  /** The kernel BTF's struct or union by type id, for bpf_rdonly_cast (verifyProgram sets it from the kfunc table). */
  readonly kernelStruct?: (id: number) => string | undefined;
  /**
   * The running kernel's BTF index (null: unreadable), read at most once when a program reads
   * a kernel struct's fields; verifyObject/verifyProgram share the kfunc table's.
   */
  readonly kernelBtf?: () => KernelBtfIndex | null;
}

export interface ProgramVerdict {
  readonly program: string;
  readonly section: string;
  readonly accepted: boolean;
  readonly processed: number;
  readonly error?: VerifierError;
  /** Per subprogram, like the kernel's "0+0+8". */
  readonly stackDepth: readonly number[];
}

export function verifyObject(input: Uint8Array | ObjectFile, opts: VerifyOptions = {}): ProgramVerdict[] {
  const obj = input instanceof Uint8Array ? readObject(input) : input;
  const maps = mapDefinitions(obj);
  // The kernel's kfunc table is read once per object, and only if some program calls a kfunc.
  let table: KfuncTable | undefined;
  const kfuncs = (): KfuncTable => (table ??= kfuncTable());
  return objectPrograms(obj).map((p) => verifyProgram(obj, maps, p.name, opts, kfuncs));
}

export function verifyProgram(obj: ObjectFile, maps: readonly MapDefinition[], program: string, opts: VerifyOptions = {}, kfuncs?: KfuncTable | (() => KfuncTable)): ProgramVerdict {
  let linked: LinkedProgram;
  try {
    linked = linkProgram(obj, program, maps, kfuncs);
  } catch (e) {
    const refused = invalidRegister(obj, program, e);
    if (refused) return refused;
    throw e;
  }
  const table = linked.kfuncs ? (typeof kfuncs === "function" ? kfuncs() : (kfuncs ?? kfuncTable())) : undefined;
  const kernelStruct = opts.kernelStruct ?? table?.structName;
  const kernelBtf = opts.kernelBtf ?? (() => (typeof kfuncs === "function" ? kfuncs() : (kfuncs ?? kfuncTable())).btf ?? null);
  return verifyLinked(linked, maps, { ...opts, gplCompatible: opts.gplCompatible ?? gplCompatible(obj), kernelBtf, ...(kernelStruct ? { kernelStruct } : {}) }, obj.btf);
}

/**
 * A register number above r10 (check_reg_arg's "R15 is invalid"): our decoder cannot represent
 * the instruction, so the whole program is refused here, with the kernel's complaint. The kernel
 * refuses it only when a path reaches it, so this is stricter for such code in a dead branch.
 */
function invalidRegister(obj: ObjectFile, program: string, e: unknown): ProgramVerdict | undefined {
  if (!(e instanceof ObjectFormatError)) return undefined;
  const m = /^(?:src|dst) register r(\d+) does not exist/.exec(e.problem);
  const fn = objectPrograms(obj).find((p) => p.name === program);
  if (!m || !fn || fn.section !== e.location.section) return undefined;
  const insn = e.location.offset / 8 - fn.slot;
  const error: VerifierError = { message: `R${m[1]} is invalid`, insn, text: "", registers: "" };
  return { program, section: fn.section, accepted: false, processed: 0, error, stackDepth: [0] };
}

/** One decoder for every program (constructing a TextDecoder per program showed in profiles). */
const utf8 = new TextDecoder();

/** license_is_gpl_compatible on the object's `license` section (none: not compatible). */
function gplCompatible(obj: ObjectFile): boolean {
  const s = findSection(obj.elf, "license")?.section;
  const license = s ? utf8.decode(s.data).replace(/\0[\s\S]*$/, "") : "";
  return GPL_COMPATIBLE.has(license);
}

/**
 * Verifies an already linked program (what the loaders consume). With the object's `btf`,
 * global subprograms are verified on their own as the kernel does; without it every
 * subprogram is static, as the kernel treats a program loaded without func_info.
 */
export function verifyLinked(prog: LinkedProgram, maps: readonly MapDefinition[], opts: VerifyOptions = {}, btf?: Btf): ProgramVerdict {
  const target = opts.target ?? "vm";
  const base = { program: prog.name, section: prog.section };
  let cfg: Cfg;
  try {
    checkKfuncsStatic(prog);
    cfg = buildCfg(prog, target);
  } catch (e) {
    if (!(e instanceof Reject)) throw e;
    return { ...base, accepted: false, processed: 0, error: buildError(prog, e, undefined), stackDepth: [0] };
  }
  const globals = globalSubprogs(btf, prog, cfg);
  const env: Env = { prog, ...withInnerMaps(maps), accessTypes: new Map(), gplCompatible: opts.gplCompatible ?? true, cfg, target, section: prog.section, stackDepth: cfg.subprogs.map(() => 0), idGen: 0, globals, globalsCalled: new Set(), mayGoto: new Set(), ...(opts.kernelStruct ? { kernelStruct: opts.kernelStruct } : {}), ...(opts.kernelBtf ? { kernelBtfSource: opts.kernelBtf } : {}) };
  const progress = opts.onProgress ? new ProgressClock(prog.name, opts.onProgress, opts.progressIntervalMs) : undefined;
  const result = walkAll(env, opts.maxInsns ?? DEFAULT_MAX_INSNS, progress);
  const stackDepth = env.stackDepth.slice();
  if (result.error) {
    return { ...base, accepted: false, processed: result.processed, error: buildError(prog, result.error, result.failedRegs), stackDepth };
  }
  // remove_fastcall_spills_fills runs before check_max_stack_depth.
  fastcallDepths(prog.insns, cfg).forEach((d, i) => {
    if (d !== undefined) env.stackDepth[i] = d;
  });
  const stackDepthAfter = env.stackDepth.slice();
  const stackError = checkMaxStackDepth(env);
  if (stackError) return { ...base, accepted: false, processed: result.processed, error: buildError(prog, stackError, undefined), stackDepth: stackDepthAfter };
  // do_misc_fixups gives each subprogram with a may_goto a hidden counter below its stack: 16
  // bytes on x86-64, whose JIT times may_goto (8 elsewhere); the kernel's "stack depth" includes
  // it, its 512-byte check (made before the fixup) does not.
  const withCounter = stackDepthAfter.map((d, i) => (env.mayGoto.has(i) ? d + MAY_GOTO_STACK : d));
  return { ...base, accepted: true, processed: result.processed, stackDepth: withCounter };
}

/** Stack bytes of may_goto's hidden counter on Linux 6.18 x86-64 (timed may_goto: count and time stamp). */
const MAY_GOTO_STACK = 16;

/**
 * do_check_main, then do_check_subprogs: each global subprogram a verified path called is
 * verified once from its prototype, in subprogram order, until none is left; processed
 * instructions add up over the walks, against one budget.
 */
function walkAll(env: Env, maxInsns: number, progress: ProgressClock | undefined): WalkResult {
  let result = new Explorer(env, maxInsns, progress).run();
  let processed = result.processed;
  const done = new Set<number>();
  for (;;) {
    if (result.error) return { ...result, processed };
    const next = [...env.globalsCalled!].filter((g) => !done.has(g)).sort((a, b) => a - b)[0];
    if (next === undefined) return { processed };
    done.add(next);
    const g = env.globals!.get(next)!;
    let st;
    try {
      st = globalEntryState(env, g);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      return { processed, error: new Reject(e.message, env.cfg.subprogs[next]!.start) };
    }
    result = new Explorer(env, maxInsns - processed, progress).run({ st, pc: env.cfg.subprogs[next]!.start });
    processed += result.processed;
  }
}

const BPF_FUNC_TAIL_CALL = 12;

/**
 * check_max_stack_depth: along every static call chain (calls and callback addresses), the
 * frames' stacks, each rounded up to 16 bytes as for JIT-ed programs, total at most 512 bytes.
 */
function checkMaxStackDepth(env: Env): Reject | undefined {
  const { cfg, prog } = env;
  const rounded = (d: number): number => Math.ceil(d / 16) * 16;
  const callees = cfg.subprogs.map((s) => {
    const out: { callee: number; at: number }[] = [];
    for (let i = s.start; i < s.end; i++) {
      const insn = prog.insns[i];
      if (insn?.kind === "call" && insn.target === "local") out.push({ callee: cfg.subprogAt.get(jumpTarget(i, insn.imm))!, at: i });
      if (insn?.kind === "lddw" && insn.pseudo === Pseudo.FUNC) out.push({ callee: cfg.subprogAt.get(jumpTarget(i, insn.lo))!, at: i });
    }
    return out;
  });
  const tailCalls = cfg.subprogs.map((s) => prog.insns.slice(s.start, s.end).some((i) => i?.kind === "call" && i.target === "helper" && i.imm === BPF_FUNC_TAIL_CALL));
  const walk = (sub: number, depth: number, frames: number, at: number): Reject | undefined => {
    // A tail call from a subprogram keeps its callers' frames: the kernel caps them at 256 bytes.
    if (sub !== 0 && tailCalls[sub] && depth >= 256) return new Reject(`tail_calls are not allowed when call stack of previous frames is ${depth} bytes. Too large`, at);
    const total = depth + rounded(env.stackDepth[sub]!);
    // The kernel counts the calls here (its frame index), not the frames.
    if (frames > MAX_CALL_FRAMES) return new Reject(`the call stack of ${frames - 1} frames is too deep !`, at);
    if (total > MAX_BPF_STACK) return new Reject(`combined stack size of ${frames} calls is ${total}. Too large`, at);
    // Recursion is followed like any call (the walk may never have taken it), until the
    // frame limit refuses it as the kernel's static walk does.
    for (const c of callees[sub]!) {
      const e = walk(c.callee, total, frames + 1, c.at);
      if (e) return e;
    }
    return undefined;
  };
  return walk(0, 0, 1, 0);
}
