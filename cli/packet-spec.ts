// `tsbpf packet SPEC`: a frame from a one-line description, built by tsbpf/packet (lengths,
// protocol numbers and checksums computed). SPEC is layers from the outside in, separated by
// `/`, each a name and `key=value` words: `eth/ipv4 dst=198.51.100.7/udp dport=53/data text=q`.
// docs/cli.md lists the layers, keys and defaults.
import { ethernet, icmp, ipv4, ipv6, tcp, udp, vlan, type Layer, type Payload, type TcpFlags } from "../runtime/packet/index.js";

export class PacketSpecError extends Error {
  override readonly name = "PacketSpecError";
}

type Options = Map<string, string>;
type Builder = (o: Options, inner: Payload) => Layer | Uint8Array;

const TCP_FLAGS = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ae"] as const;

/** Each layer: its keys (for the error naming the allowed ones) and how it wraps the layer inside. */
const LAYERS: Record<string, { keys: readonly string[]; build: Builder; innermost?: boolean }> = {
  eth: { keys: ["src", "dst", "type"], build: (o, p) => ethernet({ ...str(o, "src"), ...str(o, "dst"), ...num(o, "eth", "type") }, p) },
  vlan: { keys: ["vid", "pcp", "type"], build: (o, p) => vlan({ vid: req(num(o, "vlan", "vid").vid, "vlan", "vid"), ...num(o, "vlan", "pcp"), ...num(o, "vlan", "type") }, p) },
  ipv4: {
    keys: ["src", "dst", "ttl", "tos", "id", "df", "protocol"],
    build: (o, p) => ipv4({ src: o.get("src") ?? "192.0.2.1", dst: o.get("dst") ?? "192.0.2.2", ...num(o, "ipv4", "ttl"), ...num(o, "ipv4", "tos"), ...num(o, "ipv4", "id"), ...(o.has("df") ? { df: flag(o, "ipv4", "df") } : {}), ...num(o, "ipv4", "protocol") }, p),
  },
  ipv6: {
    keys: ["src", "dst", "hoplimit", "nexthdr"],
    build: (o, p) => ipv6({ src: o.get("src") ?? "2001:db8::1", dst: o.get("dst") ?? "2001:db8::2", ...rename(num(o, "ipv6", "hoplimit"), "hoplimit", "hopLimit"), ...rename(num(o, "ipv6", "nexthdr"), "nexthdr", "nextHeader") }, p),
  },
  udp: { keys: ["sport", "dport"], build: (o, p) => udp({ sport: num(o, "udp", "sport").sport ?? 1024, dport: req(num(o, "udp", "dport").dport, "udp", "dport") }, p) },
  tcp: {
    keys: ["sport", "dport", "seq", "ack", "flags", "window"],
    build: (o, p) => tcp({ sport: num(o, "tcp", "sport").sport ?? 1024, dport: req(num(o, "tcp", "dport").dport, "tcp", "dport"), ...num(o, "tcp", "seq"), ...num(o, "tcp", "ack"), ...num(o, "tcp", "window"), ...(o.has("flags") ? { flags: tcpFlags(o.get("flags")!) } : {}) }, p),
  },
  icmp: { keys: ["type", "code", "id", "seq"], build: (o, p) => icmp({ type: num(o, "icmp", "type").type ?? 8, ...num(o, "icmp", "code"), rest: ((word16(o, "id") << 16) | word16(o, "seq")) >>> 0 }, p) },
  data: { keys: ["text", "hex", "zeros"], build: (o) => payload(o), innermost: true },
};

function str(o: Options, key: string): Record<string, string> {
  const v = o.get(key);
  return v === undefined ? {} : { [key]: v };
}

function num(o: Options, layer: string, key: string): Record<string, number> {
  const v = o.get(key);
  if (v === undefined) return {};
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(v)) throw new PacketSpecError(`${layer} ${key}=${v}: expected a number (decimal or 0x hex)`);
  return { [key]: Number(v) };
}

/** An icmp id or seq: one 16-bit half of the rest-of-header word. */
function word16(o: Options, key: string): number {
  const v = num(o, "icmp", key)[key] ?? 0;
  if (v > 0xffff) throw new PacketSpecError(`icmp ${key}=${v}: does not fit in 16 bits`);
  return v;
}

function req(v: number | undefined, layer: string, key: string): number {
  if (v === undefined) throw new PacketSpecError(`${layer} needs ${key}=N`);
  return v;
}

function rename(r: Record<string, number>, from: string, to: string): Record<string, number> {
  return from in r ? { [to]: r[from]! } : {};
}

function flag(o: Options, layer: string, key: string): boolean {
  const v = o.get(key);
  if (v === "" || v === "1" || v === "true") return true;
  if (v === "0" || v === "false") return false;
  throw new PacketSpecError(`${layer} ${key}=${v}: expected ${key}, ${key}=1 or ${key}=0`);
}

function tcpFlags(text: string): TcpFlags {
  const flags: Record<string, boolean> = {};
  for (const f of text.split(",")) {
    if (!(TCP_FLAGS as readonly string[]).includes(f)) throw new PacketSpecError(`tcp flags=${text}: '${f}' is not one of ${TCP_FLAGS.join(", ")}`);
    flags[f] = true;
  }
  return flags;
}

function payload(o: Options): Uint8Array {
  if (o.size !== 1) throw new PacketSpecError("data takes one of text=STRING, hex=BYTES or zeros=N");
  const [[key, v]] = [...o];
  if (key === "text") return new TextEncoder().encode(v);
  if (key === "zeros") return new Uint8Array(req(num(o, "data", "zeros").zeros, "data", "zeros"));
  if (!/^([0-9a-f]{2})*$/i.test(v!)) throw new PacketSpecError(`data hex=${v}: expected pairs of hex digits`);
  return new Uint8Array((v!.match(/../g) ?? []).map((b) => parseInt(b, 16)));
}

function parseLayer(text: string): { name: string; options: Options } {
  const [name = "", ...words] = text.trim().split(/\s+/);
  const layer = LAYERS[name];
  if (!layer) throw new PacketSpecError(`unknown layer '${name}' (layers: ${Object.keys(LAYERS).join(", ")})`);
  const options: Options = new Map();
  for (const w of words) {
    const eq = w.indexOf("=");
    const key = eq < 0 ? w : w.slice(0, eq);
    if (!layer.keys.includes(key)) throw new PacketSpecError(`${name} has no key '${key}' (keys: ${layer.keys.join(", ")})`);
    if (options.has(key)) throw new PacketSpecError(`${name} ${key} is given twice`);
    options.set(key, eq < 0 ? "" : w.slice(eq + 1));
  }
  return { name, options };
}

/** The frame SPEC describes (an Ethernet frame when it starts with eth). */
export function buildPacket(spec: string): Uint8Array {
  const layers = spec.split("/").map(parseLayer);
  layers.forEach((l, i) => {
    if (LAYERS[l.name]!.innermost && i !== layers.length - 1) throw new PacketSpecError(`${l.name} must be the last layer`);
  });
  let inner: Payload = undefined;
  for (const l of [...layers].reverse()) {
    const built = LAYERS[l.name]!.build(l.options, inner);
    inner = built;
  }
  const outer = inner!;
  return outer instanceof Uint8Array ? outer : outer.encode({});
}
