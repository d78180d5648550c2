// The helper table: kernel helper id → implementation. A helper receives the run's Machine
// and r1..r5 and returns r0; its faults are RawFaults, which the interpreter locates.
// The loader refuses programs that call a helper missing from this table.

import type { Machine } from "../machine.js";
import { mapHelpers } from "./map-helpers.js";
import { miscHelpers } from "./misc-helpers.js";
import { outputHelpers } from "./output-helpers.js";
import { xdpHelpers } from "./xdp-helpers.js";

export type HelperFn = (m: Machine, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint) => bigint;

/** Every helper the VM implements, by kernel id. */
export const helperTable: ReadonlyMap<number, HelperFn> = new Map<number, HelperFn>([...mapHelpers, ...miscHelpers, ...xdpHelpers, ...outputHelpers]);

