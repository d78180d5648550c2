// A small object assembled with buildElf, shaped like clang output for an XDP
// program: program section `xdp` calling a `.text` function, a map in `.maps`,
// globals in .data/.rodata/.bss, `license`, and .BTF/.BTF.ext carrying every
// R_BPF_* relocation type. Tests use it where the reference objects are not
// needed (so they run without ../shared), and as one more fuzzing seed.
import {
  R_BPF_64_32,
  R_BPF_64_64,
  R_BPF_64_ABS32,
  R_BPF_64_ABS64,
  R_BPF_64_NODYLD32,
  R_BPF_NONE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHT_NOBITS,
  STB_GLOBAL,
  STB_LOCAL,
  STT_FUNC,
  STT_OBJECT,
} from "../../runtime/object/elf/constants.js";
import type { ElfBuildSpec } from "../../runtime/object/elf/build.js";

/** One 8-byte BPF instruction. */
function insn(opcode: number, dst: number, src: number, off: number, imm: number): number[] {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint8(0, opcode);
  v.setUint8(1, (src << 4) | dst);
  v.setInt16(2, off, true);
  v.setInt32(4, imm, true);
  return [...b];
}

const ldImm64 = (dst: number): number[] => [...insn(0x18, dst, 0, 0, 0), ...insn(0, 0, 0, 0, 0)];

/** xdp: r1 = counts ll; r2 = pkt_count ll; r3 = .rodata ll; call 1; call verdict; r0 = 2; exit */
export const xdpCode = new Uint8Array([
  ...ldImm64(1),
  ...ldImm64(2),
  ...ldImm64(3),
  ...insn(0x85, 0, 0, 0, 1),
  ...insn(0x85, 0, 1, 0, -1),
  ...insn(0xb7, 0, 0, 0, 2),
  ...insn(0x95, 0, 0, 0, 0),
]);
/** .text: verdict() { return 1; } */
export const textCode = new Uint8Array([...insn(0xb7, 0, 0, 0, 1), ...insn(0x95, 0, 0, 0, 0)]);

/** A BTF header with no types and an empty string table. */
function btfHeader(): Uint8Array {
  const b = new Uint8Array(25);
  const v = new DataView(b.buffer);
  v.setUint16(0, 0xeb9f, true);
  v.setUint8(2, 1);
  v.setUint32(4, 24, true); // hdr_len
  v.setUint32(20, 1, true); // str_len
  return b;
}

/** A .BTF.ext header with empty func/line info, followed by 32 bytes of relocated words. */
function btfExt(): Uint8Array {
  const b = new Uint8Array(64);
  const v = new DataView(b.buffer);
  v.setUint16(0, 0xeb9f, true);
  v.setUint8(2, 1);
  v.setUint32(4, 32, true); // hdr_len
  return b;
}

const AX = SHF_ALLOC | SHF_EXECINSTR;
const WA = SHF_WRITE | SHF_ALLOC;

export const sampleSpec: ElfBuildSpec = {
  fileName: "sample.c",
  sections: [
    { name: ".text", flags: AX, align: 8, data: textCode },
    { name: "xdp", flags: AX, align: 8, data: xdpCode },
    { name: ".data", flags: WA, align: 8, data: new Uint8Array(8) },
    { name: ".rodata", flags: SHF_ALLOC, align: 4, data: new Uint8Array([1, 0, 0, 0]) },
    { name: ".bss", type: SHT_NOBITS, flags: WA, align: 8, size: 16 },
    { name: ".maps", flags: WA, align: 8, data: new Uint8Array(32) },
    { name: "license", flags: WA, align: 1, data: new TextEncoder().encode("GPL\0") },
    { name: ".BTF", flags: 0n, align: 4, data: btfHeader() },
    { name: ".BTF.ext", flags: 0n, align: 4, data: btfExt() },
  ],
  symbols: [
    { name: "xdp_prog", section: "xdp", value: 0, size: xdpCode.length, bind: STB_GLOBAL, type: STT_FUNC },
    { name: "verdict", section: ".text", value: 0, size: textCode.length, bind: STB_LOCAL, type: STT_FUNC },
    { name: "pkt_count", section: ".data", value: 0, size: 8, bind: STB_GLOBAL, type: STT_OBJECT },
    { name: "scratch", section: ".bss", value: 0, size: 16, bind: STB_GLOBAL, type: STT_OBJECT },
    { name: "counts", section: ".maps", value: 0, size: 32, bind: STB_GLOBAL, type: STT_OBJECT },
    { name: "LICENSE", section: "license", value: 0, size: 4, bind: STB_GLOBAL, type: STT_OBJECT },
    { name: "bpf_ext_helper", bind: STB_GLOBAL, type: STT_FUNC },
  ],
  relocations: [
    { section: "xdp", offset: 0, type: R_BPF_64_64, symbol: "counts" },
    { section: "xdp", offset: 16, type: R_BPF_64_64, symbol: "pkt_count" },
    { section: "xdp", offset: 32, type: R_BPF_64_64, symbol: ".rodata", against: "section" },
    { section: "xdp", offset: 56, type: R_BPF_64_32, symbol: ".text", against: "section" },
    { section: ".BTF.ext", offset: 32, type: R_BPF_64_NODYLD32, symbol: "xdp", against: "section" },
    { section: ".BTF.ext", offset: 36, type: R_BPF_64_ABS32, symbol: "scratch" },
    { section: ".BTF.ext", offset: 40, type: R_BPF_64_ABS64, symbol: "xdp_prog" },
    { section: ".BTF.ext", offset: 48, type: R_BPF_64_NODYLD32, symbol: "bpf_ext_helper" },
    { section: ".BTF.ext", offset: 52, type: R_BPF_NONE, symbol: "LICENSE" },
  ],
};
