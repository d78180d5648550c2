// Test support: pulls named sections out of an ELF64 little-endian object with a
// minimal section-table parse (the project's ELF reader lives elsewhere). Only for
// trusted test inputs such as the clang reference objects; it does not validate.
import { readFileSync } from "node:fs";

export function elfSections(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(view.getBigUint64(0x28, true));
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  const shstrndx = view.getUint16(0x3e, true);
  const header = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      name: view.getUint32(at, true),
      offset: Number(view.getBigUint64(at + 0x18, true)),
      size: Number(view.getBigUint64(at + 0x20, true)),
    };
  };
  const names = header(shstrndx);
  const nameAt = (off: number): string => {
    const start = names.offset + off;
    const end = bytes.indexOf(0, start);
    return new TextDecoder().decode(bytes.subarray(start, end));
  };
  const out = new Map<string, Uint8Array>();
  for (let i = 1; i < shnum; i++) {
    const h = header(i);
    out.set(nameAt(h.name), bytes.subarray(h.offset, h.offset + h.size));
  }
  return out;
}

/** The .BTF and .BTF.ext bytes of an object file (ext undefined when absent). */
export function btfSections(path: string): { btf: Uint8Array; ext: Uint8Array | undefined } {
  const sections = elfSections(new Uint8Array(readFileSync(path)));
  const btf = sections.get(".BTF");
  if (!btf) throw new Error(`${path} has no .BTF section`);
  return { btf, ext: sections.get(".BTF.ext") };
}
