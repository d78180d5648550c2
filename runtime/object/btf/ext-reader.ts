// Reads a .BTF.ext section into the BtfExt model, resolving its string offsets and
// checking its type ids against the companion .BTF (as returned by readBtf).
//
// Invariants of what readBtfExt returns: see ext-types.ts. Record sizes larger than
// the known ones are honoured (the extra bytes are skipped). Anything malformed throws
// ObjectFormatError(".BTF.ext", offset) naming the offending bytes.
import type { LoadedBtf } from "./reader.js";
import { SectionView } from "./section-view.js";
import {
  BTF_EXT_HEADER_BYTES,
  BTF_EXT_HEADER_MIN_BYTES,
  BTF_EXT_MAGIC,
  BTF_EXT_VERSION,
  CORE_RELO_MIN_REC_SIZE,
  FUNC_INFO_MIN_REC_SIZE,
  LINE_COLUMN_MASK,
  LINE_INFO_MIN_REC_SIZE,
  LINE_NUMBER_SHIFT,
  MAX_CORE_RELO_KIND,
  type BtfExt,
  type CoreReloKind,
  type CoreReloRecord,
  type ExtSection,
  type FuncInfoRecord,
  type LineInfoRecord,
} from "./ext-types.js";

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Reads one record at `at`; `what` is e.g. "func_info xdp record 3". */
type RecordReader<R> = (at: number, what: string) => R;

export function readBtfExt(bytes: Uint8Array, btf: LoadedBtf): BtfExt {
  const v: SectionView = new SectionView(".BTF.ext", bytes);
  v.need(0, 8, "the btf_ext_header");
  const magic = v.u16(0, "magic");
  if (!(magic === BTF_EXT_MAGIC)) v.fail(0, `expected BTF.ext magic 0xeb9f, found ${hex(magic)}`);
  const version = v.u8(2, "version");
  if (!(version === BTF_EXT_VERSION)) v.fail(2, `expected BTF.ext version ${BTF_EXT_VERSION}, found ${version}`);
  const flags = v.u8(3, "flags");
  if (!(flags === 0)) v.fail(3, `expected header flags 0, found ${hex(flags)}`);
  const hdrLen = v.u32(4, "hdr_len");
  if (!(hdrLen >= BTF_EXT_HEADER_MIN_BYTES)) v.fail(4, `header length ${hdrLen} is shorter than the ${BTF_EXT_HEADER_MIN_BYTES}-byte btf_ext_header`);
  if (!(hdrLen <= v.length)) v.fail(4, `header length ${hdrLen} runs past the end of the section (${v.length} bytes)`);
  const knownHeader = hdrLen >= BTF_EXT_HEADER_BYTES ? BTF_EXT_HEADER_BYTES : BTF_EXT_HEADER_MIN_BYTES;
  for (let at = knownHeader; at < hdrLen; at++) {
    if (!(v.u8(at, "header") === 0)) v.fail(at, `header byte ${at} is not zero; header fields past ${knownHeader} bytes are unknown`);
  }
  const r = new ExtRecordReader(v, btf, hdrLen);
  return {
    funcInfo: r.subsection("func_info", 8, FUNC_INFO_MIN_REC_SIZE, r.funcInfo),
    lineInfo: r.subsection("line_info", 16, LINE_INFO_MIN_REC_SIZE, r.lineInfo),
    coreRelos: hdrLen >= BTF_EXT_HEADER_BYTES ? r.subsection("core_relo", 24, CORE_RELO_MIN_REC_SIZE, r.coreRelo) : [],
  };
}

class ExtRecordReader {
  constructor(
    private readonly v: SectionView,
    private readonly btf: LoadedBtf,
    private readonly hdrLen: number,
  ) {}

  /** Reads the subsection whose off/len header fields sit at `field`. */
  subsection<R>(name: string, field: number, minRecSize: number, read: RecordReader<R>): ExtSection<R>[] {
    const v: SectionView = this.v;
    const off = v.u32(field, `${name}_off`);
    const len = v.u32(field + 4, `${name}_len`);
    if (len === 0) return [];
    if (!(off % 4 === 0)) v.fail(field, `${name} offset ${hex(off)} is not 4-byte aligned`);
    const start = this.hdrLen + off;
    const end = start + len;
    if (!(end <= v.length)) v.fail(field + 4, `${name} (${len} bytes at ${hex(start)}) runs past the end of the section (${v.length} bytes)`);
    if (!(len >= 4)) v.fail(start, `${name} is ${len} bytes, too short for its 4-byte rec_size`);
    const recSize = v.u32(start, `${name} rec_size`);
    if (!(recSize >= minRecSize && recSize % 4 === 0)) v.fail(start, `${name} record size ${recSize} must be a multiple of 4 and at least ${minRecSize}`);
    const sections: ExtSection<R>[] = [];
    let pos = start + 4;
    while (pos < end) {
      if (!(end - pos >= 8)) v.fail(pos, `${name} section header needs 8 bytes, but only ${end - pos} remain in ${name}`);
      const section = this.string(pos, v.u32(pos, "sec_name_off"), `${name} section name`);
      if (!(section !== "")) v.fail(pos, `${name} section name is empty`);
      const count = v.u32(pos + 4, "num_info");
      if (!(count > 0)) v.fail(pos + 4, `${name} section '${section}' has no records`);
      const need = count * recSize;
      const left = end - pos - 8;
      if (!(need <= left)) v.fail(pos + 4, `${name} section '${section}' has ${count} records of ${recSize} bytes (${need} bytes), but only ${left} remain in ${name}`);
      const records: R[] = [];
      for (let i = 0; i < count; i++) {
        records.push(read.call(this, pos + 8 + i * recSize, `${name} '${section}' record ${i}`));
      }
      sections.push({ section, records });
      pos += 8 + need;
    }
    return sections;
  }

  funcInfo(at: number, what: string): FuncInfoRecord {
    const typeId = this.v.u32(at + 4, "type_id");
    const n = this.btf.types.length;
    this.v.expect(typeId >= 1 && typeId <= n, at + 4, `${what} refers to type id ${typeId}, but only ${n} types exist`);
    const t = this.btf.types[typeId - 1]!;
    this.v.expect(t.kind === "FUNC", at + 4, `${what} refers to type [${typeId}] ${t.kind}, but func_info must refer to a FUNC`);
    return { insnOff: this.insnOff(at, what), typeId };
  }

  lineInfo(at: number, what: string): LineInfoRecord {
    const v: SectionView = this.v;
    const lineCol = v.u32(at + 12, "line_col");
    return {
      insnOff: this.insnOff(at, what),
      fileName: this.string(at + 4, v.u32(at + 4, "file_name_off"), `${what} file name`),
      line: this.string(at + 8, v.u32(at + 8, "line_off"), `${what} line text`),
      lineNumber: lineCol >>> LINE_NUMBER_SHIFT,
      column: lineCol & LINE_COLUMN_MASK,
    };
  }

  coreRelo(at: number, what: string): CoreReloRecord {
    const v: SectionView = this.v;
    const typeId = v.u32(at + 4, "type_id");
    const n = this.btf.types.length;
    if (!(typeId >= 1 && typeId <= n)) v.fail(at + 4, `${what} refers to type id ${typeId}, but only ${n} types exist`);
    const accessString = this.string(at + 8, v.u32(at + 8, "access_str_off"), `${what} access string`);
    if (!(accessString !== "")) v.fail(at + 8, `${what} access string is empty`);
    const kind = v.u32(at + 12, "kind");
    if (!(kind <= MAX_CORE_RELO_KIND)) v.fail(at + 12, `${what} has unknown CO-RE relocation kind ${kind} (known kinds are 0..${MAX_CORE_RELO_KIND})`);
    return { insnOff: this.insnOff(at, what), typeId, accessString, kind: kind as CoreReloKind };
  }

  private insnOff(at: number, what: string): number {
    const off = this.v.u32(at, "insn_off");
    this.v.expect(off % 8 === 0, at, `${what} insn_off ${hex(off)} is not a multiple of the 8-byte instruction size`);
    return off;
  }

  private string(at: number, offset: number, what: string): string {
    const s = this.btf.strings.get(offset);
    if (s === undefined) {
      this.v.fail(at, `${what} offset ${hex(offset)} is past the end of the .BTF string section (${this.btf.strings.length} bytes)`);
    }
    return s;
  }
}
