// tsbpf's standard declarations: what an XDP program written in TypeScript imports from
// "tsbpf". Declarations only — programs are compiled to eBPF by `tsbpf build`, never run as
// JavaScript. See docs/language.md for the language these types describe.

declare const width: unique symbol;

/**
 * Integer types. Each is a `number` branded with its width, so plain numbers (literals,
 * arithmetic results) flow into any of them, but one integer type never silently becomes
 * another: `const a: u32 = h` with `h: u16` is a type error; write `u32(h)`.
 */
export type u8 = number & { readonly [width]?: "u8" };
export type u16 = number & { readonly [width]?: "u16" };
export type u32 = number & { readonly [width]?: "u32" };
export type u64 = number & { readonly [width]?: "u64" };
export type i8 = number & { readonly [width]?: "i8" };
export type i16 = number & { readonly [width]?: "i16" };
export type i32 = number & { readonly [width]?: "i32" };
export type i64 = number & { readonly [width]?: "i64" };
/** Big-endian (network order) integers, as header fields hold them. */
export type be16 = number & { readonly [width]?: "be16" };
export type be32 = number & { readonly [width]?: "be32" };
export type be64 = number & { readonly [width]?: "be64" };

/** Conversions: truncate or extend (sign-extend from signed types) to the named width. */
export declare function u8(v: number | bigint): u8;
export declare function u16(v: number | bigint): u16;
export declare function u32(v: number | bigint): u32;
export declare function u64(v: number | bigint): u64;
export declare function i8(v: number | bigint): i8;
export declare function i16(v: number | bigint): i16;
export declare function i32(v: number | bigint): i32;
export declare function i64(v: number | bigint): i64;

/** Byte order: host (little-endian) ↔ network (big-endian). */
export declare function htons(v: number): be16;
export declare function ntohs(v: be16): u16;
export declare function htonl(v: number): be32;
export declare function ntohl(v: be32): u32;

/** A fixed-size array field or local, laid out like a C array. */
export interface FixedArray<T, N extends number> {
  readonly length: N;
  [index: number]: T;
}

/** What an XDP program returns. */
export declare const enum XdpAction {
  ABORTED = 0,
  DROP = 1,
  PASS = 2,
  TX = 3,
  REDIRECT = 4,
}

/** The frame an XDP program runs on (struct xdp_md). A program is an exported function taking it. */
export interface XdpContext {
  /** Frame length in bytes (data_end - data). */
  readonly length: u32;
  readonly ingressIfindex: u32;
  readonly rxQueueIndex: u32;
  /**
   * The T at byte `offset` of the frame, or null when it would reach past the end: the
   * bounds check the kernel verifier demands, which the null check makes you write.
   */
  header<T>(offset: number): T | null;
  /** bpf_xdp_adjust_head: moves the frame start by `delta` bytes; 0 or a negative errno. Headers taken before are invalid after. */
  adjustHead(delta: number): i64;
  /** bpf_xdp_adjust_tail: moves the frame end by `delta` bytes; 0 or a negative errno. */
  adjustTail(delta: number): i64;
  /** bpf_xdp_adjust_meta: moves the metadata start by `delta` bytes; 0 or a negative errno. */
  adjustMeta(delta: number): i64;
}

/** A program in section `xdp.frags` (multi-buffer frames). */
export interface XdpFragsContext extends XdpContext {}

/** A pointer to a map value: scalars are reached through `.value`, structs directly. */
export type Ref<V> = V extends number ? { value: V } : V;

/** Flags of map updates. */
export declare const enum UpdateFlags {
  ANY = 0,
  NOEXIST = 1,
  EXIST = 2,
}

interface MapBase<K, V> {
  /** bpf_map_lookup_elem: the value, or null when the key is absent. */
  lookup(key: K): Ref<V> | null;
  /** bpf_map_update_elem: 0 or a negative errno. */
  update(key: K, value: V, flags?: UpdateFlags): i64;
}

/** BPF_MAP_TYPE_ARRAY: `maxEntries` zero-initialised values, keyed by index. */
export declare class ArrayMap<K extends u32, V> implements MapBase<K, V> {
  constructor(maxEntries: number);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
}
/** BPF_MAP_TYPE_PERCPU_ARRAY: an array with one value per CPU; lookups see this CPU's. */
export declare class PerCpuArrayMap<K extends u32, V> implements MapBase<K, V> {
  constructor(maxEntries: number);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
}
/** BPF_MAP_TYPE_HASH. */
export declare class HashMap<K, V> implements MapBase<K, V> {
  constructor(maxEntries: number);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
  /** bpf_map_delete_elem: 0 or a negative errno. */
  delete(key: K): i64;
}

/** Names a module-level `const` as a read-only (.rodata) setting the loader may change before load. */
export declare function config<T extends number>(initial: T): T;

/** BPF_MAP_TYPE_PERCPU_HASH: a hash with one value per CPU; lookups see this CPU's. */
export declare class PerCpuHashMap<K, V> implements MapBase<K, V> {
  constructor(maxEntries: number);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
  delete(key: K): i64;
}
/** BPF_MAP_TYPE_LRU_HASH: a hash that evicts the least recently used entry when full. */
export declare class LruHashMap<K, V> implements MapBase<K, V> {
  constructor(maxEntries: number);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
  delete(key: K): i64;
}
/**
 * BPF_MAP_TYPE_LPM_TRIE: longest-prefix match. The key is a struct whose first field is
 * `prefixlen: u32` (in bits), followed by the address bytes in network order.
 */
export declare class LpmTrieMap<K extends { prefixlen: u32 }, V> implements MapBase<K, V> {
  constructor(maxEntries: number);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
  delete(key: K): i64;
}
/** BPF_MAP_TYPE_DEVMAP: interfaces to redirect frames to, by index. */
export declare class DevMap {
  constructor(maxEntries: number);
  /**
   * bpf_redirect_map: send the frame to the interface in slot `key`. Returns XDP_REDIRECT, or
   * `fallback` when the slot is empty.
   */
  redirect(key: u32, fallback?: XdpAction): XdpAction;
}

/** bpf_redirect: send the frame out of interface `ifindex`; returns XDP_REDIRECT. */
export declare function redirect(ifindex: u32): XdpAction;

/** bpf_ktime_get_ns: monotonic time in nanoseconds. */
export declare function ktimeGetNs(): u64;
/** bpf_ktime_get_boot_ns: time since boot, including suspend, in nanoseconds. */
export declare function ktimeGetBootNs(): u64;
/** bpf_get_prandom_u32: a pseudo-random number. */
export declare function getPrandomU32(): u32;
/** bpf_get_smp_processor_id: the CPU running the program. */
export declare function getSmpProcessorId(): u32;
/**
 * An atomic `target += delta` on a map value or global field (BPF_ATOMIC add, 32 or 64 bit):
 * safe when several CPUs update the same value.
 */
export declare function atomicAdd(target: u32 | u64 | i32 | i64, delta: number): void;

/** BPF_MAP_TYPE_RINGBUF: records for user space, `sizeBytes` a power of two >= 4096. */
export declare class RingBuf {
  constructor(sizeBytes: number);
  /** bpf_ringbuf_output: copies `record` (an integer or a struct) into the ring; 0 or a negative errno. */
  output<T>(record: T): i64;
}

/**
 * BPF_MAP_TYPE_PROG_ARRAY: programs to tail-call into. `initial` fills slots at load time
 * (libbpf's declarative `.values`), e.g. `new ProgArray(4, { 1: stage2 })`.
 */
export declare class ProgArray {
  constructor(maxEntries: number, initial?: { readonly [slot: number]: (ctx: XdpContext) => XdpAction });
  /**
   * bpf_tail_call: continues in the program in slot `index` and never comes back. When the
   * slot is empty (or 33 tail calls already happened), execution goes on after the call.
   */
  tailCall(ctx: XdpContext, index: u32): void;
}

/**
 * bpf_trace_printk: formats up to three integers into the kernel's trace pipe
 * (/sys/kernel/debug/tracing/trace_pipe); the VM captures the text. The format must be a
 * string literal (%d %i %u %x %ld %lu %lx %lld %llu %llx %c %%).
 */
export declare function tracePrintk(format: string, ...args: number[]): i64;

/**
 * bpf_loop: calls `callback(i, ctx)` for i = 0 .. count-1 (count known only at run time, at
 * most 2^23), stopping early when it returns 1. `callback` is a module-level function and
 * `ctx` a struct reference it receives. Returns the number of calls made.
 */
export declare function bpfLoop<C>(count: number, callback: (index: u32, ctx: C) => i64, ctx: C): i64;

/**
 * A copy, in a new stack slot, of the struct or FixedArray `ref` points to: a snapshot that
 * stays valid after adjustHead/adjustTail and can be changed without touching the original.
 */
export declare function copy<T extends object>(ref: T): T;
/** Writes the bytes of `src` over what `dst` points to; both have the same struct or FixedArray type. */
export declare function assign<T extends object>(dst: T, src: T): void;
