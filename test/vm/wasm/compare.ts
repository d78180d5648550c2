// Runs a program on both VM tiers and reduces each outcome to comparable data: return value,
// output frame, redirect target, trace, instruction count, or the fault (kind, site, message);
// and every map's contents, so map effects are compared too.
import { MapType } from "../../../runtime/object/map-types.js";
import { VmFault } from "../../../runtime/vm/errors.js";
import type { VmObject } from "../../../runtime/vm/loader.js";
import type { BpfMap } from "../../../runtime/vm/maps/types.js";
import { runXdp, type RunOptions } from "../../../runtime/vm/xdp.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

export interface Outcome {
  readonly result?: unknown;
  readonly fault?: { kind: string; site: unknown; message: string };
  readonly error?: string;
  readonly tier?: string;
}

export function outcome(run: () => Record<string, unknown> & { tier: string }): Outcome {
  try {
    const { tier, ...rest } = run();
    return { result: JSON.parse(JSON.stringify(rest, (_k, v: unknown) => (v instanceof Uint8Array ? hex(v) : typeof v === "bigint" ? v.toString() : v))), tier };
  } catch (e) {
    if (e instanceof VmFault) return { fault: { kind: e.kind, site: e.site, message: e.message } };
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** Every map's entries (prog arrays and map-in-maps by slot occupancy). */
export function dumpMaps(obj: VmObject): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, map] of obj.maps) out[name] = dumpMap(map);
  return out;
}

function dumpMap(map: BpfMap): string[] {
  const rows: string[] = [];
  if (map.def.type === MapType.RINGBUF || map.def.type === MapType.QUEUE || map.def.type === MapType.STACK) return rows;
  let n = 0;
  for (let key = map.nextKey(undefined); typeof key !== "number" && n < 4096; key = map.nextKey(key), n++) {
    const value = map.userLookup(key);
    rows.push(`${hex(key)}=${typeof value === "number" ? `err${value}` : value instanceof Uint8Array ? hex(value) : "object"}`);
  }
  return rows;
}

/** One XDP run on each tier, each on its own object (same bytes, loaded twice). */
export function bothTiers(interpObj: VmObject, wasmObj: VmObject, program: string, frame: Uint8Array, options: RunOptions = {}): { interp: Outcome; wasm: Outcome } {
  const base: RunOptions = { clock: () => 0n, ...options };
  const interp = outcome(() => runXdp(interpObj, program, frame, { ...base, tier: "interp" }) as unknown as Record<string, unknown> & { tier: string });
  const wasm = outcome(() => runXdp(wasmObj, program, frame, { ...base, tier: "wasm" }) as unknown as Record<string, unknown> & { tier: string });
  return { interp, wasm };
}
