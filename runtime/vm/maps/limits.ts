// Size limits the kernel's map_alloc checks compare against, with the values of the reference
// machine (x86-64, Linux 6.18, CONFIG_NR_CPUS=256, 4 KiB pages, MAX_PAGE_ORDER 10).

export const PAGE_SIZE = 4096;
/** KMALLOC_MAX_SIZE: 1 << (MAX_PAGE_ORDER + PAGE_SHIFT). */
export const KMALLOC_MAX_SIZE = 1 << 22;
/** PCPU_MIN_UNIT_SIZE: the largest per-CPU value. */
export const PCPU_MIN_UNIT_SIZE = 32 << 10;
/** CONFIG_NR_CPUS: the largest CPUMAP. */
export const NR_CPUS = 256;
/** sizeof(struct htab_elem): hash maps need key_size + value_size < KMALLOC_MAX_SIZE - this. */
export const HTAB_ELEM_SIZE = 48;
/** sizeof(struct lpm_trie_node), and the range of an LPM key's data part. */
export const LPM_NODE_SIZE = 24;
export const LPM_DATA_SIZE_MIN = 1;
export const LPM_DATA_SIZE_MAX = 256;
/** Ring buffer: 8-byte record header and largest record (UINT_MAX / 4). */
export const RINGBUF_HDR_SIZE = 8;
export const RINGBUF_MAX_RECORD_SIZE = Math.floor(0xffff_ffff / 4);
/** CPUMAP: the largest queue size an entry may ask for. */
export const CPUMAP_MAX_QSIZE = 16384;
/** BPF_OBJ_NAME_LEN: map names are at most 15 characters plus the terminating NUL. */
export const BPF_OBJ_NAME_LEN = 16;
