// `tsbpf btf`: the BTF of an object (or a raw BTF blob) in bpftool's `btf dump file` text.
import { dumpBtf } from "../runtime/object/btf/dump.js";
import { readBtf } from "../runtime/object/btf/reader.js";
import { readObject } from "../runtime/object/object-file.js";
import { ObjectFormatError } from "../runtime/object/format-error.js";

const BTF_MAGIC_LE = [0x9f, 0xeb];

export function renderBtf(bytes: Uint8Array): string {
  if (bytes[0] === BTF_MAGIC_LE[0] && bytes[1] === BTF_MAGIC_LE[1]) return dumpBtf(readBtf(bytes));
  const obj = readObject(bytes);
  if (!obj.btf) throw new ObjectFormatError({ section: ".BTF", offset: 0 }, "the object has no .BTF section");
  return dumpBtf(obj.btf);
}
