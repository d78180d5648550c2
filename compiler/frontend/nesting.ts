// Limits on how deeply a program nests. TypeScript's parser, binder and checker and tsbpf's
// lowering all recurse over the syntax tree, and run out of stack somewhere between a few
// hundred and a few thousand levels. Brackets ((, [, {) nested more than 256 deep are refused
// before parsing, at the 257th open one (clang's default -fbracket-depth is 256 too: it refuses
// 300 nested ifs or parentheses); any other nesting that exhausts the stack (an else-if chain
// thousands long …) is reported at its deepest point instead of as a crash.

import { ts } from "ts-morph";
import { Code } from "../diagnostics/codes.js";
import type { Diagnostic, SourceSpan } from "../diagnostics/diagnostic.js";

export const MAX_BRACKET_DEPTH = 256;

function spanAt(text: string, pos: number, fileName: string): SourceSpan {
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const lineStart = before.lastIndexOf("\n") + 1;
  const lineText = text.slice(lineStart).split(/\r?\n/)[0] ?? "";
  return { file: fileName, line, column: pos - lineStart + 1, length: 1, lineText };
}

/**
 * Walks the text's brackets, skipping comments, strings and the text of template literals,
 * and calls `open` at each opening bracket with the depth it opens.
 */
function walkBrackets(text: string, open: (pos: number, depth: number) => boolean, elseIf?: (pos: number, depth: number) => void): void {
  // The stack holds what each open bracket is; "`" marks a template literal's text and "${" its substitution.
  const stack: string[] = [];
  let i = 0;
  let depth = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (stack.at(-1) === "`") {
      if (c === "\\") i += 2;
      else if (c === "`") {
        stack.pop();
        i++;
      } else if (c === "$" && text[i + 1] === "{") {
        stack.push("${");
        if (!open(i, ++depth)) return;
        i += 2;
      } else i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c && text[i] !== "\n") i += text[i] === "\\" ? 2 : 1;
      i++;
    } else if (c === "`") {
      stack.push("`");
      i++;
    } else if (c === "(" || c === "[" || c === "{") {
      stack.push(c);
      if (!open(i, ++depth)) return;
      i++;
    } else if (c === ")" || c === "]" || c === "}") {
      if (stack.length > 0 && stack.at(-1) !== "`") {
        stack.pop();
        depth--;
      }
      i++;
    } else {
      if (elseIf && c === "e" && !/[\w$]/.test(text[i - 1] ?? "") && /^else\s+if\b/.test(text.slice(i, i + 40))) elseIf(i, depth);
      i++;
    }
  }
}

/** The diagnostic for brackets nested deeper than clang allows, or undefined. */
export function bracketDepthError(text: string, fileName: string): Diagnostic | undefined {
  let at: number | undefined;
  walkBrackets(text, (pos, depth) => {
    if (depth <= MAX_BRACKET_DEPTH) return true;
    at = pos;
    return false;
  });
  if (at === undefined) return undefined;
  return {
    code: Code.TooDeep,
    category: "error",
    message: `brackets nested more than ${MAX_BRACKET_DEPTH} deep here (clang's limit too)`,
    span: spanAt(text, at, fileName),
    hint: "flatten the code: return early instead of nesting ifs, name intermediate values",
  };
}

/** Whether `e` is V8's stack overflow. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack size/i.test(e.message);
}

/**
 * The diagnostic for a program whose nesting exhausted the stack: at the deepest node of its
 * syntax tree (found without recursion), or at its deepest bracket when it did not parse.
 */
export function tooDeepError(text: string, fileName: string, tree: ts.SourceFile | undefined): Diagnostic {
  let pos = 0;
  let deepest = -1;
  if (tree) {
    const work: { node: ts.Node; depth: number }[] = [{ node: tree, depth: 0 }];
    while (work.length > 0) {
      const { node, depth } = work.pop()!;
      if (depth > deepest) {
        deepest = depth;
        pos = node.getStart(tree);
      }
      ts.forEachChild(node, (child) => {
        work.push({ node: child, depth: depth + 1 });
      });
    }
  } else {
    // Each `else if` nests one level deeper than the `if` before it at the same bracket depth.
    const chains: number[] = [];
    const visit = (at: number, depth: number): void => {
      if (depth > deepest) {
        deepest = depth;
        pos = at;
      }
    };
    walkBrackets(
      text,
      (at, depth) => {
        chains[depth] = 0;
        visit(at, depth);
        return true;
      },
      (at, depth) => visit(at, depth + (chains[depth] = (chains[depth] ?? 0) + 1)),
    );
  }
  return {
    code: Code.TooDeep,
    category: "error",
    message: "the program nests too deeply here for the compiler (it ran out of stack)",
    span: spanAt(text, pos, fileName),
    hint: "flatten the code: a switch or early returns instead of a long else-if chain, fewer nested expressions",
  };
}
