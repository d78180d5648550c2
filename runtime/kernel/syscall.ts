// The kernel boundary: the only file that imports koffi (the FFI into libc). It exposes the
// bpf(2) system call typed (`bpf(cmd, attr)` returns the fd or 0, or throws BpfSyscallError
// with the errno's name and message), closing an fd, if_nametoindex(3) for the netns we run
// in, running a function pinned to one CPU (sched_setaffinity on this thread), and
// perf_event_open(2) with a shared mapping of the event's ring (for perf buffers).
//
// Invariants: koffi and libc are loaded lazily on the first call, so importing the kernel
// backend costs nothing on machines where it is never used; an attr buffer's address is
// taken only while the caller holds the buffer, and every pointer inside an attr points at
// a Uint8Array the caller keeps alive for the duration of the call; errno is read through
// koffi.errno() right after the failing call, before any other FFI call can change it.

import { createRequire } from "node:module";
import { getSystemErrorMap } from "node:util";
import type * as Koffi from "koffi";
import { BpfCmd, bpfCmdName } from "./constants.js";
import { BpfSyscallError } from "./errors.js";

/** The number of bpf(2) per Node architecture (x86_64: 321; the generic table: 280). */
const SYSCALLS: Readonly<Record<string, { bpf: number; perfEventOpen: number }>> = {
  x64: { bpf: 321, perfEventOpen: 298 },
  arm64: { bpf: 280, perfEventOpen: 241 },
  riscv64: { bpf: 280, perfEventOpen: 241 },
  loong64: { bpf: 280, perfEventOpen: 241 },
};

/** errno values the kernel uses internally and returns through bpf(2); libc does not name them. */
const KERNEL_ERRNOS: Readonly<Record<number, [string, string]>> = {
  512: ["ERESTARTSYS", "interrupted, restart the system call"],
  524: ["ENOTSUPP", "operation not supported by this kernel (internal ENOTSUPP)"],
};

interface Libc {
  readonly koffi: typeof Koffi;
  readonly syscall: (nr: number, cmd: number, attr: Uint8Array, size: number) => number | bigint;
  readonly close: (fd: number) => number;
  readonly ifNameToIndex: (name: string) => number;
  readonly setAffinity: (pid: number, size: number, mask: Uint8Array) => number;
  readonly getAffinity: (pid: number, size: number, mask: Uint8Array) => number;
  readonly perfSyscall: (nr: number, attr: Uint8Array, pid: number, cpu: number, groupFd: number, flags: number) => number | bigint;
  readonly mmap: (addr: null, length: number, prot: number, flags: number, fd: number, offset: number) => unknown;
  readonly munmap: (addr: unknown, length: number) => number;
  readonly bpfNr: number;
  readonly perfEventOpenNr: number;
}

let libc: Libc | undefined;

function load(): Libc {
  if (libc) return libc;
  if (process.platform !== "linux") throw new Error(`the kernel backend needs Linux (bpf(2)); this is ${process.platform}`);
  const nr = SYSCALLS[process.arch];
  if (!nr) throw new Error(`the kernel backend does not know bpf(2)'s number on ${process.arch}`);
  const koffi = createRequire(import.meta.url)("koffi") as typeof Koffi;
  const lib = koffi.load("libc.so.6");
  libc = {
    koffi,
    syscall: lib.func("long syscall(long, int, void *, unsigned int)") as Libc["syscall"],
    close: lib.func("int close(int)") as Libc["close"],
    ifNameToIndex: lib.func("unsigned int if_nametoindex(const char *)") as Libc["ifNameToIndex"],
    setAffinity: lib.func("int sched_setaffinity(int, size_t, void *)") as Libc["setAffinity"],
    getAffinity: lib.func("int sched_getaffinity(int, size_t, void *)") as Libc["getAffinity"],
    perfSyscall: lib.func("long syscall(long, void *, int, int, int, unsigned long)") as Libc["perfSyscall"],
    mmap: lib.func("void *mmap(void *, size_t, int, int, int, long)") as Libc["mmap"],
    munmap: lib.func("int munmap(void *, size_t)") as Libc["munmap"],
    bpfNr: nr.bpf,
    perfEventOpenNr: nr.perfEventOpen,
  };
  return libc;
}

/** The errno's name and message ("EPERM", "operation not permitted"). */
export function describeErrno(errno: number): { code: string; description: string } {
  const known = KERNEL_ERRNOS[errno] ?? getSystemErrorMap().get(-errno);
  return known ? { code: known[0], description: known[1] } : { code: `E${errno}`, description: `errno ${errno}` };
}

function fail(command: string): never {
  const errno = load().koffi.errno();
  const { code, description } = describeErrno(errno);
  throw new BpfSyscallError(command, errno, code, description);
}

/** bpf(cmd, attr, attr.length): the new fd for commands that create one, else 0. */
export function bpf(cmd: BpfCmd, attr: Uint8Array): number {
  const c = load();
  const r = Number(c.syscall(c.bpfNr, cmd, attr, attr.length));
  if (r < 0) fail(bpfCmdName(cmd));
  return r;
}

/** The address of a buffer's first byte, for pointer fields of an attr (0 for an empty one). */
export function addressOf(buf: Uint8Array | undefined): bigint {
  if (!buf || buf.length === 0) return 0n;
  return load().koffi.address(buf);
}

export function closeFd(fd: number): void {
  const c = load();
  if (c.close(fd) < 0) fail(`close(${fd})`);
}

/** The interface's index in the network namespace this thread runs in, or undefined. */
export function ifNameToIndex(name: string): number | undefined {
  const index = load().ifNameToIndex(name);
  return index === 0 ? undefined : index;
}

const MASK_BYTES = 128;

/**
 * Runs `fn` with this thread pinned to `cpu` and restores the previous CPU set afterwards.
 * sched_setaffinity migrates the thread before it returns, so `fn` runs on `cpu`.
 */
export function onCpu<T>(cpu: number, fn: () => T): T {
  if (!Number.isInteger(cpu) || cpu < 0 || cpu >= MASK_BYTES * 8) throw new RangeError(`cpu ${cpu} is out of range`);
  const c = load();
  const saved = new Uint8Array(MASK_BYTES);
  if (c.getAffinity(0, MASK_BYTES, saved) < 0) fail("sched_getaffinity");
  const mask = new Uint8Array(MASK_BYTES);
  mask[cpu >> 3] = 1 << (cpu & 7);
  if (c.setAffinity(0, MASK_BYTES, mask) < 0) fail(`sched_setaffinity(cpu ${cpu})`);
  try {
    return fn();
  } finally {
    c.setAffinity(0, MASK_BYTES, saved);
  }
}

export { BpfCmd, BpfSyscallError };

/** perf_event_open(attr, pid, cpu, group_fd, flags): the new event's fd. */
export function perfEventOpen(attr: Uint8Array, pid: number, cpu: number, groupFd: number, flags: number): number {
  const c = load();
  const r = Number(c.perfSyscall(c.perfEventOpenNr, attr, pid, cpu, groupFd, flags));
  if (r < 0) fail(`perf_event_open(cpu ${cpu})`);
  return r;
}

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;

/** A shared read-write mapping of `length` bytes of `fd`, as a live view, and how to unmap it. */
export function mapShared(fd: number, length: number): { readonly bytes: Uint8Array; unmap(): void } {
  const c = load();
  const ptr = c.mmap(null, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  // MAP_FAILED is (void *) -1.
  if (ptr === null || c.koffi.address(ptr) === 0xffffffffffffffffn) fail(`mmap(fd ${fd}, ${length} bytes)`);
  const bytes = new Uint8Array(c.koffi.view(ptr, length));
  let mapped = true;
  return {
    bytes,
    unmap: () => {
      if (!mapped) return;
      mapped = false;
      if (c.munmap(ptr, length) < 0) fail("munmap");
    },
  };
}
