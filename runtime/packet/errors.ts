// The two error types of the packet layer. Builders throw PacketBuildError
// for options they cannot encode (a malformed address, a value wider than its
// field, an option list longer than the header allows); parsers throw
// PacketParseError for frames they cannot decode (truncated, or a field whose
// value makes the rest of the frame meaningless, such as IPv4 IHL < 5).
// Invariant: a PacketParseError always names the layer and the absolute byte
// offset in the frame of the field that is wrong, and its message is one line.
import type { ParsedLayer } from "./parse/types.js";

export class PacketBuildError extends Error {
  override readonly name = "PacketBuildError";
  constructor(
    /** The builder that refused ("ipv4", "tcp option", "MAC address" ...). */
    readonly layer: string,
    readonly problem: string,
  ) {
    super(`${layer}: ${problem}`);
  }
}

export class PacketParseError extends Error {
  override readonly name = "PacketParseError";
  constructor(
    /** The layer being decoded when the problem was found ("ethernet", "ipv4", "ipv6 routing", "tcp" ...). */
    readonly layer: string,
    /** Absolute byte offset in the frame of the offending field, or where a truncated structure starts. */
    readonly offset: number,
    readonly problem: string,
    /** The layers decoded successfully before the problem, outermost first. */
    readonly layers: readonly ParsedLayer[] = [],
  ) {
    super(`${layer} at byte ${offset}: ${problem}`);
  }
}
