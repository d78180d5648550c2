// Prints a Btf exactly as `bpftool btf dump file X` (raw format) does, as of bpftool
// v7.1 (tools/bpf/bpftool/btf.c, dump_btf_type): one "[id] KIND 'name' ..." line per
// type, then one tab-indented line per member, value, parameter or DATASEC entry.
//
// Invariants: the output is a pure function of the model; it never throws, even for
// ids out of range (printed as bpftool would, without the "(KIND 'name')" suffix).
// Quirks reproduced on purpose:
//   - anonymous names print as '(anon)', including varargs parameters;
//   - VAR has a comma before linkage ("type_id=3, linkage=global"), FUNC does not;
//   - ENUM and ENUM64 print encoding=SIGNED/UNSIGNED from kflag, ENUM64 values
//     with an LL/ULL suffix;
//   - members of kflag structs print bitfield_size only when it is non-zero;
//   - TYPE_TAG and DECL_TAG do not print their kflag.
import { typeById, typeName, type Btf, type BtfType, type IntEncoding } from "./types.js";

const LINKAGE = ["static", "global", "extern"];

function intEncoding(e: IntEncoding): string {
  switch (e) {
    case 0:
      return "(none)";
    case 1:
      return "SIGNED";
    case 2:
      return "CHAR";
    case 4:
      return "BOOL";
    default:
      return "UNKN";
  }
}

function str(name: string): string {
  return name === "" ? "(anon)" : name;
}

function linkage(l: number): string {
  return LINKAGE[l] ?? "(unknown)";
}

export function dumpBtf(btf: Btf): string {
  let out = "";
  btf.types.forEach((t, i) => {
    out += dumpType(btf, i + 1, t) + "\n";
  });
  return out;
}

/** One type's text, without the final newline. */
export function dumpType(btf: Btf, id: number, t: BtfType): string {
  let s = `[${id}] ${t.kind} '${str(typeName(t))}'`;
  switch (t.kind) {
    case "INT":
      s += ` size=${t.size} bits_offset=${t.bitsOffset} nr_bits=${t.bits} encoding=${intEncoding(t.encoding)}`;
      break;
    case "PTR":
    case "CONST":
    case "VOLATILE":
    case "RESTRICT":
    case "TYPEDEF":
    case "TYPE_TAG":
      s += ` type_id=${t.type}`;
      break;
    case "ARRAY":
      s += ` type_id=${t.type} index_type_id=${t.indexType} nr_elems=${t.nelems}`;
      break;
    case "STRUCT":
    case "UNION":
      s += ` size=${t.size} vlen=${t.members.length}`;
      for (const m of t.members) {
        s += `\n\t'${str(m.name)}' type_id=${m.type} bits_offset=${m.bitsOffset}`;
        if (t.kflag && m.bitfieldSize) s += ` bitfield_size=${m.bitfieldSize}`;
      }
      break;
    case "ENUM":
    case "ENUM64": {
      s += ` encoding=${t.signed ? "SIGNED" : "UNSIGNED"} size=${t.size} vlen=${t.values.length}`;
      const suffix = t.kind === "ENUM" ? "" : t.signed ? "LL" : "ULL";
      for (const v of t.values) s += `\n\t'${str(v.name)}' val=${v.value}${suffix}`;
      break;
    }
    case "FWD":
      s += ` fwd_kind=${t.union ? "union" : "struct"}`;
      break;
    case "FUNC":
      s += ` type_id=${t.type} linkage=${linkage(t.linkage)}`;
      break;
    case "FUNC_PROTO":
      s += ` ret_type_id=${t.returnType} vlen=${t.params.length}`;
      for (const p of t.params) s += `\n\t'${str(p.name)}' type_id=${p.type}`;
      break;
    case "VAR":
      s += ` type_id=${t.type}, linkage=${linkage(t.linkage)}`;
      break;
    case "DATASEC":
      s += ` size=${t.size} vlen=${t.vars.length}`;
      for (const v of t.vars) {
        s += `\n\ttype_id=${v.type} offset=${v.offset} size=${v.size}`;
        const target = typeById(btf, v.type);
        if (v.type === 0) s += ` (UNKNOWN '(anon)')`; // void is kind 0 to bpftool
        else if (target) s += ` (${target.kind} '${str(typeName(target))}')`;
      }
      break;
    case "FLOAT":
      s += ` size=${t.size}`;
      break;
    case "DECL_TAG":
      s += ` type_id=${t.type} component_idx=${t.componentIdx}`;
      break;
  }
  return s;
}
