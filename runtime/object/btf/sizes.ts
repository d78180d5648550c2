// Type resolution over a Btf: skipping typedefs, modifiers and type tags, and the byte size
// of a type, as libbpf computes them (btf__resolve_type / btf__resolve_size).

import { typeById, type Btf, type BtfType, type TypeId } from "./types.js";

const MAX_CHAIN = 32;

/** The id behind typedefs, const/volatile/restrict and type tags (0 for void). */
export function resolveTypeId(btf: Btf, id: TypeId): TypeId {
  let cur = id;
  for (let i = 0; i < MAX_CHAIN; i++) {
    const t = typeById(btf, cur);
    if (!t) return cur;
    switch (t.kind) {
      case "TYPEDEF":
      case "VOLATILE":
      case "CONST":
      case "RESTRICT":
      case "TYPE_TAG":
        cur = t.type;
        continue;
      default:
        return cur;
    }
  }
  throw new RangeError(`type [${id}] has a modifier chain longer than ${MAX_CHAIN}`);
}

export function resolveType(btf: Btf, id: TypeId): BtfType | undefined {
  return typeById(btf, resolveTypeId(btf, id));
}

/** Size in bytes of type `id`, or undefined for void, functions and forward declarations. */
export function sizeOf(btf: Btf, id: TypeId, depth = 0): number | undefined {
  if (depth > MAX_CHAIN) return undefined;
  const t = resolveType(btf, id);
  if (!t) return undefined;
  switch (t.kind) {
    case "INT":
    case "ENUM":
    case "ENUM64":
    case "STRUCT":
    case "UNION":
    case "FLOAT":
    case "DATASEC":
      return t.size;
    case "PTR":
      return 8;
    case "ARRAY": {
      const elem = sizeOf(btf, t.type, depth + 1);
      return elem === undefined ? undefined : elem * t.nelems;
    }
    case "VAR":
      return sizeOf(btf, t.type, depth + 1);
    default:
      return undefined;
  }
}
