// Adversarial verifier programs about memory: the stack (partial overwrites of spills,
// narrow spills and fills, variable-offset access, STACK_ZERO), pointer arithmetic and
// stores, null checks, packet ranges and `pkt > end` sides, zero-size and packet helper
// arguments, atomics, and map kinds whose values are special. The expectations come from the
// kernel during the test (adversarial.test.ts).
import { MapType } from "../../runtime/object/map-types.js";
import type { KernelCase } from "./kernel-compare.js";
import { ARRAY, BAD, BIG, BLOOM, CPUMAP, DEVMAP, HASH, LOOKUP, LPM, OK, PCPU, PERF, PKT, PKT16, QUEUE, RAND, RB, STACKMAP, XSKMAP } from "./adversarial-common.js";

const stack: Record<string, KernelCase> = {
  "stack: spilled pointer, low half overwritten by a 4-byte scalar spill, filled, dereferenced": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x8) = r2\n  r1 = 0x0\n  *(u32 *)(r10 - 0x8) = w1\n  r4 = *(u64 *)(r10 - 0x8)\n  w0 = *(u8 *)(r4 + 0x0)${OK}`,
  },
  "stack: spilled pointer, high half overwritten, filled, dereferenced": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x8) = r2\n  r1 = 0x0\n  *(u32 *)(r10 - 0x4) = w1\n  r4 = *(u64 *)(r10 - 0x8)\n  w0 = *(u8 *)(r4 + 0x0)${OK}`,
  },
  "stack: spilled pointer, one byte stored immediate at its top, filled, dereferenced": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x8) = r2\n  *(u8 *)(r10 - 0x1) = 0x0\n  r4 = *(u64 *)(r10 - 0x8)\n  w0 = *(u8 *)(r4 + 0x0)${OK}`,
  },
  "stack: spilled pointer, overwritten at its base by a store immediate, filled as a number": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x8) = r2\n  *(u32 *)(r10 - 0x8) = 0x5\n  r4 = *(u64 *)(r10 - 0x8)\n  r4 &= 0x1\n  r0 = r4\n  exit`,
  },
  "stack: spilled pointer read back with a 4-byte load at its base": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x8) = r2\n  w4 = *(u32 *)(r10 - 0x8)${OK}`,
  },
  "stack: spilled pointer read back with a 4-byte load at its top": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x8) = r2\n  w4 = *(u32 *)(r10 - 0x4)${OK}`,
  },
  "stack: spilled pointer read back one byte from its middle": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x8) = r2\n  w4 = *(u8 *)(r10 - 0x5)${OK}`,
  },
  "stack: spilled stack pointer, 2-byte load": {
    asm: `  r1 = r10\n  r1 += -0x10\n  *(u64 *)(r10 - 0x8) = r1\n  w4 = *(u16 *)(r10 - 0x8)${OK}`,
  },
  "stack: 4-byte spill of a constant, filled as 8 bytes, is unknown": {
    asm: `  w1 = 0x5\n  *(u32 *)(r10 - 0x8) = w1\n  r1 = *(u64 *)(r10 - 0x8)\n  if r1 != 0x5 goto bad${OK}${BAD}`,
  },
  "stack: 4-byte spill of a constant, filled as 4 bytes, keeps it": {
    asm: `  w1 = 0x5\n  *(u32 *)(r10 - 0x8) = w1\n  w1 = *(u32 *)(r10 - 0x8)\n  if r1 != 0x5 goto bad${OK}${BAD}`,
  },
  "stack: 8-byte spill of a constant, low 4 bytes filled": {
    asm: `  r1 = 0x100000005 ll\n  *(u64 *)(r10 - 0x8) = r1\n  w1 = *(u32 *)(r10 - 0x8)\n  if r1 != 0x5 goto bad${OK}${BAD}`,
  },
  "stack: 8-byte spill of a constant, high 4 bytes filled": {
    asm: `  r1 = 0x100000005 ll\n  *(u64 *)(r10 - 0x8) = r1\n  w1 = *(u32 *)(r10 - 0x4)\n  if r1 != 0x1 goto bad${OK}${BAD}`,
  },
  "stack: 8-byte spill of zero, 2 bytes filled from its top": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  w1 = *(u16 *)(r10 - 0x2)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: 4-byte store immediate of -1, filled as 4 bytes": {
    asm: `  *(u32 *)(r10 - 0x8) = -0x1\n  w1 = *(u32 *)(r10 - 0x8)\n  if r1 != 0xffffffff goto bad${OK}${BAD}`,
  },
  "stack: 4-byte store immediate of -1, filled sign-extended": {
    asm: `  *(u32 *)(r10 - 0x8) = -0x1\n  r1 = *(s32 *)(r10 - 0x8)\n  if r1 != -0x1 goto bad${OK}${BAD}`,
  },
  "stack: zero bytes stored one by one, base last, read as 8 bytes": {
    asm: `  *(u8 *)(r10 - 0x1) = 0x0\n  *(u8 *)(r10 - 0x2) = 0x0\n  *(u8 *)(r10 - 0x3) = 0x0\n  *(u8 *)(r10 - 0x4) = 0x0\n  *(u8 *)(r10 - 0x5) = 0x0\n  *(u8 *)(r10 - 0x6) = 0x0\n  *(u8 *)(r10 - 0x7) = 0x0\n  *(u8 *)(r10 - 0x8) = 0x0\n  r1 = *(u64 *)(r10 - 0x8)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: zero bytes stored one by one, base last, top half read": {
    asm: `  *(u8 *)(r10 - 0x1) = 0x0\n  *(u8 *)(r10 - 0x2) = 0x0\n  *(u8 *)(r10 - 0x3) = 0x0\n  *(u8 *)(r10 - 0x4) = 0x0\n  *(u8 *)(r10 - 0x8) = 0x0\n  w1 = *(u32 *)(r10 - 0x4)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: zero bytes stored one by one, base first, read as 8 bytes": {
    asm: `  *(u8 *)(r10 - 0x8) = 0x0\n  *(u8 *)(r10 - 0x7) = 0x0\n  *(u16 *)(r10 - 0x6) = 0x0\n  *(u32 *)(r10 - 0x4) = 0x0\n  r1 = *(u64 *)(r10 - 0x8)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: zero register stored in halves, top half first, read as 8 bytes": {
    asm: `  r1 = 0x0\n  *(u32 *)(r10 - 0x4) = w1\n  *(u32 *)(r10 - 0x8) = w1\n  r1 = *(u64 *)(r10 - 0x8)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: zero register stored in halves, base first, read as 8 bytes": {
    asm: `  r1 = 0x0\n  *(u32 *)(r10 - 0x8) = w1\n  *(u32 *)(r10 - 0x4) = w1\n  r1 = *(u64 *)(r10 - 0x8)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: zero stored by 2-byte spills, 4-byte read at the base": {
    asm: `  r1 = 0x0\n  *(u16 *)(r10 - 0x6) = w1\n  *(u16 *)(r10 - 0x8) = w1\n  w1 = *(u32 *)(r10 - 0x8)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: narrow spill keeps zero bytes above it, read there": {
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  w1 = 0x7\n  *(u16 *)(r10 - 0x8) = w1\n  w1 = *(u32 *)(r10 - 0x4)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: narrow spill of zero next to zero bytes, read across both": {
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  w1 = 0x0\n  *(u32 *)(r10 - 0x8) = w1\n  r1 = *(u64 *)(r10 - 0x8)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: narrow spill over a spilled pointer, the rest read": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x8) = r2\n  w1 = 0x0\n  *(u32 *)(r10 - 0x8) = w1\n  w1 = *(u32 *)(r10 - 0x4)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: unaligned write after a narrow spill scrubs zero bytes": {
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  w1 = 0x0\n  *(u16 *)(r10 - 0x8) = w1\n  *(u16 *)(r10 - 0x6) = w1\n  w1 = *(u32 *)(r10 - 0x4)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: variable-offset zero write onto zero bytes keeps them": {
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  *(u32 *)(r10 - 0xc) = 0x0\n${RAND}\n  r0 &= 0x8\n  r1 = r10\n  r1 += -0xc\n  r1 += r0\n  *(u32 *)(r1 + 0x0) = 0x0\n  w1 = *(u32 *)(r10 - 0x4)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: variable-offset non-zero write onto zero bytes": {
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  *(u32 *)(r10 - 0xc) = 0x0\n${RAND}\n  r0 &= 0x8\n  r1 = r10\n  r1 += -0xc\n  r1 += r0\n  *(u32 *)(r1 + 0x0) = 0x1\n  w1 = *(u32 *)(r10 - 0x4)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: uninitialised half of a slot read with a written half (privileged)": {
    asm: `  *(u32 *)(r10 - 0x8) = 0x1\n  r1 = *(u64 *)(r10 - 0x8)\n  r0 = r1\n  r0 &= 0x1\n  exit`,
  },
  "stack: variable-offset write over the top half of a spilled pointer, then an 8-byte fill": {
    asm: `${PKT}\n  r7 = r2\n  *(u64 *)(r10 - 0x10) = r7\n${RAND}\n  r0 &= 0x4\n  r1 = r10\n  r1 += -0xc\n  r1 += r0\n  w2 = 0x0\n  *(u32 *)(r1 + 0x0) = w2\n  r4 = *(u64 *)(r10 - 0x10)${OK}`,
  },
  "stack: variable-offset byte write over the base of a spilled pointer, then an 8-byte read": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x10) = r2\n${RAND}\n  r0 &= 0x1\n  r1 = r10\n  r1 += -0x11\n  r1 += r0\n  w2 = 0x0\n  *(u8 *)(r1 + 0x0) = w2\n  r4 = *(u64 *)(r10 - 0x10)${OK}`,
  },
  "stack: variable-offset byte write over the base of a spilled pointer, then a byte read above it": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x10) = r2\n${RAND}\n  r0 &= 0x1\n  r1 = r10\n  r1 += -0x11\n  r1 += r0\n  w2 = 0x0\n  *(u8 *)(r1 + 0x0) = w2\n  w4 = *(u8 *)(r10 - 0xf)${OK}`,
  },
  "stack: variable-offset write covering a whole spilled pointer, then a fill used as a pointer": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x10) = r2\n${RAND}\n  r0 &= 0x8\n  r1 = r10\n  r1 += -0x18\n  r1 += r0\n  r2 = 0x0\n  *(u64 *)(r1 + 0x0) = r2\n  r4 = *(u64 *)(r10 - 0x10)\n  w0 = *(u8 *)(r4 + 0x0)${OK}`,
  },
  "stack: variable-offset read over a spilled pointer (privileged)": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x10) = r2\n  *(u64 *)(r10 - 0x8) = r2\n${RAND}\n  r0 &= 0x8\n  r1 = r10\n  r1 += -0x10\n  r1 += r0\n  r4 = *(u64 *)(r1 + 0x0)\n  r0 = r4\n  r0 &= 0x1\n  exit`,
  },
  "stack: variable-offset read over a slot half-written by a variable-offset write": {
    asm: `${PKT}\n  *(u64 *)(r10 - 0x10) = r2\n${RAND}\n  r0 &= 0x1\n  r8 = r0\n  r1 = r10\n  r1 += -0x11\n  r1 += r0\n  w2 = 0x0\n  *(u8 *)(r1 + 0x0) = w2\n  r1 = r10\n  r1 += -0x10\n  r1 += r8\n  w4 = *(u8 *)(r1 + 0x0)${OK}`,
  },
  "stack: variable-offset zero write keeps a spilled zero": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  *(u64 *)(r10 - 0x10) = r1\n${RAND}\n  r0 &= 0x8\n  r1 = r10\n  r1 += -0x10\n  r1 += r0\n  r2 = 0x0\n  *(u64 *)(r1 + 0x0) = r2\n  r1 = *(u64 *)(r10 - 0x8)\n  if r1 != 0x0 goto bad${OK}${BAD}`,
  },
  "stack: stack pointer stored on the stack, reloaded and written through": {
    asm: `  r1 = r10\n  r1 += -0x10\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = *(u64 *)(r10 - 0x8)\n  r3 = 0x7\n  *(u64 *)(r2 + 0x0) = r3\n  r0 = *(u64 *)(r10 - 0x10)\n  if r0 != 0x7 goto bad${OK}${BAD}`,
  },
  "stack: stack pointer stored on the stack, reloaded, written past the frame": {
    asm: `  r1 = r10\n  r1 += -0x8\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = *(u64 *)(r10 - 0x8)\n  r3 = 0x7\n  *(u64 *)(r2 + 0x8) = r3${OK}`,
  },
  "stack: spilled packet pointer is invalidated by adjust_head": {
    asm: `${PKT}\n  r6 = r1\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto out\n  *(u64 *)(r10 - 0x8) = r2\n  r1 = r6\n  r2 = 0x4\n  call 0x2c\n  r2 = *(u64 *)(r10 - 0x8)\n  w0 = *(u8 *)(r2 + 0x0)\nout:${OK}`,
  },
  "stack: spilled packet pointer survives a helper that does not move data": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto out\n  *(u64 *)(r10 - 0x8) = r2\n  call 0x7\n  r2 = *(u64 *)(r10 - 0x8)\n  w0 = *(u8 *)(r2 + 0x7)\nout:${OK}`,
  },
  "stack: caller's spilled packet pointer is invalidated by adjust_head in a subprogram": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto out\n  *(u64 *)(r10 - 0x8) = r2\n  call local -0x1 ; @adj\n  r2 = *(u64 *)(r10 - 0x8)\n  w0 = *(u8 *)(r2 + 0x0)\nout:${OK}`,
    subprogs: [{ name: "adj", asm: `  r2 = 0x4\n  call 0x2c\n  r0 = 0x0\n  exit` }],
  },
  "stack: 4-byte load of an 8-byte spilled scalar keeps the link to its copy broken": {
    asm: `${RAND}\n  r1 = r0\n  *(u64 *)(r10 - 0x8) = r1\n  w2 = *(u32 *)(r10 - 0x8)\n  if r0 > 0x10 goto out\n  if r2 > 0x10 goto bad\nout:${OK}${BAD}`,
  },
  "stack: filled copy of a spilled scalar shares its bounds check": {
    asm: `${RAND}\n  r1 = r0\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = *(u64 *)(r10 - 0x8)\n  if r0 > 0x10 goto out\n  if r2 > 0x10 goto bad\nout:${OK}${BAD}`,
  },
};

const pointers: Record<string, KernelCase> = {
  "pointers: 32-bit add to a stack pointer": { asm: `  r1 = r10\n  w1 += 0x8${OK}` },
  "pointers: 32-bit move of a packet pointer is a number": { asm: `${PKT}\n  w4 = w2\n  w0 = *(u8 *)(r4 + 0x0)${OK}` },
  "pointers: 32-bit subtraction of pointers is a 64-bit unknown": { asm: `${PKT}\n  w3 -= w2\n  if r3 > 0xffffffff goto bad${OK}${BAD}` },
  "pointers: 32-bit subtraction of a constant from a pointer": { asm: `${PKT}\n  w2 -= 0x1\n  if r2 > 0xffffffff goto bad${OK}${BAD}` },
  "pointers: pointer minus pointer used as an offset": { asm: `${PKT}\n  r4 = r3\n  r4 -= r2\n  r2 += r4${OK}` },
  "pointers: negation of a pointer": { asm: `${PKT}\n  r2 = -r2${OK}` },
  "pointers: byte swap of a pointer": { asm: `${PKT}\n  r2 = be64 r2${OK}` },
  "pointers: sign-extending move of a pointer": { asm: `${PKT}\n  r4 = (s32)r2\n  w0 = *(u8 *)(r4 + 0x0)${OK}` },
  "pointers: pointer multiplied": { asm: `${PKT}\n  r2 *= 0x2${OK}` },
  "pointers: stack pointer OR a constant": { asm: `  r1 = r10\n  r1 |= 0x0${OK}` },
  "pointers: variable-offset packet pointer checked against pkt_end, read below the checked offset": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x0)\n  r5 &= 0x3f\n  r4 = r2\n  r4 += r5\n  r6 = r4\n  r6 += 0xe\n  if r6 > r3 goto out\n  w0 = *(u8 *)(r4 + 0xd)\nout:${OK}`,
  },
  "pointers: variable-offset packet pointer checked, read at the checked offset": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x0)\n  r5 &= 0x3f\n  r4 = r2\n  r4 += r5\n  r6 = r4\n  r6 += 0xe\n  if r6 > r3 goto out\n  w0 = *(u8 *)(r4 + 0xe)\nout:${OK}`,
  },
  "pointers: variable-offset check does not cover the base packet pointer": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x0)\n  r5 &= 0x3f\n  r4 = r2\n  r4 += r5\n  r6 = r4\n  r6 += 0xe\n  if r6 > r3 goto out\n  w0 = *(u8 *)(r2 + 0x2)\nout:${OK}`,
  },
  "pointers: variable-offset packet check with pkt_end on the left (jge)": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x0)\n  r5 &= 0xff\n  r2 += r5\n  r6 = r2\n  r6 += 0x4\n  if r3 >= r6 goto ok\nout:${OK}\nok:\n  w0 = *(u32 *)(r2 + 0x0)${OK}`,
  },
  "pointers: variable-offset packet check with jlt": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x0)\n  r5 &= 0xff\n  r2 += r5\n  r6 = r2\n  r6 += 0x4\n  if r6 < r3 goto ok\nout:${OK}\nok:\n  w0 = *(u8 *)(r2 + 0x4)${OK}`,
  },
  "pointers: variable-offset packet check with jle, one past": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x0)\n  r5 &= 0xff\n  r2 += r5\n  r6 = r2\n  r6 += 0x4\n  if r6 <= r3 goto ok\nout:${OK}\nok:\n  w0 = *(u8 *)(r2 + 0x4)${OK}`,
  },
  "pointers: packet check with a 32-bit compare proves nothing": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x8\n  if w4 > w3 goto out\n  w0 = *(u8 *)(r2 + 0x0)\nout:${OK}`,
  },
  "pointers: packet pointer with an unbounded variable offset checked": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x0)\n  r5 <<= 0x10\n  r2 += r5\n  r6 = r2\n  r6 += 0x4\n  if r6 > r3 goto out\n  w0 = *(u8 *)(r2 + 0x0)\nout:${OK}`,
  },
  "pointers: negative constant offset packet pointer checked": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x10\n  if r4 > r3 goto out\n  r4 += -0x8\n  r6 = r4\n  if r6 > r3 goto out\n  w0 = *(u8 *)(r4 + 0x0)\nout:${OK}`,
  },
  "pointers: packet pointer minus a variable, then checked": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x10\n  if r4 > r3 goto out\n  w5 = *(u8 *)(r2 + 0x0)\n  r5 &= 0x7\n  r4 -= r5\n  r6 = r4\n  r6 += 0x2\n  if r6 > r3 goto out\n  w0 = *(u8 *)(r4 + 0x0)\nout:${OK}`,
  },
  "pointers: pkt_meta checked against data, read past the check": {
    asm: `  w2 = *(u32 *)(r1 + 0x8)\n  w3 = *(u32 *)(r1 + 0x0)\n  r4 = r2\n  r4 += 0x4\n  if r4 > r3 goto out\n  w0 = *(u32 *)(r2 + 0x1)\nout:${OK}`,
  },
  "pointers: pkt_meta checked against data_end proves nothing": {
    asm: `  w2 = *(u32 *)(r1 + 0x8)\n  w3 = *(u32 *)(r1 + 0x4)\n  r4 = r2\n  r4 += 0x4\n  if r4 > r3 goto out\n  w0 = *(u32 *)(r2 + 0x0)\nout:${OK}`,
  },
  "pointers: pkt_meta checked against an offset data pointer proves nothing": {
    asm: `  w2 = *(u32 *)(r1 + 0x8)\n  w3 = *(u32 *)(r1 + 0x0)\n  r3 += 0x4\n  r4 = r2\n  r4 += 0x4\n  if r4 > r3 goto out\n  w0 = *(u32 *)(r2 + 0x0)\nout:${OK}`,
  },
  "pointers: data checked against pkt_meta on the right": {
    asm: `  w2 = *(u32 *)(r1 + 0x8)\n  w3 = *(u32 *)(r1 + 0x0)\n  r4 = r2\n  r4 += 0x4\n  if r3 < r4 goto out\n  w0 = *(u32 *)(r2 + 0x0)\nout:${OK}`,
  },
  "pointers: map value with a negative variable offset": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r0 &= 0x7\n  r1 = 0x0\n  r1 -= r0\n  r6 += 0x8\n  r6 += r1\n  w1 = *(u8 *)(r6 + 0x0)\nout:${OK}`,
  },
  "pointers: map value with a signed-bounded variable offset": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r0 = (s8)r0\n  if r0 s< 0x0 goto out\n  if r0 s> 0x30 goto out\n  r6 += r0\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "pointers: map value offset checked signed only, used unsigned": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r0 = (s8)r0\n  if r0 s> 0x30 goto out\n  r6 += r0\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "pointers: ctx pointer with an added offset, then read": { asm: `  r1 += 0x4\n  w2 = *(u32 *)(r1 + 0x0)${OK}` },
  "pointers: ctx pointer with an added and removed offset, then read": { asm: `  r1 += 0x4\n  r1 += -0x4\n  w2 = *(u32 *)(r1 + 0x0)${OK}` },
  "pointers: ctx pointer passed to a helper after an offset": { asm: `  r1 += 0x4\n  call 0xbc${OK}` },
  "pointers: packet pointer stored into a map value": {
    maps: [HASH],
    asm: `  r6 = r1\n${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  w2 = *(u32 *)(r6 + 0x0)\n  *(u64 *)(r0 + 0x0) = r2\nout:${OK}`,
  },
  "pointers: stack pointer stored into the packet": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto out\n  r5 = r10\n  *(u64 *)(r2 + 0x0) = r5\nout:${OK}`,
  },
  "pointers: pointer stored into ctx": { asm: `  r2 = r10\n  *(u32 *)(r1 + 0x0) = w2${OK}` },
  "pointers: map value pointer stored in a map value with a 4-byte store": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  *(u32 *)(r0 + 0x0) = w0\nout:${OK}`,
  },
  "pointers: atomic add on ctx": { asm: `  r2 = 0x1\n  lock *(u32 *)(r1 + 0x0) += w2${OK}` },
  "pointers: atomic add on pkt_meta": {
    asm: `  w2 = *(u32 *)(r1 + 0x8)\n  w3 = *(u32 *)(r1 + 0x0)\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto out\n  r1 = 0x1\n  lock *(u64 *)(r2 + 0x0) += r1\nout:${OK}`,
  },
  "pointers: atomic add of a pointer into a map value": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r1 = r10\n  lock *(u64 *)(r0 + 0x0) += r1\nout:${OK}`,
  },
  "pointers: atomic exchange of a pointer into the stack": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = r10\n  r1 = xchg_64(r10 - 0x8, r1)${OK}`,
  },
  "pointers: atomic fetch on a spilled pointer": {
    asm: `  r1 = r10\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = 0x1\n  r2 = atomic_fetch_add((u64 *)(r10 - 0x8), r2)${OK}`,
  },
  "pointers: atomic add on a stack slot, then the slot used as a number": {
    asm: `  r1 = 0x5\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = 0x1\n  lock *(u64 *)(r10 - 0x8) += r2\n  r1 = *(u64 *)(r10 - 0x8)\n  if r1 != 0x6 goto bad${OK}${BAD}`,
  },
  "pointers: 4-byte atomic on an 8-byte spilled scalar": {
    asm: `  r1 = 0x5\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = 0x1\n  lock *(u32 *)(r10 - 0x8) += w2\n  r1 = *(u64 *)(r10 - 0x8)\n  r0 = r1\n  exit`,
  },
  "pointers: misaligned atomic on a map value": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r1 = 0x1\n  lock *(u64 *)(r0 + 0x4) += r1\nout:${OK}`,
  },
  "pointers: cmpxchg result on a map value": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  r1 = 0x2\n  r0 = 0x1\n  r0 = cmpxchg_64(r6 + 0x0, r0, r1)\n  r0 &= 0x1\n  exit\nout:${OK}`,
  },
};

const nulls: Record<string, KernelCase> = {
  "null: copy spilled before the check is valid after it": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  *(u64 *)(r10 - 0x10) = r0\n  if r0 == 0x0 goto out\n  r1 = *(u64 *)(r10 - 0x10)\n  r1 = *(u64 *)(r1 + 0x0)\nout:${OK}`,
  },
  "null: copy spilled before the check is null on the null side": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  *(u64 *)(r10 - 0x10) = r0\n  if r0 != 0x0 goto out\n  r1 = *(u64 *)(r10 - 0x10)\n  r1 = *(u64 *)(r1 + 0x0)\nout:${OK}`,
  },
  "null: 32-bit check of a map value or null": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if w0 == 0x0 goto out\n  r1 = *(u64 *)(r0 + 0x0)\nout:${OK}`,
  },
  "null: 'if r0 != 0' layout": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 != 0x0 goto ok${OK}\nok:\n  r1 = *(u64 *)(r0 + 0x0)${OK}`,
  },
  "null: compared with a non-zero constant": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x1 goto out\n  r1 = *(u64 *)(r0 + 0x0)\nout:${OK}`,
  },
  "null: compared with a register holding zero": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  r1 = 0x0\n  if r0 == r1 goto out\n  r1 = *(u64 *)(r0 + 0x0)\nout:${OK}`,
  },
  "null: two lookups, only the first checked": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  r6 = r0\n${LOOKUP("counts")}\n  if r6 == 0x0 goto out\n  r1 = *(u64 *)(r0 + 0x0)\nout:${OK}`,
  },
  "null: two lookups, the second checked, the first used": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  r6 = r0\n${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "null: compared with a checked map value": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r6 = r0\n${LOOKUP("counts")}\n  if r0 != r6 goto out\n  r1 = *(u64 *)(r0 + 0x0)\nout:${OK}`,
  },
  "null: the null side is a zero scalar": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 != 0x0 goto out\n  if r0 != 0x0 goto bad\nout:${OK}${BAD}`,
  },
  "null: non-null map value compared with zero at 32 bits": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  if w0 == 0x0 goto bad\nout:${OK}${BAD}`,
  },
  "null: non-null map value compared with zero at 32 bits, not-equal": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  if w0 != 0x0 goto out\n  goto bad\nout:${OK}${BAD}`,
  },
  "null: stack pointer compared with zero at 32 bits": {
    asm: `  r1 = r10\n  if w1 == 0x0 goto bad${OK}${BAD}`,
  },
  "null: stack pointer compared with zero": {
    asm: `  r1 = r10\n  if r1 == 0x0 goto bad${OK}${BAD}`,
  },
  "null: packet pointer compared with zero": {
    asm: `${PKT}\n  if r2 == 0x0 goto bad${OK}${BAD}`,
  },
};

const pktEnd: Record<string, KernelCase> = {
  "pkt_end: the side where pkt > end reads through the compared pointer": {
    asm: `${PKT}\n  r5 = r2\n  r5 += 0x10\n  if r5 > r3 goto out\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto beyond${OK}\nbeyond:\n  w0 = *(u8 *)(r4 + 0x0)\nout:${OK}`,
  },
  "pkt_end: the side where pkt > end reads through a copy": {
    asm: `${PKT}\n  r5 = r2\n  r5 += 0x10\n  if r5 > r3 goto out\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto beyond${OK}\nbeyond:\n  w0 = *(u8 *)(r2 + 0x8)\nout:${OK}`,
  },
  "pkt_end: the side where pkt >= end reads through the compared pointer": {
    asm: `${PKT}\n  r5 = r2\n  r5 += 0x10\n  if r5 > r3 goto out\n  r4 = r2\n  r4 += 0x8\n  if r4 >= r3 goto at${OK}\nat:\n  w0 = *(u8 *)(r4 + 0x0)\nout:${OK}`,
  },
  "pkt_end: end < pkt side reads through the compared pointer": {
    asm: `${PKT}\n  r5 = r2\n  r5 += 0x10\n  if r5 > r3 goto out\n  r4 = r2\n  r4 += 0x8\n  if r3 < r4 goto beyond${OK}\nbeyond:\n  w0 = *(u8 *)(r4 + 0x0)\nout:${OK}`,
  },
  "pkt_end: a pointer known past the end compared again": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto beyond${OK}\nbeyond:\n  if r4 > r3 goto out\n  r0 = r7\n  exit\nout:${OK}`,
  },
  "pkt_end: a pointer at the end compared with <=": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x8\n  if r4 <= r3 goto in\n  if r4 <= r3 goto bad${OK}\nin:${OK}${BAD}`,
  },
  "pkt_end: the fall side of pkt < end reads through the compared pointer": {
    asm: `${PKT}\n  r5 = r2\n  r5 += 0x10\n  if r5 > r3 goto out\n  r4 = r2\n  r4 += 0x8\n  if r4 < r3 goto out\n  w0 = *(u8 *)(r4 + 0x0)\nout:${OK}`,
  },
  "pkt_end: data_end compared with data_end": { asm: `${PKT}\n  r4 = r3\n  if r4 > r3 goto bad${OK}${BAD}` },
  "pkt_end: two packet pointers compared": { asm: `${PKT}\n  r4 = r2\n  r4 += 0x8\n  if r4 > r2 goto ok\n  r0 = r7\nok:${OK}` },
};

const zeroSize: Record<string, KernelCase> = {
  "zero-size: unchecked packet pointer past its range with size 0": {
    asm: `${PKT}\n  r1 = r2\n  r1 += 0xa\n  r2 = 0x0\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "zero-size: frame pointer itself with size 0": { asm: `  r1 = r10\n  r2 = 0x0\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}` },
  "zero-size: stack pointer below the stack with size 0": { asm: `  r1 = r10\n  r1 += -0x300\n  r2 = 0x0\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}` },
  "zero-size: map value pointer past the value with size 0": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r1 = r0\n  r1 += 0x10\n  r2 = 0x0\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c\nout:${OK}`,
  },
  "zero-size: ctx pointer with size 0": { asm: `  r2 = 0x0\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}` },
  "zero-size: map value or null with size 0": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  r1 = r0\n  r2 = 0x0\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "zero-size: size bounded [0, 8] over an 8-byte stack buffer": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n${RAND}\n  r2 = r0\n  r2 &= 0x8\n  r1 = r10\n  r1 += -0x8\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "zero-size: size with a negative minimum": {
    asm: `${RAND}\n  r2 = (s8)r0\n  if r2 s> 0x8 goto out\n  r1 = r10\n  r1 += -0x8\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c\nout:${OK}`,
  },
  "zero-size: ringbuf_output of 0 bytes from a packet pointer": {
    maps: [{ name: "rb", type: MapType.RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096 }],
    asm: `${PKT}\n  r2 += 0x4\n  r1 = 0x0 ll ; @rb\n  r3 = 0x0\n  r4 = 0x0\n  call 0x82${OK}`,
  },
};

const atomics: Record<string, KernelCase> = {
  "atomics: add on pkt_end": { asm: `${PKT}\n  r1 = 0x1\n  lock *(u64 *)(r3 + 0x0) += r1${OK}` },
  "atomics: fetch of a spilled constant": {
    asm: `  r1 = 0x5\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = 0x1\n  r2 = atomic_fetch_add((u64 *)(r10 - 0x8), r2)\n  if r2 != 0x5 goto bad${OK}${BAD}`,
  },
  "atomics: fetch of a spilled stack pointer, written through": {
    asm: `  r1 = r10\n  r1 += -0x10\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = 0x0\n  r2 = atomic_fetch_add((u64 *)(r10 - 0x8), r2)\n  r3 = 0x1\n  *(u64 *)(r2 + 0x0) = r3${OK}`,
  },
  "atomics: exchange on uninitialised stack": { asm: `  r1 = 0x1\n  r1 = xchg_64(r10 - 0x8, r1)\n  r0 = r1\n  r0 &= 0x1\n  exit` },
  "atomics: cmpxchg with an uninitialised r0": { asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x1\n  r0 = cmpxchg_64(r10 - 0x8, r0, r1)${OK}` },
  "atomics: 4-byte atomic at a 4-aligned stack offset": { asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  w1 = 0x1\n  lock *(u32 *)(r10 - 0x4) += w1${OK}` },
  "atomics: on a read-only map": {
    vars: [{ name: "ro", section: ".rodata", init: new Uint8Array(8) }],
    asm: `  r1 = 0x0 ll ; @ro\n  r2 = 0x1\n  lock *(u64 *)(r1 + 0x0) += r2${OK}`,
  },
  "atomics: on ring buffer memory": {
    maps: [{ name: "rb", type: MapType.RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096 }],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r1 = 0x1\n  lock *(u64 *)(r0 + 0x0) += r1\n  r1 = r0\n  r2 = 0x0\n  call 0x84\nout:${OK}`,
  },
  "atomics: variable-offset atomic on the stack": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  *(u64 *)(r10 - 0x10) = r1\n${RAND}\n  r0 &= 0x8\n  r1 = r10\n  r1 += -0x10\n  r1 += r0\n  r2 = 0x1\n  lock *(u64 *)(r1 + 0x0) += r2${OK}`,
  },
};

const pktArgs: Record<string, KernelCase> = {
  "helper packet access: map_lookup_elem key in the packet": { maps: [HASH], asm: `${PKT16}\n  r2 = r6\n  r1 = 0x0 ll ; @counts\n  call 0x1\nout:${OK}` },
  "helper packet access: map_update_elem value in the packet": {
    maps: [HASH],
    asm: `${PKT16}\n  *(u32 *)(r10 - 0x4) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r3 = r6\n  r1 = 0x0 ll ; @counts\n  r4 = 0x0\n  call 0x2\nout:${OK}`,
  },
  "helper packet access: map_delete_elem key in the packet": { maps: [HASH], asm: `${PKT16}\n  r2 = r6\n  r1 = 0x0 ll ; @counts\n  call 0x3\nout:${OK}` },
  "helper packet access: map_push_elem value in the packet": { maps: [QUEUE], asm: `${PKT16}\n  r2 = r6\n  r1 = 0x0 ll ; @q\n  r3 = 0x0\n  call 0x57\nout:${OK}` },
  "helper packet access: map_pop_elem into the packet": { maps: [QUEUE], asm: `${PKT16}\n  r2 = r6\n  r1 = 0x0 ll ; @q\n  call 0x58\nout:${OK}` },
  "helper packet access: map_peek_elem into the packet": { maps: [QUEUE], asm: `${PKT16}\n  r2 = r6\n  r1 = 0x0 ll ; @q\n  call 0x59\nout:${OK}` },
  "helper packet access: trace_printk format in the packet": { asm: `${PKT16}\n  r1 = r6\n  r2 = 0x4\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x6\nout:${OK}` },
  "helper packet access: csum_diff over the packet": { asm: `${PKT16}\n  r1 = r6\n  r2 = 0x4\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c\nout:${OK}` },
  "helper packet access: fib_lookup params in the packet": { asm: `${PKT16}\n  r1 = r7\n  r2 = r6\n  r3 = 0x10\n  r4 = 0x0\n  call 0x45\nout:${OK}` },
  "helper packet access: xdp_load_bytes into the packet": { asm: `${PKT16}\n  r1 = r7\n  r2 = 0x0\n  r3 = r6\n  r4 = 0x4\n  call 0xbd\nout:${OK}` },
  "helper packet access: xdp_store_bytes from the packet": { asm: `${PKT16}\n  r1 = r7\n  r2 = 0x0\n  r3 = r6\n  r4 = 0x4\n  call 0xbe\nout:${OK}` },
  "helper packet access: perf_event_output from the packet": { maps: [PERF], asm: `${PKT16}\n  r1 = r7\n  r2 = 0x0 ll ; @events\n  r3 = 0x0\n  r4 = r6\n  r5 = 0x4\n  call 0x19\nout:${OK}` },
  "helper packet access: ringbuf_output from the packet": { maps: [RB], asm: `${PKT16}\n  r2 = r6\n  r1 = 0x0 ll ; @rb\n  r3 = 0x4\n  r4 = 0x0\n  call 0x82\nout:${OK}` },
  "helper packet access: csum_diff over pkt_meta": {
    asm: `  w6 = *(u32 *)(r1 + 0x8)\n  w3 = *(u32 *)(r1 + 0x0)\n  r4 = r6\n  r4 += 0x4\n  if r4 > r3 goto out\n  r1 = r6\n  r2 = 0x4\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c\nout:${OK}`,
  },
  "helper packet access: csum_diff over a map value or null of 8 bytes": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  r1 = r0\n  r2 = 0x8\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "helper packet access: csum_diff over a map value or null past its size": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  r1 = r0\n  r2 = 0x10\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "helper packet access: xdp_load_bytes into a map value or null": {
    maps: [HASH],
    asm: `  r6 = r1\n${LOOKUP("counts")}\n  r1 = r6\n  r2 = 0x0\n  r3 = r0\n  r4 = 0x4\n  call 0xbd${OK}`,
  },
};

const maps: Record<string, KernelCase> = {
  "maps: devmap value written": { maps: [DEVMAP], asm: `${LOOKUP("dev")}\n  if r0 == 0x0 goto out\n  w1 = 0x1\n  *(u32 *)(r0 + 0x0) = w1\nout:${OK}` },
  "maps: devmap value read": { maps: [DEVMAP], asm: `${LOOKUP("dev")}\n  if r0 == 0x0 goto out\n  w1 = *(u32 *)(r0 + 0x0)\nout:${OK}` },
  "maps: cpumap lookup": { maps: [CPUMAP], asm: `${LOOKUP("cpus")}${OK}` },
  "maps: xskmap value read": { maps: [XSKMAP], asm: `${LOOKUP("xsks")}\n  if r0 == 0x0 goto out\n  w1 = *(u32 *)(r0 + 0x0)\nout:${OK}` },
  "maps: xskmap value written": { maps: [XSKMAP], asm: `${LOOKUP("xsks")}\n  if r0 == 0x0 goto out\n  w1 = 0x0\n  *(u32 *)(r0 + 0x0) = w1\nout:${OK}` },
  "maps: xskmap value read as one byte": { maps: [XSKMAP], asm: `${LOOKUP("xsks")}\n  if r0 == 0x0 goto out\n  w1 = *(u8 *)(r0 + 0x0)\nout:${OK}` },
  "maps: xskmap value with an offset added and removed": { maps: [XSKMAP], asm: `${LOOKUP("xsks")}\n  if r0 == 0x0 goto out\n  r0 += 0x4\n  r0 += -0x4\n  w1 = *(u32 *)(r0 + 0x0)\nout:${OK}` },
  "maps: xskmap value as helper memory": { maps: [XSKMAP], asm: `${LOOKUP("xsks")}\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = 0x4\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c\nout:${OK}` },
  "maps: devmap_hash value written": {
    maps: [{ name: "devh", type: MapType.DEVMAP_HASH, keySize: 4, valueSize: 4, maxEntries: 4 }],
    asm: `${LOOKUP("devh")}\n  if r0 == 0x0 goto out\n  w1 = 0x1\n  *(u32 *)(r0 + 0x0) = w1\nout:${OK}`,
  },
  "maps: helper writes into a devmap value": {
    maps: [DEVMAP],
    asm: `  r6 = r1\n${LOOKUP("dev")}\n  if r0 == 0x0 goto out\n  r1 = r6\n  r2 = 0x0\n  r3 = r0\n  r4 = 0x4\n  call 0xbd\nout:${OK}`,
  },
  "maps: atomic add on a devmap value": { maps: [DEVMAP], asm: `${LOOKUP("dev")}\n  if r0 == 0x0 goto out\n  w1 = 0x1\n  lock *(u32 *)(r0 + 0x0) += w1\nout:${OK}` },
  "maps: recursion through two subprograms": {
    asm: `  call local -0x1 ; @f${OK}`,
    subprogs: [
      { name: "f", asm: `  r0 = 0x0\n  if r0 == 0x0 goto out\n  call local -0x1 ; @g\nout:\n  exit` },
      { name: "g", asm: `  call local -0x1 ; @f\n  exit` },
    ],
  },
  "maps: sockmap lookup": { maps: [{ name: "socks", type: MapType.SOCKMAP, keySize: 4, valueSize: 4, maxEntries: 4 }], asm: `${LOOKUP("socks")}${OK}` },
  "maps: sockhash lookup": { maps: [{ name: "sockh", type: MapType.SOCKHASH, keySize: 4, valueSize: 4, maxEntries: 4 }], asm: `${LOOKUP("sockh")}${OK}` },
  "maps: sockmap update": {
    maps: [{ name: "socks", type: MapType.SOCKMAP, keySize: 4, valueSize: 4, maxEntries: 4 }],
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  *(u32 *)(r10 - 0x8) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r3 = r10\n  r3 += -0x8\n  r1 = 0x0 ll ; @socks\n  r4 = 0x0\n  call 0x2${OK}`,
  },
  "maps: cgroup array lookup": { maps: [{ name: "cg", type: MapType.CGROUP_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 }], asm: `${LOOKUP("cg")}${OK}` },
  "maps: stack trace map lookup": { maps: [{ name: "stk", type: MapType.STACK_TRACE, keySize: 4, valueSize: 8, maxEntries: 4 }], asm: `${LOOKUP("stk")}${OK}` },
  "maps: reuseport array lookup": { maps: [{ name: "rp", type: MapType.REUSEPORT_SOCKARRAY, keySize: 4, valueSize: 4, maxEntries: 4 }], asm: `${LOOKUP("rp")}${OK}` },
  "maps: lru hash value written": { maps: [{ name: "lru", type: MapType.LRU_HASH, keySize: 4, valueSize: 8, maxEntries: 4 }], asm: `${LOOKUP("lru")}\n  if r0 == 0x0 goto out\n  r1 = 0x1\n  *(u64 *)(r0 + 0x0) = r1\nout:${OK}` },
  "maps: per-cpu hash value read past its size": { maps: [{ name: "ph", type: MapType.PERCPU_HASH, keySize: 4, valueSize: 8, maxEntries: 4 }], asm: `${LOOKUP("ph")}\n  if r0 == 0x0 goto out\n  r1 = *(u64 *)(r0 + 0x4)\nout:${OK}` },
  "maps: devmap update from the program": { maps: [DEVMAP], asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  *(u32 *)(r10 - 0x8) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r3 = r10\n  r3 += -0x8\n  r1 = 0x0 ll ; @dev\n  r4 = 0x0\n  call 0x2${OK}` },
  "maps: xskmap delete from the program": { maps: [XSKMAP], asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @xsks\n  call 0x3${OK}` },
  "maps: queue lookup": { maps: [QUEUE], asm: `  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @q\n  call 0x1${OK}` },
  "maps: queue update": { maps: [QUEUE], asm: `  r2 = 0x0\n  r3 = r10\n  r3 += -0x8\n  r1 = 0x0 ll ; @q\n  r4 = 0x0\n  call 0x2${OK}` },
  "maps: stack pop": { maps: [STACKMAP], asm: `  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @st\n  call 0x58${OK}` },
  "maps: bloom filter pop": { maps: [BLOOM], asm: `  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @bloom\n  call 0x58${OK}` },
  "maps: bloom filter peek": { maps: [BLOOM], asm: `  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @bloom\n  call 0x59${OK}` },
  "maps: bloom filter lookup": { maps: [BLOOM], asm: `  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @bloom\n  call 0x1${OK}` },
  "maps: push into a hash map": { maps: [HASH], asm: `  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @counts\n  r3 = 0x0\n  call 0x57${OK}` },
  "maps: lpm trie lookup with an 8-byte key": { maps: [LPM], asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r2 = r10\n  r2 += -0x8\n  r1 = 0x0 ll ; @lpm\n  call 0x1\n  if r0 == 0x0 goto out\n  w1 = *(u32 *)(r0 + 0x0)\nout:${OK}` },
  "maps: lpm trie lookup with a 4-byte stack key": { maps: [LPM], asm: `  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @lpm\n  call 0x1${OK}` },
  "maps: per-cpu array lookup with a constant key needs no null check": { maps: [PCPU], asm: `${LOOKUP("pcpu")}\n  r1 = *(u64 *)(r0 + 0x0)${OK}` },
  "maps: delete from an array": { maps: [ARRAY], asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @arr\n  call 0x3${OK}` },
  "maps: redirect_map into a cpumap": { maps: [CPUMAP], asm: `  r1 = 0x0 ll ; @cpus\n  r2 = 0x0\n  r3 = 0x0\n  call 0x33\n  exit` },
  "maps: redirect_map into an xskmap": { maps: [XSKMAP], asm: `  r1 = 0x0 ll ; @xsks\n  r2 = 0x0\n  r3 = 0x0\n  call 0x33\n  exit` },
  "maps: array map value past its size through a constant pseudo load": {
    vars: [{ name: "rw", section: ".data", init: new Uint8Array(8) }],
    asm: `  r1 = 0x0 ll ; @rw\n  r1 += 0x8\n  w2 = *(u32 *)(r1 + 0x0)${OK}`,
  },
  "maps: .data value written at a variable offset": {
    vars: [{ name: "rw", section: ".data", init: new Uint8Array(16) }],
    asm: `${RAND}\n  r0 &= 0x8\n  r1 = 0x0 ll ; @rw\n  r1 += r0\n  r2 = 0x1\n  *(u64 *)(r1 + 0x0) = r2${OK}`,
  },
  "maps: .rodata read at a variable offset is not constant": {
    vars: [{ name: "ro", section: ".rodata", init: new Uint8Array([1, 0, 0, 0, 1, 0, 0, 0]) }],
    asm: `${RAND}\n  r0 &= 0x4\n  r1 = 0x0 ll ; @ro\n  r1 += r0\n  w2 = *(u32 *)(r1 + 0x0)\n  if r2 != 0x1 goto bad${OK}${BAD}`,
  },
  "maps: .rodata read as a signed byte": {
    vars: [{ name: "ro", section: ".rodata", init: new Uint8Array([0xff, 0, 0, 0]) }],
    asm: `  r1 = 0x0 ll ; @ro\n  r2 = *(s8 *)(r1 + 0x0)\n  if r2 != -0x1 goto bad${OK}${BAD}`,
  },
  "maps: .rodata read of 8 bytes": {
    vars: [{ name: "ro", section: ".rodata", init: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) }],
    asm: `  r1 = 0x0 ll ; @ro\n  r2 = *(u64 *)(r1 + 0x0)\n  r3 = 0x807060504030201 ll\n  if r2 != r3 goto bad${OK}${BAD}`,
  },
  "maps: recursion": {
    asm: `  r1 = 0x3\n  call local -0x1 ; @f${OK}`,
    subprogs: [{ name: "f", asm: `  r1 += -0x1\n  if r1 == 0x0 goto out\n  call local -0x1 ; @f\nout:\n  r0 = 0x0\n  exit` }],
  },
};

export const memoryCases: Readonly<Record<string, KernelCase>> = { ...stack, ...pointers, ...nulls, ...pktEnd, ...zeroSize, ...atomics, ...pktArgs, ...maps };
