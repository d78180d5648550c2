// The array maps whose values are references to kernel objects rather than bytes: PROG_ARRAY
// (programs, for tail calls) and PERF_EVENT_ARRAY (perf events, for bpf_perf_event_output).
// User space stores references (the VM's program handles, or perf event descriptions) with
// BPF_ANY only; a slot is empty until set, delete empties it (ENOENT if already empty, E2BIG
// past the end). Programs cannot look these maps up or update them (the verifier only allows
// bpf_tail_call and bpf_perf_event_output): lookup gives nothing, update -EOPNOTSUPP.
// A user lookup of a PROG_ARRAY slot returns the program's id (the handle's numeric `id`
// property, 0 without one), as the kernel returns prog ids; PERF_EVENT_ARRAY has none (ENOTSUPP).

import { MapBase } from "./base.js";
import { readU32, u32Bytes } from "./bytes.js";
import { E2BIG, EFAULT, EINVAL, ENOENT, ENOTSUPP, EOPNOTSUPP } from "./errno.js";
import { BPF_ANY, BPF_F_CTXLEN_MASK, BPF_F_CURRENT_CPU, BPF_F_INDEX_MASK, flagBits } from "./flags.js";
import { arrayNextKey } from "./array.js";
import type { MapFlags, ValueOrErrno } from "./types.js";

/** Array slots holding references, with the fd-array rules of kernel/bpf/arraymap.c. */
export abstract class FdArrayMap<Ref> extends MapBase<Ref> {
  protected readonly slots = new Map<number, Ref>();

  /** Checks a reference before it is stored (map_fd_get_ptr): 0 or a negative errno. */
  protected abstract admit(ref: Ref): number;
  /** What a user lookup returns for a reference (map_fd_sys_lookup_elem), if the type has it. */
  protected abstract readonly sysLookup: ((ref: Ref) => number) | undefined;

  lookup(key: Uint8Array, _cpu = 0): Uint8Array | undefined {
    this.requireKey(key);
    return undefined;
  }

  update(key: Uint8Array, _value?: Uint8Array, _flags: MapFlags = 0): number {
    this.requireKey(key);
    return -EOPNOTSUPP;
  }

  delete(key: Uint8Array): number {
    const index = readU32(this.requireKey(key));
    if (index >= this.def.maxEntries) return -E2BIG;
    return this.slots.delete(index) ? 0 : -ENOENT;
  }

  userUpdate(key: Uint8Array | undefined, ref: Ref, flags: MapFlags = 0): number {
    const index = readU32(this.requireKey(key));
    if (flagBits(flags) !== BigInt(BPF_ANY)) return -EINVAL;
    if (index >= this.def.maxEntries) return -E2BIG;
    const err = this.admit(ref);
    if (err) return err;
    this.slots.set(index, ref);
    return 0;
  }

  userLookup(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const ref = this.slots.get(readU32(this.requireKey(key)));
    if (!this.sysLookup) return -ENOTSUPP;
    return ref === undefined ? -ENOENT : u32Bytes(this.sysLookup(ref));
  }

  userDelete(key: Uint8Array | undefined): number {
    return this.delete(this.requireKey(key));
  }

  nextKey(key: Uint8Array | undefined): ValueOrErrno {
    return arrayNextKey(this.def.maxEntries, key && this.requireKey(key));
  }
}

/** The id of a program handle: its numeric `id` property, else 0. */
function programId(handle: unknown): number {
  const id = (handle as { id?: unknown } | null)?.id;
  return typeof id === "number" ? id : 0;
}

/** PROG_ARRAY: program handles for bpf_tail_call. */
export class ProgArrayMap extends FdArrayMap<unknown> {
  protected admit(handle: unknown): number {
    return handle === undefined || handle === null ? -EINVAL : 0;
  }

  protected readonly sysLookup = programId;

  /** The program a tail call through slot `index` jumps to, or undefined (no jump). */
  getProgram(index: number): unknown {
    return index >= 0 && index < this.def.maxEntries ? this.slots.get(index) : undefined;
  }
}

/** A perf event of type PERF_COUNT_SW_BPF_OUTPUT opened on one CPU. */
export interface PerfEventRef {
  readonly cpu: number;
}

/** One sample written by bpf_perf_event_output. */
export interface PerfSample {
  readonly cpu: number;
  readonly data: Uint8Array;
}

/** PERF_EVENT_ARRAY: per-CPU output buffers for bpf_perf_event_output. */
export class PerfEventArrayMap extends FdArrayMap<PerfEventRef> {
  private samples: PerfSample[] = [];

  protected admit(event: PerfEventRef): number {
    return Number.isInteger(event?.cpu) && event.cpu >= 0 ? 0 : -EINVAL;
  }

  protected readonly sysLookup = undefined;

  /** What libbpf's perf_buffer__new does: slot i gets an event on CPU i, for every CPU. */
  openCpuBuffers(): void {
    for (let cpu = 0; cpu < Math.min(this.cpus, this.def.maxEntries); cpu++) this.slots.set(cpu, { cpu });
  }

  /**
   * bpf_perf_event_output from a program on `cpu`: the low 32 bits of flags pick the slot
   * (BPF_F_CURRENT_CPU: the slot of `cpu`), bits 32..51 how many bytes of `ctx` (for XDP, the
   * packet) follow `data` in the sample.
   */
  output(flags: MapFlags, data: Uint8Array, cpu: number, ctx: Uint8Array = new Uint8Array(0)): number {
    this.requireCpu(cpu);
    const f = flagBits(flags);
    if ((f & ~(BPF_F_CTXLEN_MASK | BPF_F_INDEX_MASK)) !== 0n) return -EINVAL;
    const ctxLen = Number((f & BPF_F_CTXLEN_MASK) >> 32n);
    if (ctxLen > ctx.length) return -EFAULT;
    const selected = f & BPF_F_INDEX_MASK;
    const index = selected === BPF_F_CURRENT_CPU ? cpu : Number(selected);
    if (index >= this.def.maxEntries) return -E2BIG;
    const event = this.slots.get(index);
    if (!event) return -ENOENT;
    if (event.cpu !== cpu) return -EOPNOTSUPP;
    const sample = new Uint8Array(data.length + ctxLen);
    sample.set(data);
    sample.set(ctx.subarray(0, ctxLen), data.length);
    this.samples.push({ cpu, data: sample });
    return 0;
  }

  /** Takes the samples written so far: those of one CPU, or all in the order written. */
  drain(cpu?: number): PerfSample[] {
    const taken = this.samples.filter((s) => cpu === undefined || s.cpu === cpu);
    this.samples = this.samples.filter((s) => cpu !== undefined && s.cpu !== cpu);
    return taken;
  }
}
