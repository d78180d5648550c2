// The compiler driver: TypeScript source → checked by the TypeScript checker against tsbpf's
// declarations → module scan → IR per function → simplification → register allocation →
// instruction selection → relocatable BPF object. Every user mistake comes back as a
// Diagnostic (CompileError), never as an exception from inside the compiler.

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Project, ts, type SourceFile } from "ts-morph";
import { allocate } from "./codegen/regalloc.js";
import { selectInstructions, STACK_LIMIT, type MachineFunction } from "./codegen/isel.js";
import { Code } from "./diagnostics/codes.js";
import { CompileError, type Diagnostic } from "./diagnostics/diagnostic.js";
import { emitObject } from "./emit/object.js";
import { DiagnosticSink } from "./frontend/diagnostics.js";
import { Abandon, FunctionLowerer } from "./frontend/lower-function.js";
import { isProgram, scanModule, type ModuleInfo } from "./frontend/module.js";
import { programFiles } from "./frontend/imports.js";
import { simplify } from "./ir/passes/simplify.js";
import { propagate } from "./ir/passes/propagate.js";
import { localCse } from "./ir/passes/local-cse.js";
import { splitWebs } from "./ir/passes/webs.js";
import { foldMoves } from "./ir/passes/fold-moves.js";
import { removeRedundantMasks } from "./ir/passes/redundant-masks.js";
import { layoutBlocks } from "./ir/passes/layout.js";
import { lowerIndirectCalls, type CodeTarget } from "./ir/passes/indirect-calls.js";
import { addressTakenFunctions, signatureKey } from "./frontend/function-values.js";
import { coroutineErrors } from "./frontend/coroutines.js";
import { bracketDepthError, isStackOverflow, tooDeepError } from "./frontend/nesting.js";

/** lib/ (the user-facing declarations), found from this file in the source tree or in dist/. */
function libDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, "lib", "index.d.ts"))) return join(dir, "lib");
    dir = dirname(dir);
  }
  throw new Error("tsbpf's lib/index.d.ts was not found next to the compiler");
}

export interface CompileOptions {
  /** File name recorded in diagnostics and line_info (default: the path as given). */
  readonly displayName?: string;
  /**
   * Where the object will run (default "kernel"). Indirect calls through function values become
   * ladders of direct calls for "kernel" (stock Linux rejects callx) and `callx` for "vm".
   */
  readonly target?: CodeTarget;
}

export interface CompileResult {
  readonly object: Uint8Array;
  readonly functions: readonly MachineFunction[];
  /** Warnings (TS90108 padding …): the object was built anyway. */
  readonly warnings: readonly Diagnostic[];
}

let sharedProject: Project | undefined;

/** One ts-morph project reused across compilations in a process (the lib is parsed once). */
function project(): Project {
  if (!sharedProject) {
    const lib = libDir();
    sharedProject = new Project({
      useInMemoryFileSystem: false,
      skipAddingFilesFromTsConfig: true,
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        // `import { f } from "./util.ts"` as well as "./util" and "./util.js" (nothing is emitted).
        allowImportingTsExtensions: true,
        types: [],
        noLib: true,
        paths: { tsbpf: [join(lib, "index.d.ts")], "tsbpf/net": [join(lib, "net.d.ts")] },
      },
    });
    sharedProject.addSourceFileAtPath(join(lib, "core.d.ts"));
  }
  return sharedProject;
}

function tsDiagnostics(source: SourceFile, fileName: string): Diagnostic[] {
  // A module shown elsewhere (imported) reports under its own name.
  return source.getPreEmitDiagnostics().map((d) => {
    const start = d.getStart();
    const message = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, " ");
    if (start === undefined) return { code: d.getCode(), category: "error", message };
    const { line, column } = source.getLineAndColumnAtPos(start);
    const lineText = source.getFullText().split(/\r?\n/)[line - 1] ?? "";
    // tsc suggests a newer lib for Map, Promise …: BPF programs have no JavaScript library at all.
    const hint = /target library|lib' compiler option/.test(message) ? { hint: "BPF programs have no JavaScript runtime library; use tsbpf's maps and types" } : {};
    return { code: d.getCode(), category: "error", message, span: { file: fileName, line, column, length: d.getLength() ?? 1, lineText }, ...hint };
  });
}

/** Compiles the program in `sourceText` (at `path`) to a BPF object. */
export function compileSource(path: string, sourceText: string, options: CompileOptions = {}): CompileResult {
  const fileName = options.displayName ?? path;
  const tooDeep = bracketDepthError(sourceText, fileName);
  if (tooDeep) throw new CompileError([tooDeep]);
  const p = project();
  const before = new Set(p.getSourceFiles());
  let source: SourceFile | undefined;
  try {
    source = p.createSourceFile(resolve(path), sourceText, { overwrite: true });
    const files = programFiles(source, fileName, libDir());
    const shown = (sf: SourceFile): string => files.fileNames.get(sf.getFilePath()) ?? fileName;
    // Coroutines first: TypeScript's errors about them (no Promise type …) have no location.
    const coroutines = files.sources.flatMap((sf) => coroutineErrors(sf, shown(sf)));
    const typeErrors = files.sources.flatMap((sf) => tsDiagnostics(sf, shown(sf)));
    if (coroutines.length > 0) throw new CompileError([...coroutines, ...typeErrors.filter((d) => d.span)]);
    if (typeErrors.length > 0) throw new CompileError(typeErrors);
    const sink = new DiagnosticSink(fileName, files.fileNames);
    const module = scanModule(files, sink);
    const functions = lowerAll(module, sink, fileName, options.target ?? "kernel");
    if (sink.failed) throw new CompileError(sink.diagnostics);
    return { object: emitObject(module, functions, fileName), functions, warnings: sink.diagnostics.filter((d) => d.category === "warning") };
  } catch (e) {
    // Deep nesting the bracket limit lets through (a long else-if chain …) exhausts the stack
    // of TypeScript's parser or checker or of the lowering: a diagnostic, not a crash.
    if (isStackOverflow(e)) throw new CompileError([tooDeepError(sourceText, fileName, source?.compilerNode)]);
    throw e;
  } finally {
    // Imported modules (and packages' declarations) are read from disk again by the next
    // compilation: they may have changed. tsbpf's own lib stays parsed.
    const lib = libDir();
    for (const f of p.getProgram().compilerObject.getSourceFiles()) {
      if (f.fileName.startsWith(lib + "/")) continue;
      const sf = p.getSourceFile(f.fileName);
      if (sf && !before.has(sf) && !sf.wasForgotten()) sf.forget();
    }
    const added = source ?? p.getSourceFile(resolve(path));
    if (added && !added.wasForgotten()) p.removeSourceFile(added);
  }
}

/** For each signature, the address-taken functions that have it, in source order. */
function candidateTable(module: ModuleInfo): (sig: string) => readonly string[] {
  // Computed on the first indirect call only: most programs have none, and the walk is not free.
  let taken: { name: string; sig: string | { error: string } }[] | undefined;
  return (sig) => {
    taken ??= addressTakenFunctions(module.sources, (fn) => isProgram(module, fn), (fn) => module.names.get(fn.compilerNode)).flatMap((name) => {
      // A function the module scan refused (no body …) has a diagnostic already and is no candidate.
      const decl = module.functions.get(name);
      return decl ? [{ name, sig: signatureKey(decl.getType(), decl) }] : [];
    });
    return taken.filter((t) => t.sig === sig).map((t) => t.name);
  };
}

function lowerAll(module: ModuleInfo, sink: DiagnosticSink, fileName: string, target: CodeTarget): MachineFunction[] {
  const candidatesOf = candidateTable(module);
  const machine = new Map<string, MachineFunction>();
  const queue = module.programs.map((p) => ({ name: p.name, section: p.section as string | undefined }));
  const seen = new Set(queue.map((q) => q.name));
  while (queue.length > 0) {
    const { name, section } = queue.shift()!;
    const specialised = module.specialisations.get(name);
    const decl = specialised?.fn ?? module.functions.get(name)!;
    let fn;
    try {
      const lowerer = new FunctionLowerer(decl, section, module, sink, fileName, target, libDir(), specialised ? { name, maps: specialised.maps } : undefined);
      fn = lowerer.lower();
      simplify(fn, lowerer.nonNull);
      if (splitWebs(fn)) simplify(fn, lowerer.nonNull);
      for (let round = 0; round < 8 && (localCse(fn) || removeRedundantMasks(fn) || propagate(fn)); round++) simplify(fn, lowerer.nonNull);
      if (foldMoves(fn)) simplify(fn, lowerer.nonNull);
      if (lowerIndirectCalls(fn, target, candidatesOf)) simplify(fn, lowerer.nonNull);
      layoutBlocks(fn);
    } catch (e) {
      if (e instanceof Abandon) continue;
      throw e;
    }
    if (sink.failed) continue;
    const mf = selectInstructions(fn, allocate(fn));
    machine.set(name, mf);
    for (const callee of mf.callees) {
      if (!seen.has(callee)) {
        seen.add(callee);
        queue.push({ name: callee, section: undefined });
      }
    }
  }
  checkCallGraph(module, machine, sink);
  // Programs first (in source order), then subprograms in the order they were reached.
  return [...machine.values()];
}

/** Recursion is not allowed, and the stacks of a call chain must fit 512 bytes together. */
function checkCallGraph(module: ModuleInfo, machine: ReadonlyMap<string, MachineFunction>, sink: DiagnosticSink): void {
  const depth = (name: string, path: string[]): number => {
    const f = machine.get(name);
    if (!f) return 0;
    if (path.includes(name)) {
      sink.error(module.functions.get(name) ?? module.specialisations.get(name)!.fn, Code.Recursion, `'${name}' calls itself through ${[...path.slice(path.indexOf(name)), name].join(" → ")}; BPF forbids recursion`);
      return 0;
    }
    let deepest = 0;
    for (const c of f.callees) deepest = Math.max(deepest, depth(c, [...path, name]));
    return f.stackSize + deepest;
  };
  for (const p of module.programs) {
    const total = depth(p.name, []);
    if (total > STACK_LIMIT) {
      sink.error(p.node, Code.StackTooLarge, `program '${p.name}' needs ${total} bytes of stack across its calls; BPF allows ${STACK_LIMIT}`, "keep large structs in a per-CPU array map instead of on the stack");
    }
  }
  if (sink.failed) throw new CompileError(sink.diagnostics);
}
