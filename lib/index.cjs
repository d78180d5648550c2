// The run-time values of "tsbpf" for tests and tools (CommonJS, so `require("tsbpf")` works on
// every Node 20; lib/index.js re-exports it for `import`): the enums of lib/index.d.ts as
// TypeScript emits enums (with reverse mappings), the integer conversions and byte order as
// the compiled program computes them on a little-endian host. Maps, helpers and the XDP
// context exist only in compiled programs. test/api/runtime-values.test.ts holds these to
// the declarations.
"use strict";

function numericEnum(members) {
  const e = {};
  for (const [name, value] of Object.entries(members)) e[(e[name] = value)] = name;
  return Object.freeze(e);
}

function integer(name, v) {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  throw new RangeError(`${name}: ${String(v)} is not an integer`);
}

exports.XdpAction = numericEnum({ ABORTED: 0, DROP: 1, PASS: 2, TX: 3, REDIRECT: 4 });
exports.UpdateFlags = numericEnum({ ANY: 0, NOEXIST: 1, EXIST: 2 });
exports.Pinning = numericEnum({ NONE: 0, BY_NAME: 1 });
exports.AddressFamily = numericEnum({ INET: 2, INET6: 10 });
exports.FibLookupFlags = numericEnum({ NONE: 0, DIRECT: 1, OUTPUT: 2, SKIP_NEIGH: 4, TBID: 8, SRC: 16, MARK: 32 });
exports.FibResult = numericEnum({
  SUCCESS: 0,
  BLACKHOLE: 1,
  UNREACHABLE: 2,
  PROHIBIT: 3,
  NOT_FWDED: 4,
  FWD_DISABLED: 5,
  UNSUPP_LWT: 6,
  NO_NEIGH: 7,
  FRAG_NEEDED: 8,
  NO_SRC_ADDR: 9,
});
exports.PerfFlags = numericEnum({ CURRENT_CPU: 0xffffffff });

// Truncation or sign extension to the width, as the BPF code does; the result is a number
// (exact below 2^53, like every integer a test reads back from the VM as a number).
exports.u8 = (v) => Number(BigInt.asUintN(8, integer("u8", v)));
exports.u16 = (v) => Number(BigInt.asUintN(16, integer("u16", v)));
exports.u32 = (v) => Number(BigInt.asUintN(32, integer("u32", v)));
exports.u64 = (v) => Number(BigInt.asUintN(64, integer("u64", v)));
exports.i8 = (v) => Number(BigInt.asIntN(8, integer("i8", v)));
exports.i16 = (v) => Number(BigInt.asIntN(16, integer("i16", v)));
exports.i32 = (v) => Number(BigInt.asIntN(32, integer("i32", v)));
exports.i64 = (v) => Number(BigInt.asIntN(64, integer("i64", v)));

// Byte swaps of the low 16 / 32 bits: host (little-endian) <-> network order.
function swap16(name, v) {
  const x = Number(BigInt.asUintN(16, integer(name, v)));
  return ((x & 0xff) << 8) | (x >>> 8);
}
function swap32(name, v) {
  const x = Number(BigInt.asUintN(32, integer(name, v)));
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}
exports.htons = (v) => swap16("htons", v);
exports.ntohs = (v) => swap16("ntohs", v);
exports.htonl = (v) => swap32("htonl", v);
exports.ntohl = (v) => swap32("ntohl", v);
// raw(x): the bits of a network-order value unswapped; a test holds the same number.
exports.raw = (v) => v;
