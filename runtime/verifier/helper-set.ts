// Which helpers Linux 6.18 lets a privileged (root: CAP_BPF + CAP_PERFMON) loader call from an
// XDP program: xdp_func_proto, falling back to bpf_sk_base_func_proto and bpf_base_func_proto.
// Settled by loading `call N; r0 = 0; exit` for every id 1..211 in the running 6.18.44 kernel:
// these ids fail on their arguments (or load), every other id is "program of this type cannot
// use helper". bpf_xdp_adjust_meta is refused there (the fleet's kernel leaves it out).

/** Helpers (names without bpf_) the kernel accepts in XDP for root. */
export const XDP_HELPERS: ReadonlySet<string> = new Set([
  "map_lookup_elem", "map_update_elem", "map_delete_elem", "ktime_get_ns", "trace_printk", "get_prandom_u32",
  "get_smp_processor_id", "tail_call", "get_current_pid_tgid", "get_current_uid_gid", "get_current_comm", "get_cgroup_classid",
  "perf_event_read", "redirect", "perf_event_output", "csum_diff", "get_current_task", "current_task_under_cgroup",
  "get_numa_node_id", "xdp_adjust_head", "redirect_map", "perf_event_read_value", "xdp_adjust_tail", "fib_lookup",
  "get_current_cgroup_id", "sk_lookup_tcp", "sk_lookup_udp", "sk_release", "map_push_elem", "map_pop_elem",
  "map_peek_elem", "spin_lock", "spin_unlock", "skc_lookup_tcp", "tcp_check_syncookie", "strtol",
  "strtoul", "send_signal", "tcp_gen_syncookie", "probe_read_user", "probe_read_kernel", "probe_read_user_str",
  "probe_read_kernel_str", "send_signal_thread", "jiffies64", "get_ns_current_pid_tgid", "get_current_ancestor_cgroup_id", "ktime_get_boot_ns",
  "ringbuf_output", "ringbuf_reserve", "ringbuf_submit", "ringbuf_discard", "ringbuf_query", "skc_to_tcp6_sock",
  "skc_to_tcp_sock", "skc_to_tcp_timewait_sock", "skc_to_tcp_request_sock", "skc_to_udp6_sock", "get_task_stack", "snprintf_btf",
  "per_cpu_ptr", "this_cpu_ptr", "task_storage_get", "task_storage_delete", "get_current_task_btf", "ktime_get_coarse_ns",
  "check_mtu", "for_each_map_elem", "snprintf", "timer_init", "timer_set_callback", "timer_start",
  "timer_cancel", "task_pt_regs", "get_branch_snapshot", "trace_vprintk", "skc_to_unix_sock", "find_vma",
  "loop", "strncmp", "xdp_get_buff_len", "xdp_load_bytes", "xdp_store_bytes", "kptr_xchg",
  "map_lookup_percpu_elem", "skc_to_mptcp_sock", "dynptr_from_mem", "ringbuf_reserve_dynptr", "ringbuf_submit_dynptr", "ringbuf_discard_dynptr",
  "dynptr_read", "dynptr_write", "dynptr_data", "tcp_raw_gen_syncookie_ipv4", "tcp_raw_gen_syncookie_ipv6", "tcp_raw_check_syncookie_ipv4",
  "tcp_raw_check_syncookie_ipv6", "ktime_get_tai_ns", "user_ringbuf_drain", "cgrp_storage_get", "cgrp_storage_delete",
]);

/** Helpers XDP gets but may not call because they sleep ("helper call might sleep in a non-sleepable prog"). */
export const SLEEPABLE_HELPERS: ReadonlySet<string> = new Set(["copy_from_user", "copy_from_user_task"]);

/**
 * How many arguments the helpers XDP may call but we do not model take (their protos in
 * Linux's kernel/bpf, kernel/trace and net/core): the kernel reads them ("R<n> !read_ok")
 * before anything else about them, so we do too before refusing the helper as unsupported.
 */
export const UNMODELLED_ARGS: ReadonlyMap<string, number> = new Map([
  ["timer_init", 3], ["timer_set_callback", 2], ["timer_start", 3], ["timer_cancel", 1],
  ["kptr_xchg", 2], ["dynptr_from_mem", 4], ["ringbuf_reserve_dynptr", 4], ["ringbuf_submit_dynptr", 2],
  ["ringbuf_discard_dynptr", 2], ["dynptr_read", 5], ["dynptr_write", 5], ["dynptr_data", 3],
  ["for_each_map_elem", 4], ["find_vma", 5], ["user_ringbuf_drain", 4],
  
  ["skc_to_mptcp_sock", 1], 
  ["get_task_stack", 4], ["snprintf_btf", 5], ["per_cpu_ptr", 2],
  ["this_cpu_ptr", 1], ["task_storage_get", 4], ["task_storage_delete", 2], ["task_pt_regs", 1],
  ["trace_vprintk", 4], ["snprintf", 5], 
  
  ["cgrp_storage_get", 4], ["cgrp_storage_delete", 2],
]);

/** Helpers a program whose license is not GPL-compatible may not call (gpl_only; probed). */
export const GPL_ONLY: ReadonlySet<string> = new Set([
  "trace_printk", "perf_event_read", "perf_event_output", "get_current_task", "perf_event_read_value", "fib_lookup",
  "tcp_check_syncookie", "tcp_gen_syncookie", "probe_read_user", "probe_read_kernel", "probe_read_user_str", "probe_read_kernel_str",
  "get_current_task_btf", "check_mtu", "snprintf", "timer_init", "timer_set_callback", "timer_start",
  "timer_cancel", "task_pt_regs", "get_branch_snapshot", "trace_vprintk", "copy_from_user_task", "tcp_raw_gen_syncookie_ipv4",
  "tcp_raw_gen_syncookie_ipv6", "tcp_raw_check_syncookie_ipv4", "tcp_raw_check_syncookie_ipv6",
]);

/** license_is_gpl_compatible: the licenses the kernel counts as GPL-compatible. */
export const GPL_COMPATIBLE: ReadonlySet<string> = new Set(["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"]);
