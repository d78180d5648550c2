// BPF_PROG_LOAD of a linked program, as libbpf's bpf_object_load_prog does: map-index pseudo
// loads rewritten to map fds (MAP_IDX → MAP_FD, MAP_IDX_VALUE → MAP_VALUE with the value
// offset kept in the second slot), the license and kernel version from their sections,
// prog_btf_fd with func_info (insn_off in instructions) and line_info (string offsets into
// the loaded BTF), expected_attach_type and prog_flags from the section. The verifier log is
// always captured at level 1 (or 2 on request), grown and retried when the kernel says it
// was truncated (ENOSPC); a rejection becomes a VerifierRejection carrying the kernel's
// complaint, the failing instruction and its source line, with a level-2 log if asked for.
//
// Invariants: the program's fd is owned by the caller's FdScope; nothing else is opened.

import { encodeProgram, Pseudo, type Instruction } from "../isa/index.js";
import type { LinkedProgram } from "../object/link.js";
import { Attr } from "./attr.js";
import { FUNC_INFO_REC_SIZE, LINE_INFO_REC_SIZE, ProgLoad } from "./attr-layouts.js";
import { cString, type KernelBtf } from "./btf-load.js";
import { BpfCmd, LogLevel } from "./constants.js";
import { BpfSyscallError, VerifierRejection } from "./errors.js";
import { Fd, type FdScope } from "./fd.js";
import type { ProgramKind } from "./sections.js";
import { bpf } from "./syscall.js";
import { locateRejection, rejectionReason, verifierStats, type VerifierStats } from "./verifier-log.js";

export interface ProgramLoadOptions {
  /**
   * Verifier log level for every load: 1 (default), 2 (every state, much larger) or 4 (only the
   * statistics, "verification time N usec" included: what benchmarks want).
   */
  readonly logLevel?: 1 | 2 | 4;
  /** Initial log buffer bytes (default 4 MiB); grown when the kernel reports truncation. */
  readonly logSize?: number;
  /** On a rejection at level 1, load again at level 2 and attach that log to the error. */
  readonly verboseOnFailure?: boolean;
}

export interface LoadedProgramCode {
  readonly fd: Fd;
  readonly log: string;
  readonly stats: VerifierStats | undefined;
  readonly insns: Uint8Array;
}

interface ProgramContext {
  readonly kind: ProgramKind;
  readonly btf: KernelBtf | undefined;
  readonly mapFds: readonly number[];
  readonly mapNames: readonly string[];
  readonly license: string;
  readonly kernVersion: number;
  readonly scope: FdScope;
}

const DEFAULT_LOG = 4 << 20;
const MAX_LOG = 256 << 20;

/** MAP_IDX / MAP_IDX_VALUE pseudo loads → MAP_FD / MAP_VALUE with the maps' fds. */
export function rewriteMapReferences(linked: LinkedProgram, mapFds: readonly number[]): Instruction[] {
  const out: Instruction[] = [];
  linked.insns.forEach((insn, slot) => {
    if (!insn) return;
    if (insn.kind === "lddw" && (insn.pseudo === Pseudo.MAP_IDX || insn.pseudo === Pseudo.MAP_IDX_VALUE)) {
      const fd = mapFds[insn.lo];
      if (fd === undefined) throw new RangeError(`${linked.name}: instruction ${slot} refers to map #${insn.lo}, which does not exist`);
      out.push({ ...insn, pseudo: insn.pseudo === Pseudo.MAP_IDX ? Pseudo.MAP_FD : Pseudo.MAP_VALUE, lo: fd });
      return;
    }
    out.push(insn);
  });
  return out;
}

function funcInfo(linked: LinkedProgram): Uint8Array | undefined {
  if (linked.functions.some((f) => f.funcTypeId === undefined)) return undefined;
  const recs = [...linked.functions].sort((a, b) => a.slot - b.slot);
  const out = new DataView(new ArrayBuffer(recs.length * FUNC_INFO_REC_SIZE));
  recs.forEach((f, i) => {
    out.setUint32(i * FUNC_INFO_REC_SIZE, f.slot, true);
    out.setUint32(i * FUNC_INFO_REC_SIZE + 4, f.funcTypeId!, true);
  });
  return new Uint8Array(out.buffer);
}

function lineInfo(linked: LinkedProgram, strings: ReadonlyMap<string, number>): Uint8Array | undefined {
  if (linked.lineInfo.length === 0) return undefined;
  const recs = [...linked.lineInfo].sort((a, b) => a.slot - b.slot);
  const out = new DataView(new ArrayBuffer(recs.length * LINE_INFO_REC_SIZE));
  for (const [i, r] of recs.entries()) {
    const file = strings.get(r.fileName);
    const line = strings.get(r.line);
    if (file === undefined || line === undefined) return undefined;
    const at = i * LINE_INFO_REC_SIZE;
    out.setUint32(at, r.slot, true);
    out.setUint32(at + 4, file, true);
    out.setUint32(at + 8, line, true);
    out.setUint32(at + 12, ((r.lineNumber << 10) | (r.column & 0x3ff)) >>> 0, true);
  }
  return new Uint8Array(out.buffer);
}

/** One BPF_PROG_LOAD at a log level; grows the log buffer while the kernel reports truncation. */
function attempt(base: Record<string, number | bigint | Uint8Array | string>, level: number, size: number): { fd?: number; log: string; error?: BpfSyscallError } {
  for (let logSize = size; ; ) {
    const buf = new Uint8Array(logSize);
    const attr = new Attr(ProgLoad, { ...base, log_level: level, log_size: logSize, log_buf: buf });
    try {
      return { fd: bpf(BpfCmd.PROG_LOAD, attr.bytes), log: cString(buf) };
    } catch (e) {
      if (!(e instanceof BpfSyscallError)) throw e;
      if (e.code === "ENOSPC" && logSize < MAX_LOG) {
        logSize = Math.min(MAX_LOG, Math.max(logSize * 4, attr.u32("log_true_size") + 1));
        continue;
      }
      return { log: cString(buf), error: e };
    }
  }
}

export function loadProgramCode(linked: LinkedProgram, ctx: ProgramContext, options: ProgramLoadOptions = {}): LoadedProgramCode {
  const insns = encodeProgram(rewriteMapReferences(linked, ctx.mapFds));
  // libbpf passes func_info/line_info only to kernels that know BTF FUNCs.
  const fi = ctx.btf?.features.func ? funcInfo(linked) : undefined;
  const li = ctx.btf && fi ? lineInfo(linked, ctx.btf.strings) : undefined;
  const base: Record<string, number | bigint | Uint8Array | string> = {
    prog_type: ctx.kind.progType,
    insn_cnt: insns.length / 8,
    insns,
    license: new TextEncoder().encode(`${ctx.license}\0`),
    kern_version: ctx.kernVersion,
    prog_flags: ctx.kind.progFlags,
    prog_name: linked.name,
    expected_attach_type: ctx.kind.expectedAttachType,
    ...(ctx.btf ? { prog_btf_fd: ctx.btf.fd.fd } : {}),
    ...(fi ? { func_info: fi, func_info_cnt: fi.length / FUNC_INFO_REC_SIZE, func_info_rec_size: FUNC_INFO_REC_SIZE } : {}),
    ...(li ? { line_info: li, line_info_cnt: li.length / LINE_INFO_REC_SIZE, line_info_rec_size: LINE_INFO_REC_SIZE } : {}),
  };
  const level = options.logLevel === 2 ? LogLevel.VERBOSE : options.logLevel === 4 ? LogLevel.STATS : LogLevel.BASIC;
  const first = attempt(base, level, options.logSize ?? DEFAULT_LOG);
  if (first.fd !== undefined) {
    const fd = ctx.scope.add(new Fd(first.fd, `program '${linked.name}'`));
    return { fd, log: first.log, stats: verifierStats(first.log), insns };
  }
  const error = first.error!;
  if (error.code === "EPERM") throw error;
  let log = first.log;
  if (options.verboseOnFailure && level !== LogLevel.VERBOSE) {
    const verbose = attempt(base, LogLevel.VERBOSE, 64 << 20);
    if (verbose.fd !== undefined) new Fd(verbose.fd, `program '${linked.name}'`).close();
    else log = verbose.log;
  }
  throw new VerifierRejection(linked.name, error, rejectionReason(log), log, locateRejection(log, linked, ctx.mapNames));
}
