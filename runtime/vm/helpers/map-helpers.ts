// Map helpers: lookup/update/delete, queue and stack push/pop/peek, and for_each_map_elem.
// Keys and values are copied out of program memory with checked views; lookups return the
// address of the live value, read-only when the map is BPF_F_RDONLY_PROG (.rodata).

import type { Machine } from "../machine.js";
import type { BpfMap } from "../maps/types.js";
import { EINVAL, ENOENT, errno, status } from "./errno.js";
import type { HelperFn } from "./registry.js";
import { helperId } from "../../isa/helper-ids.js";

const BPF_F_RDONLY_PROG = 0x80;

const key = (m: Machine, map: BpfMap, addr: bigint): Uint8Array => m.mem.bytes(addr, map.def.keySize, false).slice();


const lookup: HelperFn = (m, mapPtr, keyPtr) => {
  const map = m.mapAt(mapPtr, "bpf_map_lookup_elem's map argument (r1)");
  const k = key(m, map, keyPtr);
  if (map.getInnerMap) {
    const inner = map.getInnerMap(k);
    return inner ? m.mapAddress(inner) : 0n;
  }
  const value = map.lookup(k, m.config.cpu);
  if (!value) return 0n;
  return m.valueAddress(map, value, (map.def.flags & BPF_F_RDONLY_PROG) === 0);
};

const update: HelperFn = (m, mapPtr, keyPtr, valuePtr, flags) => {
  const map = m.mapAt(mapPtr, "bpf_map_update_elem's map argument (r1)");
  const value = m.mem.bytes(valuePtr, map.def.valueSize, false).slice();
  return status(map.update(key(m, map, keyPtr), value, flags, m.config.cpu));
};

const remove: HelperFn = (m, mapPtr, keyPtr) => {
  const map = m.mapAt(mapPtr, "bpf_map_delete_elem's map argument (r1)");
  return status(map.delete(key(m, map, keyPtr)));
};

const push: HelperFn = (m, mapPtr, valuePtr, flags) => {
  const map = m.mapAt(mapPtr, "bpf_map_push_elem's map argument (r1)");
  return status(map.push(m.mem.bytes(valuePtr, map.def.valueSize, false).slice(), flags));
};

/** pop and peek copy the element into the program's buffer. */
function popOrPeek(name: string, take: (map: BpfMap) => Uint8Array | number): HelperFn {
  return (m, mapPtr, valuePtr) => {
    const map = m.mapAt(mapPtr, `bpf_map_${name}_elem's map argument (r1)`);
    const out = m.mem.bytes(valuePtr, map.def.valueSize, true);
    const r = take(map);
    // An empty queue or stack zeroes the buffer (__queue_map_get / __stack_map_get).
    if (r === -ENOENT) out.fill(0);
    if (typeof r === "number") return status(r);
    out.set(r);
    return 0n;
  };
}

const pop = popOrPeek("pop", (map) => map.pop());
const peek = popOrPeek("peek", (map) => map.peek());

/** bpf_for_each_map_elem(map, callback(map, key*, value*, ctx), ctx, flags): elements visited. */
const forEach: HelperFn = (m, mapPtr, fnPtr, ctx, flags) => {
  const map = m.mapAt(mapPtr, "bpf_for_each_map_elem's map argument (r1)");
  const fn = m.functionAt(fnPtr, "bpf_for_each_map_elem's callback (r2)");
  if (flags !== 0n) return errno(EINVAL);
  let visited = 0n;
  for (const { key: k, value } of map.elements(m.config.cpu)) {
    visited++;
    const keyAddr = m.scratch("scratch", `key of map ${map.def.name}`, k.slice(), false);
    const valueAddr = m.valueAddress(map, value, (map.def.flags & BPF_F_RDONLY_PROG) === 0);
    if (m.invoke!(fn, [mapPtr, keyAddr, valueAddr, ctx, 0n]) !== 0n) break;
  }
  return visited;
};

export const mapHelpers: [number, HelperFn][] = [
  [helperId("map_lookup_elem"), lookup],
  [helperId("map_update_elem"), update],
  [helperId("map_delete_elem"), remove],
  [helperId("map_push_elem"), push],
  [helperId("map_pop_elem"), pop],
  [helperId("map_peek_elem"), peek],
  [helperId("for_each_map_elem"), forEach],
];
