// The error createMap throws when the kernel's BPF_MAP_CREATE would fail: it names the map,
// the rule that was broken and the errno the kernel would return for it.

import { errnoName } from "./errno.js";

export class MapCreateError extends Error {
  override readonly name = "MapCreateError";
  constructor(
    readonly mapName: string,
    readonly rule: string,
    /** The positive errno BPF_MAP_CREATE would fail with. */
    readonly errno: number,
  ) {
    super(`map "${mapName}": ${rule} (${errnoName(errno)})`);
  }
}

/** Throws a MapCreateError for `mapName` unless `ok`. */
export function requireDef(ok: boolean, mapName: string, rule: string, errno: number): void {
  if (!ok) throw new MapCreateError(mapName, rule, errno);
}
