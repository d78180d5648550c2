// Adversarial programs for the helper set and the objects helpers hand out (Linux 6.18.44
// XDP, root): which helpers exist for XDP, prototypes of the base helpers (probe_read_kernel,
// strtol's aligned long, strncmp's constant string, trace_printk's two typed arguments),
// sockets from sk_lookup and socket maps (references, null checks, field reads, release),
// maps of maps (inner map pointers), and read-only / write-only maps. The kernel's verdict is
// the expectation (kernel-compare.ts).
import { MapType } from "../../runtime/object/map-types.js";
import { BAD, HASH, LOOKUP, OK, PKT, RAND } from "./adversarial-common.js";
import type { KernelCase } from "./kernel-compare.js";

const RDONLY = 0x80;
const WRONLY = 0x100;
const RO = { name: "ro", type: MapType.ARRAY, keySize: 4, valueSize: 48, maxEntries: 1, flags: RDONLY };
const WO = { name: "wo", type: MapType.ARRAY, keySize: 4, valueSize: 48, maxEntries: 1, flags: WRONLY };
const SOCKMAP = { name: "socks", type: MapType.SOCKMAP, keySize: 4, valueSize: 4, maxEntries: 1 };
const SOCKHASH = { name: "sockh", type: MapType.SOCKHASH, keySize: 4, valueSize: 4, maxEntries: 1 };
const INNER = { type: MapType.ARRAY, keySize: 4, valueSize: 8, maxEntries: 1 };
const AOM = { name: "outer", type: MapType.ARRAY_OF_MAPS, keySize: 4, valueSize: 4, maxEntries: 1, inner: INNER };
const HOM = { name: "outerh", type: MapType.HASH_OF_MAPS, keySize: 4, valueSize: 4, maxEntries: 1, inner: INNER };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

// r0 = bpf_sk_lookup_tcp(ctx in r1, a zeroed 36-byte tuple on the stack, 36, 0, 0).
const SK_LOOKUP = (id = 0x54): string => `
  r2 = 0x0
  *(u32 *)(r10 - 0x8) = w2
  *(u64 *)(r10 - 0x10) = r2
  *(u64 *)(r10 - 0x18) = r2
  *(u64 *)(r10 - 0x20) = r2
  *(u64 *)(r10 - 0x28) = r2
  *(u64 *)(r10 - 0x30) = r2
  r2 = r10
  r2 += -0x30
  r3 = 0x24
  r4 = 0x0
  r5 = 0x0
  call ${id}`;
const RELEASE_R6 = `
  r1 = r6
  call 0x56`;

const helperSet: Record<string, KernelCase> = {
  "helpers: xdp_adjust_meta is refused in XDP by this kernel": { asm: `  r2 = 0x0\n  call 0x36${OK}` },
  "helpers: skb_load_bytes is not an XDP helper": { asm: `  r2 = 0x0\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x8\n  call 0x1a${OK}` },
  "helpers: copy_from_user sleeps": { asm: `  r1 = r10\n  r1 += -0x8\n  r2 = 0x8\n  r3 = 0x0\n  call 0x94${OK}` },
  "helpers: get_current_pid_tgid": { asm: `  call 0xe${OK}` },
  "helpers: get_current_uid_gid, get_numa_node_id, jiffies64, ktime_get_coarse_ns, ktime_get_tai_ns": { asm: `  call 0xf\n  call 0x2a\n  call 0x76\n  call 0xa0\n  call 0xd0${OK}` },
  "helpers: send_signal reads r1": { asm: `  call 0x6d${OK}` },
  "helpers: get_current_comm into the stack": { asm: `  r1 = r10\n  r1 += -0x10\n  r2 = 0x10\n  call 0x10${OK}` },
  "helpers: get_current_comm of size zero": { asm: `  r1 = r10\n  r1 += -0x10\n  r2 = 0x0\n  call 0x10${OK}` },
  "helpers: probe_read_kernel into the stack, size zero allowed": { asm: `  r1 = r10\n  r1 += -0x8\n  r2 = 0x0\n  r3 = 0x0\n  call 0x71${OK}` },
  "helpers: probe_read_kernel past the stack": { asm: `  r1 = r10\n  r1 += -0x8\n  r2 = 0x10\n  r3 = 0x0\n  call 0x71${OK}` },
  "helpers: probe_read_kernel into the packet": { asm: `${PKT}\n  r4 = r2\n  r4 += 0x8\n  if r4 > r3 goto out\n  r1 = r2\n  r2 = 0x8\n  r3 = 0x0\n  call 0x71\nout:${OK}` },
  "helpers: probe_read_kernel into a read-only map": {
    maps: [RO],
    asm: `${LOOKUP("ro")}\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = 0x8\n  r3 = 0x0\n  call 0x71\nout:${OK}`,
  },
  "helpers: probe_read_kernel into a write-only map": {
    maps: [WO],
    asm: `${LOOKUP("wo")}\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = 0x8\n  r3 = 0x0\n  call 0x71\nout:${OK}`,
  },
  "helpers: trace_printk with r3-r5 never written": {
    vars: [{ name: "fmt", section: ".rodata", init: enc("len %d\0") }],
    asm: `  r1 = 0x0 ll ; @fmt\n  r2 = 0x7\n  call 0x6${OK}`,
  },
  "helpers: trace_printk needs its format size": {
    vars: [{ name: "fmt", section: ".rodata", init: enc("len %d\0") }],
    asm: `  r1 = 0x0 ll ; @fmt\n  call 0x6${OK}`,
  },
  "helpers: strtol with an aligned long on the stack": {
    asm: `  *(u64 *)(r10 - 0x10) = 0x31\n  r1 = r10\n  r1 += -0x10\n  r2 = 0x2\n  r3 = 0x0\n  r4 = r10\n  r4 += -0x8\n  call 0x69${OK}`,
  },
  "helpers: strtol result pointer misaligned": {
    asm: `  *(u64 *)(r10 - 0x10) = 0x31\n  r1 = r10\n  r1 += -0x10\n  r2 = 0x2\n  r3 = 0x0\n  r4 = r10\n  r4 += -0x4\n  call 0x69${OK}`,
  },
  "helpers: strtoul result into a read-only map": {
    maps: [RO],
    asm: `${LOOKUP("ro")}\n  if r0 == 0x0 goto out\n  r4 = r0\n  *(u64 *)(r10 - 0x10) = 0x31\n  r1 = r10\n  r1 += -0x10\n  r2 = 0x2\n  r3 = 0x0\n  call 0x6a\nout:${OK}`,
  },
  "helpers: strncmp against a .rodata string": {
    vars: [{ name: "s", section: ".rodata", init: enc("abc\0") }],
    asm: `  *(u64 *)(r10 - 0x8) = 0x0\n  r1 = r10\n  r1 += -0x8\n  r2 = 0x8\n  r3 = 0x0 ll ; @s\n  call 0xb6${OK}`,
  },
  "helpers: strncmp against a string without its zero": {
    vars: [{ name: "s", section: ".rodata", init: enc("abcd") }],
    asm: `  *(u64 *)(r10 - 0x8) = 0x0\n  r1 = r10\n  r1 += -0x8\n  r2 = 0x8\n  r3 = 0x0 ll ; @s\n  call 0xb6${OK}`,
  },
  "helpers: strncmp against a writable .data string": {
    vars: [{ name: "s", section: ".data", init: enc("abc\0") }],
    asm: `  *(u64 *)(r10 - 0x8) = 0x0\n  r1 = r10\n  r1 += -0x8\n  r2 = 0x8\n  r3 = 0x0 ll ; @s\n  call 0xb6${OK}`,
  },
  "helpers: strncmp against the stack": {
    asm: `  *(u64 *)(r10 - 0x8) = 0x0\n  r1 = r10\n  r1 += -0x8\n  r2 = 0x8\n  r3 = r10\n  r3 += -0x8\n  call 0xb6${OK}`,
  },
  "helpers: check_mtu with an aligned u32": {
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  r2 = 0x0\n  r3 = r10\n  r3 += -0x4\n  r4 = 0x0\n  r5 = 0x0\n  call 0xa3${OK}`,
  },
  "helpers: check_mtu with a misaligned u32": {
    asm: `  r2 = 0x0\n  r3 = r10\n  r3 += -0x6\n  r4 = 0x0\n  r5 = 0x0\n  call 0xa3${OK}`,
  },
  "helpers: get_ns_current_pid_tgid into the stack": {
    asm: `  r1 = 0x0\n  r2 = 0x0\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x8\n  call 0x78${OK}`,
  },
  "helpers: tcp_raw_gen_syncookie_ipv4 on packet headers": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x28\n  if r4 > r3 goto out\n  r1 = r2\n  r2 += 0x14\n  r3 = 0x14\n  call 0xcc\nout:${OK}`,
  },
  "helpers: tcp_raw_gen_syncookie_ipv6 needs 40 header bytes": {
    asm: `${PKT}\n  r4 = r2\n  r4 += 0x28\n  if r4 > r3 goto out\n  r1 = r2\n  r2 += 0x14\n  r3 = 0x14\n  call 0xcd\nout:${OK}`,
  },
  "helpers: tcp_raw_check_syncookie_ipv4 on the stack": {
    asm: `  r1 = r10\n  r1 += -0x28\n  r2 = r10\n  r2 += -0x14\n  call 0xce${OK}`,
  },
  "helpers: tcp_raw_check_syncookie_ipv6 with a short stack buffer": {
    asm: `  r1 = r10\n  r1 += -0x20\n  r2 = r10\n  r2 += -0x14\n  call 0xcf${OK}`,
  },
  "helpers: tcp_check_syncookie with a socket": {
    asm: `  r7 = r1${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = r10\n  r2 += -0x30\n  r3 = 0x14\n  r4 = r10\n  r4 += -0x1c\n  r5 = 0x14\n  call 0x64${RELEASE_R6}\nout:${OK}`,
  },
  "helpers: tcp_gen_syncookie needs a socket": {
    asm: `  r1 = r10\n  r1 += -0x30\n  r2 = r10\n  r2 += -0x30\n  r3 = 0x14\n  r4 = r10\n  r4 += -0x1c\n  r5 = 0x14\n  call 0x6e${OK}`,
  },
  "helpers: get_branch_snapshot into the stack": { asm: `  r1 = r10\n  r1 += -0x10\n  r2 = 0x10\n  call 0xb0${OK}` },
  "helpers: map_lookup_percpu_elem on a per-cpu array": {
    maps: [{ name: "pc", type: MapType.PERCPU_ARRAY, keySize: 4, valueSize: 8, maxEntries: 2 }],
    asm: `  *(u32 *)(r10 - 0x4) = 0x1\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @pc\n  r3 = 0x0\n  call 0xc3\n  if r0 == 0x0 goto out\n  r0 = *(u64 *)(r0 + 0x0)\nout:${OK}`,
  },
  "helpers: map_lookup_percpu_elem result used without a null check": {
    maps: [{ name: "pc", type: MapType.PERCPU_HASH, keySize: 4, valueSize: 8, maxEntries: 2 }],
    asm: `  *(u32 *)(r10 - 0x4) = 0x1\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @pc\n  r3 = 0x0\n  call 0xc3\n  r0 = *(u64 *)(r0 + 0x0)${OK}`,
  },
  "helpers: map_lookup_percpu_elem on a plain array": {
    maps: [{ name: "pc", type: MapType.ARRAY, keySize: 4, valueSize: 8, maxEntries: 2 }],
    asm: `  *(u32 *)(r10 - 0x4) = 0x1\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @pc\n  r3 = 0x0\n  call 0xc3${OK}`,
  },
  "license: trace_printk from a non-GPL program": {
    license: "MIT",
    vars: [{ name: "fmt", section: ".rodata", init: enc("len %d\0") }],
    asm: `  r1 = 0x0 ll ; @fmt\n  r2 = 0x7\n  call 0x6${OK}`,
  },
  "license: probe_read_kernel from a Dual MIT/GPL program": {
    license: "Dual MIT/GPL",
    asm: `  r1 = r10\n  r1 += -0x8\n  r2 = 0x8\n  r3 = 0x0\n  call 0x71${OK}`,
  },
  "license: get_prandom_u32 from a proprietary program": { license: "Proprietary", asm: `  call 0x7${OK}` },
  "license: copy_from_user_task is GPL-only before it sleeps": {
    license: "BSD",
    asm: `  r1 = r10\n  r1 += -0x8\n  r2 = 0x8\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0xbf${OK}`,
  },
  "license: fib_lookup from a non-GPL program": {
    license: "Dual BSD",
    asm: `  r2 = r10\n  r2 += -0x40\n  r3 = 0x40\n  r4 = 0x0\n  call 0x45${OK}`,
  },
  "helpers: timer_init is allowed in XDP but not modelled": {
    otherReason: "bpf_timer_init is refused as not supported by tsbpf's verifier before its arguments are looked at",
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = 0x0 ll ; @counts\n  call 0xa9\nout:${OK}`,
  },
};

const maps: Record<string, KernelCase> = {
  "rdonly map: a load": { maps: [RO], asm: `${LOOKUP("ro")}\n  if r0 == 0x0 goto out\n  r0 = *(u64 *)(r0 + 0x0)\nout:${OK}` },
  "rdonly map: a store": { maps: [RO], asm: `${LOOKUP("ro")}\n  if r0 == 0x0 goto out\n  *(u64 *)(r0 + 0x0) = 0x1\nout:${OK}` },
  "wronly map: a store": { maps: [WO], asm: `${LOOKUP("wo")}\n  if r0 == 0x0 goto out\n  *(u64 *)(r0 + 0x8) = 0x1\nout:${OK}` },
  "wronly map: a load": { maps: [WO], asm: `${LOOKUP("wo")}\n  if r0 == 0x0 goto out\n  w0 = *(u32 *)(r0 + 0x4)\nout:${OK}` },
  "wronly map: an atomic add": { maps: [WO], asm: `${LOOKUP("wo")}\n  if r0 == 0x0 goto out\n  r1 = 0x1\n  lock *(u64 *)(r0 + 0x0) += r1\nout:${OK}` },
  "wronly map: value as a helper's source": {
    maps: [WO],
    asm: `${LOOKUP("wo")}\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = 0x8\n  r3 = 0x0\n  r4 = 0x0\n  r5 = 0x0\n  call 0x1c\nout:${OK}`,
  },
  "wronly map: value as a lookup key": {
    maps: [WO, HASH],
    asm: `${LOOKUP("wo")}\n  if r0 == 0x0 goto out\n  r2 = r0\n  r1 = 0x0 ll ; @counts\n  call 0x1\nout:${OK}`,
  },
  "map of maps: lookup, null check, inner lookup": {
    maps: [AOM],
    asm: `${LOOKUP("outer")}\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = r10\n  r2 += -0x4\n  call 0x1\n  if r0 == 0x0 goto out\n  r0 = *(u64 *)(r0 + 0x0)\nout:${OK}`,
  },
  "map of maps: inner value read past its size": {
    maps: [AOM],
    asm: `${LOOKUP("outer")}\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = r10\n  r2 += -0x4\n  call 0x1\n  if r0 == 0x0 goto out\n  r0 = *(u64 *)(r0 + 0x8)\nout:${OK}`,
  },
  "map of maps: inner lookup without the null check": {
    maps: [AOM],
    asm: `${LOOKUP("outer")}\n  r1 = r0\n  r2 = r10\n  r2 += -0x4\n  call 0x1${OK}`,
  },
  "map of maps: inner value without its null check": {
    maps: [HOM],
    asm: `${LOOKUP("outerh")}\n  if r0 == 0x0 goto out\n  r1 = r0\n  r2 = r10\n  r2 += -0x4\n  call 0x1\n  r0 = *(u64 *)(r0 + 0x0)\nout:${OK}`,
  },
  "map of maps: the outer result read as memory": {
    stricter: "the inner map pointer is a BTF-typed struct bpf_map the kernel lets programs read; we refuse map_ptr loads",
    maps: [AOM],
    asm: `${LOOKUP("outer")}\n  if r0 == 0x0 goto out\n  w0 = *(u32 *)(r0 + 0x0)\nout:${OK}`,
  },
  "map pointer: a store into the inner array map": {
    maps: [AOM],
    asm: `${LOOKUP("outer")}\n  if r0 == 0x0 goto out\n  *(u64 *)(r0 + 0x0) = 0x1\nout:${OK}`,
  },
  "map pointer: a load at a negative offset": { maps: [HASH], asm: `  r1 = 0x0 ll ; @counts\n  r6 = *(u64 *)(r1 - 0x8)${OK}` },
  "map pointer: a store into a hash map's struct": { maps: [HASH], asm: `  r1 = 0x0 ll ; @counts\n  *(u64 *)(r1 + 0x0) = 0x1${OK}` },
  "ctx: a negative offset": { asm: `  r1 += -0x1\n  w0 = *(u32 *)(r1 + 0x1)${OK}` },
  "ctx: a fixed and a variable offset": { asm: `  r6 = r1\n  call 0x7\n  r0 &= 0x4\n  r6 += r0\n  r6 += 0x4\n  w0 = *(u32 *)(r6 + 0x0)${OK}` },
  "ctx: a negative offset into a helper": { asm: `  r1 += -0x4\n  r2 = 0x0\n  call 0x2c${OK}` },
  "ctx: a variable offset into a helper": { asm: `  r6 = r1\n  call 0x7\n  r0 &= 0x4\n  r6 += r0\n  r1 = r6\n  r2 = 0x0\n  call 0x2c${OK}` },
  "map of maps: update from the program": {
    maps: [AOM],
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  *(u32 *)(r10 - 0x8) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  r1 = 0x0 ll ; @outer\n  call 0x2${OK}`,
  },
};

const sockets: Record<string, KernelCase> = {
  "sock: lookup, null check, release": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out${RELEASE_R6}\nout:${OK}` },
  "sock: lookup never released": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\nout:${OK}` },
  "sock: released without a null check": { asm: `${SK_LOOKUP()}\n  r6 = r0${RELEASE_R6}${OK}` },
  "sock: udp lookup and release": { asm: `${SK_LOOKUP(0x55)}\n  r6 = r0\n  if r0 == 0x0 goto out${RELEASE_R6}\nout:${OK}` },
  "sock: skc lookup and release": { asm: `${SK_LOOKUP(0x63)}\n  r6 = r0\n  if r0 != 0x0 goto rel${OK}\nrel:${RELEASE_R6}${OK}` },
  "sock: read of a field": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  w2 = *(u32 *)(r0 + 0x4)${RELEASE_R6}\nout:${OK}` },
  "sock: narrow read of the protocol": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  w2 = *(u8 *)(r0 + 0xc)${RELEASE_R6}\nout:${OK}` },
  "sock: narrow read of the mark": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  w2 = *(u8 *)(r0 + 0x10)${RELEASE_R6}\nout:${OK}` },
  "sock: 2-byte read of dst_port": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  w2 = *(u16 *)(r0 + 0x30)${RELEASE_R6}\nout:${OK}` },
  "sock: 4-byte read of dst_port": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  w2 = *(u32 *)(r0 + 0x30)${RELEASE_R6}\nout:${OK}` },
  "sock: read of the hole after dst_port": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  w2 = *(u16 *)(r0 + 0x32)${RELEASE_R6}\nout:${OK}` },
  "sock: read past the struct": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  w2 = *(u32 *)(r0 + 0x50)${RELEASE_R6}\nout:${OK}` },
  "sock: 8-byte read": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  r2 = *(u64 *)(r0 + 0x18)${RELEASE_R6}\nout:${OK}` },
  "sock: write into a field": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  *(u32 *)(r0 + 0x10) = 0x1${RELEASE_R6}\nout:${OK}` },
  "sock: read before the null check": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  w2 = *(u32 *)(r0 + 0x4)\n  if r6 == 0x0 goto out${RELEASE_R6}\nout:${OK}` },
  "sock: sock_common has no type field": { asm: `${SK_LOOKUP(0x63)}\n  r6 = r0\n  if r0 == 0x0 goto out\n  w2 = *(u32 *)(r0 + 0x8)${RELEASE_R6}\nout:${OK}` },
  "sock: sock_common family field": { asm: `${SK_LOOKUP(0x63)}\n  r6 = r0\n  if r0 == 0x0 goto out\n  w2 = *(u32 *)(r0 + 0x4)${RELEASE_R6}\nout:${OK}` },
  "sock: pointer arithmetic": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  r6 += 0x4${RELEASE_R6}\nout:${OK}` },
  "sock: use after release": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out${RELEASE_R6}\n  w2 = *(u32 *)(r6 + 0x4)\nout:${OK}` },
  "sock: released twice": { asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out${RELEASE_R6}${RELEASE_R6}\nout:${OK}` },
  "sock: release of a stack pointer": { asm: `  r1 = r10\n  r1 += -0x8\n  call 0x56${OK}` },
  "sock: spilled and filled before release": {
    asm: `${SK_LOOKUP()}\n  if r0 == 0x0 goto out\n  *(u64 *)(r10 - 0x38) = r0\n  r6 = *(u64 *)(r10 - 0x38)${RELEASE_R6}\nout:${OK}`,
  },
  "sock: tail call with a reference held": {
    maps: [{ name: "jumps", type: MapType.PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 }],
    asm: `  r7 = r1${SK_LOOKUP()}\n  r6 = r0\n  r1 = r7\n  r2 = 0x0 ll ; @jumps\n  r3 = 0x0\n  call 0xc\n  if r6 == 0x0 goto out${RELEASE_R6}\nout:${OK}`,
  },
  "sock: tuple in the packet": {
    asm: `  r7 = r1${PKT}\n  r4 = r2\n  r4 += 0x24\n  if r4 > r3 goto out\n  r1 = r7\n  r3 = 0x24\n  r4 = 0x0\n  r5 = 0x0\n  call 0x54\n  r6 = r0\n  if r0 == 0x0 goto out${RELEASE_R6}\nout:${OK}`,
  },
  "sock: non-null pointer compared with zero is decided": {
    asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  if r6 == 0x0 goto bad${RELEASE_R6}\nout:${OK}${BAD}`,
  },
  "sock: compared with a non-zero constant stays maybe-null": {
    asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r6 == 0x4d2 goto out\n  if r6 == 0x0 goto out${RELEASE_R6}\nout:${OK}`,
  },
  "sock: one load instruction reads through a socket and through the stack": {
    asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  call 0x7\n  r1 = r6\n  if r0 > 0x5 goto rd\n  r1 = r10\n  r1 += -0x8\n  *(u64 *)(r1 + 0x0) = 0x0\nrd:\n  w2 = *(u32 *)(r1 + 0x4)${RELEASE_R6}\nout:${OK}`,
  },
  "ctx: one load instruction reads through the ctx and through the stack": {
    asm: `  r6 = r1\n  call 0x7\n  r1 = r6\n  if r0 > 0x5 goto rd\n  r1 = r10\n  r1 += -0x8\n  *(u64 *)(r1 + 0x0) = 0x0\nrd:\n  w2 = *(u32 *)(r1 + 0x0)${OK}`,
  },
  "ctx: one store instruction writes the stack and a map value": {
    maps: [HASH],
    asm: `${LOOKUP("counts")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  call 0x7\n  r1 = r6\n  if r0 > 0x5 goto wr\n  r1 = r10\n  r1 += -0x8\nwr:\n  *(u32 *)(r1 + 0x0) = 0x1\nout:${OK}`,
  },
  "sock: skc_to_tcp_sock result released": {
    asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  r1 = r0\n  call 0x89\n  if r0 == 0x0 goto rel\n  r1 = r0\n  call 0x56${OK}\nrel:${RELEASE_R6}\nout:${OK}`,
  },
  "sock: skc_to_tcp_sock result released without its null check": {
    asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  r1 = r0\n  call 0x89\n  r1 = r0\n  call 0x56\nout:${OK}`,
  },
  "sock: the original used after releasing its cast": {
    asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  r1 = r0\n  call 0x89\n  if r0 == 0x0 goto rel\n  r1 = r0\n  call 0x56\n  w0 = *(u32 *)(r6 + 0x4)${OK}\nrel:${RELEASE_R6}\nout:${OK}`,
  },
  "sock: a field read through skc_to_tcp_sock": {
    stricter: "fields of BTF-typed kernel structs (PTR_TO_BTF_ID) need the kernel's BTF; tsbpf refuses such reads",
    asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  r1 = r0\n  call 0x89\n  if r0 == 0x0 goto rel\n  w0 = *(u32 *)(r0 + 0x0)\nrel:${RELEASE_R6}\nout:${OK}`,
  },
  "sock: skc_to_tcp_sock of a stack pointer": { asm: `  r1 = r10\n  call 0x89${OK}` },
  "sock: releasing the original invalidates its cast": {
    asm: `${SK_LOOKUP()}\n  r6 = r0\n  if r0 == 0x0 goto out\n  r1 = r0\n  call 0x89\n  if r0 == 0x0 goto rel\n  r7 = r0${RELEASE_R6}\n  r1 = r7\n  call 0x56${OK}\nrel:${RELEASE_R6}\nout:${OK}`,
  },
  "sockmap: lookup gives a referenced socket": {
    maps: [SOCKMAP],
    asm: `${LOOKUP("socks")}\n  if r0 != 0x0 goto l${OK}\nl:\n  r1 = r0\n  w0 = *(u32 *)(r0 + 0x8)\n  call 0x56${OK}`,
  },
  "sockmap: lookup never released": { maps: [SOCKMAP], asm: `${LOOKUP("socks")}\n  if r0 == 0x0 goto out\nout:${OK}` },
  "sockhash: lookup and release": {
    maps: [SOCKHASH],
    asm: `${LOOKUP("sockh")}\n  if r0 == 0x0 goto out\n  r1 = r0\n  call 0x56\nout:${OK}`,
  },
  "sockmap: update with a looked-up socket": {
    maps: [SOCKMAP],
    asm: `${LOOKUP("socks")}\n  if r0 == 0x0 goto out\n  r6 = r0\n  r3 = r0\n  r2 = r10\n  r2 += -0x4\n  r4 = 0x0\n  r1 = 0x0 ll ; @socks\n  call 0x2${RELEASE_R6}\nout:${OK}`,
  },
  "sockmap: update with a stack value": {
    maps: [SOCKMAP],
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  *(u32 *)(r10 - 0x8) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r3 = r10\n  r3 += -0x8\n  r4 = 0x0\n  r1 = 0x0 ll ; @socks\n  call 0x2${OK}`,
  },
  "sockmap: delete": {
    maps: [SOCKMAP],
    asm: `  *(u32 *)(r10 - 0x4) = 0x0\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @socks\n  call 0x3${OK}`,
  },
};

// An array of one `struct { u8 head[4]; struct bpf_spin_lock l; }`, a hash with the lock first.
const LK = { name: "lk", type: MapType.ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, spinLockAt: 4 };
const LKH = { name: "lkh", type: MapType.HASH, keySize: 4, valueSize: 8, maxEntries: 1, spinLockAt: 0 };
const NOLOCK = { name: "lkh", type: MapType.HASH, keySize: 4, valueSize: 8, maxEntries: 1 };
// r6 = the element (non-null), its lock taken.
const LOCKED = `${LOOKUP("lk")}\n  if r0 != 0x0 goto l\n  exit\nl:\n  r6 = r0\n  r1 = r0\n  r1 += 0x4\n  call 0x5d`;
const UNLOCK = `\n  r1 = r6\n  r1 += 0x4\n  call 0x5e`;
const locks: Record<string, KernelCase> = {
  "spin lock: lock, read the other field, unlock": { maps: [LK], asm: `${LOCKED}\n  w0 = *(u32 *)(r6 + 0x0)${UNLOCK}${OK}` },
  "spin lock: a helper call while holding it": { maps: [LK], asm: `${LOCKED}\n  call 0x7${UNLOCK}${OK}` },
  "spin lock: a bpf-to-bpf call while holding it": {
    maps: [LK],
    asm: `${LOCKED}\n  call local -0x1 ; @f${UNLOCK}${OK}`,
    subprogs: [{ name: "f", asm: `  r0 = 0x0\n  exit` }],
  },
  "spin lock: taken in a subprogram, released by the caller": {
    maps: [LK],
    asm: `${LOOKUP("lk")}\n  if r0 != 0x0 goto l\n  exit\nl:\n  r6 = r0\n  r1 = r0\n  call local -0x1 ; @f${UNLOCK}${OK}`,
    subprogs: [{ name: "f", asm: `  r1 += 0x4\n  call 0x5d\n  r0 = 0x0\n  exit` }],
  },
  "spin lock: taken in a subprogram, never released": {
    maps: [LK],
    asm: `${LOOKUP("lk")}\n  if r0 != 0x0 goto l\n  exit\nl:\n  r1 = r0\n  call local -0x1 ; @f${OK}`,
    subprogs: [{ name: "f", asm: `  r1 += 0x4\n  call 0x5d\n  r0 = 0x0\n  exit` }],
  },
  "spin lock: exit while holding it": { maps: [LK], asm: `${LOCKED}${OK}` },
  "spin lock: wrong offset": { maps: [LK], asm: `${LOOKUP("lk")}\n  if r0 != 0x0 goto l\n  exit\nl:\n  r1 = r0\n  call 0x5d${OK}` },
  "spin lock: variable offset": { maps: [LK], asm: `${LOOKUP("lk")}\n  if r0 != 0x0 goto l\n  exit\nl:\n  r6 = r0\n  call 0x7\n  r0 &= 0x4\n  r1 = r6\n  r1 += r0\n  call 0x5d${OK}` },
  "spin lock: load of the lock word": { maps: [LK], asm: `${LOCKED}\n  w0 = *(u32 *)(r6 + 0x4)${UNLOCK}${OK}` },
  "spin lock: 2-byte load next to the lock": { maps: [LK], asm: `${LOCKED}\n  w0 = *(u16 *)(r6 + 0x2)${UNLOCK}${OK}` },
  "spin lock: store into the lock": { maps: [LK], asm: `${LOCKED}\n  *(u32 *)(r6 + 0x4) = 0x0${UNLOCK}${OK}` },
  "spin lock: helper reads the lock bytes": {
    maps: [LK],
    asm: `${LOOKUP("lk")}\n  if r0 != 0x0 goto l\n  exit\nl:\n  r1 = 0x0\n  r2 = 0x0\n  r3 = r0\n  r4 = 0x8\n  r5 = 0x0\n  call 0x1c${OK}`,
  },
  "spin lock: map update with the element as the value": {
    maps: [LK],
    asm: `${LOOKUP("lk")}\n  if r0 != 0x0 goto l\n  exit\nl:\n  r3 = r0\n  r2 = r10\n  r2 += -0x4\n  r4 = 0x0\n  r1 = 0x0 ll ; @lk\n  call 0x2${OK}`,
  },
  "spin lock: unlock twice": { maps: [LK], asm: `${LOCKED}${UNLOCK}${UNLOCK}${OK}` },
  "spin lock: unlock without lock": { maps: [LK], asm: `${LOOKUP("lk")}\n  if r0 != 0x0 goto l\n  exit\nl:\n  r1 = r0\n  r1 += 0x4\n  call 0x5e${OK}` },
  "spin lock: unlock through another lookup of the same element": {
    maps: [LK],
    asm: `${LOOKUP("lk")}\n  if r0 != 0x0 goto l\n  exit\nl:\n  r7 = r0\n  r2 = r10\n  r2 += -0x4\n  r1 = 0x0 ll ; @lk\n  call 0x1\n  if r0 != 0x0 goto m\n  exit\nm:\n  r6 = r0\n  r1 = r7\n  r1 += 0x4\n  call 0x5d${UNLOCK}${OK}`,
  },
  "spin lock: the stack is no lock": { asm: `  r1 = r10\n  call 0x5d${OK}` },
  "spin lock: a hash value without a lock": { maps: [NOLOCK], asm: `${LOOKUP("lkh")}\n  if r0 != 0x0 goto l\n  exit\nl:\n  r1 = r0\n  call 0x5d${OK}` },
  "spin lock: hash element locked through a copy taken before the null check": {
    maps: [LKH],
    asm: `${LOOKUP("lkh")}\n  r6 = r0\n  if r0 != 0x0 goto l\n  exit\nl:\n  r1 = r0\n  call 0x5d\n  r1 = r6\n  call 0x5e${OK}`,
  },
  "spin lock: hash element not null-checked": { maps: [LKH], asm: `${LOOKUP("lkh")}\n  r1 = r0\n  call 0x5d${OK}` },
};

export const helperCases: Record<string, KernelCase> = { ...helperSet, ...maps, ...sockets, ...locks };
