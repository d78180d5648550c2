// Collects diagnostics while the frontend walks the source, with spans taken from ts-morph
// nodes, so one run reports every problem it can find instead of stopping at the first.
import type { Node } from "ts-morph";
import type { Diagnostic, SourceSpan } from "../diagnostics/diagnostic.js";

export function spanOf(node: Node, fileName: string): SourceSpan {
  const sf = node.getSourceFile();
  const start = node.getStart();
  const { line, column } = sf.getLineAndColumnAtPos(start);
  const lineText = sf.getFullText().split(/\r?\n/)[line - 1] ?? "";
  const end = Math.min(node.getEnd(), start + lineText.length);
  return { file: fileName, line, column, length: Math.max(1, end - start), lineText };
}

export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly fileName: string) {}

  error(node: Node, code: number, message: string, hint?: string): void {
    const span = spanOf(node, this.fileName);
    // A function inlined at several calls is lowered at each: its mistakes are reported once.
    if (this.diagnostics.some((d) => d.code === code && d.message === message && d.span?.line === span.line && d.span.column === span.column)) return;
    this.diagnostics.push({ code, category: "error", message, span, ...(hint ? { hint } : {}) });
  }

  get failed(): boolean {
    return this.diagnostics.some((d) => d.category === "error");
  }
}
