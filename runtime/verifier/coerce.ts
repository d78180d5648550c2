// Narrowing of scalars to an access size, as the kernel's coerce_reg_to_size(_sx) after a
// narrow load or a narrow spill (thin wrappers that accept size 8, where nothing changes).

import { scalarSignExtend, scalarTruncate } from "./scalar-alu.js";
import type { Scalar } from "./scalar.js";

/** The value of the low `size` bytes of `s`, zero-extended. */
export function truncateScalar(s: Scalar, size: 1 | 2 | 4 | 8): Scalar {
  return size === 8 ? s : scalarTruncate(size, s);
}

/** The value of the low `size` bytes of `s`, sign-extended to 64 bits. */
export function signExtend(s: Scalar, size: 1 | 2 | 4 | 8): Scalar {
  return size === 8 ? s : scalarSignExtend(size, s);
}
