// The compiled tier's linear memory (one 64 KiB page per machine, never grown, so views into it
// stay valid): a region table the generated code checks accesses against, scratch words (values
// the imports hand back, run arguments and r0, the instruction budget), a per-run cache of map
// addresses, and the mirrored regions (the 8 frame stacks and the XDP packet buffer), whose
// Region.bytes are views of this memory.
//
//   0      256      512          1536   2048             6144   8192          12288
//   +------+--------+------------+------+----------------+------+-------------+
//   |table | scratch| map cache  |      | stacks 8 x 512 |      | packet 4096 |
//   +------+--------+------------+------+----------------+------+-------------+

/** Region table: entry i (16 bytes) = linear base, lo, hi of region index i (address bits 63..48); hi 0 = not mirrored. */
export const TABLE = 0;
export const TABLE_ENTRIES = 16;
/** High word of a value loaded through the ld import. */
export const SCRATCH_HI = 256;
/** r0 of a helper called through callx. */
export const SCRATCH_R0 = 264;
/** r0..r5 after a tail-called program returns. */
export const SCRATCH_TAIL = 272;
/** r1..r5 for the start export, and r0 it leaves (passed in memory: no BigInt at the boundary). */
export const START_ARGS = 320;
export const START_R0 = 360;
/** Instructions left in the run (i64), shared by every module of the machine. */
export const BUDGET = 384;
/** Per map index: its address (+0) and its element-0 value address (+8), 0 until first use in a run. */
export const CACHE = 512;
export const CACHE_MAPS = 64;
export const STACKS = 2048;
export const PACKET = 8192;
export const PACKET_MAX = 4096;
/** BPF_MAX_LOOPS: each function invocation's may_goto budget. */
export const MAX_LOOPS = 1 << 23;
