// Encodes a BtfExt as a .BTF.ext section. Its strings go into the caller's string
// table builder, which must be the one the companion .BTF is written with (see
// writeBtfAndExt in writer.ts), because .BTF.ext offsets point into .BTF's strings.
//
// Layout, as clang emits it: a 32-byte header with the CO-RE fields; func_info at
// offset 0, line_info right after it, both always present with their rec_size word
// (8 and 16); core_relo after line_info, with length 0 when there are no relocations.
// Sections without records are left out (readers reject them).
import type { StringTableBuilder } from "./strings.js";
import {
  BTF_EXT_HEADER_BYTES,
  BTF_EXT_MAGIC,
  BTF_EXT_VERSION,
  CORE_RELO_MIN_REC_SIZE,
  FUNC_INFO_MIN_REC_SIZE,
  LINE_COLUMN_MASK,
  LINE_INFO_MIN_REC_SIZE,
  LINE_NUMBER_SHIFT,
  type BtfExt,
  type ExtSection,
} from "./ext-types.js";

/** Writes one record's u32 words (after the caller has resolved its strings). */
type RecordWords<R> = (r: R, strings: StringTableBuilder) => number[];

export function writeBtfExt(ext: BtfExt, strings: StringTableBuilder): Uint8Array {
  const func = encodeSubsection(ext.funcInfo, FUNC_INFO_MIN_REC_SIZE, strings, (r) => [r.insnOff, r.typeId]);
  const line = encodeSubsection(ext.lineInfo, LINE_INFO_MIN_REC_SIZE, strings, (r, s) => {
    if (r.column > LINE_COLUMN_MASK || r.lineNumber >= 2 ** 22) {
      throw new Error(`line info ${r.lineNumber}:${r.column} does not fit line_col (22-bit line, 10-bit column)`);
    }
    return [r.insnOff, s.add(r.fileName), s.add(r.line), ((r.lineNumber << LINE_NUMBER_SHIFT) | r.column) >>> 0];
  });
  const core = ext.coreRelos.some((s) => s.records.length > 0)
    ? encodeSubsection(ext.coreRelos, CORE_RELO_MIN_REC_SIZE, strings, (r, s) => [r.insnOff, r.typeId, s.add(r.accessString), r.kind])
    : [];
  const header = [
    (BTF_EXT_MAGIC | (BTF_EXT_VERSION << 16)) >>> 0, // magic u16, version u8, flags u8 = 0
    BTF_EXT_HEADER_BYTES,
    0,
    func.length * 4,
    func.length * 4,
    line.length * 4,
    (func.length + line.length) * 4,
    core.length * 4,
  ];
  const words = header.concat(func, line, core);
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w, true));
  return out;
}

function encodeSubsection<R>(
  sections: ExtSection<R>[],
  recSize: number,
  strings: StringTableBuilder,
  recordWords: RecordWords<R>,
): number[] {
  const words = [recSize];
  for (const sec of sections) {
    if (sec.records.length === 0) continue;
    words.push(strings.add(sec.section), sec.records.length);
    for (const r of sec.records) {
      for (const w of recordWords(r, strings)) {
        if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) {
          throw new Error(`.BTF.ext record field ${w} in section '${sec.section}' does not fit a u32`);
        }
        words.push(w);
      }
    }
  }
  return words;
}
