// An object built only through tsbpf's API (no clang): an XDP program with a BTF-defined
// array map, a .data and a .rodata variable read through ld_imm64 map-value relocations,
// a bpf-to-bpf call with func_info, and line_info. Shared by the kernel and VM suites.
import { assembleLlvm } from "../../runtime/isa/index.js";
import { IntEncoding } from "../../runtime/object/btf/index.js";
import { ObjectBuilder } from "../../runtime/object/builder.js";
import { MapType } from "../../runtime/object/map-types.js";

const u32le = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);

/** What the program computes: multiplier (.rodata) = 7, base (.data) = 6; scale(a, b) = a * b + 1 = 43; map[0] = 43; return 43 % 4 = 3 (XDP_TX). */
export function buildApiObject(): Uint8Array {
  const b = new ObjectBuilder("api_object.ts");
  const t = b.btf;
  const u32 = t.addTypedef("__u32", t.addInt("unsigned int", 4));
  const u64 = t.addTypedef("__u64", t.addInt("unsigned long long", 8));
  const xdpMd = t.addStruct("xdp_md", 24, ["data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex"].map((name, i) => ({ name, type: u32, bitsOffset: i * 32 })));
  const intT = t.addInt("int", 4, IntEncoding.SIGNED);
  const progProto = t.addFuncProto(intT, [{ name: "ctx", type: t.addPtr(xdpMd) }]);
  const scaleProto = t.addFuncProto(u64, [
    { name: "a", type: u64 },
    { name: "b", type: u64 },
  ]);

  b.addMap({ name: "results", type: MapType.ARRAY, key: u32, value: u64, maxEntries: 4 });
  b.addVariable({ name: "base", section: ".data", type: u32, init: u32le(6) });
  b.addVariable({ name: "multiplier", section: ".rodata", type: t.addConst(t.addVolatile(u32)), init: u32le(7) });

  const file = "api_object.ts";
  const prog = assembleLlvm(`
    r1 = 0x0 ll
    w2 = *(u32 *)(r1 + 0x0)
    r1 = 0x0 ll
    w3 = *(u32 *)(r1 + 0x0)
    r1 = r2
    r2 = r3
    call local -0x1
    r6 = r0
    w1 = 0x0
    *(u32 *)(r10 - 0x4) = w1
    r2 = r10
    r2 += -0x4
    r1 = 0x0 ll
    call 0x1
    if r0 == 0x0 goto +0x1
    *(u64 *)(r0 + 0x0) = r6
    r0 = r6
    r0 &= 0x3
    exit
  `);
  b.addFunction({
    name: "api_prog",
    section: "xdp",
    linkage: "global",
    proto: progProto,
    insns: prog,
    refs: [
      { insn: 0, symbol: "multiplier" },
      { insn: 2, symbol: "base" },
      { insn: 6, symbol: "scale" },
      { insn: 12, symbol: "results" },
    ],
    lines: [
      { insn: 0, file, line: "const m = multiplier;", lineNumber: 10, column: 3 },
      { insn: 4, file, line: "const v = scale(m, base);", lineNumber: 11, column: 3 },
      { insn: 8, file, line: "results.update(0, v);", lineNumber: 12, column: 3 },
      { insn: 16, file, line: "return v & 3;", lineNumber: 13, column: 3 },
    ],
  });
  b.addFunction({
    name: "scale",
    section: ".text",
    linkage: "static",
    proto: scaleProto,
    insns: assembleLlvm(`
      r0 = r1
      r0 *= r2
      r0 += 0x1
      exit
    `),
    lines: [{ insn: 0, file, line: "return a * b + 1;", lineNumber: 3, column: 3 }],
  });
  b.license("GPL");
  return b.build();
}
