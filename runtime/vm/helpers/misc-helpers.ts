// Helpers that need no map or packet: clocks, random numbers, the CPU id, trace_printk
// (captured as text), bpf_loop, spin locks and csum_diff.

import { RawFault } from "../errors.js";
import { E2BIG, EINVAL, errno } from "./errno.js";
import type { HelperFn } from "./registry.js";

const BPF_MAX_LOOPS = 1 << 23;

const ktimeNs: HelperFn = (m) => m.config.clock();
const ktimeBootNs: HelperFn = (m) => m.config.bootClock();
const prandom: HelperFn = (m) => BigInt(m.config.random() >>> 0);
const cpuId: HelperFn = (m) => BigInt(m.config.cpu);

/** Reads a NUL-terminated string of at most `max` bytes at `addr`. */
function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/**
 * bpf_trace_printk(fmt, fmt_size, a, b, c): the kernel's format subset — %d %i %u %x %X %o
 * with optional l/ll, %p[x], %c, %s (a string in program memory), %% — at most 3 arguments.
 */
const tracePrintk: HelperFn = (m, fmtPtr, fmtSize, a1, a2, a3) => {
  const size = Number(fmtSize & 0xffffffffn);
  const raw = m.mem.bytes(fmtPtr, size, false);
  if (size === 0 || raw[size - 1] !== 0) return errno(EINVAL);
  const fmt = cString(raw);
  const args = [a1, a2, a3];
  let used = 0;
  let out = "";
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch !== "%") {
      out += ch;
      continue;
    }
    let j = i + 1;
    if (fmt[j] === "%") {
      out += "%";
      i = j;
      continue;
    }
    let longs = 0;
    while (fmt[j] === "l") {
      longs++;
      j++;
    }
    const conv = fmt[j];
    if (conv === undefined || used >= 3) return errno(EINVAL);
    const arg = args[used++]!;
    const width = longs > 0 ? 64 : 32;
    switch (conv) {
      case "d":
      case "i":
        out += BigInt.asIntN(width, arg).toString();
        break;
      case "u":
        out += BigInt.asUintN(width, arg).toString();
        break;
      case "x":
        out += BigInt.asUintN(width, arg).toString(16);
        break;
      case "X":
        out += BigInt.asUintN(width, arg).toString(16).toUpperCase();
        break;
      case "o":
        out += BigInt.asUintN(width, arg).toString(8);
        break;
      case "c":
        out += String.fromCharCode(Number(arg & 0xffn));
        break;
      case "p":
        if (fmt[j + 1] === "x") j++;
        out += `0x${arg.toString(16)}`;
        break;
      case "s": {
        const region = m.mem.region(arg);
        const bytes = region ? m.mem.bytes(arg, Math.max(0, Math.min(256, region.hi - Number(arg & 0xffffffffn))), false) : new Uint8Array();
        out += cString(bytes);
        break;
      }
      default:
        return errno(EINVAL);
    }
    i = j;
  }
  m.trace.push(out);
  return BigInt(new TextEncoder().encode(out).length);
};

/** bpf_loop(nr, callback(i, ctx), ctx, flags): iterations run, stopping when the callback returns 1. */
const loop: HelperFn = (m, nr, fnPtr, ctx, flags) => {
  const fn = m.functionAt(fnPtr, "bpf_loop's callback (r2)");
  if (flags !== 0n) return errno(EINVAL);
  const n = nr & 0xffffffffn;
  if (n > BigInt(BPF_MAX_LOOPS)) return errno(E2BIG);
  for (let i = 0n; i < n; i++) {
    if (m.invoke!(fn, [i, ctx, 0n, 0n, 0n]) !== 0n) return i + 1n;
  }
  return n;
};

/** Spin locks: the VM runs one program at a time, so locking only checks the lock's memory. */
const spinLock: HelperFn = (m, lockPtr) => {
  const r = m.mem.region(lockPtr);
  if (r?.kind !== "map_value") throw new RawFault("helper", "bpf_spin_lock needs a pointer to a bpf_spin_lock in a map value");
  m.mem.bytes(lockPtr, 4, true);
  return 0n;
};

/**
 * bpf_csum_diff(from, from_size, to, to_size, seed): the 32-bit one's-complement sum of the
 * negated `from` words, the `to` words and the seed, as the kernel's csum_partial folds it.
 */
const csumDiff: HelperFn = (m, fromPtr, fromSize, toPtr, toSize, seed) => {
  const fs = Number(fromSize & 0xffffffffn);
  const ts = Number(toSize & 0xffffffffn);
  if (fs % 4 !== 0 || ts % 4 !== 0 || fs + ts > 512) return errno(EINVAL);
  const from = m.mem.bytes(fromPtr, fs, false);
  const to = m.mem.bytes(toPtr, ts, false);
  let sum = seed & 0xffffffffn;
  const word = (b: Uint8Array, i: number): bigint => BigInt((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
  for (let i = 0; i < fs; i += 4) sum += ~word(from, i) & 0xffffffffn;
  for (let i = 0; i < ts; i += 4) sum += word(to, i);
  while (sum > 0xffffffffn) sum = (sum & 0xffffffffn) + (sum >> 32n);
  return sum;
};

export const miscHelpers: [number, HelperFn][] = [
  [5, ktimeNs],
  [6, tracePrintk],
  [7, prandom],
  [8, cpuId],
  [28, csumDiff],
  [93, spinLock],
  [94, spinLock],
  [125, ktimeBootNs],
  [181, loop],
];
