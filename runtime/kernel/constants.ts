// Numbers of the bpf(2) interface the kernel backend uses, with the kernel's names
// (include/uapi/linux/bpf.h, if_link.h). Values are ABI: they never change between kernels.

export enum BpfCmd {
  MAP_CREATE = 0,
  MAP_LOOKUP_ELEM = 1,
  MAP_UPDATE_ELEM = 2,
  MAP_DELETE_ELEM = 3,
  MAP_GET_NEXT_KEY = 4,
  PROG_LOAD = 5,
  OBJ_PIN = 6,
  OBJ_GET = 7,
  PROG_TEST_RUN = 10,
  PROG_GET_NEXT_ID = 11,
  MAP_GET_NEXT_ID = 12,
  PROG_GET_FD_BY_ID = 13,
  MAP_GET_FD_BY_ID = 14,
  OBJ_GET_INFO_BY_FD = 15,
  BTF_LOAD = 18,
  MAP_LOOKUP_AND_DELETE_ELEM = 21,
  MAP_FREEZE = 22,
  LINK_CREATE = 28,
  LINK_GET_FD_BY_ID = 30,
  LINK_GET_NEXT_ID = 31,
  LINK_DETACH = 34,
}

export function bpfCmdName(cmd: BpfCmd): string {
  return `BPF_${BpfCmd[cmd] ?? `command ${cmd}`}`;
}

/** enum bpf_prog_type (the ones the backend loads). */
export const ProgType = { XDP: 6 } as const;

/** enum bpf_attach_type. */
export const AttachType = { XDP: 37, XDP_DEVMAP: 38, XDP_CPUMAP: 39 } as const;

/** enum bpf_link_type. */
export const LinkType = { XDP: 6 } as const;

/** BPF_PROG_LOAD prog_flags. */
export const BPF_F_XDP_HAS_FRAGS = 1 << 5;

/** BPF_MAP_UPDATE_ELEM flags. */
export const UpdateFlags = { ANY: 0, NOEXIST: 1, EXIST: 2 } as const;

/** XDP attach flags (if_link.h). */
export const XDP_FLAGS_SKB_MODE = 1 << 1;
export const XDP_FLAGS_DRV_MODE = 1 << 2;

/** Verifier log levels (BPF_LOG_LEVEL1, BPF_LOG_LEVEL2, BPF_LOG_STATS). */
export const LogLevel = { BASIC: 1, VERBOSE: 2, STATS: 4 } as const;

/** BPF_OBJ_NAME_LEN: names are at most 15 characters and a NUL. */
export const BPF_OBJ_NAME_LEN = 16;
