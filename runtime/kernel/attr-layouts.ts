// The `union bpf_attr` member of every bpf(2) command the backend issues, and the info
// structs it reads, as in include/uapi/linux/bpf.h of Linux 6.18. Offsets are bytes; pointers
// are __aligned_u64. Fields newer than 6.1 (the oldest header we check against) are marked.

import { layout } from "./attr.js";

// BPF_MAP_CREATE
//    0 map_type   4 key_size   8 value_size   12 max_entries   16 map_flags   20 inner_map_fd
//   24 numa_node  28 map_name[16]                              44 map_ifindex 48 btf_fd
//   52 btf_key_type_id   56 btf_value_type_id   60 btf_vmlinux_value_type_id   64 map_extra (u64)
export const MapCreate = layout("union bpf_attr", "", [
  ["map_type", 0, "u32"],
  ["key_size", 4, "u32"],
  ["value_size", 8, "u32"],
  ["max_entries", 12, "u32"],
  ["map_flags", 16, "u32"],
  ["inner_map_fd", 20, "u32"],
  ["numa_node", 24, "u32"],
  ["map_name", 28, "name16"],
  ["map_ifindex", 44, "u32"],
  ["btf_fd", 48, "u32"],
  ["btf_key_type_id", 52, "u32"],
  ["btf_value_type_id", 56, "u32"],
  ["btf_vmlinux_value_type_id", 60, "u32"],
  ["map_extra", 64, "u64"],
] as const);

// BPF_MAP_LOOKUP_ELEM / UPDATE_ELEM / DELETE_ELEM / GET_NEXT_KEY
//    0 map_fd   4 (pad)   8 key (ptr)   16 value | next_key (ptr)   24 flags (u64)
export const MapElem = layout("union bpf_attr", "", [
  ["map_fd", 0, "u32"],
  ["key", 8, "ptr"],
  ["value", 16, "ptr"],
  ["flags", 24, "u64"],
] as const);
export const MapNextKey = layout("union bpf_attr", "", [
  ["map_fd", 0, "u32"],
  ["key", 8, "ptr"],
  ["next_key", 16, "ptr"],
] as const);

// BPF_MAP_FREEZE: 0 map_fd
export const MapFd = layout("union bpf_attr", "", [["map_fd", 0, "u32"]] as const);

// BPF_PROG_LOAD
//    0 prog_type   4 insn_cnt   8 insns (ptr)   16 license (ptr)   24 log_level   28 log_size
//   32 log_buf (ptr)   40 kern_version   44 prog_flags   48 prog_name[16]   64 prog_ifindex
//   68 expected_attach_type   72 prog_btf_fd   76 func_info_rec_size   80 func_info (ptr)
//   88 func_info_cnt   92 line_info_rec_size   96 line_info (ptr)   104 line_info_cnt
//  108 attach_btf_id   112 attach_prog_fd   116 core_relo_cnt   120 fd_array (ptr)
//  128 core_relos (ptr)   136 core_relo_rec_size   140 log_true_size (6.4, output)
export const ProgLoad = layout("union bpf_attr", "", [
  ["prog_type", 0, "u32"],
  ["insn_cnt", 4, "u32"],
  ["insns", 8, "ptr"],
  ["license", 16, "ptr"],
  ["log_level", 24, "u32"],
  ["log_size", 28, "u32"],
  ["log_buf", 32, "ptr"],
  ["kern_version", 40, "u32"],
  ["prog_flags", 44, "u32"],
  ["prog_name", 48, "name16"],
  ["prog_ifindex", 64, "u32"],
  ["expected_attach_type", 68, "u32"],
  ["prog_btf_fd", 72, "u32"],
  ["func_info_rec_size", 76, "u32"],
  ["func_info", 80, "ptr"],
  ["func_info_cnt", 88, "u32"],
  ["line_info_rec_size", 92, "u32"],
  ["line_info", 96, "ptr"],
  ["line_info_cnt", 104, "u32"],
  ["attach_btf_id", 108, "u32"],
  ["attach_prog_fd", 112, "u32"],
  ["core_relo_cnt", 116, "u32"],
  ["fd_array", 120, "ptr"],
  ["core_relos", 128, "ptr"],
  ["core_relo_rec_size", 136, "u32"],
  ["log_true_size", 140, "u32"],
] as const);

/** Fields of ProgLoad that the 6.1 uapi header does not have yet. */
export const NEWER_THAN_6_1 = new Set(["log_true_size", "btf_log_true_size"]);

// struct bpf_func_info { 0 insn_off (in instructions)  4 type_id }                      8 bytes
// struct bpf_line_info { 0 insn_off  4 file_name_off  8 line_off  12 line_col (line<<10|col) }  16 bytes
export const FUNC_INFO_REC_SIZE = 8;
export const LINE_INFO_REC_SIZE = 16;

// BPF_OBJ_PIN / BPF_OBJ_GET: 0 pathname (ptr)   8 bpf_fd   12 file_flags
export const ObjPath = layout("union bpf_attr", "", [
  ["pathname", 0, "ptr"],
  ["bpf_fd", 8, "u32"],
  ["file_flags", 12, "u32"],
] as const);

// BPF_PROG_TEST_RUN (attr.test)
//    0 prog_fd   4 retval (out)   8 data_size_in   12 data_size_out (in/out)   16 data_in (ptr)
//   24 data_out (ptr)   32 repeat   36 duration (out, ns per run)   40 ctx_size_in
//   44 ctx_size_out (in/out)   48 ctx_in (ptr)   56 ctx_out (ptr)   64 flags   68 cpu   72 batch_size
export const TestRun = layout("union bpf_attr", "test.", [
  ["prog_fd", 0, "u32"],
  ["retval", 4, "u32"],
  ["data_size_in", 8, "u32"],
  ["data_size_out", 12, "u32"],
  ["data_in", 16, "ptr"],
  ["data_out", 24, "ptr"],
  ["repeat", 32, "u32"],
  ["duration", 36, "u32"],
  ["ctx_size_in", 40, "u32"],
  ["ctx_size_out", 44, "u32"],
  ["ctx_in", 48, "ptr"],
  ["ctx_out", 56, "ptr"],
  ["flags", 64, "u32"],
  ["cpu", 68, "u32"],
  ["batch_size", 72, "u32"],
] as const);

// BPF_{PROG,MAP,LINK}_GET_NEXT_ID / _GET_FD_BY_ID: 0 start_id | prog_id | map_id | link_id   4 next_id (out)   8 open_flags
export const GetId = layout("union bpf_attr", "", [
  ["start_id", 0, "u32"],
  ["next_id", 4, "u32"],
  ["open_flags", 8, "u32"],
] as const);

// BPF_OBJ_GET_INFO_BY_FD (attr.info): 0 bpf_fd   4 info_len (in/out)   8 info (ptr)
export const InfoByFd = layout("union bpf_attr", "info.", [
  ["bpf_fd", 0, "u32"],
  ["info_len", 4, "u32"],
  ["info", 8, "ptr"],
] as const);

// BPF_BTF_LOAD
//    0 btf (ptr)   8 btf_log_buf (ptr)   16 btf_size   20 btf_log_size   24 btf_log_level
//   28 btf_log_true_size (6.4, output)
export const BtfLoad = layout("union bpf_attr", "", [
  ["btf", 0, "ptr"],
  ["btf_log_buf", 8, "ptr"],
  ["btf_size", 16, "u32"],
  ["btf_log_size", 20, "u32"],
  ["btf_log_level", 24, "u32"],
  ["btf_log_true_size", 28, "u32"],
] as const);

// BPF_LINK_CREATE (attr.link_create)
//    0 prog_fd   4 target_fd | target_ifindex   8 attach_type   12 flags   16 (per link type)
export const LinkCreate = layout("union bpf_attr", "link_create.", [
  ["prog_fd", 0, "u32"],
  ["target_ifindex", 4, "u32"],
  ["attach_type", 8, "u32"],
  ["flags", 12, "u32"],
  ["target_btf_id", 16, "u32"],
] as const);

// BPF_LINK_DETACH (attr.link_detach): 0 link_fd
export const LinkDetach = layout("union bpf_attr", "link_detach.", [["link_fd", 0, "u32"]] as const);

// struct bpf_prog_info (the fields we read)
//    0 type   4 id   8 tag[8]   16 jited_prog_len   20 xlated_prog_len   24 jited_prog_insns
//   32 xlated_prog_insns   40 load_time   48 created_by_uid   52 nr_map_ids   56 map_ids (ptr)
//   64 name[16]   80 ifindex   84 gpl_compatible:1 ...   128 btf_id ...   216 verified_insns
export const ProgInfo = layout("struct bpf_prog_info", "", [
  ["type", 0, "u32"],
  ["id", 4, "u32"],
  ["tag", 8, "bytes8"],
  ["jited_prog_len", 16, "u32"],
  ["xlated_prog_len", 20, "u32"],
  ["nr_map_ids", 52, "u32"],
  ["map_ids", 56, "ptr"],
  ["name", 64, "name16"],
  ["btf_id", 128, "u32"],
  ["nr_func_info", 144, "u32"],
  ["nr_line_info", 148, "u32"],
  ["verified_insns", 216, "u32"],
  ["attach_btf_id", 224, "u32"],
] as const);

// struct bpf_map_info
//    0 type   4 id   8 key_size   12 value_size   16 max_entries   20 map_flags   24 name[16]
//   40 ifindex   44 btf_vmlinux_value_type_id   48 netns_dev   56 netns_ino   64 btf_id
//   68 btf_key_type_id   72 btf_value_type_id   76 (pad)   80 map_extra
export const MapInfo = layout("struct bpf_map_info", "", [
  ["type", 0, "u32"],
  ["id", 4, "u32"],
  ["key_size", 8, "u32"],
  ["value_size", 12, "u32"],
  ["max_entries", 16, "u32"],
  ["map_flags", 20, "u32"],
  ["name", 24, "name16"],
  ["btf_id", 64, "u32"],
  ["btf_key_type_id", 68, "u32"],
  ["btf_value_type_id", 72, "u32"],
  ["map_extra", 80, "u64"],
] as const);

// struct bpf_link_info: 0 type   4 id   8 prog_id   16 union { ... xdp: { 16 ifindex } }
export const LinkInfo = layout("struct bpf_link_info", "", [
  ["type", 0, "u32"],
  ["id", 4, "u32"],
  ["prog_id", 8, "u32"],
  ["xdp.ifindex", 16, "u32"],
] as const);

// struct xdp_md (the XDP ctx of BPF_PROG_TEST_RUN)
//    0 data   4 data_end   8 data_meta   12 ingress_ifindex   16 rx_queue_index   20 egress_ifindex
export const XdpMd = layout("struct xdp_md", "", [
  ["data", 0, "u32"],
  ["data_end", 4, "u32"],
  ["data_meta", 8, "u32"],
  ["ingress_ifindex", 12, "u32"],
  ["rx_queue_index", 16, "u32"],
  ["egress_ifindex", 20, "u32"],
] as const);
export const XDP_MD_SIZE = 24;
