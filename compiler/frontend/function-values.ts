// Function values: what the front end knows about module-level functions used as values.
// A function value is the address of a module-level subprogram (lddw BPF_PSEUDO_FUNC); it can
// sit in a local, a parameter, a `?:`, or a module-level function table (`const T = [f, g]`),
// and nowhere else (not in memory), which is what lets the back end enumerate, per call site,
// every function a value can be. Signatures are compared by a canonical key: all candidates of
// one call must have exactly the same parameter and result types.

import { Node, SyntaxKind, type FunctionDeclaration, type SourceFile, type Type } from "ts-morph";
import { declarationOf, isModuleLevel } from "./imports.js";
import { isContextType } from "./subprogram-args.js";
import { intTypeOf, sizeOf, typeName, valueTypeOf } from "./types.js";

/** A module-level `const T = [f, g, h]`: function values indexed by position. */
export interface FunctionTable {
  readonly name: string;
  readonly entries: readonly string[];
  readonly sig: string;
  readonly node: Node;
}

/** The canonical key of a function type's signature, or a message saying why it cannot be one. */
export function signatureKey(type: Type, where: Node): string | { error: string } {
  const sigs = type.getCallSignatures();
  if (sigs.length !== 1) return { error: "a function value needs exactly one call signature" };
  const sig = sigs[0]!;
  const part = (t: Type, what: string): string | { error: string } => {
    if (t.isVoid()) return "void";
    if (t.isBoolean() || t.isBooleanLiteral()) return "bool";
    const int = intTypeOf(t);
    if (int) return int.name;
    if (t.getSymbol()?.getName() === "XdpAction" || t.isEnum() || t.isEnumLiteral()) return "u32";
    // The context passes as a pointer, as to a direct call (subprogram-args.ts).
    if (isContextType(t)) return "ctx";
    if (t.getCallSignatures().length > 0) return { error: `${what} is itself a function; function values take integers and references` };
    const nullable = t.isNullable();
    const vt = valueTypeOf(nullable ? t.getNonNullableType() : t, what);
    if (typeof vt === "string") return { error: vt };
    return `&${typeName(vt)}/${sizeOf(vt)}${nullable ? "?" : ""}`;
  };
  const params: string[] = [];
  for (const p of sig.getParameters()) {
    const k = part(p.getTypeAtLocation(where), `parameter '${p.getName()}'`);
    if (typeof k !== "string") return k;
    params.push(k);
  }
  const ret = part(sig.getReturnType(), "the result");
  if (typeof ret !== "string") return ret;
  return `(${params.join(", ")}) => ${ret}`;
}

/** The module-level function an identifier names, if any. */
export function moduleFunctionOf(node: Node): import("ts-morph").FunctionDeclaration | undefined {
  const decl = declarationOf(node);
  return decl && Node.isFunctionDeclaration(decl) && isModuleLevel(decl) && decl.getBody() ? decl : undefined;
}

/** `[f, g]` (optionally `as const`) naming module-level functions: the names, or undefined when it is not such a table. */
export function functionTableEntries(init: Node): string[] | undefined {
  let e = init;
  while (Node.isAsExpression(e) || Node.isParenthesizedExpression(e) || Node.isSatisfiesExpression(e)) e = e.getExpression();
  if (!Node.isArrayLiteralExpression(e)) return undefined;
  const elements = e.getElements();
  if (elements.length === 0 || !elements.every((x) => Node.isIdentifier(x) && moduleFunctionOf(x))) return undefined;
  return elements.map((x) => x.getText());
}

/**
 * Every module-level function whose address is taken (its name used other than as a callee), in
 * source order: the functions an indirect call of unknown origin may reach.
 */
export function addressTakenFunctions(sources: readonly SourceFile[], isProgram: (fn: FunctionDeclaration) => boolean, nameOf: (fn: FunctionDeclaration) => string | undefined): string[] {
  const taken = new Set<FunctionDeclaration>();
  for (const source of sources) {
    for (const id of source.getDescendantsOfKind(SyntaxKind.Identifier)) {
      const parent = id.getParent();
      if (Node.isCallExpression(parent) && parent.getExpression() === id) continue;
      if (Node.isFunctionDeclaration(parent) && parent.getNameNode() === id) continue;
      // Imports and re-exports name a function without taking its address.
      if (Node.isImportSpecifier(parent) || Node.isExportSpecifier(parent) || Node.isImportClause(parent) || Node.isExportAssignment(parent)) continue;
      const fn = moduleFunctionOf(id);
      if (fn && !isProgram(fn)) taken.add(fn);
    }
  }
  return sources.flatMap((s) => s.getFunctions().filter((f) => taken.has(f)).flatMap((f) => nameOf(f) ?? []));
}
