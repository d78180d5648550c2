// Compiles a virtual TypeScript program and returns its diagnostics (none when it compiles), so
// diagnostic suites share one harness. `header` is the import line the cases build on.
import { compileSource } from "../../compiler/compile.js";
import { CompileError, type Diagnostic } from "../../compiler/diagnostics/diagnostic.js";

export function diagnoseWith(header: string): (body: string) => Diagnostic[] {
  return (body) => {
    try {
      compileSource("/virtual/prog.ts", header + body, { displayName: "prog.ts" });
    } catch (e) {
      if (e instanceof CompileError) return [...e.diagnostics];
      throw e;
    }
    return [];
  };
}

/** An XDP program `prog` whose body is `stmts` followed by `return XdpAction.PASS`, after `extra`. */
export const xdpProgram = (stmts: string, extra = ""): string => `${extra}\nexport function prog(ctx: XdpContext): XdpAction {\n${stmts}\n  return XdpAction.PASS;\n}\n`;
