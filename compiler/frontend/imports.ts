// Programs over several modules: which source files make up the program (the entry file and
// every module it imports, transitively, through `import`/`export … from`, as TypeScript
// resolved them), the name each file has in diagnostics and line_info, and what an identifier
// or a namespace member (`u.isSsh`) refers to through imports, re-exports and default exports.
// tsbpf's own declarations (lib/) are not modules of the program; a package that ships only
// declaration files (.d.ts) has nothing to compile, which is a diagnostic where it is used.

import { dirname, join, relative, sep } from "node:path";
import { Node, ts, type SourceFile } from "ts-morph";

export interface ProgramFiles {
  /** The modules to compile, dependencies before the modules importing them, the entry last. */
  readonly sources: readonly SourceFile[];
  /** Absolute path → the name shown in diagnostics and recorded in line_info. */
  readonly fileNames: ReadonlyMap<string, string>;
}

/** The module files of the program rooted at `entry`, shown relative to `entryName`'s directory. */
export function programFiles(entry: SourceFile, entryName: string, libDir: string): ProgramFiles {
  const sources: SourceFile[] = [];
  const visiting = new Set<SourceFile>();
  const visit = (sf: SourceFile): void => {
    if (visiting.has(sf)) return;
    visiting.add(sf);
    for (const dep of dependencies(sf)) {
      if (dep.isDeclarationFile() || dep.getFilePath().startsWith(libDir + "/")) continue;
      visit(dep);
    }
    sources.push(sf);
  };
  visit(entry);
  const entryDir = dirname(entry.getFilePath());
  const shownDir = dirname(entryName);
  const fileNames = new Map<string, string>();
  for (const sf of sources) {
    const rel = relative(entryDir, sf.getFilePath()).split(sep).join("/");
    fileNames.set(sf.getFilePath(), sf === entry ? entryName : shownDir === "." ? rel : join(shownDir, rel).split(sep).join("/"));
  }
  return { sources, fileNames };
}

/** The files `sf` imports or re-exports from, in source order. */
function dependencies(sf: SourceFile): SourceFile[] {
  const out: SourceFile[] = [];
  for (const stmt of sf.getStatements()) {
    // A malformed specifier (not a string literal) is the type checker's diagnostic, not a module.
    const spec = (Node.isImportDeclaration(stmt) || Node.isExportDeclaration(stmt)) ? stmt.compilerNode.moduleSpecifier : undefined;
    if (spec && !ts.isStringLiteral(spec)) continue;
    if (Node.isImportDeclaration(stmt)) {
      // `import type …` brings no code; an import of interfaces only still names the module.
      if (stmt.isTypeOnly()) continue;
      const dep = stmt.getModuleSpecifierSourceFile();
      if (dep) out.push(dep);
    } else if (Node.isExportDeclaration(stmt) && stmt.hasModuleSpecifier() && !stmt.isTypeOnly()) {
      const dep = stmt.getModuleSpecifierSourceFile();
      if (dep) out.push(dep);
    }
  }
  return out;
}

/**
 * The declaration an identifier or a namespace member (`u.x`) refers to, through import
 * aliases, `export { a as b }`, `export *` and default exports; undefined when it names none.
 */
export function declarationOf(node: Node): Node | undefined {
  if (!Node.isIdentifier(node) && !Node.isPropertyAccessExpression(node)) return undefined;
  let sym = node.getSymbol();
  if (sym?.isAlias()) sym = sym.getAliasedSymbol();
  return sym?.getValueDeclaration() ?? sym?.getDeclarations()[0];
}

/** Whether `decl` is a statement (or a variable declaration) at the top level of its module. */
export function isModuleLevel(decl: Node): boolean {
  if (Node.isFunctionDeclaration(decl)) return Node.isSourceFile(decl.getParent());
  if (Node.isVariableDeclaration(decl)) return Node.isSourceFile(decl.getParent()?.getParent()?.getParent());
  return false;
}

/** `u` in `u.x` when it is a namespace import (`import * as u`). */
export function isNamespaceMember(node: Node): boolean {
  if (!Node.isPropertyAccessExpression(node)) return false;
  const target = node.getExpression();
  if (!Node.isIdentifier(target)) return false;
  const decl = target.getSymbol()?.getDeclarations()[0];
  return decl !== undefined && Node.isNamespaceImport(decl);
}

/**
 * When `node` names a function or variable that exists only in a declaration file (a package
 * that ships .d.ts without its TypeScript source), the message saying so; otherwise undefined.
 */
export function declarationOnlyUse(node: Node, libDir: string): string | undefined {
  const decl = declarationOf(node);
  if (!decl || !(Node.isFunctionDeclaration(decl) || Node.isVariableDeclaration(decl))) return undefined;
  const sf = decl.getSourceFile();
  if (!sf.isDeclarationFile() || sf.getFilePath().startsWith(libDir + "/")) return undefined;
  const what = Node.isFunctionDeclaration(decl) ? "function" : "value";
  const where = sf.getFilePath().replace(/^.*\/node_modules\//, "node_modules/");
  return `${what} '${node.getText()}' is only declared in ${where}, a declaration file: tsbpf compiles functions, maps and constants from TypeScript source, so the package must ship its .ts files (point its "types" or "exports" at the .ts source)`;
}
