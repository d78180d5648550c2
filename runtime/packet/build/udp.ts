// UDP datagrams (RFC 768): sport(2) dport(2) length(2) checksum(2) data.
// Length and checksum are computed unless overridden. The checksum covers the
// pseudo-header of the enclosing IPv4/IPv6 layer and the bytes written (also
// when the length field is overridden); a computed 0 is sent as
// 0xffff. checksum: "none" writes 0 (legal over IPv4 only). A UDP layer
// encoded without an enclosing IP layer needs an explicit checksum.
import { transportChecksum } from "../checksum.js";
import { IPPROTO_UDP, UDP_CHECKSUM_OFFSET, UDP_HEADER_LEN } from "../constants.js";
import { PacketBuildError } from "../errors.js";
import { encodePayload, field, resolveChecksum, withHeader, type ChecksumOption, type Layer, type Payload } from "./layer.js";

export interface UdpOptions {
  sport: number;
  dport: number;
  /** Override of the length field (default header + data). */
  length?: number;
  checksum?: ChecksumOption | "none";
}

export function udp(options: UdpOptions, payload?: Payload): Layer {
  const L = "udp";
  const sport = field(L, "sport", options.sport, 16);
  const dport = field(L, "dport", options.dport, 16);
  if (options.length !== undefined) field(L, "length", options.length, 16);
  return {
    name: L,
    ipProtocol: IPPROTO_UDP,
    encode(context) {
      const { bytes, view } = withHeader(UDP_HEADER_LEN, encodePayload(payload, context));
      const length = options.length ?? bytes.length;
      if (length > 0xffff) throw new PacketBuildError(L, `length ${length} exceeds 65535`);
      view.setUint16(0, sport);
      view.setUint16(2, dport);
      view.setUint16(4, length);
      if (options.checksum === "none") return bytes;
      const checksum = resolveChecksum(L, options.checksum, () => {
        const pseudo = context.pseudoHeader;
        if (!pseudo) throw new PacketBuildError(L, "checksum needs an enclosing IPv4/IPv6 layer (or pass checksum)");
        return transportChecksum(pseudo, IPPROTO_UDP, bytes);
      });
      view.setUint16(UDP_CHECKSUM_OFFSET, checksum);
      return bytes;
    },
  };
}
