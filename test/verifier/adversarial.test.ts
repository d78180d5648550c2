// Adversarial programs for the bundled verifier: the subtle corners a mutation corpus rarely
// reaches (partial overwrites of spilled pointers, narrow spills and fills, variable-offset
// stack access over spills, packet ranges of variable-offset pointers, null checks through
// copies, linked scalars, 32-bit bounds used for 64-bit offsets, calls and callbacks, loops).
// Each program is verified by us and loaded in the running kernel during the test; the
// kernel's verdict is the expectation (kernel-compare.ts). A branch to `bad:` reads the
// uninitialised r7, so it probes whether a path is live: the kernel's verdict then says whether
// our bounds prove what its bounds prove.
import { MapType } from "../../runtime/object/map-types.js";
import { kernelAgreementSuite, type KernelCase } from "./kernel-compare.js";

const HASH = { name: "counts", type: MapType.HASH, keySize: 4, valueSize: 8, maxEntries: 16 };
const BIG = { name: "big", type: MapType.HASH, keySize: 4, valueSize: 64, maxEntries: 16 };
const ARRAY = { name: "arr", type: MapType.ARRAY, keySize: 4, valueSize: 16, maxEntries: 4 };
const PROGS = { name: "jumps", type: MapType.PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 };

// r2 = data, r3 = data_end.
const PKT = `
  w2 = *(u32 *)(r1 + 0x0)
  w3 = *(u32 *)(r1 + 0x4)`;
// r6 = ctx, r0 = a random 32-bit value (bpf_get_prandom_u32).
const RAND = `
  r6 = r1
  call 0x7`;
// Looks up key 0 in `map`: r0 = value or null.
const LOOKUP = (map: string): string => `
  *(u32 *)(r10 - 0x4) = 0x0
  r2 = r10
  r2 += -0x4
  r1 = 0x0 ll ; @${map}
  call 0x1`;
// A path that must be dead: reading r7 (never written) is refused on any live path.
const BAD = `
bad:
  r0 = r7
  exit`;
const OK = `
  r0 = 0x2
  exit`;

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
  "null: stack pointer compared with zero": {
    asm: `  r1 = r10\n  if r1 == 0x0 goto bad${OK}${BAD}`,
  },
  "null: packet pointer compared with zero": {
    asm: `${PKT}\n  if r2 == 0x0 goto bad${OK}${BAD}`,
  },
};

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
  "scalars: w-register movsx zero-extends": { asm: `${RAND}\n  w1 = (s8)w0\n  if r1 > 0xffffffff goto bad${OK}${BAD}` },
  "scalars: ldsx of a byte from the packet is signed": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x1\n  if r4 > r3 goto out\n  r1 = *(s8 *)(r2 + 0x0)\n  if r1 s> 0x7f goto bad\n  if r1 > 0x7f goto neg\nout:${OK}\nneg:\n  if r1 < -0x80 goto bad${OK}${BAD}`,
  },
  "scalars: linked copy bounded by a check on the original": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  if r0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: linked copy with an added constant bounded by a check on the original": {
    stricter: "6.18 links `r1 = r0; r1 += 8` to r0 with an offset (BPF_ADD_CONST, sync_linked_regs); our links end at any ALU operation",
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x8\n  if r0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: linked copy with an added constant, bound past the value end": {
    otherReason: "no links with offsets: we refuse the pointer arithmetic with an unbounded r1 where the kernel, knowing r1 = r0 + 16 <= 64, refuses the access past the value",
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x10\n  if r0 > 0x30 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: linked copy with a subtracted constant bounded by a check on the original": {
    stricter: "6.18 also links `r1 -= 8` (an offset of -8) to r0; our links end at any ALU operation",
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r0 &= 0xff\n  r1 = r0\n  r1 -= 0x8\n  if r0 > 0x30 goto out\n  if r0 < 0x8 goto out\n  r6 += r1\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
  },
  "scalars: check on the offset copy bounds the original": {
    otherReason: "the kernel carries the check on r1 = r0 + 8 back to r0 (r0 in [-8, 0x30]) and refuses the negative access; without offset links we refuse the unbounded r0 at the pointer arithmetic",
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r0\n  r1 += 0x8\n  if r1 > 0x38 goto out\n  r6 += r0\n  r1 = *(u64 *)(r6 + 0x0)\nout:${OK}`,
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


// Two paths meet at `m:`; the first one explored (the fall-through) is stored there, and the
// second must not be pruned by it unless the first covers it.
const PAD = Array.from({ length: 10 }, () => "  r9 = 0x0").join("\n");
const merge = (setupFall: string, setupJump: string, after: string): string => `${RAND}
  r8 = r0
${PAD}
  if r8 > 0x7 goto j
${setupFall}
${PAD}
  goto m
j:
${setupJump}
${PAD}
m:
${after}${OK}`;

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
    stricter: "the kernel lets old data bytes cover anything when privileged (stacksafe skips STACK_MISC with allow_uninit_stack), so the path with the spilled pointer is pruned; we prune a spill only under bytes when it is a scalar",
    asm: merge("  *(u32 *)(r10 - 0x8) = 0x4\n  *(u32 *)(r10 - 0x4) = 0x4\n  *(u8 *)(r10 - 0x7) = 0x1", "  r1 = r10\n  *(u64 *)(r10 - 0x8) = r1", "  r1 = *(u64 *)(r10 - 0x8)\n  r1 *= 0x3"),
  },
  "prune: linked copies explored first do not cover independent ones": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r7 = r0\n${merge("  r1 = r8\n  r2 = r1", "  r1 = r8\n  r2 = r8\n  r2 += 0x0\n  r1 |= 0x0", "  if r2 > 0x30 goto out\n  r7 += r1\n  r0 = *(u64 *)(r7 + 0x0)\nout:")}`,
  },
  "prune: zero stack bytes explored first do not cover misc bytes": {
    maps: [BIG],
    asm: `${LOOKUP("big")}\n  if r0 == 0x0 goto out\n  r7 = r0\n${merge("  *(u32 *)(r10 - 0xc) = 0x0", "  *(u32 *)(r10 - 0xc) = 0x7", "  w1 = *(u32 *)(r10 - 0xc)\n  r1 <<= 0x6\n  r7 += r1\n  r0 = *(u64 *)(r7 + 0x0)\nout:")}`,
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

// A packet pointer with 16 bytes proven, in r6 (ctx in r7).
const PKT16 = `
  r7 = r1
  w6 = *(u32 *)(r1 + 0x0)
  w3 = *(u32 *)(r1 + 0x4)
  r4 = r6
  r4 += 0x10
  if r4 > r3 goto out`;
const QUEUE = { name: "q", type: MapType.QUEUE, keySize: 0, valueSize: 4, maxEntries: 4 };
const PERF = { name: "events", type: MapType.PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 };
const RB = { name: "rb", type: MapType.RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096 };

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

const DEVMAP = { name: "dev", type: MapType.DEVMAP, keySize: 4, valueSize: 4, maxEntries: 4 };
const CPUMAP = { name: "cpus", type: MapType.CPUMAP, keySize: 4, valueSize: 4, maxEntries: 4 };
const XSKMAP = { name: "xsks", type: MapType.XSKMAP, keySize: 4, valueSize: 4, maxEntries: 4 };
const STACKMAP = { name: "st", type: MapType.STACK, keySize: 0, valueSize: 4, maxEntries: 4 };
const BLOOM = { name: "bloom", type: MapType.BLOOM_FILTER, keySize: 0, valueSize: 4, maxEntries: 4 };
const LPM = { name: "lpm", type: MapType.LPM_TRIE, keySize: 8, valueSize: 4, maxEntries: 4, flags: 1 };
const PCPU = { name: "pcpu", type: MapType.PERCPU_ARRAY, keySize: 4, valueSize: 8, maxEntries: 4 };

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
  "maps: sockmap lookup": { otherReason: "socket maps (socket references) are refused as not supported by the bundled verifier, before the kernel's own complaint", maps: [{ name: "socks", type: MapType.SOCKMAP, keySize: 4, valueSize: 4, maxEntries: 4 }], asm: `${LOOKUP("socks")}${OK}` },
  "maps: sockhash lookup": { otherReason: "socket maps (socket references) are refused as not supported by the bundled verifier, before the kernel's own complaint", maps: [{ name: "sockh", type: MapType.SOCKHASH, keySize: 4, valueSize: 4, maxEntries: 4 }], asm: `${LOOKUP("sockh")}${OK}` },
  "maps: sockmap update": { otherReason: "socket maps (socket references) are refused as not supported by the bundled verifier, before the kernel's own complaint",
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

kernelAgreementSuite("verifier adversarial programs: our verdict = the kernel's", { ...stack, ...pointers, ...nulls, ...scalars, ...calls, ...flow, ...pruning, ...pktEnd, ...zeroSize, ...atomics, ...pktArgs, ...more, ...maps, ...edges, ...args, ...last, ...loops });
