// Emits the relocatable object: every machine function in its section (programs in `xdp`,
// subprograms in `.text`), maps and globals with BTF for every type, func_info and
// line_info pointing at the TypeScript source, and the license.

import { ObjectBuilder, type SourceLine as ObjLine } from "../../runtime/object/builder.js";
import { LINE_COLUMN_MASK } from "../../runtime/object/btf/ext-types.js";
import type { MachineFunction } from "../codegen/isel.js";
import type { ModuleInfo } from "../frontend/module.js";
import { sizeOf } from "../frontend/types.js";
import { BtfTypes } from "./btf-types.js";

const le = (v: bigint, size: number): Uint8Array => {
  const out = new Uint8Array(size);
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
};

export function emitObject(module: ModuleInfo, functions: readonly MachineFunction[], fileName: string): Uint8Array {
  const ob = new ObjectBuilder(fileName);
  const types = new BtfTypes(ob.btf, ob);
  const intT = types.cInt();
  const u64T = types.of({ kind: "int", bits: 64, signed: false, be: false, name: "u64" });
  for (const m of module.maps.values()) {
    ob.addMap({
      name: m.name,
      type: m.type,
      ...(m.key ? { key: types.of(m.key) } : {}),
      ...(m.value ? { value: types.of(m.value) } : {}),
      maxEntries: m.maxEntries,
      ...(m.flags ? { flags: m.flags } : {}),
      ...(m.pinning ? { pinning: m.pinning } : {}),
      ...(m.initialSlots && m.initialSlots.length > 0 ? { initialSlots: m.initialSlots } : {}),
      ...(m.inner
        ? {
            innerMap: {
              type: m.inner.type,
              ...(m.inner.key ? { key: types.of(m.inner.key) } : {}),
              ...(m.inner.value ? { value: types.of(m.inner.value) } : {}),
              maxEntries: m.inner.maxEntries,
              ...(m.inner.flags ? { flags: m.inner.flags } : {}),
            },
          }
        : {}),
    });
  }
  for (const g of module.globals.values()) {
    ob.addVariable({ name: g.name, section: g.section, type: types.of(g.type), init: le(g.init, sizeOf(g.type)) });
  }
  for (const f of functions) {
    const proto =
      f.section !== undefined
        ? ob.btf.addFuncProto(intT, [{ name: "ctx", type: ob.btf.addPtr(types.xdpMd()) }])
        : ob.btf.addFuncProto(u64T, Array.from({ length: paramCount(module, f.name) }, (_, i) => ({ name: `arg${i}`, type: u64T })));
    const lines: ObjLine[] = [];
    let last = -2;
    f.lineOf.forEach((ref, insn) => {
      if (ref < 0 || ref === last) return;
      last = ref;
      const l = f.sourceLines[ref]!;
      // line_col has 10 bits for the column: a statement past column 1023 records 1023 (the
      // line stays right; clang-19 ORs the whole column in, which spills into the line number).
      lines.push({ insn, file: l.file, line: l.text, lineNumber: l.line, column: Math.min(l.column, LINE_COLUMN_MASK) });
    });
    ob.addFunction({ name: f.name, section: f.section ?? ".text", linkage: f.section !== undefined ? "global" : "static", proto, insns: f.insns, refs: f.refs, lines });
  }
  for (const rc of module.runConfigs) ob.addRunConfig(rc);
  ob.license(module.license ?? "GPL");
  return ob.build();
}

function paramCount(module: ModuleInfo, name: string): number {
  return (module.functions.get(name) ?? module.specialisations.get(name)?.fn)?.getParameters().length ?? 0;
}
