// One small program per verifier rule family, each verified by us AND loaded in the running
// kernel during the test: the kernel's verdict is the expectation (kernel-compare.ts). For
// rejections our message must contain the kernel's complaint (its last message line; numbers
// that are ids or instruction counts may differ and are compared as "N"). Both are printed.
import { MapType } from "../../runtime/object/map-types.js";
import { kernelAgreementSuite } from "./kernel-compare.js";
import type { RuleProgram } from "./rule-object.js";

const u32 = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);

const HASH = { name: "counts", type: MapType.HASH, keySize: 4, valueSize: 8, maxEntries: 16 };
const BIG = { name: "big", type: MapType.HASH, keySize: 4, valueSize: 64, maxEntries: 16 };
const RINGBUF = { name: "rb", type: MapType.RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096 };

// Loads data / data_end into r2 / r3.
const PKT = `
  w2 = *(u32 *)(r1 + 0x0)
  w3 = *(u32 *)(r1 + 0x4)`;
// Looks up key 0 in `map`: r0 = value or null.
const LOOKUP = (map: string): string => `
  *(u32 *)(r10 - 0x4) = 0x0
  r2 = r10
  r2 += -0x4
  r1 = 0x0 ll ; @${map}
  call 0x1`;
// A subprogram using `bytes` of stack and calling `next` (if any).
const frameFn = (name: string, bytes: number, next?: string): { name: string; asm: string } => ({
  name,
  asm: `
  r1 = 0x0
  *(u64 *)(r10 - ${bytes}) = r1
  ${next ? `call local -0x1 ; @${next}` : ""}
  r0 = 0x0
  exit`,
});

const rules: Record<string, RuleProgram> = {
  "packet read without bounds check": { asm: `${PKT}\n  w0 = *(u8 *)(r2 + 0xc)\n  w0 = 0x2\n  exit` },
  "packet read after bounds check": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w0 = *(u8 *)(r2 + 0xd)
out:
  w0 = 0x2
  exit`,
  },
  "packet read one past the checked range": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w0 = *(u8 *)(r2 + 0xe)
out:
  w0 = 0x2
  exit`,
  },
  "packet bounds check with pkt_end on the left": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r3 >= r4 goto ok
  w0 = 0x1
  exit
ok:
  w0 = *(u16 *)(r2 + 0xc)
  w0 = 0x2
  exit`,
  },
  "packet variable offset without bounds": {
    asm: `${PKT}
  r4 = r2
  r4 += 0x1
  if r4 > r3 goto out
  w5 = *(u8 *)(r2 + 0x0)
  r2 += r5
  w0 = *(u8 *)(r2 + 0x0)
out:
  w0 = 0x2
  exit`,
  },
  "pointer arithmetic on pkt_end": { asm: `${PKT}\n  r3 += 0x1\n  w0 = 0x2\n  exit` },
  "32-bit pointer arithmetic": { asm: `${PKT}\n  w2 += 0x1\n  w0 = 0x2\n  exit` },
  "subtracting a pointer from a scalar": { asm: `${PKT}\n  r0 = 0x0\n  r0 -= r2\n  w0 = 0x2\n  exit` },
  "pointer minus pointer is a scalar": { asm: `${PKT}\n  r3 -= r2\n  r0 = r3\n  r0 &= 0x1\n  exit` },
  "map value used without null check": { maps: [HASH], asm: `${LOOKUP("counts")}\n  r1 = *(u64 *)(r0 + 0x0)\n  r0 = 0x2\n  exit` },
  "map value after null check": { maps: [HASH], asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r1 = *(u64 *)(r0 + 0x0)\nout:\n  r0 = 0x2\n  exit` },
  "null check propagates to a copy": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  r6 = r0\n  if r0 == 0x0 goto out\n  r1 = *(u64 *)(r6 + 0x0)\nout:\n  r0 = 0x2\n  exit`,
  },
  "pointer arithmetic on map_value_or_null": { maps: [HASH], asm: `${LOOKUP("counts")}\n  r0 += 0x4\n  r0 = 0x2\n  exit` },
  "map value out of bounds": { maps: [HASH], asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  w1 = *(u32 *)(r0 + 0x8)\nout:\n  r0 = 0x2\n  exit` },
  "variable-offset map value access with bounds": {
    maps: [BIG],
    asm: `${LOOKUP("big")}
  if r0 == 0x0 goto out
  r7 = r0
  call 0x7
  r0 &= 0x38
  r7 += r0
  r1 = *(u64 *)(r7 + 0x0)
out:
  r0 = 0x2
  exit`,
  },
  "variable-offset map value access past the end": {
    maps: [BIG],
    asm: `${LOOKUP("big")}
  if r0 == 0x0 goto out
  r7 = r0
  call 0x7
  r0 &= 0x78
  r7 += r0
  r1 = *(u64 *)(r7 + 0x0)
out:
  r0 = 0x2
  exit`,
  },
  "variable-offset map value access without bounds": {
    maps: [BIG],
    asm: `${LOOKUP("big")}
  if r0 == 0x0 goto out
  r7 = r0
  call 0x7
  r7 += r0
  r1 = *(u64 *)(r7 + 0x0)
out:
  r0 = 0x2
  exit`,
  },
  "bounds check on a copy refines the original": {
    maps: [BIG],
    asm: `${LOOKUP("big")}
  if r0 == 0x0 goto out
  r7 = r0
  call 0x7
  r1 = r0
  if r1 > 0x38 goto out
  r7 += r0
  r1 = *(u64 *)(r7 + 0x0)
out:
  r0 = 0x2
  exit`,
  },
  "read of an uninitialised register": { asm: `  r0 = r5\n  exit` },
  "exit without setting R0": { asm: `  exit` },
  "read of uninitialised stack (privileged)": { asm: `  r0 = *(u64 *)(r10 - 0x8)\n  r0 = 0x2\n  exit` },
  "stack write below 512 bytes": { asm: `  r2 = 0x0\n  *(u64 *)(r10 - 0x208) = r2\n  r0 = 0x2\n  exit` },
  "stack write above the frame": { asm: `  r2 = 0x0\n  *(u64 *)(r10 + 0x8) = r2\n  r0 = 0x2\n  exit` },
  "misaligned stack access": { asm: `  r2 = 0x0\n  *(u32 *)(r10 - 0x6) = w2\n  r0 = 0x2\n  exit` },
  "spilled pointer survives a fill": { asm: `${PKT}\n  *(u64 *)(r10 - 0x8) = r2\n  r4 = *(u64 *)(r10 - 0x8)\n  r5 = r4\n  r5 += 0x2\n  if r5 > r3 goto out\n  w0 = *(u16 *)(r4 + 0x0)\nout:\n  r0 = 0x2\n  exit` },
  "frame pointer write": { asm: `  r10 = 0x0\n  r0 = 0x2\n  exit` },
  "ctx write": { asm: `  w2 = 0x0\n  *(u32 *)(r1 + 0x0) = w2\n  r0 = 0x2\n  exit` },
  "ctx read at a bad offset": { asm: `  w2 = *(u32 *)(r1 + 0x18)\n  r0 = 0x2\n  exit` },
  "ctx read of the wrong size": { asm: `  r2 = *(u64 *)(r1 + 0x0)\n  r0 = 0x2\n  exit` },
  "ctx egress_ifindex outside devmap programs": { asm: `  w2 = *(u32 *)(r1 + 0x14)\n  r0 = 0x2\n  exit` },
  "write to .rodata": { vars: [{ name: "ro", section: ".rodata", init: u32(0) }], asm: `  r1 = 0x0 ll ; @ro\n  w2 = 0x1\n  *(u32 *)(r1 + 0x0) = w2\n  r0 = 0x2\n  exit` },
  "write to .data": { vars: [{ name: "rw", section: ".data", init: u32(0) }], asm: `  r1 = 0x0 ll ; @rw\n  w2 = 0x1\n  *(u32 *)(r1 + 0x0) = w2\n  r0 = 0x2\n  exit` },
  "dead branch behind a .rodata constant is pruned": {
    vars: [{ name: "ro", section: ".rodata", init: u32(0) }],
    asm: `  r1 = 0x0 ll ; @ro\n  w2 = *(u32 *)(r1 + 0x0)\n  if w2 == 0x0 goto ok\n  w0 = *(u8 *)(r2 + 0x0)\nok:\n  r0 = 0x2\n  exit`,
  },
  "live branch behind a .rodata constant is checked": {
    vars: [{ name: "ro", section: ".rodata", init: u32(1) }],
    asm: `  r1 = 0x0 ll ; @ro\n  w2 = *(u32 *)(r1 + 0x0)\n  if w2 == 0x0 goto ok\n  w0 = *(u8 *)(r2 + 0x0)\nok:\n  r0 = 0x2\n  exit`,
  },
  "infinite loop": { asm: `  r0 = 0x2\nl:\n  r1 = 0x0\n  goto l` },
  "bounded loop": { asm: `  r1 = 0x0\nl:\n  r1 += 0x1\n  if r1 < 0xa goto l\n  r0 = 0x2\n  exit` },
  "loop beyond the instruction budget": { asm: `  r1 = 0x0\nl:\n  r1 += 0x1\n  if r1 < 0xf4240 goto l\n  r0 = 0x2\n  exit` },
  "unreachable instruction": { asm: `  r0 = 0x2\n  exit\n  r0 = 0x1\n  exit` },
  "jump out of range": { asm: `  r0 = 0x2\n  goto +0x5\n  exit` },
  "combined stack of a call chain over 512 bytes": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0xc8) = r1\n  call local -0x1 ; @f1\n  r0 = 0x2\n  exit`,
    subprogs: [frameFn("f1", 200, "f2"), frameFn("f2", 200)],
  },
  "call chain within 512 bytes": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x80) = r1\n  call local -0x1 ; @f1\n  r0 = 0x2\n  exit`,
    subprogs: [frameFn("f1", 128, "f2"), frameFn("f2", 128)],
  },
  "call chain of 9 frames": {
    asm: `  call local -0x1 ; @f1\n  r0 = 0x2\n  exit`,
    subprogs: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => frameFn(`f${i}`, 8, i < 8 ? `f${i + 1}` : undefined)),
  },
  "tail call from a subprogram under 256 bytes of caller stack": {
    maps: [{ name: "jumps", type: MapType.PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 }],
    asm: `  r2 = 0x0\n  *(u64 *)(r10 - 0x100) = r2\n  call local -0x1 ; @tc\n  r0 = 0x2\n  exit`,
    subprogs: [{ name: "tc", asm: `  r2 = 0x0 ll ; @jumps\n  r3 = 0x0\n  call 0xc\n  r0 = 0x0\n  exit` }],
  },
  "tail call from a subprogram under a small caller stack": {
    maps: [{ name: "jumps", type: MapType.PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 }],
    asm: `  r2 = 0x0\n  *(u64 *)(r10 - 0x10) = r2\n  call local -0x1 ; @tc\n  r0 = 0x2\n  exit`,
    subprogs: [{ name: "tc", asm: `  r2 = 0x0 ll ; @jumps\n  r3 = 0x0\n  call 0xc\n  r0 = 0x0\n  exit` }],
  },
  "subprogram reads its caller's stack through a pointer": {
    asm: `  r1 = 0x7\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = r10\n  r1 += -0x8\n  call local -0x1 ; @get\n  r0 &= 0x1\n  exit`,
    subprogs: [{ name: "get", asm: `  r0 = *(u64 *)(r1 + 0x0)\n  exit` }],
  },
  "helper map argument is a scalar": { asm: `  r1 = 0x0\n  r2 = r10\n  r2 += -0x4\n  call 0x1\n  r0 = 0x2\n  exit` },
  "helper key argument is a scalar": { maps: [HASH], asm: `  r1 = 0x0 ll ; @counts\n  r2 = 0x0\n  call 0x1\n  r0 = 0x2\n  exit` },
  "helper key beyond the stack": { maps: [HASH], asm: `  r1 = 0x0 ll ; @counts\n  r2 = r10\n  r2 += -0x2\n  call 0x1\n  r0 = 0x2\n  exit` },
  "helper not available to XDP": { asm: `  r1 = r10\n  r1 += -0x8\n  r2 = 0x8\n  r3 = 0x0\n  call 0x4\n  r0 = 0x2\n  exit` },
  "ring buffer reserve without submit": { maps: [RINGBUF], asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  r0 = 0x2\n  exit` },
  "ring buffer reserve and submit": {
    maps: [RINGBUF],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r1 = 0x1\n  *(u64 *)(r0 + 0x0) = r1\n  r1 = r0\n  r2 = 0x0\n  call 0x84\nout:\n  r0 = 0x2\n  exit`,
  },
  "ring buffer memory written past its size": {
    maps: [RINGBUF],
    asm: `  r1 = 0x0 ll ; @rb\n  r2 = 0x8\n  r3 = 0x0\n  call 0x83\n  if r0 == 0x0 goto out\n  r1 = 0x1\n  *(u64 *)(r0 + 0x8) = r1\n  r1 = r0\n  r2 = 0x0\n  call 0x84\nout:\n  r0 = 0x2\n  exit`,
  },
  "adjust_head invalidates packet pointers": {
    asm: `${PKT}
  r6 = r2
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  r2 = 0x0
  call 0x2c
  w0 = *(u8 *)(r6 + 0x0)
out:
  r0 = 0x2
  exit`,
  },
  "packet access after adjust_head and a new check": {
    asm: `  r6 = r1
  r2 = 0x0
  call 0x2c
${PKT.replaceAll("r1", "r6")}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w0 = *(u8 *)(r2 + 0x0)
out:
  r0 = 0x2
  exit`,
  },
  "bpf_loop with a callback": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5\n  r0 = 0x2\n  exit`,
    subprogs: [{ name: "cb", asm: `  r0 = 0x0\n  exit` }],
  },
  "bpf_loop callback returning 2": {
    asm: `  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = 0x0\n  r4 = 0x0\n  call 0xb5\n  r0 = 0x2\n  exit`,
    subprogs: [{ name: "cb", asm: `  r0 = 0x2\n  exit` }],
  },
  "shift by an out-of-range constant": { asm: `  r0 = 0x2\n  r0 <<= 0x40\n  exit` },
  "returning a packet pointer": { asm: `${PKT}\n  r0 = r2\n  exit` },
  "tail call through a prog array": {
    maps: [{ name: "jumps", type: MapType.PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 }],
    asm: `  r2 = 0x0 ll ; @jumps\n  r3 = 0x1\n  call 0xc\n  r0 = 0x2\n  exit`,
  },
  "tail call through a hash map": { maps: [HASH], asm: `  r2 = 0x0 ll ; @counts\n  r3 = 0x1\n  call 0xc\n  r0 = 0x2\n  exit` },
  "lookup in a prog array": { maps: [{ name: "jumps", type: MapType.PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 }], asm: `${LOOKUP("jumps")}\n  r0 = 0x2\n  exit` },
  "redirect_map into a devmap": {
    maps: [{ name: "ports", type: MapType.DEVMAP, keySize: 4, valueSize: 4, maxEntries: 4 }],
    asm: `  r1 = 0x0 ll ; @ports\n  r2 = 0x0\n  r3 = 0x0\n  call 0x33\n  exit`,
  },
  "redirect_map into a hash map": { maps: [HASH], asm: `  r1 = 0x0 ll ; @counts\n  r2 = 0x0\n  r3 = 0x0\n  call 0x33\n  exit` },
  "atomic add on a map value": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r1 = 0x1\n  lock *(u64 *)(r0 + 0x0) += r1\nout:\n  r0 = 0x2\n  exit`,
  },
  "atomic add on the packet": { asm: `${PKT}\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto out\n  r1 = 0x1\n  lock *(u64 *)(r2 + 0x0) += r1\nout:\n  r0 = 0x2\n  exit` },
  "atomic fetch on the stack": { asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x2\n  r1 = atomic_fetch_add((u64 *)(r10 - 0x8), r1)\n  r0 = r1\n  exit` },
  "packet metadata checked against data": {
    asm: `  w2 = *(u32 *)(r1 + 0x8)\n  w3 = *(u32 *)(r1 + 0x0)\n  r4 = r2\n  r4 += 0x4\n  if r4 > r3 goto out\n  w0 = *(u32 *)(r2 + 0x0)\nout:\n  r0 = 0x2\n  exit`,
  },
  "packet metadata read without check": { asm: `  w2 = *(u32 *)(r1 + 0x8)\n  w0 = *(u32 *)(r2 + 0x0)\n  r0 = 0x2\n  exit` },
  "xdp_load_bytes into the stack": { asm: `  r2 = 0x0\n  r3 = r10\n  r3 += -0x10\n  r4 = 0x10\n  call 0xbd\n  r0 = *(u64 *)(r10 - 0x10)\n  r0 = 0x2\n  exit` },
  "xdp_load_bytes with a zero length": { asm: `  r2 = 0x0\n  r3 = r10\n  r3 += -0x10\n  r4 = 0x0\n  call 0xbd\n  r0 = 0x2\n  exit` },
  "xdp_load_bytes with an unbounded length": { asm: `  r6 = r1\n  call 0x7\n  r4 = r0\n  r1 = r6\n  r2 = 0x0\n  r3 = r10\n  r3 += -0x10\n  call 0xbd\n  r0 = 0x2\n  exit` },
  "csum_diff over the stack": { asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x0\n  r2 = 0x0\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x8\n  r5 = 0x0\n  call 0x1c\n  r0 = 0x2\n  exit` },
  "legacy packet load": { asm: `  r6 = r1\n  r0 = *(u8 *)skb[0xc]\n  r0 = 0x2\n  exit` },
  "variable-offset stack write": {
    asm: `  call 0x7\n  r0 &= 0x8\n  r1 = r10\n  r1 += -0x10\n  r1 += r0\n  r2 = 0x0\n  *(u64 *)(r1 + 0x0) = r2\n  r0 = *(u64 *)(r10 - 0x10)\n  r0 = 0x2\n  exit`,
  },
  "variable-offset stack write past the frame": {
    asm: `  call 0x7\n  r0 &= 0x10\n  r1 = r10\n  r1 += -0x10\n  r1 += r0\n  r2 = 0x0\n  *(u64 *)(r1 + 0x0) = r2\n  r0 = 0x2\n  exit`,
  },
  "bpf_loop with a stack context": {
    asm: `  r1 = 0x0\n  *(u64 *)(r10 - 0x8) = r1\n  r1 = 0x4\n  r2 = 0x0 ll ; @cb\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  call 0xb5\n  r0 = 0x2\n  exit`,
    subprogs: [{ name: "cb", asm: `  r1 = 0x1\n  *(u64 *)(r2 + 0x0) = r1\n  r0 = 0x0\n  exit` }],
  },
  "array lookup with a constant key needs no null check": {
    maps: [{ name: "arr", type: MapType.ARRAY, keySize: 4, valueSize: 8, maxEntries: 4 }],
    asm: `${LOOKUP("arr")}\n  r1 = *(u64 *)(r0 + 0x0)\n  r0 = 0x2\n  exit`,
  },
  "array lookup with a key past max_entries": {
    maps: [{ name: "arr", type: MapType.ARRAY, keySize: 4, valueSize: 8, maxEntries: 4 }],
    asm: `  *(u32 *)(r10 - 0x4) = 0x9\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @arr\n  call 0x1\n  r1 = *(u64 *)(r0 + 0x0)\n  r0 = 0x2\n  exit`,
  },
  "be16 keeps a half-word in 16 bits": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w1 = *(u16 *)(r2 + 0xc)
  r1 = be16 r1
  if r1 > 0xffff goto bad
out:
  w0 = 0x2
  exit
bad:
  r0 = r7
  exit`,
  },
  "le16 keeps a half-word in 16 bits": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w1 = *(u16 *)(r2 + 0xc)
  r1 = le16 r1
  if r1 > 0xffff goto bad
out:
  w0 = 0x2
  exit
bad:
  r0 = r7
  exit`,
  },
  "le64 of a half-word stays a half-word": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w1 = *(u16 *)(r2 + 0xc)
  r1 = le64 r1
  if r1 > 0xffff goto bad
out:
  w0 = 0x2
  exit
bad:
  r0 = r7
  exit`,
  },
  "be32 of a half-word has a zero low half": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w1 = *(u16 *)(r2 + 0xc)
  r1 = be32 r1
  if r1 & 0xffff goto bad
out:
  w0 = 0x2
  exit
bad:
  r0 = r7
  exit`,
  },
  "be64 of a half-word has zero low 48 bits": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w1 = *(u16 *)(r2 + 0xc)
  r1 = be64 r1
  if r1 & 0xffff goto bad
out:
  w0 = 0x2
  exit
bad:
  r0 = r7
  exit`,
  },
  "bswap16 keeps a half-word in 16 bits": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w1 = *(u16 *)(r2 + 0xc)
  r1 = bswap16 r1
  if r1 > 0xffff goto bad
out:
  w0 = 0x2
  exit
bad:
  r0 = r7
  exit`,
  },
  "be16 of a byte fits a half-word": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w1 = *(u8 *)(r2 + 0xc)
  r1 = be16 r1
  if r1 > 0xff00 goto bad
out:
  w0 = 0x2
  exit
bad:
  r0 = r7
  exit`,
  },
  "be16 of a byte has a zero low byte": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w1 = *(u8 *)(r2 + 0xc)
  r1 = be16 r1
  if r1 & 0xff goto bad
out:
  w0 = 0x2
  exit
bad:
  r0 = r7
  exit`,
  },
  "le16 keeps a range narrower than its known bits": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w1 = *(u8 *)(r2 + 0xc)
  r1 += 0x3
  r1 = le16 r1
  if r1 > 0x102 goto bad
out:
  w0 = 0x2
  exit
bad:
  r0 = r7
  exit`,
  },
  "be16 of a range: only known bits survive": {
    asm: `${PKT}
  r4 = r2
  r4 += 0xe
  if r4 > r3 goto out
  w1 = *(u8 *)(r2 + 0xc)
  r1 += 0x3
  r1 = be16 r1
  if r1 > 0x2ff goto bad
out:
  w0 = 0x2
  exit
bad:
  r0 = r7
  exit`,
  },
  "be16 of a constant folds": {
    asm: `  r1 = 0x1
  r1 = be16 r1
  if r1 == 0x100 goto out
  r0 = r7
  exit
out:
  w0 = 0x2
  exit`,
  },
};

kernelAgreementSuite("verifier rules: our verdict = the kernel's", rules, "verifier-rules", "test/verifier/rules.test.ts");
