// Adversarial verifier programs about values and control: scalar bounds (32-bit ops,
// signed/unsigned mixes, div/mod by zero, shifts, movsx/ldsx, linked copies), calls and
// callbacks, helper arguments, pruning at merge points and loops. The expectations come from
// the kernel during the test (adversarial.test.ts).
import type { KernelCase } from "./kernel-compare.js";
import { ARRAY, BAD, BIG, DEVMAP, HASH, LOOKUP, OK, PKT, PROGS, RAND, RB, merge } from "./adversarial-common.js";

const scalars: Record<string, KernelCase> = {
  "scalars: 32-bit add wraps, then used as a map offset": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  w0 &= 0x7\n  w0 += -0x1\n  r6 += r0\n  w1 = *(u8 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: 32-bit bounds from a 32-bit compare used as a 64-bit offset": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  if w0 > 0x30 goto out\n  r6 += r0\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: 32-bit compare on a 32-bit value bounds the 64-bit value": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  w0 = w0\n  if w0 > 0x30 goto out\n  r6 += r0\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: signed check then unsigned offset": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  if r1 s> 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: signed range both sides, then unsigned compare decided": {
    asm: `${RAND}\n  if r0 s< 0x1 goto out\n  if r0 s> 0x10 goto out\n  if r0 > 0x10 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: division by a zero register is accepted": { asm: `${RAND}\n  r1 = 0x0\n  r0 /= r1\n  if r0 != 0x0 goto bad${OK}${BAD}` },
  "scalars: modulo by a zero register keeps the dividend": { asm: `  r0 = 0x7\n  r1 = 0x0\n  r0 %= r1\n  if r0 != 0x7 goto bad${OK}${BAD}` },
  "scalars: 32-bit modulo by zero keeps the low half": { asm: `  r0 = 0x100000007 ll\n  r1 = 0x0\n  w0 %= w1\n  if r0 != 0x7 goto bad${OK}${BAD}` },
  "scalars: signed division of the minimum by -1": { asm: `  r0 = 0x8000000000000000 ll\n  r1 = -0x1\n  r0 s/= r1\n  r1 = 0x8000000000000000 ll\n  if r0 != r1 goto bad${OK}${BAD}` },
  "scalars: division by an immediate zero is refused": { asm: `  r0 = 0x7\n  r0 /= 0x0${OK}` },
  "scalars: shift by a register of 64 or more": { asm: `${RAND}\n  r1 = 0x40\n  r0 <<= r1\n  if r0 > 0x1 goto ok\nok:${OK}` },
  "scalars: shift by a register bounded below 64": { asm: `${RAND}\n  r1 = r0\n  r1 &= 0x3f\n  r2 = 0x1\n  r2 <<= r1\n  if r2 == 0x0 goto bad${OK}${BAD}` },
  "scalars: 32-bit shift by a register holding 32": { asm: `  w0 = 0x1\n  w1 = 0x20\n  w0 <<= w1\n  r0 &= 0x1\n  exit` },
  "scalars: movsx of a byte bounds the value": { asm: `${RAND}\n  r1 = (s8)r0\n  if r1 s> 0x7f goto bad\n  if r1 s< -0x80 goto bad${OK}${BAD}` },
  "scalars: movsx 32 of a 64-bit value": { asm: `${RAND}\n  r0 <<= 0x20\n  r1 = (s32)r0\n  if r1 != 0x0 goto bad${OK}${BAD}` },
  "scalars: movsx 8 of a value whose bit 7 is known set is negative": { asm: `${RAND}\n  r0 |= 0x80\n  r0 &= 0x1ff\n  r1 = (s8)r0\n  if r1 s> -0x1 goto bad${OK}${BAD}` },
  "scalars: movsx 16 keeps known low bits": { asm: `${RAND}\n  r0 <<= 0x10\n  r1 = (s16)r0\n  if r1 != 0x0 goto bad${OK}${BAD}` },
  "scalars: movsx 8 with an unknown sign bit spans the s8 range": { asm: `${RAND}\n  r0 &= 0x1ff\n  r1 = (s8)r0\n  if r1 s< -0x80 goto bad\n  if r1 s> 0x7f goto bad\n  if r1 s< 0x0 goto neg${OK}\nneg:${OK}${BAD}` },
  "scalars: w-register movsx 8 of a value whose bit 7 is known set": { asm: `${RAND}\n  w0 |= 0x80\n  w0 &= 0x1ff\n  w1 = (s8)w0\n  if w1 s> -0x1 goto bad\n  if r1 < 0xffffff80 goto bad${OK}${BAD}` },
  "scalars: ldsx of a spilled value whose bit 7 is known set": { asm: `${RAND}\n  r0 |= 0x80\n  r0 &= 0x1ff\n  *(u64 *)(r10 - 0x8) = r0\n  r1 = *(s8 *)(r10 - 0x8)\n  if r1 s> -0x1 goto bad${OK}${BAD}` },
  "scalars: movsx 32 takes the s32 bounds": { asm: `${RAND}\n  if w0 > 0x5 goto out\n  r1 = (s32)r0\n  if r1 > 0x5 goto bad\nout:${OK}${BAD}` },
  "scalars: movsx 32 takes s32 bounds of both signs": { asm: `${RAND}\n  if w0 s> 0x5 goto out\n  if w0 s< -0x3 goto out\n  r1 = (s32)r0\n  if r1 s> 0x5 goto bad\n  if r1 s< -0x3 goto bad\nout:${OK}${BAD}` },
  "scalars: movsx 32 of s32 bounds of both signs leaves the unsigned range open": { asm: `${RAND}\n  if w0 s> 0x5 goto out\n  if w0 s< -0x3 goto out\n  r1 = (s32)r0\n  if r1 > 0x5 goto big\nout:${OK}\nbig:\n  if r1 < -0x3 goto bad${OK}${BAD}` },
  "scalars: ldsx 32 of a spilled value takes its s32 bounds": { asm: `${RAND}\n  if w0 > 0x5 goto out\n  *(u64 *)(r10 - 0x8) = r0\n  r1 = *(s32 *)(r10 - 0x8)\n  if r1 > 0x5 goto bad\nout:${OK}${BAD}` },
  "scalars: w-register movsx zero-extends": { asm: `${RAND}\n  w1 = (s8)w0\n  if r1 > 0xffffffff goto bad${OK}${BAD}` },
  "scalars: ldsx of a byte from the packet is signed": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  r1 = *(s8 *)(r2 + 0x0)\n  if r1 s> 0x7f goto bad\n  if r1 > 0x7f goto neg\nout:${OK}\nneg:\n  if r1 < -0x80 goto bad${OK}${BAD}`,
  },
  "scalars: linked copy bounded by a check on the original": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  if r0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: linked copy with an added constant bounded by a check on the original": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x8\n  if r0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: linked copy with an added constant, bound past the value end": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x10\n  if r0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: linked copy with a subtracted constant bounded by a check on the original": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r0 &= 0xff\n  r1 = r0\n  r1 -= 0x8\n  if r0 > 0x30 goto out\n  if r0 < 0x8 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: check on the offset copy bounds the original": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x8\n  if r1 > 0x38 goto out\n  r6 += r0\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  // Link probes: r6 is the original, r8 its copy, never r7 (the `bad:` probe reads r7).
  "scalars: link: r6 += r6 on a value made constant through its copy clears the id": {
    asm: `${RAND}\n  r6 = r0\n  r8 = r6\n  call 0x7\n  r9 = r0\n  r2 = r9\n  if r8 != 0x1 goto out\n  r6 += r6\n  if r8 == r2 goto out\n  if r6 == 0x3 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: w6 += w6 clears the id": {
    asm: `${RAND}\n  r6 = r0\n  r8 = r6\n  call 0x7\n  r9 = r0\n  r2 = r9\n  if r8 != 0x1 goto out\n  w6 += w6\n  if r8 == r2 goto out\n  if r6 == 0x3 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: r6 -= r6 is zero and unlinked": {
    asm: `${RAND}\n  r6 = r0\n  r8 = r6\n  r6 -= r6\n  if r8 > 0x5 goto out\n  if r6 != 0x0 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: adding to the original moves it, the copy stays": {
    asm: `${RAND}\n  r6 = r0\n  r8 = r6\n  r6 += 0x3\n  if r8 > 0x5 goto out\n  if r6 > 0x8 goto bad\n  if r6 < 0x3 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 32-bit add of a constant to a copy": {
    asm: `${RAND}\n  r6 = r0\n  r8 = r6\n  w8 += 0x1\n  if r6 > 0x5 goto out\n  if r8 > 0x6 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 32-bit add of a constant to a copy of a 32-bit value": {
    asm: `${RAND}\n  w6 = w0\n  r8 = r6\n  w8 += 0x1\n  if r6 > 0x5 goto out\n  if r8 > 0x6 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 32-bit sub of a constant from a copy of a 32-bit value": {
    asm: `${RAND}\n  w6 = w0\n  r8 = r6\n  w8 -= 0x3\n  if r6 > 0x5 goto out\n  if r6 < 0x3 goto out\n  if r8 > 0x2 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 32-bit linked copy wraps to zero": {
    asm: `${RAND}\n  w6 = w0\n  r8 = r6\n  w8 += 0x1\n  r9 = 0xffffffff ll\n  if r6 < r9 goto out\n  if r8 != 0x0 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 32-bit linked copy bounds the original": {
    asm: `${RAND}\n  w6 = w0\n  r8 = r6\n  w8 += 0x10\n  if r8 > 0x20 goto out\n  if r8 < 0x10 goto out\n  if r6 > 0x10 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a second 32-bit add ends the link": {
    asm: `${RAND}\n  w6 = w0\n  r8 = r6\n  w8 += 0x1\n  w8 += 0x1\n  if r6 > 0x5 goto out\n  if r8 > 0x7 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 32-bit add of a constant register": {
    asm: `${RAND}\n  w6 = w0\n  r8 = r6\n  w2 = 0x4\n  w8 += w2\n  if r6 > 0x5 goto out\n  if r8 > 0x9 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 32-bit spill of a value below 2^32 keeps the link": {
    asm: `${RAND}\n  w6 = w0\n  *(u32 *)(r10 - 0x8) = w6\n  w8 = *(u32 *)(r10 - 0x8)\n  if r6 > 0x5 goto out\n  if r8 > 0x5 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 32-bit spill of a 64-bit value breaks the link": {
    asm: `${RAND}\n  r6 = r0\n  *(u32 *)(r10 - 0x8) = w6\n  w8 = *(u32 *)(r10 - 0x8)\n  if r6 > 0x5 goto out\n  if r8 > 0x5 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 32-bit fill of a 64-bit spill of a small value keeps the link": {
    asm: `${RAND}\n  r6 = r0\n  r6 &= 0xffff\n  *(u64 *)(r10 - 0x8) = r6\n  w8 = *(u32 *)(r10 - 0x8)\n  if r6 > 0x5 goto out\n  if r8 > 0x5 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 16-bit fill of a 64-bit spill of a 32-bit value breaks the link": {
    asm: `${RAND}\n  w6 = w0\n  *(u64 *)(r10 - 0x8) = r6\n  w8 = *(u16 *)(r10 - 0x8)\n  if r6 > 0x5 goto out\n  if r8 > 0x5 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: an 8-byte spill links an unlinked value to its fill": {
    asm: `${RAND}\n  r6 = r0\n  *(u64 *)(r10 - 0x8) = r6\n  r8 = *(u64 *)(r10 - 0x8)\n  if r6 > 0x5 goto out\n  if r8 > 0x5 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a 16-bit spill of a 16-bit value keeps the link": {
    asm: `${RAND}\n  r6 = r0\n  r6 &= 0xffff\n  *(u16 *)(r10 - 0x8) = w6\n  w8 = *(u16 *)(r10 - 0x8)\n  if r6 > 0x5 goto out\n  if r8 > 0x5 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: link: a spill off the slot start does not link": {
    asm: `${RAND}\n  r6 = r0\n  r6 &= 0xffff\n  *(u16 *)(r10 - 0x6) = w6\n  w8 = *(u16 *)(r10 - 0x6)\n  if r6 > 0x5 goto out\n  if r8 > 0x5 goto bad\nout:${OK}${BAD}`,
  },
  "scalars: offset link: a second constant add ends it": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x4\n  r1 += 0x4\n  if r0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: offset link: a negative immediate add links with a negative delta": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += -0x8\n  if r1 > 0x30 goto out\n  r6 += r0\n  w1 = *(u8 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: offset link: a constant register add links, checked on the copy": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r2 = 0x8\n  r1 += r2\n  if r1 > 0x38 goto out\n  if r1 < 0x8 goto out\n  r6 += r0\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: offset link: a copy of the offset copy is linked to it, not to the original": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x8\n  r2 = r1\n  if r0 > 0x30 goto out\n  r6 += r2\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: offset link: a copy of the offset copy bounded through it": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x8\n  r2 = r1\n  if r1 > 0x30 goto out\n  r6 += r2\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: offset link: two offset copies bound each other": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x10\n  r2 = r0\n  r2 += 0x8\n  if r1 > 0x38 goto out\n  if r1 < 0x10 goto out\n  r6 += r2\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: offset link: subtracting S32_MIN is not linked": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 -= -0x80000000\n  if r0 > 0x30 goto out\n  r1 -= 0x7fffffff\n  r1 -= 0x1\n  r6 += r1\n  w1 = *(u8 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: offset link: an add of S32_MAX is linked": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x7fffffff\n  if r0 > 0x30 goto out\n  r1 -= 0x7fffffff\n  r6 += r1\n  w1 = *(u8 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: offset link: a spilled offset copy leaves the link": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x8\n  *(u64 *)(r10 - 0x10) = r1\n  if r0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: offset link: a spilled offset copy stays linked to its fill": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x8\n  *(u64 *)(r10 - 0x10) = r1\n  if r1 > 0x30 goto out\n  r2 = *(u64 *)(r10 - 0x10)\n  r6 += r2\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "prune: an offset copy explored first does not cover a different offset": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r7 = r0\n  r1 = r0\n${merge("  r1 = *(u64 *)(r7 + 0x0)\n  r2 = r1\n  r2 += 0x8", "  r1 = *(u64 *)(r7 + 0x0)\n  r2 = r1\n  r2 += 0x20", "  if r1 > 0x30 goto out\n  r7 += r2\n  r0 = *(u64 *)(r7 + 0x0)\nout:")}`,
  },
  "scalars: original checked after its copy was changed by 32-bit ALU": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  w1 += 0x8\n  if r0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: 32-bit copy of a bounded value stays linked": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  w0 = w0\n  w1 = w0\n  if w0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: the copy is rewritten before the check": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 = *(u64 *)(r10 - 0x10)\n  if r0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: same register on both sides of a compare": { asm: `${RAND}\n  if r0 < r0 goto bad\n  if r0 > r0 goto bad${OK}${BAD}` },
  "scalars: same register, jset": { asm: `${RAND}\n  r0 |= 0x1\n  if r0 & r0 goto ok\n  goto bad\nok:${OK}${BAD}` },
  "scalars: linked copies compared with each other": { asm: `${RAND}\n  r1 = r0\n  if r0 < r1 goto bad${OK}${BAD}` },
  "scalars: impossible range and tnum after two compares": {
    stricter: "6.18 makes a register constant when its u64 range and tnum share one value (r0 in [0xe1, 0xf0] with bits 0xf0 is 0xf0), so `r0 >= 0xf0` is decided; we keep the range",
    asm: `${RAND}\n  r0 &= 0xf0\n  if r0 <= 0xe0 goto out\n  if r0 >= 0xf0 goto out\n  r0 = r7\nout:${OK}`,
  },
  "scalars: 32-bit compare refines only the low half": { asm: `${RAND}\n  r0 <<= 0x20\n  r0 |= 0x5\n  if w0 != 0x5 goto bad\n  if r0 == 0x5 goto ok\nok:${OK}${BAD}` },
  "scalars: jset on a known bit": { asm: `${RAND}\n  r0 |= 0x4\n  if r0 & 0x4 goto ok\n  goto bad\nok:${OK}${BAD}` },
  "scalars: and with negative immediate, then signed compare": { asm: `${RAND}\n  r0 &= -0x8\n  if r0 s> -0x1 goto ok\n  if r0 & 0x7 goto bad\nok:${OK}${BAD}` },
  "scalars: xor of equal unknowns is not tracked": { asm: `${RAND}\n  r1 = r0\n  r1 ^= r0\n  if r1 != 0x0 goto ok\nok:${OK}` },
  "scalars: arsh of a negative constant": { asm: `  r0 = -0x10\n  r0 s>>= 0x2\n  if r0 != -0x4 goto bad${OK}${BAD}` },
  "scalars: 32-bit arsh keeps the high half zero": { asm: `  w0 = -0x10\n  w0 s>>= 0x2\n  if r0 != 0xfffffffc goto bad${OK}${BAD}` },
  "scalars: neg of the minimum": { asm: `  r0 = 0x8000000000000000 ll\n  r0 = -r0\n  r1 = 0x8000000000000000 ll\n  if r0 != r1 goto bad${OK}${BAD}` },
  "scalars: 32-bit sub crossing zero": { asm: `${RAND}\n  w0 &= 0x3\n  w0 -= 0x2\n  if w0 s> 0x1 goto bad\n  if w0 s< -0x2 goto bad${OK}${BAD}` },
};

const calls: Record<string, KernelCase> = {
  "calls: callee writes the caller's stack through a pointer": {
    asm: `  r1 = r10\n  r1 += -0x8\n  call local -0x1 ; @put\n  r0 = *(u64 *)(r10 - 0x8)\n  if r0 != 0x7 goto bad${OK}${BAD}`,
    subprogs: [{ name: "put", asm: `  r2 = 0x7\n  *(u64 *)(r1 + 0x0) = r2\n  r0 = 0x0\n  exit` }],
  },
  "calls: callee spills a pointer into the caller's stack": {
    asm: `  r1 = r10\n  r1 += -0x8\n  call local -0x1 ; @put\n  r0 = *(u64 *)(r10 - 0x8)\n  r0 = *(u64 *)(r0 + 0x0)${OK}`,
    subprogs: [{ name: "put", asm: `  r2 = r10\n  r2 += -0x8\n  *(u64 *)(r1 + 0x0) = r2\n  r0 = 0x0\n  exit` }],
  },
  "calls: callee stores a packet pointer into the caller's stack": {
    asm: `  r6 = r1\n  r1 = r10\n  r1 += -0x8\n  r2 = r6\n  call local -0x1 ; @put\n  r0 = *(u64 *)(r10 - 0x8)\n  w0 = *(u8 *)(r0 + 0x0)${OK}`,
    subprogs: [{ name: "put", asm: `  w3 = *(u32 *)(r2 + 0x0)\n  *(u64 *)(r1 + 0x0) = r3\n  r0 = 0x0\n  exit` }],
  },
  "calls: callee writes past the caller's frame": {
    asm: `  r1 = r10\n  r1 += -0x8\n  call local -0x1 ; @put${OK}`,
    subprogs: [{ name: "put", asm: `  r2 = 0x7\n  *(u64 *)(r1 + 0x8) = r2\n  r0 = 0x0\n  exit` }],
  },
  "calls: callee returns its own stack pointer": {
    asm: `  call local -0x1 ; @get${OK}`,
    subprogs: [{ name: "get", asm: `  r0 = r10\n  r0 += -0x8\n  exit` }],
  },
  "calls: callee returns the caller's stack pointer": {
    asm: `  r1 = r10\n  r1 += -0x8\n  call local -0x1 ; @get\n  r1 = 0x1\n  *(u64 *)(r0 + 0x0) = r1${OK}`,
    subprogs: [{ name: "get", asm: `  r0 = r1\n  exit` }],
  },
  "calls: callee returns a map value": {
    maps: [HASH],
    asm: `  call local -0x1 ; @get\n  if r0 == 0x0 goto out\n  r1 = *(u64 *)(r0 + 0x0)\nout:${OK}`,
    subprogs: [{ name: "get", asm: `${LOOKUP("counts")}\n  exit` }],
  },
  "calls: callee returns a packet pointer used unchecked": {
    asm: `  call local -0x1 ; @get\n  w0 = *(u8 *)(r0 + 0x0)${OK}`,
    subprogs: [{ name: "get", asm: `  w0 = *(u32 *)(r1 + 0x0)\n  exit` }],
  },
  "calls: callee returns a checked packet pointer": {
    asm: `  call local -0x1 ; @get\n  if r0 == 0x0 goto out\n  w0 = *(u8 *)(r0 + 0x0)\nout:${OK}`,
    subprogs: [{ name: "get", asm: `${PKT}\n  r0 = 0x0\n  r4 = r2\n  r4 += 0x4\n  if r4 > r3 goto out\n  r0 = r2\nout:\n  exit` }],
  },
  "calls: r6 survives a call": {
    asm: `  r6 = 0x5\n  call local -0x1 ; @f\n  if r6 != 0x5 goto bad${OK}${BAD}`,
    subprogs: [{ name: "f", asm: `  r6 = 0x9\n  r0 = 0x0\n  exit` }],
  },
  "calls: r1 is clobbered by a call": {
    asm: `  r1 = 0x5\n  call local -0x1 ; @f\n  r0 = r1\n  exit`,
    subprogs: [{ name: "f", asm: `  r0 = 0x0\n  exit` }],
  },
  "calls: callee reads an argument the caller did not set": {
    asm: `  call local -0x1 ; @f${OK}`,
    subprogs: [{ name: "f", asm: `  r0 = r3\n  exit` }],
  },
  "calls: callee exits without setting r0": {
    asm: `  call local -0x1 ; @f${OK}`,
    subprogs: [{ name: "f", asm: `  exit` }],
  },
  "calls: r0 after a helper returning void": {
    asm: `  r2 = 0x0 ll ; @jumps\n  r3 = 0x0\n  call 0xc\n  r0 += 0x1\n  exit`,
    maps: [PROGS],
  },
  "calls: tail call with spilled state, continue after it": {
    maps: [PROGS],
    asm: `  r6 = r1\n  r1 = 0x3\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = r6\n  r2 = 0x0 ll ; @jumps\n  r3 = 0x0\n  call 0xc\n  r0 = *(u64 *)(r10 - 0x8)\n  if r0 != 0x3 goto bad${OK}${BAD}`,
  },
  "calls: bpf_loop callback returning a value in [0, 1] from a range": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = r1\n  r0 &= 0x1\n  exit` }],
  },
  "calls: bpf_loop callback returning -1": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = -0x1\n  exit` }],
  },
  "calls: bpf_loop callback returning an unbounded value": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = r1\n  exit` }],
  },
  "calls: bpf_loop callback returning a 32-bit 1": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = 0x100000001 ll\n  exit` }],
  },
  "calls: bpf_loop callback writes the caller's stack through its ctx": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  call 0xb5\n  r1 = *(u64 *)(r10 - 0x8)\n  if r1 != 0x0 goto ok\nok:${OK}`,
    subprogs: [{ name: "cb", asm: `  r3 = 0x5\n  *(u64 *)(r2 + 0x0) = r3\n  r0 = 0x0\n  exit` }],
  },
  "calls: bpf_loop callback writes past its ctx": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r3 = 0x5\n  *(u64 *)(r2 + 0x8) = r3\n  r0 = 0x0\n  exit` }],
  },
  "calls: bpf_loop callback spills a pointer into the caller's stack, used after the loop": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  call 0xb5\n  r1 = *(u64 *)(r10 - 0x8)\n  r1 = *(u64 *)(r1 + 0x0)${OK}`,
    subprogs: [{ name: "cb", asm: `  r3 = r10\n  *(u64 *)(r2 + 0x0) = r3\n  r0 = 0x0\n  exit` }],
  },
  "calls: bpf_loop callback counts in the caller's stack, value assumed constant after": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  call 0xb5\n  r1 = *(u64 *)(r10 - 0x8)\n  if r1 > 0x1 goto bad${OK}${BAD}`,
    subprogs: [{ name: "cb", asm: `  r3 = *(u64 *)(r2 + 0x0)\n  r3 += 0x1\n  *(u64 *)(r2 + 0x0) = r3\n  r0 = 0x0\n  exit` }],
  },
  "calls: helper size from a register with an unbounded maximum": {
    asm: `  r6 = r1\n  call 0x7\n  r4 = r0\n  if r4 < 0x1 goto out\n  r1 = r6\n  r2 = 0x0\n  r3 = r10\n  r3 += -0x10\n  call 0xbd\nout:${OK}`,
  },
  "calls: helper size bounded past the buffer": {
    asm: `  r6 = r1\n  call 0x7\n  r4 = r0\n  r4 &= 0x1f\n  if r4 < 0x1 goto out\n  r1 = r6\n  r2 = 0x0\n  r3 = r10\n  r3 += -0x10\n  call 0xbd\nout:${OK}`,
  },
  "calls: helper size bounded within the buffer": {
    asm: `  r6 = r1\n  call 0x7\n  r4 = r0\n  r4 &= 0xf\n  if r4 < 0x1 goto out\n  r1 = r6\n  r2 = 0x0\n  r3 = r10\n  r3 += -0x10\n  call 0xbd\nout:${OK}`,
  },
  "calls: helper size that may be zero where zero is refused": {
    asm: `  r6 = r1\n  call 0x7\n  r4 = r0\n  r4 &= 0xf\n  r1 = r6\n  r2 = 0x0\n  r3 = r10\n  r3 += -0x10\n  call 0xbd${OK}`,
  },
  "calls: zero-size memory argument with a null pointer": {
    asm: `  r1 = 0x0\n  r2 = 0x0\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "calls: zero-size memory argument with a scalar pointer": {
    asm: `  r1 = 0x10\n  r2 = 0x0\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "calls: possibly-zero size with a null pointer": {
    asm: `  r6 = r1\n  call 0x7\n  r2 = r0\n  r2 &= 0x4\n  r1 = 0x0\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "calls: csum_diff over an uninitialised stack buffer (privileged)": {
    asm: `  r1 = r10\n  r1 += -0x10\n  r2 = 0x10\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "calls: map key pointing into the packet": {
    maps: [HASH],
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x4\n  if r4 > r3 goto out\n  r1 = 0x0 ll ; @counts\n  call 0x1\nout:${OK}`,
  },
  "calls: map key pointing into the packet, too short": {
    maps: [HASH],
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x3\n  if r4 > r3 goto out\n  r1 = 0x0 ll ; @counts\n  call 0x1\nout:${OK}`,
  },
  "calls: map key pointing into a map value": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r2 = r0\n  r1 = 0x0 ll ; @counts\n  call 0x1\nout:${OK}`,
  },
  "calls: map key in uninitialised stack (privileged)": {
    maps: [HASH],
    asm: `  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @counts\n  call 0x1${OK}`,
  },
  "calls: map key in a stack slot holding a spilled pointer": {
    maps: [HASH],
    asm: `  r2 = r10\n  *(u64 *)(r10 - 0x8) = r2\n  r2 += -0x8\n  r1 = 0x0 ll ; @counts\n  call 0x1${OK}`,
  },
  "calls: map update with a pointer-holding value on the stack": {
    maps: [HASH],
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  r3 = r10\n  *(u64 *)(r10 - 0x10) = r3\n  r2 = r10\n  r2 += -0x4\n  r3 += -0x10\n  r1 = 0x0 ll ; @counts\n  r4 = 0x0\n  call 0x2${OK}`,
  },
  "calls: array lookup with a key known only as a range": {
    maps: [ARRAY],
    asm: `${RAND}\n  r0 &= 0x3\n  *(u32 *)(r10 - 0x4) = w0\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @arr\n  call 0x1\n  r1 = *(u64 *)(r0 + 0x0)${OK}`,
  },
  "calls: array lookup with a constant key written as a store immediate of 8 bytes": {
    maps: [ARRAY],
    asm: `  *(u64 *)(r10 - 0x8) = 0x1\n  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @arr\n  call 0x1\n  r1 = *(u64 *)(r0 + 0x0)${OK}`,
  },
  "calls: array lookup with a constant key in the top half of a slot": {
    maps: [ARRAY],
    asm: `  *(u32 *)(r10 - 0x4) = 0x1\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @arr\n  call 0x1\n  r1 = *(u64 *)(r0 + 0x0)${OK}`,
  },
  "calls: array lookup keyed by the low half of an 8-byte spilled zero": {
    maps: [ARRAY],
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @arr\n  call 0x1\n  r1 = *(u64 *)(r0 + 0x0)${OK}`,
  },
  "calls: array lookup keyed by the top half of an 8-byte spilled constant": {
    maps: [ARRAY],
    asm: `  r1 = 0x1\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @arr\n  call 0x1\n  r1 = *(u64 *)(r0 + 0x0)${OK}`,
  },
  "calls: array lookup keyed by a 4-byte spill of a constant": {
    maps: [ARRAY],
    asm: `  w1 = 0x3\n  *(u32 *)(r10 - 0x8) = w1\n  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @arr\n  call 0x1\n  r1 = *(u64 *)(r0 + 0x0)${OK}`,
  },
  "calls: array lookup keyed by zero bytes under a narrow spill": {
    maps: [ARRAY],
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  *(u16 *)(r10 - 0x8) = 0x1\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @arr\n  call 0x1\n  r1 = *(u64 *)(r0 + 0x0)${OK}`,
  },
  "calls: array lookup with a zero key from byte stores": {
    maps: [ARRAY],
    asm: `  *(u16 *)(r10 - 0x2) = 0x0\n  *(u16 *)(r10 - 0x4) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @arr\n  call 0x1\n  r1 = *(u64 *)(r0 + 0x0)${OK}`,
  },
};

const flow: Record<string, KernelCase> = {
  "flow: loop bounded only through a 32-bit compare": { asm: `  r1 = 0x0\nl:\n  r1 += 0x1\n  if w1 < 0x10 goto l${OK}` },
  "flow: loop whose 32-bit counter wraps past the 64-bit one": {
    asm: `  r1 = 0xfffffff0 ll\nl:\n  r1 += 0x1\n  if w1 > 0x8 goto l${OK}`,
  },
  "flow: packet walk loop with a pointer increment": {
    asm: `${PKT}\n  r0 = 0x0\nl:\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x0)\n  r0 += r5\n  r2 = r4\n  goto l\nout:\n  r0 = 0x2\n  exit`,
  },
  "flow: loop back to the first instruction": { asm: `l:\n  r0 = 0x2\n  if r0 == 0x2 goto l\n  exit` },
  "flow: loop back to the first instruction with a counter": {
    asm: `  r1 = 0x0\n  goto l\nl0:\n  r0 = 0x2\n  exit\nl:\n  r1 += 0x1\n  if r1 > 0x5 goto l0\n  goto l`,
  },
  "flow: dead code after an always-taken branch on a constant": { asm: `  r1 = 0x1\n  if r1 == 0x1 goto out\n  r0 = r7\nout:${OK}` },
  "flow: dead code after an always-taken branch on a rodata constant": {
    vars: [{ name: "cfg", section: ".rodata", init: new Uint8Array([3, 0, 0, 0]) }],
    asm: `  r1 = 0x0 ll ; @cfg\n  w2 = *(u32 *)(r1 + 0x0)\n  if w2 > 0x2 goto out\n  r0 = r7\nout:${OK}`,
  },
  "flow: rodata constant read with a variable offset is not a constant": {
    vars: [{ name: "cfg", section: ".rodata", init: new Uint8Array([3, 0, 0, 0, 3, 0, 0, 0]) }],
    asm: `${RAND}\n  r0 &= 0x4\n  r1 = 0x0 ll ; @cfg\n  r1 += r0\n  w2 = *(u32 *)(r1 + 0x0)\n  if w2 > 0x2 goto out\n  r0 = r7\nout:${OK}`,
  },
  "flow: many pending branches": {
    asm: `${RAND}\n${Array.from({ length: 40 }, (_, i) => `  if r0 == ${i} goto +0x0`).join("\n")}${OK}`,
  },
  "flow: counter loop with the bound in a spilled register": {
    asm: `  r1 = 0x8\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x0\nl:\n  r2 = *(u64 *)(r10 - 0x8)\n  r1 += 0x1\n  if r1 < r2 goto l${OK}`,
  },
};


const pruning: Record<string, KernelCase> = {
  "prune: wider packet range explored first does not cover a narrower one": {
    asm: merge(`${PKT}\n  r6 = r2\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto out`, `${PKT}\n  r6 = r2\n  r4 = r2\n  r4 += 0x4\n  if r4 > r3 goto out`, `  w0 = *(u8 *)(r6 + 0x6)\nout:`),
  },
  "prune: narrower packet range explored first, wider one pruned": {
    asm: merge(`${PKT}\n  r6 = r2\n  r4 = r2\n  r4 += 0x4\n  if r4 > r3 goto out`, `${PKT}\n  r6 = r2\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto out`, `  w0 = *(u8 *)(r6 + 0x3)\nout:`),
  },
  "prune: constant offset explored first does not cover a range": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r7 = r0\n${merge("  r1 = 0x4", "  r1 = r8\n  r1 &= 0xff", "  r7 += r1\n  w0 = *(u32 *)(r7 + 0x0)\nout:")}`.replace("  r0 = r7\n  exit", ""),
  },
  "prune: spilled constant explored first does not cover a spilled pointer": {
    asm: merge("  r1 = 0x4\n  *(u64 *)(r10 - 0x8) = r1", "  r1 = r10\n  *(u64 *)(r10 - 0x8) = r1", "  r1 = *(u64 *)(r10 - 0x8)\n  r1 *= 0x3"),
  },
  "prune: data bytes explored first do not cover a spilled pointer used as a number": {
    asm: merge("  *(u32 *)(r10 - 0x8) = 0x4\n  *(u32 *)(r10 - 0x4) = 0x4\n  *(u8 *)(r10 - 0x7) = 0x1", "  r1 = r10\n  *(u64 *)(r10 - 0x8) = r1", "  r1 = *(u64 *)(r10 - 0x8)\n  r1 *= 0x3"),
  },
  "prune: linked copies explored first do not cover independent ones": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r7 = r0\n  r1 = r7\n${merge("  r1 = r8\n  r2 = r1", "  r1 = r8\n  r2 = r8\n  r2 += 0x0\n  r1 |= 0x0", "  if r2 > 0x30 goto out\n  r7 += r1\n  r0 = *(u64 *)(r7 + 0x0)\nout:")}`,
  },
  "prune: zero stack bytes explored first do not cover misc bytes": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r7 = r0\n  r1 = r7\n${merge("  *(u32 *)(r10 - 0xc) = 0x0", "  *(u32 *)(r10 - 0xc) = 0x7", "  w1 = *(u32 *)(r10 - 0xc)\n  r1 <<= 0x6\n  r7 += r1\n  r0 = *(u64 *)(r7 + 0x0)\nout:")}`,
  },
  "prune: null-checked value explored first does not cover an unchecked one": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  r7 = r0\n${merge("  if r7 == 0x0 goto out", "  r9 = 0x0", "  r0 = *(u64 *)(r7 + 0x0)\nout:")}`,
  },
  "prune: a dead register differs": {
    asm: merge("  r5 = r10", "  r5 = 0x1", "  r5 = 0x2"),
  },
  "prune: caller's register live after the call differs": {
    asm: merge("  r6 = 0x3", "  r6 = r10", "  call local -0x1 ; @f\n  r6 *= 0x2"),
    subprogs: [{ name: "f", asm: `  r0 = 0x0\n  exit` }],
  },
};

const more: Record<string, KernelCase> = {
  "more: helper writes into a read-only map value": {
    vars: [{ name: "ro", section: ".rodata", init: new Uint8Array(8) }],
    asm: `  r6 = r1\n  r3 = 0x0 ll ; @ro\n  r1 = r6\n  r2 = 0x0\n  r4 = 0x4\n  call 0xbd${OK}`,
  },
  "more: helper reads a read-only map value": {
    vars: [{ name: "ro", section: ".rodata", init: new Uint8Array(8) }],
    asm: `  r1 = 0x0 ll ; @ro\n  r2 = 0x8\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "more: map lookup keyed by a read-only map value": {
    maps: [HASH],
    vars: [{ name: "ro", section: ".rodata", init: new Uint8Array(8) }],
    asm: `  r2 = 0x0 ll ; @ro\n  r1 = 0x0 ll ; @counts\n  call 0x1${OK}`,
  },
  "more: sign-extending load of a ctx field": { asm: `  r2 = *(s32 *)(r1 + 0x10)${OK}` },
  "more: sign-extending load of ctx data": { asm: `  r2 = *(s32 *)(r1 + 0x0)${OK}` },
  "more: sign-extending load of ctx data_end": { asm: `  r2 = *(s32 *)(r1 + 0x4)${OK}` },
  "more: sign-extending load of ctx data_meta": { asm: `  r2 = *(s32 *)(r1 + 0x8)${OK}` },
  "more: sign-extending load of rx_queue_index may be negative": { asm: `  r2 = *(s32 *)(r1 + 0x10)\n  if r2 s< 0x0 goto bad${OK}${BAD}` },
  "more: sign-extending load of rx_queue_index, negative side is huge unsigned": { asm: `  r2 = *(s32 *)(r1 + 0x10)\n  if r2 s< 0x0 goto neg${OK}\nneg:\n  if r2 > 0x7fffffff goto ok\n  r0 = r7\nok:${OK}` },
  "more: 1-byte ctx load": { asm: `  w2 = *(u8 *)(r1 + 0x10)${OK}` },
  "more: 4-byte spill of a pointer": { asm: `${PKT}\n  *(u32 *)(r10 - 0x8) = w2${OK}` },
  "more: scalar plus packet pointer is a packet pointer": {
    asm: `${PKT}\n  r5 = 0xe\n  r5 += r2\n  if r5 > r3 goto out\n  w0 = *(u8 *)(r2 + 0xd)\nout:${OK}`,
  },
  "more: scalar plus packet pointer, read through the sum": {
    asm: `${PKT}\n  r5 = 0x4\n  r5 += r2\n  r4 = r5\n  r4 += 0x4\n  if r4 > r3 goto out\n  w0 = *(u32 *)(r5 + 0x0)\nout:${OK}`,
  },
  "more: variable-offset stack pointer as a map key": {
    maps: [HASH],
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  *(u64 *)(r10 - 0x10) = r1\n${RAND}\n  r0 &= 0x4\n  r2 = r10\n  r2 += -0x10\n  r2 += r0\n  r1 = 0x0 ll ; @counts\n  call 0x1${OK}`,
  },
  "more: variable-offset stack pointer as a map key reaching above the frame": {
    maps: [HASH],
    asm: `${RAND}\n  r0 &= 0x8\n  r2 = r10\n  r2 += -0x8\n  r2 += r0\n  r1 = 0x0 ll ; @counts\n  call 0x1${OK}`,
  },
  "more: variable-offset stack pointer as xdp_load_bytes destination": {
    asm: `${RAND}\n  r0 &= 0x8\n  r3 = r10\n  r3 += -0x18\n  r3 += r0\n  r1 = r6\n  r2 = 0x0\n  r4 = 0x8\n  call 0xbd\n  r0 = *(u64 *)(r10 - 0x18)\n  r0 &= 0x1\n  exit`,
  },
  "more: callee reserves ring buffer memory, caller submits": {
    maps: [RB],
    asm: `  call local -0x1 ; @get\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
    subprogs: [{ name: "get", asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  exit` }],
  },
  "more: callee reserves ring buffer memory and drops it": {
    maps: [RB],
    asm: `  call local -0x1 ; @get${OK}`,
    subprogs: [{ name: "get", asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  r0 = 0x0\n  exit` }],
  },
  "more: ring buffer memory used after submit": {
    maps: [RB],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r6 = r0\n  r1 = r0\n  r2 = 0x0\n  call 0x84\n  r1 = 0x1\n  *(u64 *)(r6 + 0x0) = r1\nout:${OK}`,
  },
  "more: ring buffer memory submitted twice": {
    maps: [RB],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r6 = r0\n  r1 = r0\n  r2 = 0x0\n  call 0x84\n  r1 = r6\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "more: ring buffer memory spilled, submitted from the fill": {
    maps: [RB],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  *(u64 *)(r10 - 0x8) = r0\n  if r0 == 0x0 goto out\n  r1 = *(u64 *)(r10 - 0x8)\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "more: ring buffer memory with an offset submitted": {
    maps: [RB],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r0 += 0x4\n  r1 = r0\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "more: ring buffer reserve of a variable size": {
    maps: [RB],
    asm: `${RAND}\n  r2 = r0\n  r2 &= 0x8\n  r1 = 0x0 ll ; @rb\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "more: signed division by a zero register": { asm: `${RAND}\n  r1 = 0x0\n  r0 s/= r1\n  if r0 != 0x0 goto bad${OK}${BAD}` },
  "more: 32-bit signed modulo by zero keeps the dividend": { asm: `  w0 = -0x7\n  w1 = 0x0\n  w0 s%= w1\n  if r0 != 0xfffffff9 goto bad${OK}${BAD}` },
  "more: signed modulo of the minimum by -1": { asm: `  r0 = 0x8000000000000000 ll\n  r1 = -0x1\n  r0 s%= r1\n  if r0 != 0x0 goto bad${OK}${BAD}` },
  "more: 32-bit division result zero-extended": { asm: `  w0 = -0x1\n  w1 = 0x2\n  w0 /= w1\n  if r0 != 0x7fffffff goto bad${OK}${BAD}` },
  "more: unsigned division bounds": { asm: `${RAND}\n  r0 &= 0xff\n  r0 /= 0x10\n  if r0 > 0xf goto bad${OK}${BAD}` },
  "more: modulo bounds": { asm: `${RAND}\n  r0 %= 0x10\n  if r0 > 0xf goto bad${OK}${BAD}` },
  "more: multiplication bounds": { asm: `${RAND}\n  r0 &= 0xff\n  r0 *= 0x3\n  if r0 > 0x2fd goto bad${OK}${BAD}` },
  "more: arsh by a register": { asm: `${RAND}\n  r0 <<= 0x38\n  r1 = 0x38\n  r0 s>>= r1\n  if r0 s> 0x7f goto bad\n  if r0 s< -0x80 goto bad${OK}${BAD}` },
  "more: rsh by a bounded register": { asm: `${RAND}\n  r1 = r0\n  r1 &= 0x7\n  r0 &= 0xff\n  r0 >>= r1\n  if r0 > 0xff goto bad${OK}${BAD}` },
  "more: or with a constant then jset decided": { asm: `${RAND}\n  r0 |= 0x10\n  if r0 & 0x10 goto ok\n  r0 = r7\nok:${OK}` },
  "more: jset refines a single bit": { asm: `${RAND}\n  r0 &= 0x3\n  if r0 & 0x2 goto two\n  if r0 > 0x1 goto bad${OK}\ntwo:\n  if r0 < 0x2 goto bad${OK}${BAD}` },
  "more: 32-bit jset on the high half": { asm: `${RAND}\n  r0 <<= 0x20\n  if w0 & 0x1 goto bad${OK}${BAD}` },
  "more: signed 32-bit compare on a 64-bit register": { asm: `${RAND}\n  r0 |= 0x80000000\n  if w0 s> -0x1 goto bad${OK}${BAD}` },
  "more: jeq decided by the low half": { asm: `${RAND}\n  r0 <<= 0x20\n  r0 |= 0x3\n  if r0 == 0x4 goto bad${OK}${BAD}` },
  "more: 8200 pending branches": {
    asm: `${RAND}\n${Array.from({ length: 8200 }, (_, i) => `  if r0 == ${i} goto +0x0`).join("\n")}${OK}`,
  },
  "more: infinite loop through a stack slot kept equal": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\nl:\n  r2 = *(u64 *)(r10 - 0x8)\n  *(u64 *)(r10 - 0x8) = r2\n  goto l`,
  },
  "more: loop whose exit test is on a dead register": {
    asm: `${RAND}\n  r1 = 0x0\nl:\n  r1 += 0x1\n  if r0 == 0x5 goto out\n  if r1 < 0x8 goto l\nout:${OK}`,
  },
  "more: bounded loop over a packet with a spilled pointer": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x8) = r2\n  r6 = 0x0\nl:\n  r2 = *(u64 *)(r10 - 0x8)\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  *(u64 *)(r10 - 0x8) = r4\n  r6 += 0x1\n  if r6 < 0x10 goto l\nout:${OK}`,
  },
  "more: callback index used as a stack offset": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r2 = r10\n  r2 += -0x8\n  r2 += r1\n  w3 = 0x0\n  *(u8 *)(r2 + 0x0) = w3\n  r0 = 0x0\n  exit` }],
  },
  "more: callback reads an uninitialised r3": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = r3\n  r0 &= 0x1\n  exit` }],
  },
  "more: bpf_loop with a non-zero constant flags": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x1\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = 0x0\n  exit` }],
  },
  "more: adjust_head given a packet pointer as ctx": { asm: `${PKT}\n  r1 = r2\n  r2 = 0x0\n  call 0x2c${OK}` },
  "more: map lookup given a packet pointer as the map": { asm: `${PKT}\n  r1 = r2\n  r2 = r10\n  r2 += -0x8\n  call 0x1${OK}` },
  "more: ringbuf_output given a packet pointer as the map": { asm: `${PKT}\n  r1 = r2\n  r2 = r10\n  r2 += -0x8\n  r3 = 0x8\n  r4 = 0x0\n  call 0x82${OK}` },
  "more: bpf_loop ctx is a packet pointer": {
    asm: `${PKT}\n  r3 = r2\n  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = 0x0\n  exit` }],
  },
  "more: bpf_loop ctx is a map value": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r3 = r0\n  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r4 = 0x0\n  call 0xb5\nout:${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = 0x0\n  exit` }],
  },
  "more: tail call index from a packet pointer": {
    maps: [PROGS],
    asm: `${PKT}\n  r3 = r2\n  r2 = 0x0 ll ; @jumps\n  call 0xc${OK}`,
  },
  "more: ctx passed to a helper after a round trip through the stack": {
    asm: `  *(u64 *)(r10 - 0x8) = r1\n  r1 = *(u64 *)(r10 - 0x8)\n  call 0xbc${OK}`,
  },
  "more: ctx copied with a 32-bit move passed to a helper": { asm: `  w1 = w1\n  call 0xbc${OK}` },
  "more: program returns r0 set only on one path": { asm: `${RAND}\n  if r0 > 0x5 goto out\n  r1 = 0x1\n  exit\nout:\n  r0 = 0x1\n  exit` },
};

const edges: Record<string, KernelCase> = {
  "edges: xdp_store_bytes from a read-only map value": {
    vars: [{ name: "ro", section: ".rodata", init: new Uint8Array(8) }],
    asm: `  r6 = r1\n  r3 = 0x0 ll ; @ro\n  r1 = r6\n  r2 = 0x0\n  r4 = 0x4\n  call 0xbe${OK}`,
  },
  "edges: xdp_store_bytes from uninitialised stack (privileged)": { asm: `  r3 = r10\n  r3 += -0x8\n  r2 = 0x0\n  r4 = 0x8\n  call 0xbe${OK}` },
  "edges: fib_lookup params over a spilled pointer": {
    asm: `  r6 = r1\n  r2 = r10\n  *(u64 *)(r10 - 0x40) = r2\n  r2 += -0x40\n  r1 = r6\n  r3 = 0x40\n  r4 = 0x0\n  call 0x45\n  r2 = *(u64 *)(r10 - 0x40)\n  r3 = 0x1\n  *(u64 *)(r2 + 0x0) = r3${OK}`,
  },
  "edges: csum_diff reads a slot holding a spilled pointer": {
    asm: `  r1 = r10\n  *(u64 *)(r10 - 0x8) = r1\n  r1 += -0x8\n  r2 = 0x8\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "edges: variable-offset read deep in a never-written stack": {
    asm: `${RAND}\n  r0 &= 0x8\n  r1 = r10\n  r1 += -0x100\n  r1 += r0\n  r2 = *(u64 *)(r1 + 0x0)\n  r0 = r2\n  r0 &= 0x1\n  exit`,
  },
  "edges: stack write at the last byte of 512": { asm: `  r1 = r10\n  r1 += -0x200\n  *(u64 *)(r1 + 0x0) = 0x0${OK}` },
  "edges: stack write one byte below 512": { asm: `  r1 = r10\n  r1 += -0x201\n  *(u8 *)(r1 + 0x0) = 0x0${OK}` },
  "edges: read through pkt_end": { asm: `${PKT}\n  w0 = *(u8 *)(r3 + 0x0)${OK}` },
  "edges: read through pkt_end minus one": { asm: `${PKT}\n  w0 = *(u8 *)(r3 - 0x1)${OK}` },
  "edges: read through a map pointer": { stricter: "the kernel lets a privileged program read struct bpf_map fields through the map pointer (BTF-typed); the bundled verifier does not model them (docs/verifier.md: not supported)", maps: [HASH], asm: `  r1 = 0x0 ll ; @counts\n  r0 = *(u64 *)(r1 + 0x0)${OK}` },
  "edges: callback returns a pointer": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = r10\n  exit` }],
  },
  "edges: callback ctx read past the caller's frame": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = *(u64 *)(r2 + 0x8)\n  r0 = 0x0\n  exit` }],
  },
  "edges: callback ctx read below it in the caller's frame": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = *(u64 *)(r2 - 0x8)\n  r0 = 0x0\n  exit` }],
  },
  "edges: callback calls bpf_loop itself": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [
      { name: "cb", asm: `  r1 = 0x2\n  r2 = 0x0 ll ; @inner\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5\n  r0 = 0x0\n  exit` },
      { name: "inner", asm: `  r0 = 0x1\n  exit` },
    ],
  },
  "edges: tail call from a bpf_loop callback": {
    maps: [PROGS],
    asm: `  r6 = r1\n  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = 0x0\n  exit` }],
  },
  "edges: subprogram with a stack of 256 bytes then a tail call in the callee": {
    maps: [PROGS],
    asm: `  r6 = r1\n  r2 = 0x0\n  *(u64 *)(r10 - 0x100) = r2\n  r1 = r6\n  call local -0x1 ; @t${OK}`,
    subprogs: [{ name: "t", asm: `  r2 = 0x0 ll ; @jumps\n  r3 = 0x0\n  call 0xc\n  r0 = 0x0\n  exit` }],
  },
  "edges: ring buffer memory leaked on one path only": {
    maps: [RB],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  if r0 > 0x5 goto out\n  r1 = r6\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "edges: ring buffer memory null-checked through a copy": {
    maps: [RB],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  r6 = r0\n  if r6 == 0x0 goto out\n  r1 = r0\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "edges: ring buffer memory written past its reserved size at a variable offset": {
    maps: [RB],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x10\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r0 &= 0x8\n  r1 = r6\n  r1 += r0\n  r2 = 0x1\n  *(u64 *)(r1 + 0x4) = r2\n  r1 = r6\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
};

const args: Record<string, KernelCase> = {
  "args: ring buffer memory as a map key": {
    maps: [RB, HASH],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r6 = r0\n  r2 = r0\n  r1 = 0x0 ll ; @counts\n  call 0x1\n  r1 = r6\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "args: ring buffer memory or null to csum_diff": {
    maps: [RB],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  r6 = r0\n  r1 = r0\n  r2 = 0x8\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c\n  if r6 == 0x0 goto out\n  r1 = r6\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "args: ring buffer memory too small for a map value": {
    maps: [RB, BIG],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r6 = r0\n  *(u32 *)(r10 - 0x4) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r3 = r6\n  r1 = 0x0 ll ; @big\n  r4 = 0x0\n  call 0x2\n  r1 = r6\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "args: a pointer as a size": { asm: `  r1 = r10\n  r1 += -0x8\n  r2 = r10\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}` },
  "args: map value from a variable-offset stack pointer": {
    maps: [HASH],
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  *(u64 *)(r10 - 0x10) = r1\n  *(u32 *)(r10 - 0x14) = 0x0\n${RAND}\n  r0 &= 0x8\n  r3 = r10\n  r3 += -0x10\n  r3 += r0\n  r2 = r10\n  r2 += -0x14\n  r1 = 0x0 ll ; @counts\n  r4 = 0x0\n  call 0x2${OK}`,
  },
  "args: map value from a variable-offset stack pointer reaching above the frame": {
    maps: [HASH],
    asm: `  *(u32 *)(r10 - 0x14) = 0x0\n${RAND}\n  r0 &= 0x8\n  r3 = r10\n  r3 += -0x8\n  r3 += r0\n  r2 = r10\n  r2 += -0x14\n  r1 = 0x0 ll ; @counts\n  r4 = 0x0\n  call 0x2${OK}`,
  },
  "args: helper memory straddling the top of the frame": { asm: `  r1 = r10\n  r1 += -0x4\n  r2 = 0x8\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}` },
  "args: map key from a packet pointer with a variable offset": {
    maps: [HASH],
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x0)\n  r5 &= 0xf\n  r2 += r5\n  r4 = r2\n  r4 += 0x4\n  if r4 > r3 goto out\n  r1 = 0x0 ll ; @counts\n  call 0x1\nout:${OK}`,
  },
  "args: redirect_map flags from a pointer": { maps: [DEVMAP], asm: `  r1 = 0x0 ll ; @dev\n  r2 = 0x0\n  r3 = r10\n  call 0x33\n  exit` },
  "args: bpf_loop count from a pointer": {
    asm: `  r1 = r10\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}`,
    subprogs: [{ name: "cb", asm: `  r0 = 0x0\n  exit` }],
  },
  "args: bpf_loop callback given as a scalar": { asm: `  r1 = 0x4\n  r2 = 0x0\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5${OK}` },
  "args: ringbuf_reserve size of zero": {
    maps: [RB],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x0\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "args: ringbuf_reserve memory read at its end": {
    maps: [RB],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0xc\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  w1 = *(u32 *)(r0 + 0x8)\n  r1 = r0\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "args: shift by a register bounded up to 70": { asm: `${RAND}\n  r1 = r0\n  r1 &= 0x3f\n  r1 += 0x7\n  r2 = 0x1\n  r2 <<= r1\n  if r2 == 0x0 goto ok\nok:${OK}` },
  "args: 32-bit shift by a register bounded below 32": { asm: `${RAND}\n  w1 = w0\n  w1 &= 0x1f\n  w2 = 0x1\n  w2 <<= w1\n  if w2 == 0x0 goto bad${OK}${BAD}` },
  "args: 32-bit shift by a register that may be 32": { asm: `${RAND}\n  w1 = w0\n  w1 &= 0x20\n  w2 = 0x1\n  w2 <<= w1\n  if r2 > 0xffffffff goto bad${OK}${BAD}` },
  "args: right shift by a variable keeps the value below its maximum": { asm: `${RAND}\n  r1 = r0\n  r1 &= 0x3f\n  r0 &= 0xffff\n  r0 >>= r1\n  if r0 > 0xffff goto bad${OK}${BAD}` },
};

const last: Record<string, KernelCase> = {
  "last: .data read is not a constant": {
    vars: [{ name: "rw", section: ".data", init: new Uint8Array([3, 0, 0, 0]) }],
    asm: `  r1 = 0x0 ll ; @rw\n  w2 = *(u32 *)(r1 + 0x0)\n  if w2 > 0x2 goto out\n  r0 = r7\nout:${OK}`,
  },
  "last: .bss read is not a constant": {
    vars: [{ name: "zero", section: ".bss", init: new Uint8Array(4) }],
    asm: `  r1 = 0x0 ll ; @zero\n  w2 = *(u32 *)(r1 + 0x0)\n  if w2 == 0x0 goto out\n  r0 = r7\nout:${OK}`,
  },
  "last: sign-extending fill of a narrow spill": {
    asm: `  w1 = 0x80000000\n  *(u32 *)(r10 - 0x8) = w1\n  r1 = *(s32 *)(r10 - 0x8)\n  r2 = -0x80000000\n  if r1 != r2 goto bad${OK}${BAD}`,
  },
  "last: sign-extending byte fill of an 8-byte spill": {
    asm: `  r1 = 0x1ff\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = *(s8 *)(r10 - 0x8)\n  if r1 != -0x1 goto bad${OK}${BAD}`,
  },
  "last: sign-extending fill at the top of a spill": {
    asm: `  r1 = 0xff00000000000000 ll\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = *(s8 *)(r10 - 0x1)\n  if r1 != -0x1 goto ok\nok:${OK}`,
  },
  "last: pointer equality with itself decided": { asm: `${PKT}\n  r4 = r2\n  if r4 != r2 goto ok\nok:${OK}` },
  "last: stack pointers compared": { asm: `  r1 = r10\n  r2 = r10\n  r2 += -0x8\n  if r1 > r2 goto ok\n  r0 = r7\nok:${OK}` },
  "last: stack pointer compared with a scalar": { asm: `  r1 = r10\n  if r1 > 0x5 goto ok\n  r0 = r7\nok:${OK}` },
  "last: map value pointer compared with a non-zero constant at 32 bits": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  if w0 != 0x5 goto out\n  r0 = r7\nout:${OK}`,
  },
  "last: null check of a map value spilled in a caller frame": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  *(u64 *)(r10 - 0x10) = r0\n  r1 = r10\n  r1 += -0x10\n  call local -0x1 ; @chk${OK}`,
    subprogs: [{ name: "chk", asm: `  r2 = *(u64 *)(r1 + 0x0)\n  if r2 == 0x0 goto out\n  r0 = *(u64 *)(r2 + 0x0)\nout:\n  r0 = 0x0\n  exit` }],
  },
  "last: caller's copy stays unchecked after a check in the callee": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  r6 = r0\n  r1 = r0\n  call local -0x1 ; @chk\n  r0 = *(u64 *)(r6 + 0x0)${OK}`,
    subprogs: [{ name: "chk", asm: `  if r1 == 0x0 goto out\n  r0 = *(u64 *)(r1 + 0x0)\nout:\n  r0 = 0x0\n  exit` }],
  },
  "last: callee's null check marks the caller's copy": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  r6 = r0\n  r1 = r0\n  call local -0x1 ; @chk\n  if r0 == 0x0 goto out\n  r0 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
    subprogs: [{ name: "chk", asm: `  r0 = 0x0\n  if r1 == 0x0 goto out\n  r0 = *(u64 *)(r1 + 0x0)\n  r0 = 0x1\nout:\n  exit` }],
  },
};

const loops: Record<string, KernelCase> = {
  "loops: callback stores a map value pointer on its third call, used after the loop": {
    maps: [HASH],
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x10) = r1\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = r10\n  r3 += -0x10\n  r4 = 0x0\n  call 0xb5\n  r1 = *(u64 *)(r10 - 0x8)\n  r0 = *(u64 *)(r1 + 0x0)${OK}`,
    subprogs: [{ name: "cb", asm: `  r6 = r2\n  r3 = *(u64 *)(r6 + 0x0)\n  r3 += 0x1\n  *(u64 *)(r6 + 0x0) = r3\n  if r3 != 0x3 goto out\n${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  *(u64 *)(r6 + 0x8) = r0\nout:\n  r0 = 0x0\n  exit` }],
  },
  "loops: counter loop that writes a pointer into a slot on its last round": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r6 = 0x0\nl:\n  if r6 != 0x3 goto next\n  r2 = r10\n  *(u64 *)(r10 - 0x8) = r2\nnext:\n  r6 += 0x1\n  if r6 < 0x4 goto l\n  r1 = *(u64 *)(r10 - 0x8)\n  r1 *= 0x2${OK}`,
  },
  "loops: counter loop that writes a scalar over a pointer on its last round": {
    asm: `  r2 = r10\n  r2 += -0x10\n  *(u64 *)(r10 - 0x8) = r2\n  r6 = 0x0\nl:\n  if r6 != 0x3 goto next\n  r2 = 0x5\n  *(u64 *)(r10 - 0x8) = r2\nnext:\n  r6 += 0x1\n  if r6 < 0x4 goto l\n  r1 = *(u64 *)(r10 - 0x8)\n  r2 = 0x0\n  *(u64 *)(r1 + 0x0) = r2${OK}`,
  },
  "loops: packet walk whose range proof is lost on a later round": {
    asm: `${PKT}\n  r6 = 0x0\nl:\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x7)\n  r2 += r5\n  r6 += 0x1\n  if r6 < 0x3 goto l\n  w0 = *(u8 *)(r2 + 0x0)\nout:${OK}`,
  },
  "loops: loop exit decided by a 32-bit compare on a 64-bit counter": {
    asm: `  r1 = 0x100000000 ll\nl:\n  r1 += 0x1\n  if w1 < 0x4 goto l\n  r2 = 0x100000004 ll\n  if r1 > r2 goto bad${OK}${BAD}`,
  },
};

export const flowCases: Readonly<Record<string, KernelCase>> = { ...scalars, ...calls, ...flow, ...pruning, ...more, ...edges, ...args, ...last, ...loops };
