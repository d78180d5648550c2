// The final destination an upper-layer checksum covers when a packet carries a
// source route. RFC 8200 §8.1: behind an IPv6 Routing header the pseudo-header
// uses the address of the last hop, not the IPv6 destination field; RFC 1122
// §4.1.3.6 says the same for the IPv4 LSRR/SSRR options. Builders and parsers
// both call these functions, so a frame built with a route verifies when parsed.
// With segments-left 0 the destination field already holds the last hop (that
// is what the receiver checks against), so no override applies.
import { ROUTING_TYPE_0, ROUTING_TYPE_2, ROUTING_TYPE_SRH } from "./constants.js";

/**
 * The final destination named by an IPv6 Routing header, given its routing type, segments-left and the
 * type-specific bytes after the first 4 bytes of the header; undefined when the header names none.
 *   type 0 (RFC 2460):  reserved(4) | addresses[n]      → the last address
 *   type 2 (RFC 6275):  reserved(4) | home address      → the home address
 *   type 4 SRH (RFC 8754): last entry | flags | tag(2) | segments[n] → segments[0] (the list is reversed)
 */
export function routingFinalDestination(routingType: number, segmentsLeft: number, data: Uint8Array): Uint8Array | undefined {
  if (segmentsLeft === 0) return undefined; // the destination field already holds the last hop
  if (routingType === ROUTING_TYPE_0) {
    const n = Math.floor((data.length - 4) / 16);
    return n > 0 ? data.slice(4 + (n - 1) * 16, 4 + n * 16) : undefined;
  }
  if (routingType === ROUTING_TYPE_2) return data.length >= 20 ? data.slice(4, 20) : undefined;
  if (routingType === ROUTING_TYPE_SRH) return data.length >= 20 ? data.slice(4, 20) : undefined;
  return undefined;
}

/**
 * The final destination of an IPv4 LSRR/SSRR option given the option's bytes after type and length
 * (pointer(1) | route data): the last address of the route, or undefined if there is none.
 */
export function sourceRouteFinalDestination(body: Uint8Array): Uint8Array | undefined {
  const n = Math.floor((body.length - 1) / 4);
  return n > 0 ? body.slice(1 + (n - 1) * 4, 1 + n * 4) : undefined;
}
