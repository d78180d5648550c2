// Hand-made corruptions of .BTF and .BTF.ext: each must throw ObjectFormatError
// naming the section and the byte offset of the bad field, in one line.
import { describe, expect, test } from "vitest";
import { ObjectFormatError } from "../../runtime/object/format-error.js";
import { BtfBuilder } from "../../runtime/object/btf/builder.js";
import { readBtfExt } from "../../runtime/object/btf/ext-reader.js";
import type { BtfExt } from "../../runtime/object/btf/ext-types.js";
import { readBtf } from "../../runtime/object/btf/reader.js";
import { IntEncoding } from "../../runtime/object/btf/types.js";
import { writeBtfAndExt } from "../../runtime/object/btf/writer.js";

// Type layout of the base BTF (btf_type offsets in the section):
//   [1] INT 'int' @24   [2] PTR @40   [3] STRUCT 's' vlen 2 @52 (members @64, @76)
//   [4] FUNC_PROTO vlen 1 @88 (param @100)   [5] FUNC 'f' @108   [6] VAR 'v' @120
//   [7] DATASEC '.data' vlen 1 @136 (entry @148)   [8] DECL_TAG 'tag' @160
//   [9] ENUM 'e' vlen 1 @176; strings start at 196.
const T = { int: 24, ptr: 40, struct: 52, member0: 64, member1: 76, proto: 88, func: 108, var: 120, datasec: 136, entry: 148, tag: 160, enum: 176, strings: 196 };

function base(): { btf: Uint8Array; ext: Uint8Array } {
  const b = new BtfBuilder();
  const int = b.addInt("int", 4, IntEncoding.SIGNED);
  const ptr = b.add({ kind: "PTR", type: 3 }); // forward reference to the struct
  const s = b.addStruct("s", 16, [
    { name: "a", type: int, bitsOffset: 0 },
    { name: "next", type: ptr, bitsOffset: 64 },
  ]);
  const proto = b.addFuncProto(int, [{ name: "x", type: int }]);
  const f = b.addFunc("f", proto);
  const v = b.addVar("v", int);
  b.addDatasec(".data", [{ type: v, offset: 0, size: 4 }]);
  b.addDeclTag("tag", s, 1);
  b.addEnum("e", [{ name: "E", value: 1 }]);
  const ext: BtfExt = {
    funcInfo: [{ section: "prog", records: [{ insnOff: 0, typeId: f }, { insnOff: 16, typeId: f }] }],
    lineInfo: [
      {
        section: "prog",
        records: [
          { insnOff: 0, fileName: "a.c", line: "int f(int x)", lineNumber: 3, column: 5 },
          { insnOff: 8, fileName: "a.c", line: "  return x;", lineNumber: 4, column: 3 },
        ],
      },
    ],
    coreRelos: [{ section: "prog", records: [{ insnOff: 8, typeId: s, accessString: "0:1", kind: 0 }] }],
  };
  return writeBtfAndExt(b.build(), ext);
}

// .BTF.ext layout of the base: header 0..32; func_info @32 (rec_size, sec @36, num @40,
// records @44, @52); line_info @60 (rec_size, sec @64, num @68, records @72, @88);
// core_relo @104 (rec_size, sec @108, num @112, record @116); 132 bytes in all.
const E = { func: 32, funcRec: 44, line: 60, lineRec: 72, core: 104, coreRec: 116, end: 132 };

function patched(bytes: Uint8Array, edit: (v: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

function expectFormatError(fn: () => unknown, section: string, offset: number, problem: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ObjectFormatError);
  const e = error as ObjectFormatError;
  expect(e.location).toEqual({ section, offset });
  expect(e.message).toMatch(problem);
  expect(e.message.startsWith(`${section}+0x${offset.toString(16)}: `)).toBe(true);
  expect(e.message).not.toContain("\n");
}

describe("base fixtures", () => {
  test("the base .BTF and .BTF.ext read and have the documented layout", () => {
    const { btf, ext } = base();
    const read = readBtf(btf);
    expect(read.types.map((t) => t.kind)).toEqual(["INT", "PTR", "STRUCT", "FUNC_PROTO", "FUNC", "VAR", "DATASEC", "DECL_TAG", "ENUM"]);
    expect(new DataView(btf.buffer).getUint32(12, true) + 24).toBe(T.strings);
    expect(ext.length).toBe(E.end);
    expect(readBtfExt(ext, read).coreRelos[0]!.records).toHaveLength(1);
  });
});

const btfCases: [string, (v: DataView) => void, number, RegExp][] = [
  ["bad magic", (v) => v.setUint16(0, 0x1234, true), 0, /expected BTF magic 0xeb9f, found 0x1234/],
  ["big-endian magic", (v) => v.setUint16(0, 0x9feb, true), 0, /big-endian BTF/],
  ["bad version", (v) => v.setUint8(2, 2), 2, /expected BTF version 1, found 2/],
  ["flags set", (v) => v.setUint8(3, 1), 3, /expected header flags 0/],
  ["hdr_len too small", (v) => v.setUint32(4, 16, true), 4, /header length 16 is shorter than the 24-byte btf_header/],
  ["hdr_len past end", (v) => v.setUint32(4, 0x10000, true), 4, /header length 65536 runs past the end/],
  ["type_off misaligned", (v) => v.setUint32(8, 2, true), 8, /type section offset 0x2 is not 4-byte aligned/],
  ["type section past end", (v) => v.setUint32(12, 0x1000, true), 12, /type section \(4096 bytes at 0x18\) runs past the end/],
  ["string section past end", (v) => v.setUint32(20, 0x1000, true), 20, /string section \(4096 bytes at 0xc4\) runs past the end/],
  ["strings before types", (v) => v.setUint32(16, 8, true), 16, /string section offset 0x8 lies inside the type section \[0x0, 0xac\); strings must follow types/],
  ["empty string section", (v) => v.setUint32(20, 0, true), 20, /string section is empty/],
  ["string section not starting with NUL", (v) => v.setUint8(T.strings, 0x41), T.strings, /must start with a NUL/],
  ["name offset out of range", (v) => v.setUint32(T.int, 0x999, true), T.int, /type \[1\] INT name offset 0x999 is past the end of the string section/],
  ["member name offset out of range", (v) => v.setUint32(T.member1, 0x999, true), T.member1, /type \[3\] STRUCT member 1 name offset 0x999/],
  ["name offset at an empty string", (v) => v.setUint32(T.member1, 4, true), T.member1, /member 1 name offset 0x4 points at an empty string; anonymous names use offset 0/],
  ["unknown kind 25", (v) => v.setUint32(T.ptr + 4, 25 << 24, true), T.ptr + 4, /type \[2\] has unknown kind 25/],
  ["kind 0", (v) => v.setUint32(T.ptr + 4, 0, true), T.ptr + 4, /type \[2\] has unknown kind 0/],
  ["unused info bits", (v) => v.setUint32(T.ptr + 4, (2 << 24) | (1 << 16), true), T.ptr + 4, /unused bits set/],
  ["kflag on PTR", (v) => v.setUint32(T.ptr + 4, ((2 << 24) | (1 << 31)) >>> 0, true), T.ptr + 4, /PTR has kflag set/],
  ["vlen on PTR", (v) => v.setUint32(T.ptr + 4, (2 << 24) | 1, true), T.ptr + 4, /PTR has vlen 1/],
  ["vlen overrunning", (v) => v.setUint32(T.enum + 4, (6 << 24) | 100, true), T.enum, /type \[9\] ENUM with vlen 100 needs 812 bytes, but only 20 remain/],
  ["member type out of range", (v) => v.setUint32(T.member1 + 4, 99, true), T.member1 + 4, /type \[3\] STRUCT member 1 refers to type id 99, but only 9 types exist/],
  ["PTR target out of range", (v) => v.setUint32(T.ptr + 8, 10, true), T.ptr + 8, /type \[2\] PTR refers to type id 10, but only 9 types exist/],
  ["member type void", (v) => v.setUint32(T.member0 + 4, 0, true), T.member0 + 4, /member 0 refers to void/],
  ["FUNC to non-proto", (v) => v.setUint32(T.func + 8, 1, true), T.func + 8, /FUNC refers to type \[1\] INT, but a FUNC must refer to a FUNC_PROTO/],
  ["FUNC linkage 3", (v) => v.setUint32(T.func + 4, (12 << 24) | 3, true), T.func + 4, /linkage 3 is not static/],
  ["VAR linkage 7", (v) => v.setUint32(T.var + 12, 7, true), T.var + 12, /VAR linkage 7/],
  ["VAR without a name", (v) => v.setUint32(T.var, 0, true), T.var, /type \[6\] VAR must have a name/],
  ["DATASEC entry not a VAR", (v) => v.setUint32(T.entry, 1, true), T.entry, /DATASEC entry 0 refers to type \[1\] INT, but DATASEC entries must be VARs or FUNCs/],
  ["PTR with a name", (v) => v.setUint32(T.ptr, 1, true), T.ptr, /PTR must be anonymous/],
  ["INT encoding 3", (v) => v.setUint32(T.int + 12, (3 << 24) | 32, true), T.int + 12, /encoding 3 is not/],
  ["INT wider than its size", (v) => v.setUint32(T.int + 12, 33, true), T.int + 12, /nr_bits 33 exceed its size of 4 bytes/],
  ["INT size 3", (v) => v.setUint32(T.int + 8, 3, true), T.int + 8, /size 3 is not 1, 2, 4, 8 or 16/],
  ["DECL_TAG component out of range", (v) => v.setInt32(T.tag + 12, 2, true), T.tag + 12, /component_idx 2 is out of range for \[3\] STRUCT with 2 components/],
  ["DECL_TAG component below -1", (v) => v.setInt32(T.tag + 12, -5, true), T.tag + 12, /component_idx -5 is below -1/],
];

describe("corrupt .BTF", () => {
  test.each(btfCases)("%s", (_name, edit, offset, problem) => {
    const bad = patched(base().btf, edit);
    expectFormatError(() => readBtf(bad), ".BTF", offset, problem);
  });

  test("section shorter than the header", () => {
    expectFormatError(() => readBtf(base().btf.subarray(0, 10)), ".BTF", 0, /the btf_header needs 24 bytes, but only 10 remain/);
  });

  test("empty input", () => {
    expectFormatError(() => readBtf(new Uint8Array(0)), ".BTF", 0, /needs 24 bytes/);
  });

  test("string section not ending with NUL", () => {
    const { btf } = base();
    const cut = patched(btf.subarray(0, btf.length - 1), (v) => v.setUint32(20, btf.length - 1 - T.strings, true));
    expectFormatError(() => readBtf(cut), ".BTF", btf.length - 2, /must end with a NUL byte/);
  });

  test("type section cut inside a type", () => {
    // type_len shortened by 8: the last ENUM (20 bytes at T.enum) now has 12 bytes.
    const bad = patched(base().btf, (v) => v.setUint32(12, T.strings - 24 - 8, true));
    expectFormatError(() => readBtf(bad), ".BTF", T.enum, /ENUM with vlen 1 needs 20 bytes, but only 12 remain in the type section/);
  });

  test("type section ends inside a btf_type", () => {
    const bad = patched(base().btf, (v) => v.setUint32(12, T.strings - 24 - 16, true));
    expectFormatError(() => readBtf(bad), ".BTF", T.enum, /type \[9\] needs a 12-byte btf_type, but only 4 bytes remain/);
  });

  test("non-zero bytes in a longer header", () => {
    const { btf } = base();
    const longer = new Uint8Array(btf.length + 4);
    longer.set(btf.subarray(0, 24));
    longer.set(btf.subarray(24), 28);
    const view = new DataView(longer.buffer);
    view.setUint32(4, 28, true);
    expect(readBtf(longer).types).toHaveLength(9);
    view.setUint32(24, 0xff, true);
    expectFormatError(() => readBtf(longer), ".BTF", 24, /header byte 24 is not zero/);
  });
});

const extCases: [string, (v: DataView) => void, number, RegExp][] = [
  ["bad magic", (v) => v.setUint16(0, 0xbeef, true), 0, /expected BTF.ext magic 0xeb9f, found 0xbeef/],
  ["bad version", (v) => v.setUint8(2, 9), 2, /expected BTF.ext version 1, found 9/],
  ["flags set", (v) => v.setUint8(3, 1), 3, /expected header flags 0/],
  ["hdr_len too small", (v) => v.setUint32(4, 8, true), 4, /header length 8 is shorter than the 24-byte btf_ext_header/],
  ["hdr_len past end", (v) => v.setUint32(4, 4096, true), 4, /header length 4096 runs past the end/],
  ["func_info record size too small", (v) => v.setUint32(E.func, 4, true), E.func, /func_info record size 4 must be a multiple of 4 and at least 8/],
  ["line_info record size not a multiple of 4", (v) => v.setUint32(E.line, 18, true), E.line, /line_info record size 18/],
  ["core_relo record size too small", (v) => v.setUint32(E.core, 12, true), E.core, /core_relo record size 12 must be a multiple of 4 and at least 16/],
  ["func_info section name out of range", (v) => v.setUint32(E.func + 4, 0x7777, true), E.func + 4, /func_info section name offset 0x7777 is past the end of the .BTF string section/],
  ["line_info section name empty", (v) => v.setUint32(E.line + 4, 0, true), E.line + 4, /line_info section name is empty/],
  ["no records", (v) => v.setUint32(E.func + 8, 0, true), E.func + 8, /func_info section 'prog' has no records/],
  ["too many records", (v) => v.setUint32(E.line + 8, 3, true), E.line + 8, /line_info section 'prog' has 3 records of 16 bytes \(48 bytes\), but only 32 remain in line_info/],
  ["func_info type out of range", (v) => v.setUint32(E.funcRec + 4, 50, true), E.funcRec + 4, /func_info 'prog' record 0 refers to type id 50, but only 9 types exist/],
  ["func_info type not a FUNC", (v) => v.setUint32(E.funcRec + 12, 4, true), E.funcRec + 12, /record 1 refers to type \[4\] FUNC_PROTO, but func_info must refer to a FUNC/],
  ["insn_off not a multiple of 8", (v) => v.setUint32(E.funcRec + 8, 12, true), E.funcRec + 8, /insn_off 0xc is not a multiple of the 8-byte instruction size/],
  ["line file name out of range", (v) => v.setUint32(E.lineRec + 4, 0x5555, true), E.lineRec + 4, /line_info 'prog' record 0 file name offset 0x5555/],
  ["line text out of range", (v) => v.setUint32(E.lineRec + 24, 0x5555, true), E.lineRec + 24, /record 1 line text offset 0x5555/],
  ["core relo type void", (v) => v.setUint32(E.coreRec + 4, 0, true), E.coreRec + 4, /core_relo 'prog' record 0 refers to type id 0/],
  ["core relo empty access string", (v) => v.setUint32(E.coreRec + 8, 0, true), E.coreRec + 8, /access string is empty/],
  ["core relo unknown kind", (v) => v.setUint32(E.coreRec + 12, 99, true), E.coreRec + 12, /unknown CO-RE relocation kind 99/],
  ["subsection past end", (v) => v.setUint32(28, 400, true), 28, /core_relo \(400 bytes at 0x68\) runs past the end of the section/],
  ["subsection misaligned", (v) => v.setUint32(16, 30, true), 16, /line_info offset 0x1e is not 4-byte aligned/],
  ["subsection too short for rec_size", (v) => v.setUint32(12, 2, true), 32, /func_info is 2 bytes, too short for its 4-byte rec_size/],
];

describe("corrupt .BTF.ext", () => {
  test.each(extCases)("%s", (_name, edit, offset, problem) => {
    const { btf, ext } = base();
    const bad = patched(ext, edit);
    expectFormatError(() => readBtfExt(bad, readBtf(btf)), ".BTF.ext", offset, problem);
  });

  test("truncated records", () => {
    const { btf, ext } = base();
    // The core_relo length still claims its 28 bytes, but the section ends 4 bytes early.
    expectFormatError(() => readBtfExt(ext.subarray(0, E.end - 4), readBtf(btf)), ".BTF.ext", 28, /core_relo \(28 bytes at 0x68\) runs past the end/);
    // A sub-section length that stops inside a record.
    const short = patched(ext, (v) => v.setUint32(12, 20, true));
    expectFormatError(() => readBtfExt(short, readBtf(btf)), ".BTF.ext", E.func + 8, /has 2 records of 8 bytes \(16 bytes\), but only 8 remain/);
  });

  test("section header truncated", () => {
    const { btf, ext } = base();
    const short = patched(ext, (v) => v.setUint32(12, 8, true));
    expectFormatError(() => readBtfExt(short, readBtf(btf)), ".BTF.ext", E.func + 4, /func_info section header needs 8 bytes, but only 4 remain/);
  });

  test("shorter than the fixed header", () => {
    const { btf, ext } = base();
    expectFormatError(() => readBtfExt(ext.subarray(0, 6), readBtf(btf)), ".BTF.ext", 0, /the btf_ext_header needs 8 bytes/);
    expectFormatError(() => readBtfExt(ext.subarray(0, 20), readBtf(btf)), ".BTF.ext", 4, /header length 32 runs past the end/);
  });
});

describe(".BTF.ext record sizes and header lengths", () => {
  /** Rebuilds the base .BTF.ext with each record padded by `extra` junk bytes. */
  function padded(ext: Uint8Array, extra: number): Uint8Array {
    const src = new DataView(ext.buffer, ext.byteOffset, ext.byteLength);
    const words: number[] = [];
    const lengths: number[] = [];
    for (const [start, end, field] of [[E.func, E.line, 12], [E.line, E.core, 20], [E.core, E.end, 28]] as const) {
      void field;
      const recSize = src.getUint32(start, true);
      const out = [recSize + extra];
      let pos = start + 4;
      while (pos < end) {
        const count = src.getUint32(pos + 4, true);
        out.push(src.getUint32(pos, true), count);
        pos += 8;
        for (let i = 0; i < count; i++, pos += recSize) {
          for (let w = 0; w < recSize; w += 4) out.push(src.getUint32(pos + w, true));
          for (let w = 0; w < extra; w += 4) out.push(0xdeadbeef);
        }
      }
      lengths.push(out.length * 4);
      words.push(...out);
    }
    const header = [0x0001eb9f, 32, 0, lengths[0]!, lengths[0]!, lengths[1]!, lengths[0]! + lengths[1]!, lengths[2]!];
    const all = [...header, ...words];
    const bytes = new Uint8Array(all.length * 4);
    all.forEach((w, i) => new DataView(bytes.buffer).setUint32(i * 4, w >>> 0, true));
    return bytes;
  }

  test("larger record sizes are honoured", () => {
    const { btf, ext } = base();
    const loaded = readBtf(btf);
    const expected = readBtfExt(ext, loaded);
    expect(readBtfExt(padded(ext, 8), loaded)).toEqual(expected);
    expect(readBtfExt(padded(ext, 4), loaded)).toEqual(expected);
  });

  test("a 24-byte header has no CO-RE relocations", () => {
    const { btf, ext } = base();
    const short = patched(ext.subarray(0, E.core), (v) => {
      v.setUint32(4, 24, true); // hdr_len: the data now starts at 24, 8 bytes earlier
    });
    // Move the data 8 bytes down so the offsets (relative to the header end) still hold.
    const moved = new Uint8Array(E.core - 8);
    moved.set(short.subarray(0, 24));
    moved.set(short.subarray(32), 24);
    const read = readBtfExt(moved, readBtf(btf));
    expect(read.coreRelos).toEqual([]);
    expect(read.lineInfo[0]!.records).toHaveLength(2);
  });
});
