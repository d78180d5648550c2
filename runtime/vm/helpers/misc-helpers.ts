// Helpers that need no map or packet: clocks, random numbers, the CPU id, trace_printk
// (captured as text), bpf_loop, spin locks and csum_diff.

import { RawFault } from "../errors.js";
import { E2BIG, EINVAL, errno } from "./errno.js";
import type { HelperFn } from "./registry.js";
import { helperId } from "../../isa/helper-ids.js";

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

/**
 * bpf_loop(nr, callback(i, ctx), ctx, flags): iterations run, stopping when the callback returns 1.
 * With flags 0 the kernel's verifier inlines the call (inline_bpf_loop) wherever it knows the
 * flags are 0, as for the usual literal 0; the inlined code compares all 64 bits of nr_loops and
 * returns -E2BIG as a 32-bit move, zero-extended (0xfffffff9). The VM follows it. (Flags the
 * verifier cannot see are 0 leave the helper call: nr_loops truncated to u32, -E2BIG sign-extended.)
 */
const loop: HelperFn = (m, nr, fnPtr, ctx, flags) => {
  const fn = m.functionAt(fnPtr, "bpf_loop's callback (r2)");
  if (flags !== 0n) return errno(EINVAL);
  if (nr > BigInt(BPF_MAX_LOOPS)) return errno(E2BIG) & 0xffffffffn;
  for (let i = 0n; i < nr; i++) {
    if (m.invoke!(fn, [i, ctx, 0n, 0n, 0n]) !== 0n) return i + 1n;
  }
  return nr;
};

/** Spin locks: the VM runs one program at a time, so locking only checks the lock's memory. */
const spinLock: HelperFn = (m, lockPtr) => {
  const r = m.mem.region(lockPtr);
  if (r?.kind !== "map_value") throw new RawFault("helper", "bpf_spin_lock needs a pointer to a bpf_spin_lock in a map value");
  m.mem.bytes(lockPtr, 4, true);
  return 0n;
};

const M32 = 0xffffffffn;
const M64 = 0xffffffffffffffffn;

/**
 * The kernel's csum_partial (x86-64): an end-around-carry sum of the bytes as little-endian
 * 64-bit words (the tail zero-padded) onto the seed, folded to 32 bits. The sum is 0 only when
 * the seed and every byte are 0, as the kernel's add-with-carry chain gives.
 */
function csumPartial(bytes: Uint8Array, seed: bigint): bigint {
  let acc = seed & M32;
  for (let i = 0; i < bytes.length; i += 8) {
    let word = 0n;
    for (let j = Math.min(7, bytes.length - 1 - i); j >= 0; j--) word = (word << 8n) | BigInt(bytes[i + j]!);
    acc += word;
    if (acc > M64) acc = (acc & M64) + 1n;
  }
  const ror = ((acc >> 32n) | (acc << 32n)) & M64;
  return ((acc + ror) & M64) >> 32n;
}

/** csum_add / csum_sub: 32-bit one's-complement addition. */
function csumAdd(a: bigint, b: bigint): bigint {
  const res = (a + b) & M32;
  return res + (res < b ? 1n : 0n);
}

/**
 * bpf_csum_diff(from, from_size, to, to_size, seed) as Linux >= 6.13 computes it: the sum of
 * `to` onto the seed minus the sum of `from` (or only one of them), folded to 16 bits by
 * csum_from32to16. Sizes need not be multiples of 4 and have no upper limit (the verifier
 * checks the memory); older kernels returned the unfolded 32-bit sum and -EINVAL for those.
 */
const csumDiff: HelperFn = (m, fromPtr, fromSize, toPtr, toSize, seed) => {
  const fs = Number(fromSize & M32);
  const ts = Number(toSize & M32);
  const from = m.mem.bytes(fromPtr, fs, false);
  const to = m.mem.bytes(toPtr, ts, false);
  let ret = seed & M32;
  if (fs && ts) ret = csumAdd(csumPartial(to, ret), ~csumPartial(from, 0n) & M32);
  else if (ts) ret = csumPartial(to, ret);
  else if (fs) ret = ~csumPartial(from, ~ret & M32) & M32;
  // csum_from32to16
  const sum = (ret + (((ret >> 16n) | (ret << 16n)) & M32)) & M32;
  return sum >> 16n;
};

export const miscHelpers: [number, HelperFn][] = [
  [helperId("ktime_get_ns"), ktimeNs],
  [helperId("trace_printk"), tracePrintk],
  [helperId("get_prandom_u32"), prandom],
  [helperId("get_smp_processor_id"), cpuId],
  [helperId("csum_diff"), csumDiff],
  [helperId("spin_lock"), spinLock],
  [helperId("spin_unlock"), spinLock],
  [helperId("ktime_get_boot_ns"), ktimeBootNs],
  [helperId("loop"), loop],
];
