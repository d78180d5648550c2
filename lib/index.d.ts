// tsbpf's standard declarations: what an XDP program written in TypeScript imports from
// "tsbpf". Programs are compiled to eBPF by `tsbpf build`, never run as JavaScript; the enums,
// integer conversions and byte-order functions also exist at run time (lib/index.cjs) for
// tests. See docs/language.md for the language these types describe.

declare const width: unique symbol;

/**
 * Integer types. Each is a `number` branded with its width, so plain numbers (literals,
 * arithmetic results) flow into any of the host-order ones, but one integer type never silently
 * becomes another: `const a: u32 = h` with `h: u16` is a type error; write `u32(h)`.
 */
export type u8 = number & { readonly [width]?: "u8" };
export type u16 = number & { readonly [width]?: "u16" };
export type u32 = number & { readonly [width]?: "u32" };
export type u64 = number & { readonly [width]?: "u64" };
export type i8 = number & { readonly [width]?: "i8" };
export type i16 = number & { readonly [width]?: "i16" };
export type i32 = number & { readonly [width]?: "i32" };
export type i64 = number & { readonly [width]?: "i64" };
declare const order: unique symbol;
/**
 * Big-endian (network order) integers, as header fields hold them. Unlike the host-order types,
 * a plain number does not flow into them: `tcp.dest = 22` is a type error (write `htons(22)`),
 * and so is `const p: u16 = tcp.dest` (write `ntohs(tcp.dest)`). Zero has no byte order, so `0`
 * is a be16/be32/be64. Comparisons with numbers (`tcp.dest === 22`) TypeScript allows; tsbpf
 * refuses them (TS90107) unless the number reads the same in both orders (0, 0xffff …).
 */
export type be16 = (number & { readonly [width]?: "be16"; readonly [order]: "network" }) | 0;
export type be32 = (number & { readonly [width]?: "be32"; readonly [order]: "network" }) | 0;
export type be64 = (number & { readonly [width]?: "be64"; readonly [order]: "network" }) | 0;

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
export declare function htonll(v: number | bigint): be64;
export declare function ntohll(v: be64): u64;
/**
 * The bits of a network-order value, unswapped, as the host-order unsigned type of its width:
 * what C gets from `__u32 key = tcp->dest` (a plain zero-extending move, no byte swap), e.g. a
 * map key holding the port as it lies in the packet: `ports.lookup(u32(raw(tcp.dest)))`.
 */
export declare function raw(v: be16): u16;
export declare function raw(v: be32): u32;
export declare function raw(v: be64): u64;

/** The indices 0 .. N-1 of a FixedArray, as a union of number literals. */
type Indices<N extends number, Acc extends number[] = []> = Acc["length"] extends N ? Acc[number] : Indices<N, [...Acc, Acc["length"]]>;

/**
 * A fixed-size array field or local, laid out like a C array. Constant indices below N are
 * properties of type T (so `noUncheckedIndexedAccess` accepts `a[0]`); a run-time index goes
 * through the index signature (`a[i]!` under `noUncheckedIndexedAccess`).
 */
export type FixedArray<T, N extends number> = { readonly length: N; [index: number]: T } & { [I in Indices<N>]: T };

/** What an XDP program returns. */
export declare enum XdpAction {
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
   * bounds check the kernel verifier demands, which the null check makes you write. A scalar
   * T (`header<u8>`, `header<be16>` …) comes as `{ value: T }`, like a map value: read it with `.value`.
   */
  header<T>(offset: number): Ref<T> | null;
  /** bpf_xdp_adjust_head: moves the frame start by `delta` bytes; 0 or a negative errno. Headers taken before are invalid after. */
  adjustHead(delta: number): i64;
  /** bpf_xdp_adjust_tail: moves the frame end by `delta` bytes; 0 or a negative errno. */
  adjustTail(delta: number): i64;
  /**
   * bpf_xdp_adjust_meta. Linux 6.18.44 does not let XDP programs call it (the load is refused),
   * so tsbpf reports a compile error at every call.
   */
  adjustMeta(delta: number): i64;
  /**
   * bpf_xdp_load_bytes: a copy (on the stack) of the T at byte `offset` of the frame, or null
   * when it reaches past the end. The offset may be a run-time value; in `xdp.frags` programs
   * the bytes may lie in the frame's fragments, past what `header` can reach.
   */
  loadBytes<T>(offset: number): Ref<T> | null;
  /** bpf_xdp_store_bytes: writes `value` at byte `offset` of the frame; 0 or a negative errno. Headers taken before stay valid. */
  storeBytes<T>(offset: number, value: T): i64;
  /** bpf_xdp_get_buff_len: the frame's length including its fragments (`length` is the linear part only). */
  bufferLength(): u32;
}

/** A program in section `xdp.frags` (multi-buffer frames). */
export interface XdpFragsContext extends XdpContext {}

/** A pointer to a map value: scalars are reached through `.value`, structs directly. */
export type Ref<V> = V extends number ? { value: V } : V;

/** Flags of map updates. */
export declare enum UpdateFlags {
  ANY = 0,
  NOEXIST = 1,
  EXIST = 2,
}

/** libbpf's map pinning (enum libbpf_pin_type). */
export declare enum Pinning {
  NONE = 0,
  /**
   * LIBBPF_PIN_BY_NAME: libbpf pins the map at `<pin root>/<map name>` (pin root
   * /sys/fs/bpf unless the loader sets `pin_root_path`); a later load that finds a
   * compatible map pinned there reuses it instead of creating one.
   */
  BY_NAME = 1,
}

/** Options of a map declaration: the last constructor argument of every map class. */
export interface MapOptions {
  /** Emitted as `__uint(pinning, …)` in the map's BTF definition. */
  readonly pinning?: Pinning;
}

interface MapBase<K, V> {
  /** bpf_map_lookup_elem: the value, or null when the key is absent. */
  lookup(key: K): Ref<V> | null;
  /** bpf_map_update_elem: 0 or a negative errno. */
  update(key: K, value: V, flags?: UpdateFlags): i64;
}

/** BPF_MAP_TYPE_ARRAY: `maxEntries` zero-initialised values, keyed by index. */
export declare class ArrayMap<K extends u32, V> implements MapBase<K, V> {
  constructor(maxEntries: number, options?: MapOptions);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
}
/** BPF_MAP_TYPE_PERCPU_ARRAY: an array with one value per CPU; lookups see this CPU's. */
export declare class PerCpuArrayMap<K extends u32, V> implements MapBase<K, V> {
  constructor(maxEntries: number, options?: MapOptions);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
}
/** BPF_MAP_TYPE_HASH. */
export declare class HashMap<K, V> implements MapBase<K, V> {
  constructor(maxEntries: number, options?: MapOptions);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
  /** bpf_map_delete_elem: 0 or a negative errno. */
  delete(key: K): i64;
}

/** Names a module-level `const` as a read-only (.rodata) setting the loader may change before load. */
export declare function config<T extends number>(initial: T): T;

/**
 * Names a module-level `const` as an integer in ELF section `name` of its own, for user-space
 * tools that read the object file (like xdp-filter's `__u32 _features SEC("features")`).
 * libbpf does not load the section, so programs cannot use the value.
 */
export declare function section<T extends number>(name: string, initial: T): T;

/** BPF_MAP_TYPE_PERCPU_HASH: a hash with one value per CPU; lookups see this CPU's. */
export declare class PerCpuHashMap<K, V> implements MapBase<K, V> {
  constructor(maxEntries: number, options?: MapOptions);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
  delete(key: K): i64;
}
/** BPF_MAP_TYPE_LRU_HASH: a hash that evicts the least recently used entry when full. */
export declare class LruHashMap<K, V> implements MapBase<K, V> {
  constructor(maxEntries: number, options?: MapOptions);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
  delete(key: K): i64;
}
/**
 * BPF_MAP_TYPE_LPM_TRIE: longest-prefix match. The key is a struct whose first field is
 * `prefixlen: u32` (in bits), followed by the address bytes in network order.
 */
export declare class LpmTrieMap<K extends { prefixlen: u32 }, V> implements MapBase<K, V> {
  constructor(maxEntries: number, options?: MapOptions);
  lookup(key: K): Ref<V> | null;
  update(key: K, value: V, flags?: UpdateFlags): i64;
  delete(key: K): i64;
}
/** BPF_MAP_TYPE_DEVMAP: interfaces to redirect frames to, by index. */
export declare class DevMap {
  constructor(maxEntries: number, options?: MapOptions);
  /**
   * bpf_redirect_map: send the frame to the interface in slot `key`. Returns XDP_REDIRECT, or
   * `fallback` when the slot is empty.
   */
  redirect(key: u32, fallback?: XdpAction): XdpAction;
}

/** libxdp's run config of a program: its place among several on one interface. */
export interface XdpRunConfig {
  /** Lower runs first (libxdp's default 50). */
  readonly priority?: number;
  /** The actions after which the next program runs (default: only XDP_PASS). */
  readonly chainActions?: readonly XdpAction[];
}
/**
 * Declares `program`'s run config at module level, compiled into the object's
 * `.xdp_run_config` section in libxdp's format (`_<program>`), which xdp-loader and
 * `tsbpf link --chain` honour: `xdpRunConfig(xdp_count, { priority: 10, chainActions: [XdpAction.PASS] });`
 */
export declare function xdpRunConfig(program: (ctx: XdpContext) => XdpAction, config: XdpRunConfig): void;

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
  constructor(sizeBytes: number, options?: MapOptions);
  /** bpf_ringbuf_output: copies `record` (an integer or a struct) into the ring; 0 or a negative errno. */
  output<T>(record: T): i64;
}

/**
 * BPF_MAP_TYPE_PROG_ARRAY: programs to tail-call into. `initial` fills slots at load time
 * (libbpf's declarative `.values`), e.g. `new ProgArray(4, { 1: stage2 })`.
 */
export declare class ProgArray {
  constructor(maxEntries: number, initial?: { readonly [slot: number]: (ctx: XdpContext) => XdpAction }, options?: MapOptions);
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

/**
 * bpf_csum_diff: the 32-bit one's-complement sum of the bytes of `to` minus that of `from`,
 * added to `seed`, folded to 16 bits by the kernel (Linux >= 6.13). `from` and `to` are
 * references (a header in the packet, a struct on the stack or in a map) or integers; their
 * size is their type's. Pass `null` for a side that is absent. Returns the sum or a negative
 * errno. For an incremental checksum update, `from` is the old bytes and `to` the new ones,
 * and `seed` is the complemented old checksum. A network-order seed (a checksum field) is taken
as it lies in memory, like the bytes summed.
 */
export declare function csumDiff<F, T>(from: F | null, to: T | null, seed?: number | be16 | be32): i64;

/**
 * The checksum field's value for a csumDiff sum: folded to 16 bits and complemented (the
 * kernel's csum_fold), in the memory order it was summed in, e.g. an incremental update:
 * `const d = csumDiff(ip, null, ip.check ^ 0xffff); ip.ttl -= 1; ip.check = csumFold(csumDiff(null, ip, d));`.
 */
export declare function csumFold(sum: number | i64): be16;

/** Address families of a fib lookup. */
export declare enum AddressFamily {
  INET = 2,
  INET6 = 10,
}

/** Flags of fibLookup (BPF_FIB_LOOKUP_*). */
export declare enum FibLookupFlags {
  NONE = 0,
  /** Look up the table directly, skipping policy rules. */
  DIRECT = 1,
  /** Do the lookup for output from `ifindex` rather than forwarding from it (no forwarding check). */
  OUTPUT = 2,
  /** Do not resolve the next hop's MAC address. */
  SKIP_NEIGH = 4,
  /** Use the table id in `tbid` (with DIRECT). */
  TBID = 8,
  SRC = 16,
  MARK = 32,
}

/** What fibLookup returns when it does not fail (BPF_FIB_LKUP_RET_*). */
export declare enum FibResult {
  SUCCESS = 0,
  BLACKHOLE = 1,
  UNREACHABLE = 2,
  PROHIBIT = 3,
  NOT_FWDED = 4,
  FWD_DISABLED = 5,
  UNSUPP_LWT = 6,
  NO_NEIGH = 7,
  FRAG_NEEDED = 8,
  NO_SRC_ADDR = 9,
}

/**
 * struct bpf_fib_lookup (64 bytes). C's unions are single fields here: `totLen` is tot_len in
 * and mtu_result out; `tos` is tos (IPv4, low byte) or flowinfo (IPv6) in and rt_metric out;
 * `src`/`dst` hold an IPv4 address in element 0 or an IPv6 address in all four; `vlanProto` /
 * `vlanTci` are the VLAN header out (tbid in, as one u32, when FibLookupFlags.TBID is set).
 */
export interface FibLookupParams {
  family: u8;
  l4Protocol: u8;
  sport: be16;
  dport: be16;
  totLen: u16;
  ifindex: u32;
  tos: u32;
  src: FixedArray<be32, 4>;
  dst: FixedArray<be32, 4>;
  vlanProto: be16;
  vlanTci: be16;
  smac: FixedArray<u8, 6>;
  dmac: FixedArray<u8, 6>;
}

/**
 * bpf_fib_lookup: routes the destination in `params` through the kernel's FIB (in the network
 * namespace of the device the frame arrived on). On SUCCESS the kernel writes the egress
 * ifindex, the next hop's MAC (`dmac`), the egress MAC (`smac`) and the MTU into `params`.
 * Returns a FibResult or a negative errno.
 */
export declare function fibLookup(ctx: XdpContext, params: FibLookupParams, flags?: FibLookupFlags): i64;

/** BPF_MAP_TYPE_QUEUE: a FIFO of `maxEntries` values of type T, without keys. */
export declare class QueueMap<T> {
  constructor(maxEntries: number, options?: MapOptions);
  /**
   * bpf_map_push_elem: appends `value`; 0 or a negative errno (-E2BIG when full, unless
   * `flags` is UpdateFlags.EXIST, which drops the oldest value to make room).
   */
  push(value: T, flags?: UpdateFlags): i64;
  /** bpf_map_pop_elem: removes the oldest value and returns a copy of it (on the stack), or null when empty. */
  pop(): Ref<T> | null;
  /** bpf_map_peek_elem: a copy of the oldest value (on the stack), or null when empty. */
  peek(): Ref<T> | null;
}

/** BPF_MAP_TYPE_STACK: a LIFO of `maxEntries` values of type T, without keys. */
export declare class StackMap<T> {
  constructor(maxEntries: number, options?: MapOptions);
  /** bpf_map_push_elem: pushes `value`; with UpdateFlags.EXIST a full stack drops its oldest value. */
  push(value: T, flags?: UpdateFlags): i64;
  /** bpf_map_pop_elem: removes the newest value and returns a copy of it, or null when empty. */
  pop(): Ref<T> | null;
  /** bpf_map_peek_elem: a copy of the newest value, or null when empty. */
  peek(): Ref<T> | null;
}

/**
 * BPF_MAP_TYPE_CPUMAP: CPUs to redirect frames to, by index (the CPU number). User space fills
 * a slot with struct bpf_cpumap_val (queue size, optional program fd).
 */
export declare class CpuMap {
  constructor(maxEntries: number, options?: MapOptions);
  /** bpf_redirect_map: send the frame to the CPU in slot `cpu`; XDP_REDIRECT, or `fallback` when the slot is empty. */
  redirect(cpu: u32, fallback?: XdpAction): XdpAction;
}

/** BPF_MAP_TYPE_XSKMAP: AF_XDP sockets, by index (usually the rx queue). */
export declare class XskMap {
  constructor(maxEntries: number, options?: MapOptions);
  /** bpf_redirect_map: send the frame to the socket in slot `index`; XDP_REDIRECT, or `fallback` when there is none. */
  redirect(index: u32, fallback?: XdpAction): XdpAction;
}

/** BPF_F_CURRENT_CPU: the perf buffer of the CPU running the program. */
export declare enum PerfFlags {
  CURRENT_CPU = 0xffffffff,
}

/**
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: one perf buffer per CPU, which user space opens
 * (perf_event_open with PERF_COUNT_SW_BPF_OUTPUT) and stores in the slot of its CPU.
 * `maxEntries` should be at least the number of CPUs.
 */
export declare class PerfEventArray {
  constructor(maxEntries: number, options?: MapOptions);
  /**
   * bpf_perf_event_output: copies `record` (an integer or a struct) and then the first
   * `packetBytes` bytes of the frame (default 0) into the perf buffer in slot `index`
   * (default: this CPU's). 0 or a negative errno (-ENOENT when no buffer is open there).
   */
  output<T>(ctx: XdpContext, record: T, packetBytes?: number, index?: u32 | PerfFlags): i64;
}

/** The maps that can be inner maps of a map-in-map. */
export type InnerMap = ArrayMap<any, any> | HashMap<any, any> | PerCpuArrayMap<any, any> | PerCpuHashMap<any, any> | LruHashMap<any, any> | LpmTrieMap<any, any> | QueueMap<any> | StackMap<any>;

/**
 * BPF_MAP_TYPE_ARRAY_OF_MAPS: slots holding maps like `template` (a module-level map: same
 * type, key, value and, for arrays, size). `initial` fills slots at load time, e.g.
 * `new ArrayOfMaps(4, tableA, { 0: tableA, 1: tableB })`.
 */
export declare class ArrayOfMaps<M extends InnerMap> {
  constructor(maxEntries: number, template: M, initial?: { readonly [slot: number]: M }, options?: MapOptions);
  /** bpf_map_lookup_elem: the map in slot `key`, or null when the slot is empty. */
  lookup(key: u32): M | null;
}

/** BPF_MAP_TYPE_HASH_OF_MAPS: maps like `template` by key. `initial` keys are u32 slots. */
export declare class HashOfMaps<K, M extends InnerMap> {
  constructor(maxEntries: number, template: M, initial?: { readonly [slot: number]: M }, options?: MapOptions);
  /** bpf_map_lookup_elem: the map stored under `key`, or null. */
  lookup(key: K): M | null;
}
