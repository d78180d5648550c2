// Builds a Btf type by type through an API, for the compiler: each add* appends one
// type and returns its id (the first type is id 1; id 0 is void).
//
// Invariants: ids are handed out in call order and never change. Every id an add*
// call takes must already have been handed out (or be 0, void), except member types
// of structs and unions, which may point forward so that self-referential types can
// be built (add the struct, then setMembers once the pointer to it exists).
// readBtf(writeBtf(b.build())) accepts the result whenever its references are complete
// and its values fit their fields.
import {
  FuncLinkage,
  IntEncoding,
  VarLinkage,
  type Btf,
  type BtfEnum64Value,
  type BtfEnumValue,
  type BtfMember,
  type BtfParam,
  type BtfType,
  type BtfVarSecinfo,
  type TypeId,
} from "./types.js";

/** A member as the builder takes it; kflag is set when any member is a bitfield. */
export interface MemberSpec {
  name: string;
  type: TypeId;
  bitsOffset: number;
  bitfieldSize?: number;
}

export class BtfBuilder {
  private readonly types: BtfType[] = [];

  /** Appends any type as is; returns its id. */
  add(t: BtfType): TypeId {
    this.types.push(t);
    return this.types.length;
  }

  addInt(name: string, size: number, encoding: IntEncoding = IntEncoding.NONE, bits = size * 8, bitsOffset = 0): TypeId {
    return this.add({ kind: "INT", name, size, bitsOffset, bits, encoding });
  }

  addPtr(type: TypeId): TypeId {
    return this.add({ kind: "PTR", type: this.known(type) });
  }

  addArray(type: TypeId, indexType: TypeId, nelems: number): TypeId {
    return this.add({ kind: "ARRAY", type: this.known(type), indexType: this.known(indexType), nelems });
  }

  addStruct(name: string, size: number, members: MemberSpec[] = []): TypeId {
    return this.add({ kind: "STRUCT", name, size, ...composite(members) });
  }

  addUnion(name: string, size: number, members: MemberSpec[] = []): TypeId {
    return this.add({ kind: "UNION", name, size, ...composite(members) });
  }

  /** Replaces a STRUCT's or UNION's members (for types that refer to themselves). */
  setMembers(id: TypeId, members: MemberSpec[]): void {
    const t = this.types[id - 1];
    if (t?.kind !== "STRUCT" && t?.kind !== "UNION") throw new Error(`type [${id}] is not a STRUCT or UNION`);
    Object.assign(t, composite(members));
  }

  /** Signed when any value is negative, unless `signed` says otherwise. */
  addEnum(name: string, values: BtfEnumValue[], size = 4, signed = values.some((v) => v.value < 0)): TypeId {
    return this.add({ kind: "ENUM", name, size, signed, values });
  }

  addEnum64(name: string, values: BtfEnum64Value[], size = 8, signed = values.some((v) => v.value < 0n)): TypeId {
    return this.add({ kind: "ENUM64", name, size, signed, values });
  }

  addFwd(name: string, union = false): TypeId {
    return this.add({ kind: "FWD", name, union });
  }

  addTypedef(name: string, type: TypeId): TypeId {
    return this.add({ kind: "TYPEDEF", name, type: this.known(type) });
  }

  addVolatile(type: TypeId): TypeId {
    return this.add({ kind: "VOLATILE", type: this.known(type) });
  }

  addConst(type: TypeId): TypeId {
    return this.add({ kind: "CONST", type: this.known(type) });
  }

  addRestrict(type: TypeId): TypeId {
    return this.add({ kind: "RESTRICT", type: this.known(type) });
  }

  /** `varargs` appends the anonymous void parameter that marks "...". */
  addFuncProto(returnType: TypeId, params: BtfParam[], varargs = false): TypeId {
    const all = params.map((p) => ({ name: p.name, type: this.known(p.type) }));
    if (varargs) all.push({ name: "", type: 0 });
    return this.add({ kind: "FUNC_PROTO", returnType: this.known(returnType), params: all });
  }

  addFunc(name: string, proto: TypeId, linkage: FuncLinkage = FuncLinkage.GLOBAL): TypeId {
    return this.add({ kind: "FUNC", name, type: this.known(proto), linkage });
  }

  addVar(name: string, type: TypeId, linkage: VarLinkage = VarLinkage.GLOBAL): TypeId {
    return this.add({ kind: "VAR", name, type: this.known(type), linkage });
  }

  addDatasec(name: string, vars: BtfVarSecinfo[], size = 0): TypeId {
    return this.add({ kind: "DATASEC", name, size, vars: vars.map((v) => ({ ...v, type: this.known(v.type) })) });
  }

  addFloat(name: string, size: number): TypeId {
    return this.add({ kind: "FLOAT", name, size });
  }

  addDeclTag(name: string, type: TypeId, componentIdx = -1, attribute = false): TypeId {
    return this.add({ kind: "DECL_TAG", name, type: this.known(type), componentIdx, attribute });
  }

  addTypeTag(name: string, type: TypeId, attribute = false): TypeId {
    return this.add({ kind: "TYPE_TAG", name, type: this.known(type), attribute });
  }

  /** The types so far; later adds do not change the returned Btf. */
  build(): Btf {
    return { types: structuredClone(this.types) };
  }

  private known(id: TypeId): TypeId {
    if (!Number.isInteger(id) || id < 0 || id > this.types.length) {
      throw new Error(`type id ${id} has not been added yet (${this.types.length} types so far)`);
    }
    return id;
  }
}

function composite(members: MemberSpec[]): { kflag: boolean; members: BtfMember[] } {
  const kflag = members.some((m) => (m.bitfieldSize ?? 0) !== 0);
  return {
    kflag,
    members: members.map((m) => ({ name: m.name, type: m.type, bitsOffset: m.bitsOffset, bitfieldSize: m.bitfieldSize ?? 0 })),
  };
}
