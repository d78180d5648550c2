// Helper return values for errors. The errno numbers are the maps' table (one table for the
// whole VM); helpers return them negated, as a u64 register value.

export { E2BIG, EACCES, EFAULT, EINVAL, ENODEV, ENOENT, EOPNOTSUPP } from "../maps/errno.js";

/** EAFNOSUPPORT: only bpf_fib_lookup returns it, so the maps' table does not name it. */
export const EAFNOSUPPORT = 97;

/** Negative errno as a helper's u64 return value. */
export const errno = (e: number): bigint => BigInt.asUintN(64, BigInt(-e));

/** A map operation's result (0, a count, or a negative errno) as a helper's return value. */
export const status = (r: number): bigint => (r < 0 ? errno(-r) : BigInt(r));
