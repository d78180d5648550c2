// Byte builders the map tests share: u32 keys and values (host order, as the kernel reads
// them), hex for readable expectations, and LPM trie keys for IPv4 prefixes.

export function u32(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v >>> 0, true);
  return out;
}

export function readU32(bytes: Uint8Array, offset = 0): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, true);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** An LPM_TRIE key for an IPv4 prefix: u32 prefix length, then the address in network order. */
export function ipv4Key(cidr: string): Uint8Array {
  const [addr, len] = cidr.split("/");
  const key = new Uint8Array(8);
  new DataView(key.buffer).setUint32(0, Number(len ?? 32), true);
  key.set(addr!.split(".").map(Number), 4);
  return key;
}

/** The CIDR text of an IPv4 LPM_TRIE key. */
export function ipv4Text(key: Uint8Array): string {
  return `${[...key.subarray(4, 8)].join(".")}/${readU32(key)}`;
}
