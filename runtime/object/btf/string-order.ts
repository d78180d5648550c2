// Decides the order of the shared .BTF string table the way clang's BTF emitter
// (llvm/lib/Target/BPF/BTFDebug.cpp) fills it, so that writing back what readBtf and
// readBtfExt returned for a clang object reproduces its sections byte for byte.
//
// The rule clang follows: a type's strings (its name, then its member, enum value or
// parameter names) are added when the type is completed, and all types created so
// far are completed, in id order, when a function begins. The last types created
// before that are the function's FUNC and the DECL_TAGs on it and its parameters.
// Then, while the function's instructions are emitted, .BTF.ext strings are added:
// the function's ELF section name first, then per instruction the CO-RE access string
// and the line info's file name and source line. A CO-RE relocation whose root type
// is new creates that type (and whatever it pulls in) on the spot and completes it
// before adding its access string. Anything else made while emitting a body is
// completed at the next function (or at the end), after the types before it.
//
// Invariant: this only orders strings. Each string is added once (the builder
// deduplicates); a string it does not reach is appended later by the encoders, so
// the table is always complete, merely not in clang's order.
import type { StringTableBuilder } from "./strings.js";
import type { BtfExt, CoreReloRecord, LineInfoRecord } from "./ext-types.js";
import type { Btf, BtfType } from "./types.js";

/** The .BTF.ext records of one function: its section and the records inside its code. */
interface FuncExtStrings {
  section: string;
  records: (LineInfoRecord | CoreReloRecord)[];
}

export function addStringsInClangOrder(btf: Btf, ext: BtfExt | undefined, strings: StringTableBuilder): void {
  const byFunc = ext ? extStringsByFunc(ext) : new Map<number, FuncExtStrings[]>();
  const tagsOf = declTagsByTarget(btf);
  const types = btf.types;
  let done = 0; // types 1..done are completed
  const completeThrough = (id: number): void => {
    for (; done < id; done++) addTypeStrings(types[done]!, strings);
  };
  while (done < types.length) {
    completeThrough(done + 1);
    const funcId = done;
    const funcs = byFunc.get(funcId);
    if (!funcs) continue;
    while (done < types.length && (tagsOf.get(funcId) ?? []).includes(done + 1)) completeThrough(done + 1);
    for (const f of funcs) {
      strings.add(f.section);
      for (const r of f.records) {
        if ("accessString" in r) {
          completeThrough(newestReachable(btf, tagsOf, r.typeId, done));
          strings.add(r.accessString);
        } else {
          strings.add(r.fileName);
          strings.add(r.line);
        }
      }
    }
  }
}

/** DECL_TAG ids by the id of the type they tag. */
function declTagsByTarget(btf: Btf): Map<number, number[]> {
  const tags = new Map<number, number[]>();
  btf.types.forEach((t, i) => {
    if (t.kind !== "DECL_TAG") return;
    const list = tags.get(t.type) ?? [];
    list.push(i + 1);
    tags.set(t.type, list);
  });
  return tags;
}

/**
 * The highest id among the not-yet-completed types (ids above `done`) that visiting
 * `root` would create: those reachable from it, and the DECL_TAGs on them.
 */
function newestReachable(btf: Btf, tagsOf: Map<number, number[]>, root: number, done: number): number {
  let newest = done;
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id <= done || id > btf.types.length || seen.has(id)) continue;
    seen.add(id);
    newest = Math.max(newest, id);
    stack.push(...referencedIds(btf.types[id - 1]!), ...(tagsOf.get(id) ?? []));
  }
  return newest;
}

function referencedIds(t: BtfType): number[] {
  switch (t.kind) {
    case "ARRAY":
      return [t.type, t.indexType];
    case "STRUCT":
    case "UNION":
      return t.members.map((m) => m.type);
    case "FUNC_PROTO":
      return [t.returnType, ...t.params.map((p) => p.type)];
    case "DATASEC":
      return t.vars.map((v) => v.type);
    default:
      return "type" in t ? [t.type] : [];
  }
}

/** A type's own strings, in the order clang adds them. */
export function addTypeStrings(t: BtfType, strings: StringTableBuilder): void {
  if ("name" in t) strings.add(t.name);
  switch (t.kind) {
    case "STRUCT":
    case "UNION":
      for (const m of t.members) strings.add(m.name);
      break;
    case "ENUM":
    case "ENUM64":
      for (const v of t.values) strings.add(v.name);
      break;
    case "FUNC_PROTO":
      for (const p of t.params) strings.add(p.name);
      break;
    default:
      break;
  }
}

/**
 * Groups line info and CO-RE records by the function whose code holds them: within a
 * section, the function with the greatest start offset not above the record's.
 * Records of one instruction keep clang's order: CO-RE relocation before line info.
 */
function extStringsByFunc(ext: BtfExt): Map<number, FuncExtStrings[]> {
  const result = new Map<number, FuncExtStrings[]>();
  const starts = new Map<string, { insnOff: number; entry: FuncExtStrings }[]>();
  for (const sec of ext.funcInfo) {
    for (const f of sec.records) {
      const entry: FuncExtStrings = { section: sec.section, records: [] };
      const list = result.get(f.typeId) ?? [];
      list.push(entry);
      result.set(f.typeId, list);
      const inSection = starts.get(sec.section) ?? [];
      inSection.push({ insnOff: f.insnOff, entry });
      starts.set(sec.section, inSection);
    }
  }
  for (const list of starts.values()) list.sort((a, b) => a.insnOff - b.insnOff);

  const tagged: { section: string; rec: LineInfoRecord | CoreReloRecord; order: number }[] = [];
  for (const sec of ext.coreRelos) for (const rec of sec.records) tagged.push({ section: sec.section, rec, order: 0 });
  for (const sec of ext.lineInfo) for (const rec of sec.records) tagged.push({ section: sec.section, rec, order: 1 });
  // Stable sort: by instruction, CO-RE before line info, otherwise file order.
  tagged.sort((a, b) => a.rec.insnOff - b.rec.insnOff || a.order - b.order);
  for (const { section, rec } of tagged) {
    const funcs = starts.get(section);
    if (!funcs) continue;
    const owner = lastAtOrBelow(funcs, rec.insnOff);
    if (owner) owner.entry.records.push(rec);
  }
  return result;
}

function lastAtOrBelow<T extends { insnOff: number }>(sorted: T[], insnOff: number): T | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.insnOff <= insnOff) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1] : undefined;
}
