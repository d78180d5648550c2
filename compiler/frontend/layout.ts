// Struct layout decisions beyond C's natural alignment: `/** @packed */` on an interface lays
// its fields out back to back (C's __attribute__((packed)), e.g. ARP's sender address at
// offset 14), and a header type read from the packet whose natural layout has holes gets a
// warning (like clang's -Wpadded), since wire formats have none: a hole shifts every later
// field and the bounds check.

import { Node, type Type } from "ts-morph";
import { Code } from "../diagnostics/codes.js";
import type { DiagnosticSink } from "./diagnostics.js";
import { sizeOf, typeName, type StructType, type ValueType } from "./types.js";

/** Whether the type's declaration carries the JSDoc tag `@packed`. */
export function isPacked(type: Type): boolean {
  const symbol = type.getSymbol() ?? type.getAliasSymbol();
  for (const decl of symbol?.getDeclarations() ?? []) {
    const holder = Node.isTypeLiteral(decl) ? decl.getParent() : decl;
    if (holder && Node.isJSDocable(holder) && holder.getJsDocs().some((doc) => doc.getTags().some((t) => t.getTagName() === "packed"))) return true;
  }
  return false;
}

/** The first hole natural alignment put into `t` (or a struct inside it), described; undefined when none. */
export function paddingOf(t: ValueType, path = typeName(t)): string | undefined {
  if (t.kind === "array") return paddingOf(t.elem, `${path}[]`);
  if (t.kind !== "struct") return undefined;
  let end = 0;
  for (const f of t.fields) {
    if (f.offset > end) return `${f.offset - end} byte${f.offset - end === 1 ? "" : "s"} of padding before field '${f.name}' of ${path} put it at offset ${f.offset}, not ${end}`;
    const inner = paddingOf(f.type, `${path}.${f.name}`);
    if (inner) return inner;
    end = f.offset + sizeOf(f.type);
  }
  if (t.size > end) return `${t.size - end} byte${t.size - end === 1 ? "" : "s"} of trailing padding make ${path} ${t.size} bytes long, not ${end}`;
  return undefined;
}

/** Warns (without failing the build) when a header type read from the packet has padding. */
export function warnPadding(sink: DiagnosticSink, t: ValueType, node: Node): void {
  const hole = paddingOf(t);
  if (!hole) return;
  const name = t.kind === "struct" ? t.name || "this struct" : typeName(t);
  sink.warning(node, Code.Padding, `${hole}; on the wire there is no padding, so this header's fields and bounds check are off`, `mark ${name} /** @packed */ to lay its fields out back to back, or add the padding as a field if the format has it`);
}

/** The packed layout of fields of the given types: back to back, alignment 1. */
export function packedStruct(name: string, fields: readonly { name: string; type: ValueType }[]): StructType {
  let offset = 0;
  const laid = fields.map((f) => {
    const at = offset;
    offset += sizeOf(f.type);
    return { name: f.name, type: f.type, offset: at };
  });
  return { kind: "struct", name, size: offset, align: 1, fields: laid, packed: true };
}
