// BTF merging for the static linker: every input's types appended (ids shifted), then
// structurally equal types collapsed into one (partition refinement, so cyclic types
// through pointers dedupe too; equal FUNCs of different objects collapse as
// btf__dedup collapses them; VARs never do), DATASECs rebuilt per output section from the inputs'
// entries moved by each input's offset in that section. Deterministic: representatives
// are the lowest ids.

import { typeById, type Btf, type BtfDatasec, type BtfType, type BtfVarSecinfo, type TypeId } from "../btf/types.js";

/** Calls `f` on every type id a type refers to and stores what it returns. */
export function mapTypeRefs(t: BtfType, f: (id: TypeId) => TypeId): BtfType {
  switch (t.kind) {
    case "PTR":
    case "TYPEDEF":
    case "VOLATILE":
    case "CONST":
    case "RESTRICT":
    case "FUNC":
    case "VAR":
    case "DECL_TAG":
    case "TYPE_TAG":
      return { ...t, type: f(t.type) } as BtfType;
    case "ARRAY":
      return { ...t, type: f(t.type), indexType: f(t.indexType) };
    case "STRUCT":
    case "UNION":
      return { ...t, members: t.members.map((m) => ({ ...m, type: f(m.type) })) };
    case "FUNC_PROTO":
      return { ...t, returnType: f(t.returnType), params: t.params.map((p) => ({ ...p, type: f(p.type) })) };
    case "DATASEC":
      return { ...t, vars: t.vars.map((v) => ({ ...v, type: f(v.type) })) };
    default:
      return t;
  }
}

function refsOf(t: BtfType): TypeId[] {
  const out: TypeId[] = [];
  mapTypeRefs(t, (id) => (out.push(id), id));
  return out;
}

/** A type's own content with its references blanked: equal keys + equal referenced classes = equal types. */
function localKey(t: BtfType, index: number): string {
  // btf__dedup leaves VARs alone: each stays its own type.
  if (t.kind === "VAR") return `var#${index}`;
  return JSON.stringify(mapTypeRefs(t, () => 0), (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

export interface BtfPiece {
  readonly btf: Btf;
  /** Offset of this input's part of each output data section, by section name. */
  readonly sectionBase: ReadonlyMap<string, number>;
  /** VAR type ids (input numbering) whose DATASEC entries are dropped: resolved to another object's definition. */
  readonly droppedVars: ReadonlySet<TypeId>;
  /** Sections whose DATASEC this input does not contribute (kept-once sections of later inputs). */
  readonly skipSections: ReadonlySet<string>;
}

export interface MergedBtf {
  readonly btf: Btf;
  /** Input type id → output type id, per input. */
  readonly idMaps: readonly ((id: TypeId) => TypeId)[];
}

/**
 * Merges the inputs' BTF. `sectionSizes` gives each output data section's final size, which
 * the DATASECs carry (libbpf's linker writes it too).
 */
export function mergeBtf(pieces: readonly BtfPiece[], sectionSizes: ReadonlyMap<string, number>, sectionOrder: readonly string[]): MergedBtf {
  // 1. Concatenate every non-DATASEC type; DATASEC entries are collected per section name.
  const all: BtfType[] = [];
  const shifts: Map<TypeId, TypeId>[] = [];
  const secs = new Map<string, { vars: BtfVarSecinfo[] }>();
  pieces.forEach((p, pi) => {
    const local = new Map<TypeId, TypeId>();
    // VARs resolved to another object's definition, or of a kept-once section's later copy, are not carried.
    const gone = new Set(p.droppedVars);
    for (const t of p.btf.types) if (t.kind === "DATASEC" && p.skipSections.has(t.name)) for (const v of t.vars) gone.add(v.type);
    p.btf.types.forEach((t, i) => {
      if (t.kind === "DATASEC" || gone.has(i + 1)) return;
      local.set(i + 1, all.length + 1 + local.size);
    });
    const shift = (id: TypeId): TypeId => (id === 0 ? 0 : (local.get(id) ?? 0));
    p.btf.types.forEach((t, i) => {
      if (t.kind === "DATASEC" || gone.has(i + 1)) return;
      all.push(mapTypeRefs(t, shift));
    });
    p.btf.types.forEach((t) => {
      if (t.kind !== "DATASEC" || p.skipSections.has(t.name)) return;
      const base = p.sectionBase.get(t.name) ?? 0;
      const sec = secs.get(t.name) ?? { vars: [] };
      for (const v of t.vars) {
        if (p.droppedVars.has(v.type)) continue;
        sec.vars.push({ type: shift(v.type), offset: v.offset + base, size: v.size });
      }
      secs.set(t.name, sec);
    });
    shifts.push(local);
  });

  // 2. Partition refinement: classes start from local content, split by referenced classes until stable.
  const intern = new Map<string, number>();
  const classOf = (key: string): number => {
    let c = intern.get(key);
    if (c === undefined) intern.set(key, (c = intern.size));
    return c;
  };
  let cls = all.map((t, i) => classOf(localKey(t, i)));
  let count = new Set(cls).size;
  for (;;) {
    intern.clear();
    const next = all.map((t, i) => classOf(`${cls[i]}:${refsOf(t).map((r) => (r === 0 ? -1 : cls[r - 1]!)).join(",")}`));
    const n = new Set(next).size;
    cls = next;
    if (n === count) break;
    count = n;
  }

  // 3. Keep the first type of each class, in order; every reference goes to its class's representative.
  const repOfClass = new Map<number, TypeId>();
  const outId = new Map<number, TypeId>();
  all.forEach((_t, i) => {
    if (!repOfClass.has(cls[i]!)) {
      repOfClass.set(cls[i]!, repOfClass.size + 1);
    }
    outId.set(i + 1, repOfClass.get(cls[i]!)!);
  });
  const remap = (id: TypeId): TypeId => (id === 0 ? 0 : outId.get(id)!);
  const types: BtfType[] = [];
  const emitted = new Set<number>();
  all.forEach((t, i) => {
    if (emitted.has(cls[i]!)) return;
    emitted.add(cls[i]!);
    types.push(mapTypeRefs(t, remap));
  });
  const rank = (n: string): number => (sectionOrder.includes(n) ? sectionOrder.indexOf(n) : sectionOrder.length);
  for (const [name, sec] of [...secs].sort((a, b) => rank(a[0]) - rank(b[0]))) {
    const vars = sec.vars.map((v) => ({ ...v, type: remap(v.type) })).sort((a, b) => a.offset - b.offset);
    const ds: BtfDatasec = { kind: "DATASEC", name, size: sectionSizes.get(name) ?? 0, vars };
    types.push(ds);
  }
  const btf: Btf = { types };
  return {
    btf,
    idMaps: shifts.map((local) => (id: TypeId) => {
      if (id === 0) return 0;
      const shifted = local.get(id);
      if (shifted !== undefined) return remap(shifted);
      // A DATASEC id of an input: its output DATASEC, by name.
      const t = typeById(pieces[shifts.indexOf(local)]!.btf, id);
      if (t?.kind === "DATASEC") return types.findIndex((u) => u.kind === "DATASEC" && u.name === t.name) + 1;
      return 0;
    }),
  };
}
