// The maps an object defines, read as libbpf reads them: BTF-defined maps in `.maps`
// (__uint/__type/__array members, including declarative `.values` for prog arrays and
// map-in-map through `.rel.maps`), legacy `struct bpf_map_def` in `maps`, and the global
// data sections .data/.rodata/.bss (and .data.*/.rodata.*) as single-element arrays.
// Shared by the VM and the kernel loader.

import { resolveType, resolveTypeId, sizeOf } from "./btf/sizes.js";
import type { Btf, BtfStruct, TypeId } from "./btf/types.js";
import { SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS, STT_SECTION } from "./elf/constants.js";
import { findSection } from "./elf/query.js";
import { expectFormat, ObjectFormatError } from "./format-error.js";
import { MapType } from "./map-types.js";
import type { ObjectFile } from "./object-file.js";

export const BPF_F_NO_PREALLOC = 0x1;
export const BPF_F_RDONLY_PROG = 0x80;
/** The program may only write the map's values (loads are "read from map forbidden"). */
export const BPF_F_WRONLY_PROG = 0x100;
export const BPF_F_MMAPABLE = 0x400;

/** A declarative initial slot of a prog array or map-in-map: `.values = { [i] = &sym }`. */
export interface InitialSlot {
  readonly index: number;
  /** A program (function symbol) for prog arrays, a map for map-in-map. */
  readonly symbol: string;
}

export interface MapDefinition {
  readonly name: string;
  readonly type: MapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly keyType?: TypeId;
  readonly valueType?: TypeId;
  readonly pinning?: number;
  readonly innerMap?: MapDefinition;
  readonly initialSlots?: readonly InitialSlot[];
  /** Global data: the ELF section the map stands for, and its initial bytes (zero for .bss). */
  readonly dataSection?: string;
  readonly initialValue?: Uint8Array;
  /**
   * Byte offset of the `struct bpf_spin_lock` in the value, when the kernel keeps the value's
   * BTF (hash and array maps; an array's BTF key must be a 4-byte int, array_map_check_btf).
   */
  readonly spinLock?: number;
  /** .rodata: frozen after its initial value is written, read-only to programs. */
  readonly frozen?: boolean;
  /** Byte offset of the map's symbol in `.maps`/`maps`, or 0 for data maps. */
  readonly offset: number;
}

const isDataSection = (name: string): boolean => /^\.(data|rodata|bss)(\.|$)/.test(name);

export function mapDefinitions(obj: ObjectFile): MapDefinition[] {
  return [...btfMaps(obj), ...legacyMaps(obj), ...dataMaps(obj)];
}

/** Members of a BTF map definition struct, read per libbpf's conventions. */
function parseMapStruct(btf: Btf, name: string, def: BtfStruct, at: { section: string; offset: number }): Omit<MapDefinition, "offset"> & { valuesMember?: number } {
  const fields: Record<string, number> = {};
  let keyType: TypeId | undefined;
  let valueType: TypeId | undefined;
  let innerMap: MapDefinition | undefined;
  let valuesMember: number | undefined;
  for (const member of def.members) {
    const t = resolveType(btf, member.type);
    const where = `map '${name}' member '${member.name}'`;
    if (member.name === "key" || member.name === "value") {
      expectFormat(t?.kind === "PTR", at, `${where} must be a pointer (__type)`);
      const size = sizeOf(btf, t.type);
      expectFormat(size !== undefined, at, `${where} points to a type without a size`);
      if (member.name === "key") keyType = t.type;
      else valueType = t.type;
      fields[`${member.name}_size_from_type`] = size;
    } else if (member.name === "values") {
      expectFormat(t?.kind === "ARRAY", at, `${where} must be an array of pointers (__array)`);
      const elem = resolveType(btf, t.type);
      expectFormat(elem?.kind === "PTR", at, `${where} must be an array of pointers (__array)`);
      const inner = resolveType(btf, elem.type);
      if (inner?.kind === "STRUCT") innerMap = { ...parseMapStruct(btf, `${name}.inner`, inner, at), offset: 0 };
      valuesMember = member.bitsOffset / 8;
    } else {
      expectFormat(t?.kind === "PTR", at, `${where} must be declared with __uint (a pointer to an array)`);
      const arr = resolveType(btf, t.type);
      expectFormat(arr?.kind === "ARRAY", at, `${where} must be declared with __uint (a pointer to an array)`);
      fields[member.name] = arr.nelems;
    }
  }
  expectFormat(fields.type !== undefined, at, `map '${name}' has no 'type' member`);
  const spinLock = valueType !== undefined ? spinLockIn(btf, fields.type as MapType, keyType, valueType) : undefined;
  const keySize = fields.key_size ?? fields.key_size_from_type ?? 0;
  const valueSize = fields.value_size ?? fields.value_size_from_type ?? (innerMap || fields.type === MapType.PROG_ARRAY ? 4 : 0);
  return {
    name,
    type: fields.type as MapType,
    keySize: fields.type === MapType.PROG_ARRAY || innerMap ? (fields.key_size ?? (keySize || 4)) : keySize,
    valueSize,
    maxEntries: fields.max_entries ?? 0,
    flags: fields.map_flags ?? 0,
    ...(keyType !== undefined ? { keyType } : {}),
    ...(valueType !== undefined ? { valueType } : {}),
    ...(fields.pinning !== undefined ? { pinning: fields.pinning } : {}),
    ...(innerMap ? { innerMap } : {}),
    ...(valuesMember !== undefined ? { valuesMember } : {}),
    ...(spinLock !== undefined ? { spinLock } : {}),
  };
}

/**
 * Where a value's `struct bpf_spin_lock` is (a member of the value struct, or of a struct
 * member, at any depth), for the map kinds that may hold one and keep their BTF in the kernel.
 */
function spinLockIn(btf: Btf, type: MapType, keyType: TypeId | undefined, valueType: TypeId): number | undefined {
  if (type !== MapType.HASH && type !== MapType.ARRAY) return undefined;
  if (type === MapType.ARRAY) {
    const key = keyType !== undefined ? resolveType(btf, keyType) : undefined;
    if (key?.kind !== "INT" || key.size !== 4) return undefined;
  }
  const find = (id: TypeId, base: number, depth: number): number | undefined => {
    const t = resolveType(btf, id);
    if (t?.kind !== "STRUCT" || depth > 8) return undefined;
    if (t.name === "bpf_spin_lock") return base;
    for (const m of t.members) {
      const at = find(m.type, base + m.bitsOffset / 8, depth + 1);
      if (at !== undefined) return at;
    }
    return undefined;
  };
  return find(valueType, 0, 0);
}

function btfMaps(obj: ObjectFile): MapDefinition[] {
  const maps = findSection(obj.elf, ".maps");
  if (!maps) return [];
  const at = { section: ".maps", offset: 0 };
  if (!obj.btf) throw new ObjectFormatError(at, "a .maps section needs .BTF to describe its maps");
  const btf = obj.btf;
  const datasec = btf.types.find((t) => t.kind === "DATASEC" && t.name === ".maps");
  if (!datasec || datasec.kind !== "DATASEC") throw new ObjectFormatError(at, ".BTF has no DATASEC '.maps' describing the maps");
  const symbols = obj.elf.symbols.map((s, i) => ({ s, i })).filter(({ s }) => s.shndx === maps.index && s.type !== STT_SECTION);
  const rels = obj.elf.relocations.get(maps.index) ?? [];
  return datasec.vars.map((vsi) => {
    const v = btf.types[vsi.type - 1];
    expectFormat(v?.kind === "VAR", at, `DATASEC '.maps' entry type [${vsi.type}] is not a VAR`);
    const sym = symbols.find(({ s }) => s.name === v.name)?.s;
    const offset = sym ? Number(sym.value) : vsi.offset;
    // The variable may extend past its struct: `.values` initialisers live after the fixed fields.
    const extent = Math.max(sym ? Number(sym.size) : 0, vsi.size);
    const where = { section: ".maps", offset };
    const def = resolveType(btf, v.type);
    expectFormat(def?.kind === "STRUCT", where, `map '${v.name}' is not a struct in BTF`);
    const parsed = parseMapStruct(btf, v.name, def, where);
    const { valuesMember, ...rest } = parsed;
    let initialSlots: InitialSlot[] | undefined;
    if (valuesMember !== undefined) {
      // .rel.maps entries inside this map's `values` array: slot = (offset - values start) / 8.
      const start = offset + valuesMember;
      initialSlots = rels
        .filter((r) => Number(r.offset) >= start && Number(r.offset) < offset + Math.max(extent, def.size))
        .map((r) => ({ index: (Number(r.offset) - start) / 8, symbol: obj.elf.symbols[r.symbol]?.name ?? "" }));
      for (const slot of initialSlots) expectFormat(Number.isInteger(slot.index) && slot.symbol !== "", { section: ".rel.maps", offset: start + slot.index * 8 }, `map '${v.name}': initial value is not a named symbol at an 8-byte slot`);
    }
    return { ...rest, offset, ...(initialSlots ? { initialSlots } : {}) };
  });
}

const LEGACY_DEF_MIN = 20;

function legacyMaps(obj: ObjectFile): MapDefinition[] {
  const maps = findSection(obj.elf, "maps");
  if (!maps) return [];
  const data = maps.section.data;
  return obj.elf.symbols
    .filter((s) => s.shndx === maps.index && s.type !== STT_SECTION && s.name !== "")
    .map((s) => {
      const offset = Number(s.value);
      const at = { section: "maps", offset };
      expectFormat(offset + LEGACY_DEF_MIN <= data.length, at, `legacy map '${s.name}' needs ${LEGACY_DEF_MIN} bytes of struct bpf_map_def`);
      const view = new DataView(data.buffer, data.byteOffset + offset, LEGACY_DEF_MIN);
      const u = (i: number): number => view.getUint32(i * 4, true);
      return { name: s.name, type: u(0) as MapType, keySize: u(1), valueSize: u(2), maxEntries: u(3), flags: u(4), offset };
    });
}

function dataMaps(obj: ObjectFile): MapDefinition[] {
  return obj.elf.sections.flatMap((s) => {
    if (!isDataSection(s.name) || (s.flags & SHF_ALLOC) === 0n || (s.flags & SHF_EXECINSTR) !== 0n || s.size === 0n) return [];
    const rodata = s.name.startsWith(".rodata");
    const datasec = obj.btf?.types.find((t) => t.kind === "DATASEC" && t.name === s.name);
    const size = Number(s.size);
    return [
      {
        name: s.name,
        type: MapType.ARRAY,
        keySize: 4,
        valueSize: size,
        maxEntries: 1,
        flags: (rodata ? BPF_F_RDONLY_PROG : 0) | BPF_F_MMAPABLE,
        ...(datasec ? { valueType: resolveTypeId(obj.btf!, obj.btf!.types.indexOf(datasec) + 1) } : {}),
        dataSection: s.name,
        initialValue: s.type === SHT_NOBITS ? new Uint8Array(size) : s.data.slice(),
        frozen: rodata,
        offset: 0,
      },
    ];
  });
}
