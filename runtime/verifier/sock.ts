// Sockets a program holds (PTR_TO_SOCKET / PTR_TO_SOCK_COMMON from bpf_sk_lookup_tcp/udp,
// bpf_skc_lookup_tcp and sockmap/sockhash lookups): which `struct bpf_sock` fields a load may
// read (bpf_sock_is_valid_access, bpf_sock_common_is_valid_access). Writes are refused.

import { RuleError } from "./messages.js";
import { scalarLoad } from "./scalar.js";
import type { RegState, SockPtr } from "./state.js";

const SIZEOF_BPF_SOCK = 80;
// Fields a narrower load may read (bpf_ctx_narrow_access_ok against 4 bytes): state, family,
// type, protocol, src_port, rx_queue_mapping, src_ip4, src_ip6[4], dst_ip4, dst_ip6[4].
const NARROW_OK = new Set([72, 4, 8, 12, 44, 76, 24]);
const inRange = (off: number, lo: number, end: number): boolean => off >= lo && off < end;

function narrowable(off: number): boolean {
  return NARROW_OK.has(off) || inRange(off, 24, 28) || inRange(off, 28, 44) || inRange(off, 52, 56) || inRange(off, 56, 72);
}

/** bpf_sock_is_valid_access for a read of `size` bytes at `off`. */
function sockFieldOk(off: number, size: number): boolean {
  if (off < 0 || off >= SIZEOF_BPF_SOCK || off % size !== 0) return false;
  if (off === 48 || off === 49) return true; // dst_port: 1, 2 or 4 bytes
  if (off === 50 || off === 51) return false; // the 2-byte hole after dst_port
  if (narrowable(off)) return size <= 4;
  return size === 4;
}

/** A load through a socket pointer: an unknown value of the field's size. */
export function sockAccess(reg: SockPtr, regno: number, off: number, size: 1 | 2 | 4 | 8, write: boolean, signed: boolean): RegState | undefined {
  if (reg.type === "sock_or_null" || reg.type === "sock_common_or_null") throw new RuleError(`R${regno} invalid mem access '${reg.type}'`, [regno]);
  if (write) throw new RuleError(`R${regno} cannot write into ${reg.type}`, [regno]);
  // sock_common has no type..priority (bytes 8..23): those live in a full socket only.
  const ok = reg.type === "sock_common" && off >= 8 && off < 24 ? false : sockFieldOk(off, size);
  if (!ok) throw new RuleError(`R${regno} invalid ${reg.type} access off=${off} size=${size}`, [regno]);
  return { type: "scalar", s: scalarLoad(size, signed), id: 0 };
}
