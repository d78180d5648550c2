// `tsbpf link --chain NAME --inline`: the rootlet with each program's body copied into it
// instead of called, which saves the BPF-to-BPF call and return per program (the chain's
// whole cost in the kernel). Done on the linked object, where every symbol the bodies refer
// to is one object's: each body is copied with its relocations, its `exit`s become jumps to
// the action test after it, and ctx lives in a callee-saved register no body writes.
// Refused (one StaticLinkError naming the program) where a body cannot be moved that way.

import { readObject, writeObject } from "../object-file.js";
import type { ElfRelocation } from "../elf/types.js";
import { StaticLinkError } from "./errors.js";
import type { RunConfig } from "./run-config.js";

const BPF_ALU = 4;
const BPF_ALU64 = 7;
const BPF_LD = 0;
const BPF_LDX = 1;
const BPF_STX = 3;
const BPF_JMP = 5;
const ATOMIC_MODE = 0xc0;
const BPF_FETCH = 1;
const BPF_CMPXCHG = 0xf0;
const EXIT = 0x95;
const CALL = 0x85;

function insn(code: number, dst: number, src: number, off: number, imm: number): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint8(0, code);
  v.setUint8(1, (dst & 0xf) | ((src & 0xf) << 4));
  v.setInt16(2, off, true);
  v.setInt32(4, imm, true);
  return b;
}

/** Registers r6..r9 that a body writes (calls preserve them; loads, ALU and fetching atomics write). */
function writtenCalleeSaved(code: Uint8Array): Set<number> {
  const out = new Set<number>();
  for (let at = 0; at < code.length; at += 8) {
    const op = code[at]!;
    const dst = code[at + 1]! & 0xf;
    const src = code[at + 1]! >> 4;
    const cls = op & 7;
    if (cls === BPF_ALU || cls === BPF_ALU64 || cls === BPF_LD || cls === BPF_LDX) out.add(dst);
    if (cls === BPF_STX && (op & 0xe0) === ATOMIC_MODE) {
      const imm = new DataView(code.buffer, code.byteOffset + at + 4, 4).getInt32(0, true);
      if (imm & BPF_FETCH) out.add(src);
      if (imm === BPF_CMPXCHG) out.add(0);
    }
    if (op === 0x18) at += 8; // ld_imm64's second slot
  }
  return new Set([...out].filter((r) => r >= 6 && r <= 9));
}

/** Rewrites the rootlet `name` of a linked chain object so that it inlines the programs, in `order`. */
export function inlineRootlet(bytes: Uint8Array, name: string, order: readonly (RunConfig & { readonly name: string })[]): Uint8Array {
  const obj = readObject(bytes);
  const { elf } = obj;
  const textIndex = elf.sections.findIndex((s) => s.name === ".text");
  const root = elf.symbols.find((s) => s.name === name);
  if (textIndex < 0 || !root) throw new StaticLinkError(`--inline: no rootlet '${name}' over .text in the linked object`);
  const text = elf.sections[textIndex]!;
  const textRelocs = elf.relocations.get(textIndex) ?? [];
  const bodies = order.map((p) => {
    const sym = elf.symbols.find((s) => s.name === p.name && s.shndx === textIndex);
    if (!sym) throw new StaticLinkError(`--inline: program '${p.name}' is not in .text of the linked object`);
    const start = Number(sym.value);
    const code = text.data.slice(start, start + Number(sym.size));
    const relocs = textRelocs.filter((r) => r.offset >= BigInt(start) && r.offset < BigInt(start + code.length));
    for (let at = 0; at < code.length; at += 8) {
      const pseudoCall = code[at] === CALL && code[at + 1]! >> 4 === 1;
      const pseudoFunc = code[at] === 0x18 && code[at + 1]! >> 4 === 4;
      if ((pseudoCall || pseudoFunc) && !relocs.some((r) => Number(r.offset) === start + at)) {
        throw new StaticLinkError(`--inline: program '${p.name}' calls a function by offset without a relocation, so its body cannot move; link without --inline`);
      }
      if (code[at] === 0x18) at += 8;
    }
    return { p, start, code, relocs };
  });
  const used = new Set(bodies.flatMap((b) => [...writtenCalleeSaved(b.code)]));
  const ctxReg = [9, 8, 7, 6].find((r) => !used.has(r));
  if (ctxReg === undefined) throw new StaticLinkError(`--inline: the programs write all of r6-r9, leaving no register to keep ctx in; link without --inline`);

  // Layout: rK = r1; per program: r1 = rK, body (exits → ja to its test), tests, exit; r0 = PASS; exit.
  const parts: Uint8Array[] = [insn(0xbf, ctxReg, 1, 0, 0)];
  const relocations: ElfRelocation[] = [];
  let slot = 1;
  for (const { p, start, code, relocs } of bodies) {
    parts.push(insn(0xbf, 1, ctxReg, 0, 0));
    slot += 1;
    const bodySlot = slot;
    const body = code.slice();
    const slots = body.length / 8;
    for (let i = 0; i < slots; i++) {
      if (body[i * 8] === 0x18) {
        i++;
        continue;
      }
      if (body[i * 8] !== EXIT) continue;
      const off = slots - (i + 1); // to the first instruction after the body
      if (off > 0x7fff) throw new StaticLinkError(`--inline: program '${p.name}' is too long to jump over; link without --inline`);
      body.set(insn(BPF_JMP, 0, 0, off, 0), i * 8);
    }
    parts.push(body);
    for (const r of relocs) relocations.push({ ...r, offset: BigInt(bodySlot * 8) + r.offset - BigInt(start) });
    slot += slots;
    const actions = [0, 1, 2, 3, 4].filter((a) => (p.chainActions & (1 << a)) !== 0);
    actions.forEach((a, j) => parts.push(insn(0x16, 0, 0, actions.length - j, a)));
    parts.push(insn(EXIT, 0, 0, 0, 0));
    slot += actions.length + 1;
  }
  parts.push(insn(0xb7, 0, 0, 0, 2), insn(EXIT, 0, 0, 0, 0));
  const data = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) (data.set(x, at), (at += x.length));

  const rootIndex = root.shndx;
  const sections = elf.sections.map((s, i) => (i === rootIndex ? { ...s, data, size: BigInt(data.length) } : s));
  const symbols = elf.symbols.map((s) => (s === root ? { ...s, size: BigInt(data.length) } : s));
  const relocMap = new Map(elf.relocations);
  relocMap.set(rootIndex, relocations);
  return writeObject({ ...obj, elf: { ...elf, sections, symbols, relocations: relocMap } });
}
