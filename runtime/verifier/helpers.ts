// Helper prototypes (the kernel's bpf_func_proto) for the helpers an XDP program may call and
// the VM implements: argument kinds, the map types arg 1 accepts, the return kind, and whether
// the helper moves the packet (which invalidates every packet pointer).

import { helperId } from "../isa/helper-ids.js";
import { MapType } from "../object/map-types.js";

export type ArgKind =
  /** Any initialised value. */
  | "anything"
  /** A map pointer from ld_imm64 (the map the later key/value arguments are sized by). */
  | "map_ptr"
  /** Points to key_size readable bytes. */
  | "map_key"
  /** Points to value_size readable bytes. */
  | "map_value"
  /** Points to value_size bytes the helper writes. */
  | "map_value_uninit"
  /** The program's ctx, unmodified. */
  | "ctx"
  /** Memory the helper reads; its size is the next argument. */
  | "mem_ro"
  /** Like mem_ro, and null is allowed when the size is zero. */
  | "mem_ro_or_null"
  /** Memory the helper reads and writes (fib_lookup params); size is the next argument. */
  | "mem_rw"
  /** Memory the helper only writes; size is the next argument. */
  | "mem_uninit"
  /** Size of the preceding memory argument, > 0. */
  | "size"
  /** Size of the preceding memory argument, >= 0. */
  | "size_or_zero"
  /** A known constant allocation size (ringbuf_reserve). */
  | "alloc_size"
  /** Ring buffer memory being released (submit / discard). */
  | "ringbuf_release"
  /** A subprogram address: the callback (bpf_loop). */
  | "func"
  /** A stack pointer or null (bpf_loop's ctx). */
  | "stack_or_null"
  /** 8 aligned bytes the helper writes (ARG_PTR_TO_FIXED_SIZE_MEM | MEM_UNINIT | MEM_WRITE | MEM_ALIGNED, strtol's result). */
  | "long_out"
  /** 4 aligned bytes the helper reads and writes (check_mtu's mtu_len). */
  | "int_inout"
  /** A zero-terminated string in a frozen read-only map (ARG_PTR_TO_CONST_STR). */
  | "const_str"
  /** A referenced socket being released (ARG_PTR_TO_BTF_ID_SOCK_COMMON | OBJ_RELEASE). */
  | "sock_release"
  /** The bpf_spin_lock in a map value (ARG_PTR_TO_SPIN_LOCK). */
  | "spin_lock"
  /** A non-null socket (ARG_PTR_TO_BTF_ID_SOCK_COMMON). */
  | "sock"
  /** Bytes the helper reads, as many as `fixedSize` says (ARG_PTR_TO_FIXED_SIZE_MEM). */
  | "fixed_ro"
  /** A second fixed-size read argument, of `fixedSize2` bytes. */
  | "fixed_ro2";

export type RetKind = "integer" | "void" | "map_value_or_null" | "ringbuf_mem_or_null" | "sock_or_null" | "sock_common_or_null" | "ptr_or_null_" | "trusted_task";

export interface HelperProto {
  readonly id: number;
  readonly name: string;
  readonly args: readonly ArgKind[];
  readonly ret: RetKind;
  /** Map types the map argument may be (check_map_func_compatibility); undefined: any but special maps. */
  readonly mapTypes?: readonly MapType[];
  /** Moves packet data (bpf_helper_changes_pkt_data): all packet pointers become unknown. */
  readonly changesPkt?: boolean;
  /** Calls the `func` argument back (bpf_loop). */
  readonly callback?: boolean;
  /** Its memory arguments may point into the packet (the kernel's `pkt_access`). */
  readonly pktAccess?: boolean;
  /** ptr_or_null_ returns: the BTF struct (ret_btf_id); the result shares the argument's reference. */
  readonly retBtf?: string;
  /** Sizes of the fixed-size memory arguments (arg_size), in argument order. */
  readonly fixedSizes?: readonly number[];
}

const RINGBUF = [MapType.RINGBUF];
const REDIRECT = [MapType.DEVMAP, MapType.DEVMAP_HASH, MapType.CPUMAP, MapType.XSKMAP];
const QUEUES = [MapType.QUEUE, MapType.STACK, MapType.BLOOM_FILTER];
// A bloom filter has no element to pop.
const POPPABLE = [MapType.QUEUE, MapType.STACK];

const protos: readonly Omit<HelperProto, "id">[] = [
  { name: "map_lookup_elem", args: ["map_ptr", "map_key"], ret: "map_value_or_null", pktAccess: true },
  { name: "map_update_elem", args: ["map_ptr", "map_key", "map_value", "anything"], ret: "integer", pktAccess: true },
  { name: "map_delete_elem", args: ["map_ptr", "map_key"], ret: "integer", pktAccess: true },
  { name: "map_push_elem", args: ["map_ptr", "map_value", "anything"], ret: "integer", mapTypes: QUEUES, pktAccess: true },
  { name: "map_pop_elem", args: ["map_ptr", "map_value_uninit"], ret: "integer", mapTypes: POPPABLE },
  { name: "map_peek_elem", args: ["map_ptr", "map_value_uninit"], ret: "integer", mapTypes: QUEUES },
  { name: "ktime_get_ns", args: [], ret: "integer" },
  { name: "ktime_get_boot_ns", args: [], ret: "integer" },
  // Only fmt and its size are typed: r3-r5 may be anything, even uninitialised (the format is
  // checked when the helper runs, not by the verifier).
  { name: "trace_printk", args: ["mem_ro", "size"], ret: "integer" },
  { name: "get_prandom_u32", args: [], ret: "integer" },
  { name: "get_smp_processor_id", args: [], ret: "integer" },
  { name: "csum_diff", args: ["mem_ro_or_null", "size_or_zero", "mem_ro_or_null", "size_or_zero", "anything"], ret: "integer", pktAccess: true },
  { name: "loop", args: ["anything", "func", "stack_or_null", "anything"], ret: "integer", callback: true },
  // RET_VOID: after a failed tail call r0 is not initialised.
  { name: "tail_call", args: ["ctx", "map_ptr", "anything"], ret: "void", mapTypes: [MapType.PROG_ARRAY] },
  { name: "redirect", args: ["anything", "anything"], ret: "integer" },
  { name: "redirect_map", args: ["map_ptr", "anything", "anything"], ret: "integer", mapTypes: REDIRECT },
  { name: "xdp_adjust_head", args: ["ctx", "anything"], ret: "integer", changesPkt: true },
  { name: "xdp_adjust_tail", args: ["ctx", "anything"], ret: "integer", changesPkt: true },
  { name: "fib_lookup", args: ["ctx", "mem_rw", "size", "anything"], ret: "integer" },
  { name: "xdp_get_buff_len", args: ["ctx"], ret: "integer" },
  { name: "xdp_load_bytes", args: ["ctx", "anything", "mem_uninit", "size"], ret: "integer" },
  { name: "xdp_store_bytes", args: ["ctx", "anything", "mem_ro", "size"], ret: "integer" },
  { name: "perf_event_output", args: ["ctx", "map_ptr", "anything", "mem_ro", "size_or_zero"], ret: "integer", mapTypes: [MapType.PERF_EVENT_ARRAY] },
  { name: "ringbuf_output", args: ["map_ptr", "mem_ro", "size_or_zero", "anything"], ret: "integer", mapTypes: RINGBUF },
  { name: "ringbuf_reserve", args: ["map_ptr", "alloc_size", "anything"], ret: "ringbuf_mem_or_null", mapTypes: RINGBUF },
  { name: "ringbuf_submit", args: ["ringbuf_release", "anything"], ret: "void" },
  { name: "ringbuf_discard", args: ["ringbuf_release", "anything"], ret: "void" },
  { name: "ringbuf_query", args: ["map_ptr", "anything"], ret: "integer", mapTypes: RINGBUF },
  // From bpf_base_func_proto for a CAP_BPF + CAP_PERFMON loader.
  { name: "get_current_pid_tgid", args: [], ret: "integer" },
  // RET_PTR_TO_BTF_ID_TRUSTED: the current task, never NULL, holding no reference.
  { name: "get_current_task_btf", args: [], ret: "trusted_task" },
  { name: "get_current_uid_gid", args: [], ret: "integer" },
  { name: "get_current_comm", args: ["mem_uninit", "size"], ret: "integer" },
  { name: "get_cgroup_classid", args: [], ret: "integer" },
  { name: "get_current_task", args: [], ret: "integer" },
  { name: "get_numa_node_id", args: [], ret: "integer" },
  { name: "get_current_cgroup_id", args: [], ret: "integer" },
  { name: "get_current_ancestor_cgroup_id", args: ["anything"], ret: "integer" },
  { name: "jiffies64", args: [], ret: "integer" },
  { name: "ktime_get_coarse_ns", args: [], ret: "integer" },
  { name: "ktime_get_tai_ns", args: [], ret: "integer" },
  { name: "send_signal", args: ["anything"], ret: "integer" },
  { name: "send_signal_thread", args: ["anything"], ret: "integer" },
  { name: "probe_read_user", args: ["mem_uninit", "size_or_zero", "anything"], ret: "integer" },
  { name: "probe_read_kernel", args: ["mem_uninit", "size_or_zero", "anything"], ret: "integer" },
  { name: "probe_read_user_str", args: ["mem_uninit", "size_or_zero", "anything"], ret: "integer" },
  { name: "probe_read_kernel_str", args: ["mem_uninit", "size_or_zero", "anything"], ret: "integer" },
  { name: "get_ns_current_pid_tgid", args: ["anything", "anything", "mem_uninit", "size"], ret: "integer" },
  { name: "strtol", args: ["mem_ro", "size", "anything", "long_out"], ret: "integer" },
  { name: "strtoul", args: ["mem_ro", "size", "anything", "long_out"], ret: "integer" },
  { name: "strncmp", args: ["mem_ro", "size", "const_str"], ret: "integer" },
  { name: "perf_event_read", args: ["map_ptr", "anything"], ret: "integer", mapTypes: [MapType.PERF_EVENT_ARRAY] },
  { name: "perf_event_read_value", args: ["map_ptr", "anything", "mem_uninit", "size"], ret: "integer", mapTypes: [MapType.PERF_EVENT_ARRAY] },
  // Socket lookups acquire a reference that bpf_sk_release must drop; the tuple may be in the packet.
  { name: "sk_lookup_tcp", args: ["ctx", "mem_ro", "size_or_zero", "anything", "anything"], ret: "sock_or_null", pktAccess: true },
  { name: "sk_lookup_udp", args: ["ctx", "mem_ro", "size_or_zero", "anything", "anything"], ret: "sock_or_null", pktAccess: true },
  { name: "skc_lookup_tcp", args: ["ctx", "mem_ro", "size_or_zero", "anything", "anything"], ret: "sock_common_or_null", pktAccess: true },
  { name: "sk_release", args: ["sock_release"], ret: "integer" },
  // Casts to BTF-typed sockets (is_ptr_cast_function): maybe null, same reference as the argument.
  { name: "skc_to_tcp6_sock", args: ["sock"], ret: "ptr_or_null_", retBtf: "tcp6_sock" },
  { name: "skc_to_tcp_sock", args: ["sock"], ret: "ptr_or_null_", retBtf: "tcp_sock" },
  { name: "skc_to_tcp_timewait_sock", args: ["sock"], ret: "ptr_or_null_", retBtf: "tcp_timewait_sock" },
  { name: "skc_to_tcp_request_sock", args: ["sock"], ret: "ptr_or_null_", retBtf: "tcp_request_sock" },
  { name: "skc_to_udp6_sock", args: ["sock"], ret: "ptr_or_null_", retBtf: "udp6_sock" },
  { name: "skc_to_unix_sock", args: ["sock"], ret: "ptr_or_null_", retBtf: "unix_sock" },
  // RET_VOID: r0 is not initialised after them.
  { name: "spin_lock", args: ["spin_lock"], ret: "void" },
  { name: "spin_unlock", args: ["spin_lock"], ret: "void" },
  // SYN cookies from raw headers (struct iphdr 20, ipv6hdr 40, tcphdr 20 bytes), packet allowed.
  { name: "tcp_raw_gen_syncookie_ipv4", args: ["fixed_ro", "mem_ro", "size_or_zero"], ret: "integer", pktAccess: true, fixedSizes: [20] },
  { name: "tcp_raw_gen_syncookie_ipv6", args: ["fixed_ro", "mem_ro", "size_or_zero"], ret: "integer", pktAccess: true, fixedSizes: [40] },
  { name: "tcp_raw_check_syncookie_ipv4", args: ["fixed_ro", "fixed_ro2"], ret: "integer", pktAccess: true, fixedSizes: [20, 20] },
  { name: "tcp_raw_check_syncookie_ipv6", args: ["fixed_ro", "fixed_ro2"], ret: "integer", pktAccess: true, fixedSizes: [40, 20] },
  { name: "tcp_check_syncookie", args: ["sock", "mem_ro", "size", "mem_ro", "size"], ret: "integer", pktAccess: true },
  { name: "tcp_gen_syncookie", args: ["sock", "mem_ro", "size", "mem_ro", "size"], ret: "integer", pktAccess: true },
  { name: "get_branch_snapshot", args: ["mem_uninit", "size_or_zero"], ret: "integer" },
  { name: "map_lookup_percpu_elem", args: ["map_ptr", "map_key", "anything"], ret: "map_value_or_null", mapTypes: [MapType.PERCPU_ARRAY, MapType.PERCPU_HASH, MapType.LRU_PERCPU_HASH], pktAccess: true },
  { name: "current_task_under_cgroup", args: ["map_ptr", "anything"], ret: "integer", mapTypes: [MapType.CGROUP_ARRAY] },
  { name: "check_mtu", args: ["ctx", "anything", "int_inout", "anything", "anything"], ret: "integer" },
];

const table: ReadonlyMap<number, HelperProto> = new Map(protos.map((p) => [helperId(p.name), { ...p, id: helperId(p.name) }]));

export function helperProto(id: number): HelperProto | undefined {
  return table.get(id);
}

/**
 * Map types whose maps only the listed helpers accept (the other direction of
 * check_map_func_compatibility): a prog array only for tail calls, a ring buffer only for the
 * ringbuf helpers, and so on.
 */
/**
 * Map kinds whose lookups give something other than plain memory (a socket reference, an inner
 * map, arena or struct_ops memory): the bundled verifier refuses to reason about them.
 */
export function unmodelledMap(type: MapType): string | undefined {
  switch (type) {
    case MapType.ARENA:
      return "arena";
    case MapType.STRUCT_OPS:
      return "struct_ops map";
    default:
      return undefined;
  }
}

export function mapOnlyFor(type: MapType): readonly string[] | undefined {
  switch (type) {
    case MapType.PROG_ARRAY:
      return ["tail_call"];
    case MapType.RINGBUF:
      return ["ringbuf_output", "ringbuf_reserve", "ringbuf_query"];
    case MapType.PERF_EVENT_ARRAY:
      return ["perf_event_output", "perf_event_read", "perf_event_read_value"];
    case MapType.DEVMAP:
    case MapType.DEVMAP_HASH:
    case MapType.XSKMAP:
      return ["redirect_map", "map_lookup_elem"];
    case MapType.CPUMAP:
      return ["redirect_map"];
    // XDP may look up, update and delete socket map entries (may_update_sockmap); the
    // redirect helpers for them are not XDP's.
    case MapType.SOCKMAP:
    case MapType.SOCKHASH:
      return ["map_lookup_elem", "map_update_elem", "map_delete_elem"];
    case MapType.ARRAY_OF_MAPS:
    case MapType.HASH_OF_MAPS:
      return ["map_lookup_elem"];
    // Maps only helpers outside helpers.ts may use (check_map_func_compatibility): any of
    // ours is refused the kernel's way.
    case MapType.CGROUP_ARRAY:
      return ["skb_under_cgroup", "current_task_under_cgroup"];
    case MapType.STACK_TRACE:
      return ["get_stackid"];
    case MapType.REUSEPORT_SOCKARRAY:
      return ["sk_select_reuseport"];
    case MapType.CGROUP_STORAGE:
    case MapType.PERCPU_CGROUP_STORAGE:
      return ["get_local_storage"];
    case MapType.SK_STORAGE:
      return ["sk_storage_get", "sk_storage_delete"];
    case MapType.INODE_STORAGE:
      return ["inode_storage_get", "inode_storage_delete"];
    case MapType.TASK_STORAGE:
      return ["task_storage_get", "task_storage_delete"];
    case MapType.CGRP_STORAGE:
      return ["cgrp_storage_get", "cgrp_storage_delete"];
    case MapType.USER_RINGBUF:
      return ["user_ringbuf_drain"];
    default:
      return undefined;
  }
}

/** The BTF structs helpers return (the skc_to_* socket casts). */
export function helperProtoRetBtfs(): string[] {
  return protos.flatMap((p) => (p.retBtf ? [p.retBtf] : []));
}
