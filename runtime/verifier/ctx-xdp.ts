// struct xdp_md as the verifier sees it (net/core/filter.c xdp_is_valid_access): six u32
// fields, read-only, read whole (4 bytes, aligned); data / data_end / data_meta read as
// packet pointers. egress_ifindex exists only for programs attached to a devmap.

import type { RegState } from "./state.js";
import { ZERO } from "./state.js";
import { truncateScalar } from "./coerce.js";
import { scalarUnknown } from "./scalar.js";

export const XDP_MD_SIZE = 24;
const DATA = 0;
const DATA_END = 4;
const DATA_META = 8;
const EGRESS_IFINDEX = 20;

/** The register a valid ctx load produces, or undefined for an invalid access. */
export function xdpCtxAccess(off: number, size: number, write: boolean, section: string, signed = false): RegState | undefined {
  if (off === EGRESS_IFINDEX && section !== "xdp/devmap") return undefined;
  if (write) return undefined;
  if (off < 0 || off >= XDP_MD_SIZE || off % size !== 0 || size !== 4) return undefined;
  // A sign-extending load cannot produce a pointer (observed on 6.18: "invalid bpf_context access").
  if (signed && (off === DATA || off === DATA_END || off === DATA_META)) return undefined;
  switch (off) {
    case DATA:
      return { type: "pkt", off: 0, var: ZERO, id: 0, range: 0 };
    case DATA_END:
      return { type: "pkt_end" };
    case DATA_META:
      return { type: "pkt_meta", off: 0, var: ZERO, id: 0, range: 0 };
    default:
      return { type: "scalar", s: truncateScalar(scalarUnknown(), 4), id: 0 };
  }
}
