// Kernel errno values as helpers return them (negated, as a u64 register value).

/** Negative errno as a helper's u64 return value. */
export const errno = (e: number): bigint => BigInt.asUintN(64, BigInt(-e));

export const EPERM = 1;
export const ENOENT = 2;
export const E2BIG = 7;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSPC = 28;
export const EOPNOTSUPP = 95;
export const EAFNOSUPPORT = 97;
