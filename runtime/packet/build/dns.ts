// A DNS query message (RFC 1035 §4), the usual UDP payload of XDP filter tests.
//   header (12): id(2) | QR:1 opcode:4 AA TC RD | RA Z:3 rcode:4 | qdcount ancount nscount arcount (2 each)
//   question:    name as length-prefixed labels ending in a zero byte | qtype(2) | qclass(2)
// Only the one-question query is built; names are ASCII, labels 1-63 bytes.
import { PacketBuildError } from "../errors.js";
import { field } from "./layer.js";

export interface DnsQueryOptions {
  id: number;
  /** "example.com" (a trailing dot is allowed). */
  name: string;
  /** Default 1 (A); 28 is AAAA. */
  qtype?: number;
  /** Default 1 (IN). */
  qclass?: number;
  /** Recursion desired; default true. */
  recursionDesired?: boolean;
}

export function dnsQuery(options: DnsQueryOptions): Uint8Array {
  const L = "dns";
  const id = field(L, "id", options.id, 16);
  const qtype = field(L, "qtype", options.qtype ?? 1, 16);
  const qclass = field(L, "qclass", options.qclass ?? 1, 16);
  const bare = options.name.replace(/\.$/, "");
  const labels = bare === "" ? [] : bare.split(".");
  const name: number[] = [];
  for (const label of labels) {
    if (label.length < 1 || label.length > 63 || !/^[\x21-\x7e]+$/.test(label)) {
      throw new PacketBuildError(L, `label ${JSON.stringify(label)} in ${JSON.stringify(options.name)} is not 1-63 printable ASCII bytes`);
    }
    name.push(label.length, ...Array.from(label, (c) => c.charCodeAt(0)));
  }
  name.push(0);
  if (name.length > 255) throw new PacketBuildError(L, `name ${JSON.stringify(options.name)} encodes to more than 255 bytes`);
  const flags = options.recursionDesired === false ? 0 : 0x0100;
  return Uint8Array.from([
    id >> 8, id & 0xff, flags >> 8, flags & 0xff,
    0, 1, 0, 0, 0, 0, 0, 0,
    ...name,
    qtype >> 8, qtype & 0xff, qclass >> 8, qclass & 0xff,
  ]);
}
