// Async functions and generators, refused before type checking: BPF has no event loop and no
// coroutines, so lowered as plain functions they would be silently wrong objects. Found first,
// they are one diagnostic each at the function, instead of TypeScript's unlocated complaints
// about the Promise or IterableIterator types that tsbpf's library does not declare.
import { Node, type SourceFile } from "ts-morph";
import { Code } from "../diagnostics/codes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { spanOf } from "./diagnostics.js";

export function coroutineErrors(source: SourceFile, fileName: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  source.forEachDescendant((node) => {
    if (!Node.isFunctionLikeDeclaration(node)) return;
    const isAsync = Node.isAsyncable(node) && node.isAsync();
    const isGenerator = Node.isGeneratorable(node) && node.isGenerator();
    if (!isAsync && !isGenerator) return;
    const name = Node.hasName(node) ? `function '${node.getName()}'` : "this function";
    const what = isAsync ? (isGenerator ? "an async generator" : "async") : "a generator";
    out.push({
      code: Code.Unsupported,
      category: "error",
      message: `${name} is ${what}; BPF programs have no promises, await or generators`,
      span: spanOf(node, fileName),
      hint: "write a plain function that returns its result",
    });
  });
  return out;
}
