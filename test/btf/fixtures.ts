// Test support for the BTF suites: a temp dir per suite (removed after it), compiling
// small C programs with clang-19 into objects whose BTF uses every kind, running
// bpftool on files, and a built BTF (with .BTF.ext) that uses every kind and flag.
// Tools that are missing make the helpers return undefined (callers skip).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { requireTool, run } from "../support/tools.js";
import { BtfBuilder } from "../../runtime/object/btf/builder.js";
import type { BtfExt } from "../../runtime/object/btf/ext-types.js";
import { FuncLinkage, IntEncoding, VarLinkage, type Btf } from "../../runtime/object/btf/types.js";

/** A fresh temp dir, removed after the calling suite; call it at a suite's top level. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-btf-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `bpftool btf dump file PATH` output, or undefined when bpftool is missing. */
export function bpftoolDump(path: string): string | undefined {
  const bpftool = requireTool("bpftool");
  return bpftool ? run(bpftool, ["btf", "dump", "file", path]) : undefined;
}

/** Compiles `source` with `clang-19 -g -O2 -target bpf -c`; returns the object path. */
export function compileC(dir: string, name: string, source: string): string | undefined {
  const clang = requireTool("clang-19");
  if (!clang) return undefined;
  const src = join(dir, `${name}.c`);
  const obj = join(dir, `${name}.o`);
  writeFileSync(src, source);
  run(clang, ["-g", "-O2", "-target", "bpf", "-c", src, "-o", obj]);
  return obj;
}

/**
 * Uses every kind clang can emit: signed ENUM, ENUM64 (signed and not), UNION, FLOAT,
 * FWD struct and union, bitfields (kflag struct), DECL_TAG on a struct, a function and
 * a parameter, TYPE_TAG, RESTRICT, VOLATILE, a varargs FUNC_PROTO, static/global/extern
 * FUNCs and VARs, and a .ksyms DATASEC holding a FUNC.
 */
export const KINDS_C = `
#define SEC(n) __attribute__((section(n), used))
#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __ttag(x) __attribute__((btf_type_tag(x)))

enum small { S_A = -3, S_B = 7 };
enum big { B_A = 1, B_B = 0xfffffffffffULL };
enum sbig { SB_A = -1LL, SB_B = 0x7fffffffffffLL };
union u { int i; float f; char c[4]; };
struct bits { unsigned a:3; unsigned b:5; int c:7; _Bool d; double e; } __tag("s");
struct opaque;
union uopaque;
struct holder {
  struct opaque *o; union uopaque *uo; int __ttag("user") *p; int * restrict r;
  long double ld; _Bool flag; int (*cb)(int, ...);
} __tag("h");

struct holder H SEC(".data");
struct bits Bits SEC(".data");
union u U;
enum small es;
enum big eb;
enum sbig esb;
static volatile int svar SEC(".data") = 3;
extern int ext_var __attribute__((weak));
extern void ext_fn(int) __attribute__((weak));
extern int my_kfunc(int) __attribute__((section(".ksyms")));
extern const int my_ksym __attribute__((section(".ksyms")));

static __attribute__((noinline)) int __tag("fn") helper(int x __tag("arg")) { return x * 2 + svar; }

SEC("xdp") int prog(void *ctx) {
  if (ext_fn) ext_fn(3);
  if (my_kfunc(my_ksym)) return 9;
  return helper(es) + U.i + Bits.b + (int)eb + (int)esb + (ext_var ? 1 : 0) + (H.p ? 1 : 0);
}
SEC("tc") int prog2(void *ctx) { return helper(2); }
char LICENSE[] SEC("license") = "GPL";
`;

/**
 * CO-RE relocations of several kinds, including roots (struct other, enum state)
 * that clang first meets inside a function body, across three ELF sections.
 */
export const CORE_C = `
#define SEC(n) __attribute__((section(n), used))
struct task { int pid; struct { unsigned flags:4; unsigned more:4; } s; long arr[4]; } __attribute__((preserve_access_index));
struct other { long a; int b; } __attribute__((preserve_access_index));
enum state { RUNNING = 1, SLEEPING = 2 };

static __attribute__((noinline)) int get_b(struct other *o) { return o->b; }

SEC("kprobe/x") int probe(struct task *t) {
  int r = t->pid;
  r += t->arr[2];
  r += __builtin_preserve_field_info(t->s.more, 0);
  r += __builtin_preserve_field_info(t->s.flags, 2);
  r += __builtin_btf_type_id(*t, 0);
  r += __builtin_preserve_type_info(*(struct other *)0, 1);
  r += __builtin_preserve_enum_value(*(typeof(enum state) *)SLEEPING, 1);
  return r + get_b((struct other *)t);
}
SEC("kprobe/y") int probe2(struct other *o) { return o->a + get_b(o); }
char LICENSE[] SEC("license") = "GPL";
`;

/** A BTF with every kind, every flag and the value edge cases bpftool prints. */
export function everyKind(): Btf {
  const b = new BtfBuilder();
  const int = b.addInt("int", 4, IntEncoding.SIGNED);
  const uint = b.addInt("unsigned int", 4);
  const char = b.addInt("char", 1, IntEncoding.CHAR);
  const bool = b.addInt("_Bool", 1, IntEncoding.BOOL);
  b.addInt("__int128", 16, IntEncoding.SIGNED);
  b.addInt("bits_in_int", 4, IntEncoding.NONE, 5, 3);
  const voidPtr = b.addPtr(0);
  const idx = b.addInt("__ARRAY_SIZE_TYPE__", 4);
  const arr = b.addArray(char, idx, 16);
  const node = b.addStruct("node", 16);
  const nodePtr = b.addPtr(node);
  b.setMembers(node, [
    { name: "next", type: nodePtr, bitsOffset: 0 },
    { name: "value", type: int, bitsOffset: 64 },
  ]);
  const flags = b.addStruct("flags", 8, [
    { name: "a", type: uint, bitsOffset: 0, bitfieldSize: 3 },
    { name: "b", type: uint, bitsOffset: 3, bitfieldSize: 29 },
    { name: "c", type: int, bitsOffset: 32 },
    { name: "", type: bool, bitsOffset: 40, bitfieldSize: 1 },
  ]);
  b.addUnion("u", 16, [
    { name: "n", type: node, bitsOffset: 0 },
    { name: "raw", type: arr, bitsOffset: 0 },
  ]);
  b.addUnion("", 4, [{ name: "bit", type: uint, bitsOffset: 0, bitfieldSize: 1 }]);
  b.addEnum("color", [
    { name: "RED", value: 0 },
    { name: "BIG", value: 0xffffffff },
  ]);
  b.addEnum("sign", [
    { name: "NEG", value: -2147483648 },
    { name: "POS", value: 2147483647 },
  ]);
  b.addEnum("tiny", [{ name: "T", value: 1 }], 1);
  b.addEnum("fwd_enum", [], 4);
  b.addEnum64("u64e", [
    { name: "MAX", value: 0xffffffffffffffffn },
    { name: "HI", value: 0x100000000n },
  ]);
  b.addEnum64("s64e", [
    { name: "MIN", value: -0x8000000000000000n },
    { name: "M1", value: -1n },
  ]);
  b.addFwd("later_struct");
  b.addFwd("later_union", true);
  const td = b.addTypedef("u32_t", uint);
  const vol = b.addVolatile(td);
  const cst = b.addConst(vol);
  b.addConst(0);
  const rst = b.addRestrict(voidPtr);
  const tag = b.addTypeTag("user", int);
  b.addTypeTag("rcu", int, true);
  const tagPtr = b.addPtr(tag);
  const proto = b.addFuncProto(int, [
    { name: "p", type: rst },
    { name: "q", type: tagPtr },
  ]);
  const voidProto = b.addFuncProto(0, []);
  const varargs = b.addFuncProto(int, [{ name: "fmt", type: b.addPtr(cst) }], true);
  const f1 = b.addFunc("global_fn", proto, FuncLinkage.GLOBAL);
  const f2 = b.addFunc("static_fn", voidProto, FuncLinkage.STATIC);
  const f3 = b.addFunc("extern_fn", varargs, FuncLinkage.EXTERN);
  const v1 = b.addVar("g", int, VarLinkage.GLOBAL);
  const v2 = b.addVar("s", flags, VarLinkage.STATIC);
  const v3 = b.addVar("e", cst, VarLinkage.EXTERN);
  b.addDatasec(".data", [
    { type: v1, offset: 0, size: 4 },
    { type: v2, offset: 8, size: 8 },
  ], 16);
  b.addDatasec(".ksyms", [
    { type: v3, offset: 0, size: 4 },
    { type: f3, offset: 0, size: 0 },
  ]);
  b.addDatasec(".empty", []);
  b.addFloat("float", 4);
  b.addFloat("double", 8);
  b.addFloat("long double", 16);
  b.addFloat("half", 2);
  b.addFloat("x87", 12);
  b.addDeclTag("whole", flags, -1);
  b.addDeclTag("member", flags, 3);
  b.addDeclTag("param", f1, 1);
  b.addDeclTag("attr", f2, -1, true);
  b.addDeclTag("on_var", v1);
  return b.build();
}

/** A .BTF.ext for everyKind(): func, line and CO-RE records in two sections. */
export function everyKindExt(btf: Btf): BtfExt {
  const id = (name: string) => btf.types.findIndex((t) => "name" in t && t.name === name) + 1;
  return {
    funcInfo: [
      { section: "xdp", records: [{ insnOff: 0, typeId: id("global_fn") }] },
      { section: ".text", records: [{ insnOff: 0, typeId: id("static_fn") }, { insnOff: 64, typeId: id("extern_fn") }] },
    ],
    lineInfo: [
      { section: "xdp", records: [{ insnOff: 0, fileName: "k.c", line: "int global_fn(void *p, int *q)", lineNumber: 10, column: 1 }] },
      {
        section: ".text",
        records: [
          { insnOff: 0, fileName: "k.c", line: "static void static_fn(void)", lineNumber: 20, column: 2 },
          { insnOff: 8, fileName: "k.c", line: "  é ünïcode;", lineNumber: 21, column: 1023 },
          { insnOff: 64, fileName: "other.h", line: "", lineNumber: 4194303, column: 0 },
        ],
      },
    ],
    coreRelos: [
      { section: "xdp", records: [{ insnOff: 0, typeId: id("flags"), accessString: "0:1", kind: 0 }] },
      { section: ".text", records: [{ insnOff: 8, typeId: id("color"), accessString: "1", kind: 11 }] },
    ],
  };
}
