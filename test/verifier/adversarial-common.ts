// Shared pieces of the adversarial verifier programs (adversarial-memory.ts,
// adversarial-flow.ts): maps, instruction snippets and the `bad:` probe. A branch to `bad:`
// reads the uninitialised r7, so it probes whether a path is live.
import { MapType } from "../../runtime/object/map-types.js";

export const HASH = { name: "counts", type: MapType.HASH, keySize: 4, valueSize: 8, maxEntries: 16 };
export const BIG = { name: "big", type: MapType.HASH, keySize: 4, valueSize: 64, maxEntries: 16 };
export const ARRAY = { name: "arr", type: MapType.ARRAY, keySize: 4, valueSize: 16, maxEntries: 4 };
export const PROGS = { name: "jumps", type: MapType.PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 };

// r2 = data, r3 = data_end.
export const PKT = `
  w2 = *(u32 *)(r1 + 0x0)
  w3 = *(u32 *)(r1 + 0x4)`;
// r6 = ctx, r0 = a random 32-bit value (bpf_get_prandom_u32).
export const RAND = `
  r6 = r1
  call 0x7`;
// Looks up key 0 in `map`: r0 = value or null.
export const LOOKUP = (map: string): string => `
  *(u32 *)(r10 - 0x4) = 0x0
  r2 = r10
  r2 += -0x4
  r1 = 0x0 ll ; @${map}
  call 0x1`;
// A path that must be dead: reading r7 (never written) is refused on any live path.
export const BAD = `
bad:
  r0 = r7
  exit`;
export const OK = `
  r0 = 0x2
  exit`;

// Two paths meet at `m:` (merge); the first one explored (the fall-through) is stored there,
// and the second must not be pruned by it unless the first covers it. PAD spaces the
// instructions so that the kernel stores a state there.
export const PAD = Array.from({ length: 10 }, () => "  r9 = 0x0").join("\n");
export const merge = (setupFall: string, setupJump: string, after: string): string => `${RAND}
  r8 = r0
${PAD}
  if r8 > 0x7 goto j
${setupFall}
${PAD}
  goto m
j:
${setupJump}
${PAD}
m:
${after}${OK}`;

// A packet pointer with 16 bytes proven, in r6 (ctx in r7).
export const PKT16 = `
  r7 = r1
  w6 = *(u32 *)(r1 + 0x0)
  w3 = *(u32 *)(r1 + 0x4)
  r4 = r6
  r4 += 0x10
  if r4 > r3 goto out`;
export const QUEUE = { name: "q", type: MapType.QUEUE, keySize: 0, valueSize: 4, maxEntries: 4 };
export const PERF = { name: "events", type: MapType.PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 };
export const RB = { name: "rb", type: MapType.RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096 };

export const DEVMAP = { name: "dev", type: MapType.DEVMAP, keySize: 4, valueSize: 4, maxEntries: 4 };
export const CPUMAP = { name: "cpus", type: MapType.CPUMAP, keySize: 4, valueSize: 4, maxEntries: 4 };
export const XSKMAP = { name: "xsks", type: MapType.XSKMAP, keySize: 4, valueSize: 4, maxEntries: 4 };
export const STACKMAP = { name: "st", type: MapType.STACK, keySize: 0, valueSize: 4, maxEntries: 4 };
export const BLOOM = { name: "bloom", type: MapType.BLOOM_FILTER, keySize: 0, valueSize: 4, maxEntries: 4 };
export const LPM = { name: "lpm", type: MapType.LPM_TRIE, keySize: 8, valueSize: 4, maxEntries: 4, flags: 1 };
export const PCPU = { name: "pcpu", type: MapType.PERCPU_ARRAY, keySize: 4, valueSize: 8, maxEntries: 4 };
