// "tsbpf" for `import`: the run-time values of lib/index.cjs (one copy, shared with require()).
export { XdpAction, UpdateFlags, Pinning, AddressFamily, FibLookupFlags, FibResult, PerfFlags, u8, u16, u32, u64, i8, i16, i32, i64, htons, ntohs, htonl, ntohl, raw } from "./index.cjs";
