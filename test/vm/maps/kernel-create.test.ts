// Map creation against the kernel: the same definitions go to BPF_MAP_CREATE (bpftool map
// create) and to createMap. The kernel's errno must be MapCreateError's, and for maps it
// creates, what it records (flags, max_entries, as `bpftool map show` prints them) must be
// the VM map's def.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import { createMap, MapCreateError, type MapDef } from "../../../runtime/vm/maps/index.js";
import { kernelAccess } from "../../support/kernel.js";
import { bpftoolSession, possibleCpus } from "./kernel-oracle.js";

const k = kernelAccess();
const CPUS = possibleCpus(readFileSync("/sys/devices/system/cpu/possible", "utf8"));

interface Case {
  readonly def: MapDef;
}

const T = MapType;
function d(type: MapType, keySize: number, valueSize: number, maxEntries: number, flags = 0, extra: Partial<MapDef> = {}): Case {
  return { def: { name: "m", type, keySize, valueSize, maxEntries, flags, ...extra } };
}

const inner = (type: MapType, keySize = 4, valueSize = 4, maxEntries = 1, flags = 0, innerMap?: MapDef): MapDef => ({
  name: "inner",
  type,
  keySize,
  valueSize,
  maxEntries,
  flags,
  ...(innerMap ? { innerMap } : {}),
});

const CASES: readonly Case[] = [
  // ARRAY / PERCPU_ARRAY
  d(T.ARRAY, 4, 4, 1),
  d(T.ARRAY, 8, 4, 1),
  d(T.ARRAY, 4, 0, 1),
  d(T.ARRAY, 4, 4, 0),
  d(T.ARRAY, 4, 4, 1, 0x1), // NO_PREALLOC
  d(T.ARRAY, 4, 4, 1, 0x400), // MMAPABLE
  d(T.ARRAY, 4, 4, 1, 0x1000), // INNER_MAP
  d(T.ARRAY, 4, 4, 1, 0x800), // PRESERVE_ELEMS
  d(T.ARRAY, 4, 4, 1, 0x180), // RDONLY_PROG | WRONLY_PROG
  d(T.ARRAY, 4, 4, 1, 0x18), // RDONLY | WRONLY
  d(T.ARRAY, 4, 4, 1, 0x80),
  d(T.ARRAY, 4, 4, 1, 0x8),
  d(T.ARRAY, 4, 2 ** 31, 1),
  d(T.PERCPU_ARRAY, 4, 32768, 1),
  d(T.PERCPU_ARRAY, 4, 32769, 1),
  d(T.PERCPU_ARRAY, 4, 4, 1, 0x4), // NUMA_NODE
  d(T.PERCPU_ARRAY, 4, 4, 1, 0x400),
  // hash family
  d(T.HASH, 4, 4, 1),
  d(T.HASH, 0, 4, 1),
  d(T.HASH, 4, 0, 1),
  d(T.HASH, 4, 4, 0),
  d(T.HASH, 4, 4, 1, 0x2), // NO_COMMON_LRU
  d(T.HASH, 4, 4, 1, 0x40), // ZERO_SEED
  d(T.HASH, 4, 4, 1, 0x400),
  d(T.HASH, 2097152, 2097104, 1, 0x1),
  d(T.HASH, 2097152, 2097103, 1, 0x1),
  d(T.HASH, 4, 4, 2 ** 27 + 1, 0x1),
  d(T.PERCPU_HASH, 4, 32768, 1),
  d(T.PERCPU_HASH, 4, 32761, 1),
  d(T.PERCPU_HASH, 4, 32769, 1),
  d(T.PERCPU_HASH, 4, 4, 1, 0x4),
  d(T.LRU_HASH, 4, 4, 1),
  d(T.LRU_HASH, 4, 4, 1, 0x1),
  d(T.LRU_HASH, 4, 4, 3, 0x2),
  d(T.LRU_PERCPU_HASH, 4, 4, 5, 0x2),
  d(T.LRU_PERCPU_HASH, 4, 4, 4, 0x6),
  // LPM_TRIE
  d(T.LPM_TRIE, 8, 4, 1, 0x1),
  d(T.LPM_TRIE, 8, 4, 1),
  d(T.LPM_TRIE, 4, 4, 1, 0x1),
  d(T.LPM_TRIE, 5, 4, 1, 0x1),
  d(T.LPM_TRIE, 260, 4, 1, 0x1),
  d(T.LPM_TRIE, 261, 4, 1, 0x1),
  d(T.LPM_TRIE, 8, 0, 1, 0x1),
  d(T.LPM_TRIE, 8, 4, 0, 0x1),
  d(T.LPM_TRIE, 8, 4, 1, 0x401),
  // QUEUE / STACK
  d(T.QUEUE, 0, 4, 1),
  d(T.QUEUE, 4, 4, 1),
  d(T.QUEUE, 0, 0, 1),
  d(T.QUEUE, 0, 4, 0),
  d(T.QUEUE, 0, 4, 1, 0x1),
  d(T.STACK, 0, 4194305, 1),
  d(T.STACK, 0, 4194304, 1),
  // RINGBUF
  d(T.RINGBUF, 0, 0, 4096),
  d(T.RINGBUF, 0, 0, 8192),
  d(T.RINGBUF, 0, 0, 12288),
  d(T.RINGBUF, 0, 0, 2048),
  d(T.RINGBUF, 4, 0, 4096),
  d(T.RINGBUF, 0, 0, 4096, 0x8),
  // fd arrays
  d(T.PROG_ARRAY, 4, 4, 4),
  d(T.PROG_ARRAY, 4, 8, 4),
  d(T.PROG_ARRAY, 8, 4, 4),
  d(T.PROG_ARRAY, 4, 4, 4, 0x80),
  d(T.PERF_EVENT_ARRAY, 4, 4, 4),
  d(T.PERF_EVENT_ARRAY, 4, 4, 4, 0x800),
  d(T.PERF_EVENT_ARRAY, 4, 8, 4),
  // redirect maps
  d(T.DEVMAP, 4, 4, 4),
  d(T.DEVMAP, 4, 8, 4),
  d(T.DEVMAP, 4, 6, 4),
  d(T.DEVMAP, 4, 4, 4, 0x80),
  d(T.DEVMAP, 4, 4, 4, 0x8),
  d(T.DEVMAP_HASH, 4, 4, 4),
  d(T.DEVMAP_HASH, 8, 4, 4),
  d(T.CPUMAP, 4, 4, 4),
  d(T.CPUMAP, 4, 8, 4),
  d(T.CPUMAP, 4, 12, 4),
  d(T.CPUMAP, 4, 4, 257),
  d(T.CPUMAP, 4, 4, 4, 0x8),
  d(T.XSKMAP, 4, 4, 4),
  d(T.XSKMAP, 4, 8, 4),
  // maps of maps
  d(T.ARRAY_OF_MAPS, 4, 4, 2, 0, { innerMap: inner(T.ARRAY) }),
  d(T.HASH_OF_MAPS, 4, 4, 2, 0, { innerMap: inner(T.HASH) }),
  d(T.HASH_OF_MAPS, 8, 4, 2, 0, { innerMap: inner(T.RINGBUF, 0, 0, 4096) }),
  d(T.ARRAY_OF_MAPS, 4, 8, 2, 0, { innerMap: inner(T.ARRAY) }),
  d(T.ARRAY_OF_MAPS, 4, 4, 2, 0, { innerMap: inner(T.PROG_ARRAY) }),
  d(T.HASH_OF_MAPS, 4, 4, 2, 0, { innerMap: inner(T.ARRAY_OF_MAPS, 4, 4, 1, 0, inner(T.ARRAY)) }),
  // names
  d(T.HASH, 4, 4, 1, 0, { name: "bad-name" }),
  d(T.HASH, 4, 4, 1, 0, { name: "a_name_longer_than_fifteen" }),
];

/** The bpftool type word of a map type. */
const typeWord = (t: MapType): string => MapType[t]!.toLowerCase();

function createCmd(pin: string, def: MapDef, innerPin?: string): string[] {
  return [
    "map",
    "create",
    pin,
    "type",
    typeWord(def.type),
    "key",
    String(def.keySize),
    "value",
    String(def.valueSize),
    "entries",
    String(def.maxEntries),
    "name",
    def.name,
    ...(def.flags ? ["flags", String(def.flags)] : []),
    ...(innerPin ? ["inner_map", "pinned", innerPin] : []),
  ];
}

/** The VM's answer: 0 and the recorded flags/max_entries, or the errno of MapCreateError. */
function vmCreate(def: MapDef): { errno: number; flags?: number; max_entries?: number } {
  try {
    const map = createMap(def, { cpus: CPUS });
    return { errno: 0, flags: map.def.flags, max_entries: map.def.maxEntries };
  } catch (e) {
    if (e instanceof MapCreateError) return { errno: e.errno };
    throw e;
  }
}

describe.skipIf(!k)("map creation against the kernel", () => {
  const session = bpftoolSession(k, "tsbpf-maps-create");

  it(`${CASES.length} definitions: the kernel's errno, flags and max_entries`, async () => {
    // Inner map templates are created (and pinned) first, innermost first.
    const creates = (def: MapDef, pin: string): string[][] =>
      def.innerMap ? [...creates(def.innerMap, `${pin}-i`), createCmd(pin, def, `${pin}-i`)] : [createCmd(pin, def)];
    const lists = CASES.map((c, i) => [...creates(c.def, `${session.dir}/c${i}`), ["map", "show", "pinned", `${session.dir}/c${i}`]]);
    const results = await session.batch.runLanes(lists);
    CASES.forEach((c, i) => {
      const r = results[i]!;
      const created = r[r.length - 2]!;
      const shown = r[r.length - 1]!;
      const kernel =
        created.errno === 0
          ? { errno: 0, ...pick((shown as { output: Record<string, number> }).output) }
          : { errno: created.errno };
      expect(vmCreate(c.def), `${MapType[c.def.type]} ${JSON.stringify({ ...c.def, type: undefined })}`).toEqual(kernel);
    });
  });
});

function pick(show: Record<string, number>): { flags: number; max_entries: number } {
  return { flags: show.flags!, max_entries: show.max_entries! };
}
