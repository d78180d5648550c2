// bpf_fib_lookup against a routing table the test provides: longest-prefix match over
// IPv4/IPv6 routes, then the neighbour table for the next hop's MAC, with the kernel's
// return codes and MTU check. The table is set per run (Machine extension "fib").
//
// struct bpf_fib_lookup (64 bytes):
//   0 family  1 l4_protocol  2 sport  4 dport  6 tot_len/mtu_result  8 ifindex
//  12 tos/flowinfo/rt_metric  16 ipv4_src/ipv6_src[4]  32 ipv4_dst/ipv6_dst[4]
//  48 h_vlan_proto h_vlan_TCI / tbid   52 smac[6]   58 dmac[6]

import { RawFault } from "../errors.js";
import { parseIpv4, parseIpv6, parseMac } from "../../packet/address.js";
import type { Machine } from "../machine.js";
import { EAFNOSUPPORT, EINVAL, ENODEV, errno } from "./errno.js";
import type { HelperFn } from "./registry.js";

export interface FibRoute {
  /** "198.51.100.0/24" or "2001:db8::/32". */
  readonly prefix: string;
  /** Egress interface, for unicast routes. */
  readonly ifindex?: number;
  /** Next hop; omitted for directly connected destinations. */
  readonly gateway?: string;
  readonly type?: "unicast" | "blackhole" | "unreachable" | "prohibit";
  /** The route's metric (priority), returned in rt_metric; default 0. */
  readonly metric?: number;
}

export interface FibInterface {
  readonly ifindex: number;
  readonly mac: string;
  readonly mtu?: number;
  /** Forwarding enabled (sysctl net.ipv4.ip_forward / ipv6 forwarding); default true. */
  readonly forwarding?: boolean;
}

export interface FibTable {
  readonly routes: readonly FibRoute[];
  readonly interfaces: readonly FibInterface[];
  /** IP address → MAC of known neighbours. */
  readonly neighbours?: Readonly<Record<string, string>>;
}

export const FIB_KEY = "fib";
const AF_INET = 2;
const AF_INET6 = 10;
const BPF_FIB_LOOKUP_OUTPUT = 2;
const BPF_FIB_LOOKUP_SKIP_NEIGH = 4;
const PARAMS_SIZE = 64;

export const FibResult = { SUCCESS: 0, BLACKHOLE: 1, UNREACHABLE: 2, PROHIBIT: 3, NOT_FWDED: 4, FWD_DISABLED: 5, NO_NEIGH: 7, FRAG_NEEDED: 8 } as const;

/** An IPv4 (dotted) or IPv6 (colon) address as bytes. */
export function parseIp(text: string): Uint8Array {
  return text.includes(":") ? parseIpv6(text) : parseIpv4(text);
}

function prefixMatches(addr: Uint8Array, prefix: Uint8Array, len: number): boolean {
  for (let bit = 0; bit < len; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((addr[bit >> 3]! & mask) !== (prefix[bit >> 3]! & mask)) return false;
  }
  return true;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** The flags the kernel knows: DIRECT, OUTPUT, SKIP_NEIGH, TBID, SRC, MARK (others: -EINVAL). */
const BPF_FIB_LOOKUP_FLAGS = 0x3fn;

export const fibLookup: HelperFn = (m: Machine, _ctx, paramsPtr, plen, flags) => {
  const table = m.extensions.get(FIB_KEY) as FibTable | undefined;
  if (!table) throw new RawFault("helper", "bpf_fib_lookup needs a routing table: pass `fib` in the run options");
  // A larger struct is fine (the kernel reads the first 64 bytes); a smaller one is not.
  if (Number(plen & 0xffffffffn) < PARAMS_SIZE) return errno(EINVAL);
  if ((flags & ~BPF_FIB_LOOKUP_FLAGS) !== 0n) return errno(EINVAL);
  const p = m.mem.bytes(paramsPtr, PARAMS_SIZE, true);
  const view = new DataView(p.buffer, p.byteOffset, PARAMS_SIZE);
  const family = p[0]!;
  if (family !== AF_INET && family !== AF_INET6) return errno(EAFNOSUPPORT);
  const v4 = family === AF_INET;
  const dst = v4 ? p.slice(32, 36) : p.slice(32, 48);
  const ifindex = view.getUint32(8, true);
  const ingress = table.interfaces.find((i) => i.ifindex === ifindex);
  // params->ifindex must name a device (dev_get_by_index_rcu), with forwarding enabled on it —
  // for output lookups (BPF_FIB_LOOKUP_OUTPUT) too, as the kernel checks it before either kind.
  if (!ingress) return errno(ENODEV);
  if (ingress.forwarding === false) return BigInt(FibResult.FWD_DISABLED);

  // An IPv4 output lookup asks for a route out of params->ifindex (flowi4_oif): unicast routes
  // through other devices do not match, and the search goes on to shorter prefixes. (IPv6 only
  // prefers such routes, so it keeps them.)
  const oif = v4 && (Number(flags) & BPF_FIB_LOOKUP_OUTPUT) !== 0 ? ifindex : undefined;
  let best: { route: FibRoute; len: number } | undefined;
  for (const route of table.routes) {
    const [addr, lenText] = route.prefix.split("/") as [string, string | undefined];
    const prefix = parseIp(addr);
    if (prefix.length !== dst.length) continue;
    if (oif !== undefined && (route.type ?? "unicast") === "unicast" && route.ifindex !== oif) continue;
    const len = lenText === undefined ? prefix.length * 8 : Number(lenText);
    if (prefixMatches(dst, prefix, len) && (!best || len > best.len)) best = { route, len };
  }
  if (!best) return BigInt(FibResult.NOT_FWDED);
  switch (best.route.type ?? "unicast") {
    case "blackhole":
      return BigInt(FibResult.BLACKHOLE);
    case "unreachable":
      return BigInt(FibResult.UNREACHABLE);
    case "prohibit":
      return BigInt(FibResult.PROHIBIT);
  }
  const egress = table.interfaces.find((i) => i.ifindex === best.route.ifindex);
  if (!egress) return BigInt(FibResult.NOT_FWDED);
  const totLen = view.getUint16(6, true);
  const mtu = egress.mtu ?? 1500;
  if (totLen > mtu) {
    view.setUint16(6, mtu, true);
    return BigInt(FibResult.FRAG_NEEDED);
  }
  // Outputs of a forwarding result: metric, egress device, and the next hop replacing the
  // destination address (the gateway when the route has one).
  view.setUint32(12, best.route.metric ?? 0, true);
  view.setUint32(8, egress.ifindex, true);
  const nextHop = best.route.gateway ? parseIp(best.route.gateway) : dst;
  p.set(nextHop, 32);
  if ((Number(flags) & BPF_FIB_LOOKUP_SKIP_NEIGH) === 0) {
    // smac and dmac are written only once the neighbour is known.
    const neighbour = Object.entries(table.neighbours ?? {}).find(([ip]) => sameBytes(parseIp(ip), nextHop));
    if (!neighbour) return BigInt(FibResult.NO_NEIGH);
    p.set(parseMac(neighbour[1]), 58);
    p.set(parseMac(egress.mac), 52);
  }
  // bpf_fib_set_fwd_params: no VLAN, and mtu_result (the union with tot_len) is the MTU.
  view.setUint32(48, 0, true);
  view.setUint16(6, mtu, true);
  return BigInt(FibResult.SUCCESS);
};
