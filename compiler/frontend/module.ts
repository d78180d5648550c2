// What a tsbpf source file declares at module level: programs (exported functions taking an
// XdpContext), subprograms (other functions), maps (`const m = new ArrayMap<K, V>(n)`),
// globals (`let` → .data/.bss, `const x = config<T>(v)` → .rodata, `section<T>(name, v)` → its
// own section), folded numeric constants, and the license. Anything else at module level is a
// diagnostic. A program may span several modules (imports.ts): each is scanned, dependencies
// first; only the entry file's exported functions are programs, and every map, global and
// function gets one object-wide name (a map declared in one module and used from two is one map).

import { Node, SyntaxKind, ts, type ExpressionStatement, type FunctionDeclaration, type SourceFile, type VariableDeclaration } from "ts-morph";
import { MapType } from "../../runtime/object/map-types.js";
import { Code } from "../diagnostics/codes.js";
import type { DiagnosticSink } from "./diagnostics.js";
import { INT_NAMES, intTypeOf, sizeOf, valueTypeOf, type ArrayType, type IntType, type StructType, type ValueType } from "./types.js";
import { constantValue } from "./constants.js";
import { mapOptions } from "./map-options.js";
import { scanSectionGlobal } from "./section-globals.js";
import { foldConstant } from "./fold.js";
import { scanRunConfig, type RunConfigDecl } from "./run-config.js";
import { functionTableEntries, moduleFunctionOf, signatureKey, type FunctionTable } from "./function-values.js";
import { declarationOf, type ProgramFiles } from "./imports.js";

export interface MapDecl {
  readonly name: string;
  readonly type: MapType;
  /** Key and value types; undefined for ring buffers, which have neither. */
  readonly key: ValueType | undefined;
  readonly value: ValueType | undefined;
  readonly maxEntries: number;
  readonly flags: number;
  readonly node: Node;
  /** Prog arrays: slots filled with programs at load time; map-in-maps: with maps. */
  readonly initialSlots?: readonly { readonly index: number; readonly symbol: string }[];
  /** Map-in-maps: the inner map template (a module-level map of this file). */
  readonly inner?: MapDecl;
  /** libbpf's pinning (1 = LIBBPF_PIN_BY_NAME), from the declaration's options. */
  readonly pinning?: number;
}

export interface GlobalDecl {
  readonly name: string;
  /** .data, .bss, .rodata, or (with `named`) a section of its own for user space. */
  readonly section: string;
  /** `section<T>(name, v)`: in section `section`, which programs cannot reach (libbpf does not map it). */
  readonly named?: boolean;
  /** An integer, or a struct/FixedArray (zero-initialised, in .bss) reached through its fields. */
  readonly type: IntType | StructType | ArrayType;
  readonly init: bigint;
  readonly node: VariableDeclaration;
}

export interface ProgramDecl {
  readonly name: string;
  readonly section: "xdp" | "xdp.frags";
  readonly node: FunctionDeclaration;
}

export interface ModuleInfo {
  /** The entry file (the one whose exported functions are programs). */
  readonly source: SourceFile;
  /** Every module of the program, dependencies first, the entry last. */
  readonly sources: readonly SourceFile[];
  /** Absolute path → the name diagnostics and line_info show. */
  readonly fileNames: ReadonlyMap<string, string>;
  /** Module-level declaration (compiler node) → its object-wide name (functions, maps, globals, tables). */
  readonly names: Map<object, string>;
  readonly programs: ProgramDecl[];
  readonly functions: Map<string, FunctionDeclaration>;
  readonly maps: Map<string, MapDecl>;
  readonly globals: Map<string, GlobalDecl>;
  /** Module-level numeric constants by declaration (compiler node), folded wherever they are used. */
  readonly constants: Map<object, bigint>;
  /** Module-level `const T = [f, g]`: tables of function values. */
  readonly functionTables: Map<string, FunctionTable>;
  /** The module constants (in `constants`, by declaration) that are booleans (`const DENY = true`). */
  readonly booleans: Set<object>;
  /** `xdpRunConfig(prog, …)`: libxdp run configs, in source order. */
  readonly runConfigs: RunConfigDecl[];
  license: string | undefined;
  /** Module-level declarations refused with a diagnostic (compiler nodes). */
  readonly failed: Set<object>;
  /** Subprograms specialised to the maps passed for their map parameters, by object-wide name. */
  readonly specialisations: Map<string, Specialisation>;
}

/** A @noinline function taking maps, compiled once per combination of maps passed (`f__a`). */
export interface Specialisation {
  readonly fn: FunctionDeclaration;
  /** Parameter index → the map it stands for. */
  readonly maps: ReadonlyMap<number, MapDecl>;
}

const MAP_CLASSES: Readonly<Record<string, MapType>> = {
  ArrayMap: MapType.ARRAY,
  PerCpuArrayMap: MapType.PERCPU_ARRAY,
  HashMap: MapType.HASH,
  PerCpuHashMap: MapType.PERCPU_HASH,
  LruHashMap: MapType.LRU_HASH,
  LpmTrieMap: MapType.LPM_TRIE,
  DevMap: MapType.DEVMAP,
  RingBuf: MapType.RINGBUF,
  ProgArray: MapType.PROG_ARRAY,
  QueueMap: MapType.QUEUE,
  StackMap: MapType.STACK,
  CpuMap: MapType.CPUMAP,
  XskMap: MapType.XSKMAP,
  PerfEventArray: MapType.PERF_EVENT_ARRAY,
  ArrayOfMaps: MapType.ARRAY_OF_MAPS,
  HashOfMaps: MapType.HASH_OF_MAPS,
};

/** struct bpf_cpumap_val: the queue size and a program fd (union with its id). */
const CPUMAP_VAL: ValueType = {
  kind: "struct",
  name: "bpf_cpumap_val",
  size: 8,
  align: 4,
  fields: [
    { name: "qsize", type: INT_NAMES.u32!, offset: 0 },
    { name: "bpf_prog", type: INT_NAMES.u32!, offset: 4 },
  ],
};

/** The map types a map-in-map can hold (the kernel refuses prog arrays, ring buffers and redirect maps as inner maps here). */
const INNER_TYPES = new Set<MapType>([MapType.ARRAY, MapType.PERCPU_ARRAY, MapType.HASH, MapType.PERCPU_HASH, MapType.LRU_HASH, MapType.LPM_TRIE, MapType.QUEUE, MapType.STACK]);

/** Maps whose key and value types are fixed by the map type, not by type arguments. */
const FIXED_KV: Partial<Record<MapType, { key: ValueType; value: ValueType }>> = {
  [MapType.DEVMAP]: { key: INT_NAMES.u32!, value: INT_NAMES.u32! },
  [MapType.PROG_ARRAY]: { key: INT_NAMES.u32!, value: INT_NAMES.u32! },
  [MapType.CPUMAP]: { key: INT_NAMES.u32!, value: CPUMAP_VAL },
  [MapType.XSKMAP]: { key: INT_NAMES.u32!, value: INT_NAMES.u32! },
  [MapType.PERF_EVENT_ARRAY]: { key: INT_NAMES.u32!, value: INT_NAMES.u32! },
};

const BPF_F_NO_PREALLOC = 1;

export function scanModule(files: ProgramFiles, sink: DiagnosticSink): ModuleInfo {
  const source = files.sources[files.sources.length - 1]!;
  const info: ModuleInfo = { source, sources: files.sources, fileNames: files.fileNames, names: new Map(), programs: [], functions: new Map(), maps: new Map(), globals: new Map(), constants: new Map(), functionTables: new Map(), booleans: new Set(), runConfigs: [], license: undefined, specialisations: new Map(), failed: new Set() };
  nameFunctions(info);
  for (const sf of files.sources) scanFile(sf, sf === source, info, sink);
  if (info.programs.length === 0) sink.error(source, Code.NoPrograms, "the file defines no program", "export a function taking `ctx: XdpContext` and returning `XdpAction`");
  return info;
}

/** The object-wide name of the module-level thing `node` refers to (through imports), or undefined. */
export function nameOf(module: ModuleInfo, node: Node): string | undefined {
  const decl = declarationOf(node);
  return decl ? module.names.get(decl.compilerNode) : undefined;
}

/** Whether `fn` is a program: an exported function of the entry file. */
export function isProgram(module: ModuleInfo, fn: FunctionDeclaration): boolean {
  return module.programs.some((p) => p.node === fn);
}

/**
 * Names every function of every module before anything is scanned (tables and slots refer to
 * them): the entry file's keep their names; another module's function whose name is taken is
 * `name__module` (functions are static symbols, invisible to user space).
 */
function nameFunctions(info: ModuleInfo): void {
  // Maps and globals share the object's symbol names: another module's function avoids them too.
  const variables = new Set(info.sources.flatMap((sf) => sf.getVariableDeclarations().map((d) => d.getName())));
  const taken = new Set<string>();
  const order = [info.source, ...info.sources.filter((s) => s !== info.source)];
  for (const sf of order) {
    if (sf !== info.source) for (const v of variables) taken.add(v);
    for (const fn of sf.getFunctions()) {
      const base = fn.getName() ?? (fn.isDefaultExport() ? `${sf.getBaseNameWithoutExtension().replace(/\W/g, "_")}_default` : undefined);
      if (base === undefined) continue;
      let name = base;
      const stem = sf.getBaseNameWithoutExtension().replace(/\W/g, "_");
      for (let n = 1; taken.has(name); n++) name = n === 1 ? `${base}__${stem}` : `${base}__${stem}${n}`;
      taken.add(name);
      info.names.set(fn.compilerNode, name);
    }
  }
}

function scanFile(source: SourceFile, entry: boolean, info: ModuleInfo, sink: DiagnosticSink): void {
  const deferred: ExpressionStatement[] = [];
  for (const stmt of source.getStatements()) {
    if (Node.isImportDeclaration(stmt) || Node.isInterfaceDeclaration(stmt) || Node.isTypeAliasDeclaration(stmt)) continue;
    // `export * from`, `export { a as b }`, `export default m`: names, resolved where used.
    if (Node.isExportDeclaration(stmt)) continue;
    if (Node.isExportAssignment(stmt)) {
      const e = stmt.getExpression();
      if (!stmt.isExportEquals() && Node.isIdentifier(e)) continue;
      sink.error(stmt, Code.Unsupported, "a default export must name a module-level declaration", "declare it (e.g. `export default function f…` or `const m = new HashMap…; export default m`)");
      continue;
    }
    if (Node.isEnumDeclaration(stmt)) {
      if (!stmt.isConstEnum()) sink.error(stmt, Code.Unsupported, "only `const enum` is supported", "declare it as `const enum` so its members fold to constants");
      continue;
    }
    if (Node.isFunctionDeclaration(stmt)) {
      const before = sink.diagnostics.length;
      scanFunction(stmt, entry, info, sink);
      // Its uses would only repeat the diagnostic: lowering abandons them silently.
      if (sink.diagnostics.length > before) info.failed.add(stmt.compilerNode);
      continue;
    }
    if (Node.isVariableStatement(stmt)) {
      const isConst = stmt.getDeclarationKind() === "const";
      // A library module may export its globals for other modules to read; the entry may not.
      for (const decl of stmt.getDeclarations()) {
        const before = sink.diagnostics.length;
        scanVariable(decl, isConst, entry && stmt.isExported(), info, sink);
        // Its uses would only repeat the diagnostic: lowering abandons them silently.
        if (sink.diagnostics.length > before) info.failed.add(decl.compilerNode);
      }
      continue;
    }
    if (Node.isClassDeclaration(stmt)) {
      sink.error(stmt, Code.Unsupported, "classes are not supported in BPF programs", "declare data as an `interface` (a struct); write behaviour as functions");
      continue;
    }
    if (Node.isExpressionStatement(stmt)) deferred.push(stmt);
    else sink.error(stmt, Code.Unsupported, `a ${stmt.getKindName()} is not supported at module level`);
  }
  // Run configs name programs, which may be declared after them.
  const programs = new Set(info.programs.map((p) => p.name));
  for (const stmt of deferred) {
    if (!scanRunConfig(stmt, programs, info.constants, info.runConfigs, sink)) sink.error(stmt, Code.Unsupported, `a ${stmt.getKindName()} is not supported at module level`);
  }
}

/** Whether `fn` is an exported function of the entry file (a program, or refused as one). */
function isEntryExport(info: ModuleInfo, fn: Node | undefined): boolean {
  return fn !== undefined && Node.isFunctionDeclaration(fn) && fn.isExported() && fn.getSourceFile() === info.source;
}

/** Registers the object-wide name of a map, global or table; two modules may not use one name. */
function claim(decl: VariableDeclaration, info: ModuleInfo, sink: DiagnosticSink): boolean {
  const name = decl.getName();
  const other = [...info.maps.values(), ...info.globals.values(), ...info.functionTables.values()].find((d) => d.name === name);
  const fn = other ? undefined : info.sources.flatMap((sf) => sf.getFunctions()).find((f) => info.names.get(f.compilerNode) === name);
  if (fn) {
    const where = `${info.fileNames.get(fn.getSourceFile().getFilePath()) ?? fn.getSourceFile().getBaseName()}:${fn.getStartLineNumber()}`;
    sink.error(decl, Code.DuplicateName, `'${name}' is also the name of the function at ${where}; functions, maps and globals share the object's symbol names`, "rename one of them");
    return false;
  }
  if (other) {
    const where = `${info.fileNames.get(other.node.getSourceFile().getFilePath()) ?? other.node.getSourceFile().getBaseName()}:${other.node.getStartLineNumber()}`;
    sink.error(decl, Code.DuplicateName, `'${name}' is also declared at ${where}; maps, globals and function tables are named in the object, so their names must be unique across the program's modules`, "rename one of them");
    return false;
  }
  info.names.set(decl.compilerNode, name);
  return true;
}

function scanFunction(fn: FunctionDeclaration, entry: boolean, info: ModuleInfo, sink: DiagnosticSink): void {
  const name = info.names.get(fn.compilerNode);
  if (!name) return sink.error(fn, Code.Unsupported, "a function needs a name");
  if (!fn.getBody()) return sink.error(fn, Code.Unsupported, `function '${name}' has no body`);
  info.functions.set(name, fn);
  // Another module's exported functions are library functions (subprograms or inlined).
  if (!entry || !fn.isExported()) return;
  const params = fn.getParameters();
  const ctxType = params[0]?.getType().getSymbol()?.getName();
  if (params.length !== 1 || (ctxType !== "XdpContext" && ctxType !== "XdpFragsContext")) {
    return sink.error(fn, Code.BadProgramSignature, `exported function '${name}' is not a program: a program takes exactly one parameter of type XdpContext`, "export only programs; keep helpers unexported");
  }
  info.programs.push({ name, section: ctxType === "XdpFragsContext" ? "xdp.frags" : "xdp", node: fn });
}

function scanVariable(decl: VariableDeclaration, isConst: boolean, exported: boolean, info: ModuleInfo, sink: DiagnosticSink): void {
  const name = decl.getName();
  const init = decl.getInitializer();
  if (name === "LICENSE" && isConst && init && Node.isStringLiteral(init)) {
    info.license = init.getLiteralValue();
    return;
  }
  if (init && Node.isNewExpression(init)) {
    if (!claim(decl, info, sink)) return;
    const options = mapOptions(init.getExpression().getText(), init.getArguments(), info.constants, sink);
    scanMap(decl, init, info, sink);
    const map = info.maps.get(name);
    if (map && options?.pinning) info.maps.set(name, { ...map, pinning: options.pinning });
    return;
  }
  const callee = isConst && init && Node.isCallExpression(init) ? init.getExpression().getText() : undefined;
  const table = isConst && init ? functionTableEntries(init) : undefined;
  if (!isConst || table || callee === "config" || callee === "section") {
    if (!claim(decl, info, sink)) return;
  }
  if (isConst && init && Node.isCallExpression(init) && init.getExpression().getText() === "config") {
    const type = intTypeOf(decl.getType());
    const arg = init.getArguments()[0];
    const value = arg ? constantValue(arg, info.constants) : undefined;
    if (!type || value === undefined) return sink.error(decl, Code.BadGlobal, `config '${name}' needs an integer type and a constant initial value`, "write e.g. `const maxLen = config<u32>(1024)`");
    info.globals.set(name, { name, section: ".rodata", type, init: value, node: decl });
    return;
  }
  if (isConst && init && Node.isCallExpression(init) && callee === "section") return scanSectionGlobal(decl, init, info, sink);
  if (table) return scanFunctionTable(decl, table, info, sink);
  if (isConst) {
    const folded = init ? foldConstant(init, info.constants, info.booleans) : undefined;
    if (folded === undefined) {
      return sink.error(decl, Code.NotConstant, `module-level const '${name}' is not a constant number or boolean`, "module constants must fold at compile time; use `config<T>(v)` for a load-time setting or `let` for a variable");
    }
    info.constants.set(decl.compilerNode, folded.value);
    if (folded.bool) info.booleans.add(decl.compilerNode);
    return;
  }
  const type = intTypeOf(decl.getType());
  if (!type) {
    const memory = init ? undefined : valueTypeOf(decl.getType(), `global '${name}'`);
    if (memory && typeof memory !== "string" && (memory.kind === "struct" || memory.kind === "array") && !exported) {
      info.globals.set(name, { name, section: ".bss", type: memory, init: 0n, node: decl });
      return;
    }
    return sink.error(decl, Code.BadGlobal, `global '${name}' needs an integer type annotation such as u32, or a struct/FixedArray type and no initialiser`);
  }
  const value = init ? constantValue(init, info.constants) : 0n;
  if (value === undefined) return sink.error(decl, Code.NotConstant, `global '${name}' must start from a constant value`);
  if (exported) sink.error(decl, Code.BadGlobal, `global '${name}' cannot be exported`, "user space reaches globals through the object's .data/.bss maps");
  info.globals.set(name, { name, section: value === 0n ? ".bss" : ".data", type, init: value, node: decl });
}

/** `const T = [f, g]`: every entry a module-level subprogram of one signature. */
function scanFunctionTable(decl: VariableDeclaration, entries: string[], info: ModuleInfo, sink: DiagnosticSink): void {
  const elements = decl.getInitializerOrThrow().getDescendantsOfKind(SyntaxKind.Identifier).filter((id) => entries.includes(id.getText()));
  const program = elements.find((id) => isEntryExport(info, moduleFunctionOf(id)));
  if (program) return sink.error(program, Code.Unsupported, `'${program.getText()}' is a program; programs are not function values`, "reach other programs by tail calls through a ProgArray");
  const keys = elements.map((id) => signatureKey(id.getType(), id));
  const bad = keys.findIndex((k) => typeof k !== "string");
  if (bad >= 0) return sink.error(elements[bad]!, Code.UnsupportedType, (keys[bad] as { error: string }).error);
  if (new Set(keys).size !== 1) {
    return sink.error(decl, Code.UnsupportedType, `the functions in table '${decl.getName()}' have different signatures: ${[...new Set(keys)].join(" vs ")}`, "every function reachable through one call must take and return the same types");
  }
  const names = elements.map((id) => nameOf(info, id) ?? id.getText());
  info.functionTables.set(decl.getName(), { name: decl.getName(), entries: names, sig: keys[0] as string, node: decl });
}

function scanMap(decl: VariableDeclaration, init: Node & { getExpression(): Node; getArguments(): Node[] }, info: ModuleInfo, sink: DiagnosticSink): void {
  const name = decl.getName();
  const cls = init.getExpression().getText();
  const type = MAP_CLASSES[cls];
  if (type === undefined) return sink.error(init, Code.BadMapDeclaration, `'new ${cls}' is not a map type tsbpf knows`, `use one of ${Object.keys(MAP_CLASSES).join(", ")}`);
  const max = init.getArguments()[0];
  const maxEntries = max ? constantValue(max, info.constants) : undefined;
  if (type === MapType.RINGBUF) {
    const size = Number(maxEntries ?? 0);
    if (maxEntries === undefined || size < 4096 || (size & (size - 1)) !== 0) {
      return sink.error(init, Code.BadMapDeclaration, `ring buffer '${name}' needs a constant size that is a power of two and at least 4096 bytes`);
    }
    info.maps.set(name, { name, type, key: undefined, value: undefined, maxEntries: size, flags: 0, node: decl });
    return;
  }
  if (type === MapType.ARRAY_OF_MAPS || type === MapType.HASH_OF_MAPS) return scanMapInMap(decl, init, type, maxEntries, info, sink);
  if (type === MapType.QUEUE || type === MapType.STACK) {
    const [valueT] = decl.getType().getTypeArguments();
    if (!valueT || maxEntries === undefined) return sink.error(init, Code.BadMapDeclaration, `map '${name}' needs a value type and a constant size`, `write e.g. \`new ${cls}<u32>(64)\``);
    const value = valueTypeOf(valueT, `the value type of map '${name}'`);
    if (typeof value === "string") return sink.error(init, Code.UnsupportedType, value);
    info.maps.set(name, { name, type, key: undefined, value, maxEntries: Number(maxEntries), flags: 0, node: decl });
    return;
  }
  const fixed = FIXED_KV[type];
  if (fixed && maxEntries !== undefined) {
    const initialSlots = type === MapType.PROG_ARRAY ? progArraySlots(init.getArguments()[1], Number(maxEntries), info, sink) : undefined;
    info.maps.set(name, { name, type, key: fixed.key, value: fixed.value, maxEntries: Number(maxEntries), flags: 0, node: decl, ...(initialSlots ? { initialSlots } : {}) });
    return;
  }
  const [keyT, valueT] = decl.getType().getTypeArguments();
  if (!keyT || !valueT || maxEntries === undefined) return sink.error(init, Code.BadMapDeclaration, `map '${name}' needs key and value types and a constant size`, `write e.g. \`new ${cls}<u32, u64>(256)\``);
  const key = valueTypeOf(keyT, `the key type of map '${name}'`);
  const value = valueTypeOf(valueT, `the value type of map '${name}'`);
  if (typeof key === "string") return sink.error(init, Code.UnsupportedType, key);
  if (typeof value === "string") return sink.error(init, Code.UnsupportedType, value);
  if (type === MapType.LPM_TRIE && (key.kind !== "struct" || key.fields[0]?.name !== "prefixlen" || key.fields[0].type.kind !== "int" || key.fields[0].type.bits !== 32)) {
    return sink.error(init, Code.BadMapDeclaration, `the key of LPM trie '${name}' must be a struct starting with 'prefixlen: u32'`);
  }
  // The kernel creates LPM tries only without preallocation.
  const flags = type === MapType.LPM_TRIE ? BPF_F_NO_PREALLOC : 0;
  info.maps.set(name, { name, type, key, value, maxEntries: Number(maxEntries), flags, node: decl });
}

/**
 * `new ArrayOfMaps(n, template, { 0: a, 1: b })` / `new HashOfMaps<K, M>(n, template, …)`: the
 * template and the initial maps are module-level maps declared before; each initial map must
 * be one the kernel admits into the outer map (same type, key, value and flags as the
 * template, and for arrays the same size) — a rule TypeScript's types cannot express.
 */
function scanMapInMap(decl: VariableDeclaration, init: Node & { getArguments(): Node[] }, type: MapType, maxEntries: bigint | undefined, info: ModuleInfo, sink: DiagnosticSink): void {
  const name = decl.getName();
  const [, templateArg, slotsArg] = init.getArguments();
  const template = templateArg ? info.maps.get(nameOf(info, templateArg) ?? "") : undefined;
  if (maxEntries === undefined || !templateArg) return sink.error(init, Code.BadMapDeclaration, `map-in-map '${name}' needs a constant size and an inner map template`, "write e.g. `new ArrayOfMaps(4, inner, { 0: inner })`");
  if (!template) return sink.error(templateArg, Code.BadMapDeclaration, `the inner map template of '${name}' must be a map declared earlier at module level`);
  if (!INNER_TYPES.has(template.type)) return sink.error(templateArg, Code.BadMapDeclaration, `'${template.name}' (${MapType[template.type]}) cannot be the inner map of a map-in-map`, "use an array, hash, LPM trie, queue or stack map");
  let key: ValueType = INT_NAMES.u32!;
  if (type === MapType.HASH_OF_MAPS) {
    const [keyT] = decl.getType().getTypeArguments();
    const k = keyT ? valueTypeOf(keyT, `the key type of map '${name}'`) : "the key type is missing";
    if (typeof k === "string") return sink.error(init, Code.UnsupportedType, k, "write e.g. `new HashOfMaps<u32, typeof inner>(8, inner)`");
    key = k;
  }
  const slots: { index: number; symbol: string }[] = [];
  if (slotsArg) {
    if (!Node.isObjectLiteralExpression(slotsArg)) return sink.error(slotsArg, Code.BadMapDeclaration, "a map-in-map's initial slots are an object literal like `{ 0: inner }`");
    if (type === MapType.HASH_OF_MAPS && sizeOf(key) !== 4) return sink.error(slotsArg, Code.BadMapDeclaration, `initial slots fill u32 keys, but the key of '${name}' has ${sizeOf(key)} bytes`);
    for (const p of slotsArg.getProperties()) {
      const value = Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
      const index = Node.isPropertyAssignment(p) ? Number(p.getName()) : NaN;
      if (!value || !(Node.isIdentifier(value) || Node.isPropertyAccessExpression(value)) || !Number.isInteger(index) || index < 0 || (type === MapType.ARRAY_OF_MAPS && index >= Number(maxEntries))) {
        sink.error(p, Code.BadMapDeclaration, `each slot is \`N: map\` with 0 <= N${type === MapType.ARRAY_OF_MAPS ? ` < ${maxEntries}` : ""}`);
        continue;
      }
      const m = info.maps.get(nameOf(info, value) ?? "");
      if (!m) {
        sink.error(value, Code.BadMapDeclaration, `'${value.getText()}' is not a map declared earlier in this file`);
        continue;
      }
      const why = innerMismatch(template, m);
      if (why) {
        sink.error(value, Code.BadMapDeclaration, `'${m.name}' cannot go into '${name}': ${why}`, `the kernel admits only maps like the template '${template.name}'`);
        continue;
      }
      slots.push({ index, symbol: m.name });
    }
  }
  info.maps.set(name, { name, type, key, value: undefined, maxEntries: Number(maxEntries), flags: 0, node: decl, inner: template, ...(slotsArg ? { initialSlots: slots.sort((a, b) => a.index - b.index) } : {}) });
}

/** Why the kernel would refuse `m` as an inner map of an outer map with `template` (bpf_map_meta_equal), or undefined. */
function innerMismatch(template: MapDecl, m: MapDecl): string | undefined {
  if (m.type !== template.type) return `it is a ${MapType[m.type]} map, the template a ${MapType[template.type]}`;
  const size = (t: ValueType | undefined): number => (t ? sizeOf(t) : 0);
  if (size(m.key) !== size(template.key) || size(m.value) !== size(template.value)) return `its key and value sizes (${size(m.key)}, ${size(m.value)}) differ from the template's (${size(template.key)}, ${size(template.value)})`;
  if (m.flags !== template.flags) return "its flags differ from the template's";
  if (m.type === MapType.ARRAY && m.maxEntries !== template.maxEntries) return `it has ${m.maxEntries} entries, the template ${template.maxEntries}`;
  return undefined;
}

/** `{ 1: stage2, 3: other }`: constant slots naming exported programs of this file. */
function progArraySlots(arg: Node | undefined, max: number, info: ModuleInfo, sink: DiagnosticSink): { index: number; symbol: string }[] | undefined {
  if (!arg) return undefined;
  if (!Node.isObjectLiteralExpression(arg)) {
    sink.error(arg, Code.BadMapDeclaration, "a prog array's initial slots are an object literal like `{ 1: stage2 }`");
    return undefined;
  }
  const slots: { index: number; symbol: string }[] = [];
  for (const p of arg.getProperties()) {
    const init = Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
    const index = Node.isPropertyAssignment(p) ? Number(p.getName()) : NaN;
    if (!init || !Node.isIdentifier(init) || !Number.isInteger(index) || index < 0 || index >= max) {
      sink.error(p, Code.BadMapDeclaration, `each slot is \`N: program\` with 0 <= N < ${max}`);
      continue;
    }
    const fn = declarationOf(init);
    if (!Node.isFunctionDeclaration(fn) || !isEntryExport(info, fn)) {
      sink.error(init, Code.BadMapDeclaration, `'${init.getText()}' is not a program of this file (an exported function taking XdpContext)`);
      continue;
    }
    slots.push({ index, symbol: init.getText() });
  }
  return slots.sort((a, b) => a.index - b.index);
}

export { SyntaxKind, ts };
