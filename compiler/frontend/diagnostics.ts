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
  /** `fileNames`: absolute path → shown name, for programs over several modules. */
  constructor(
    readonly fileName: string,
    readonly fileNames?: ReadonlyMap<string, string>,
  ) {}

  error(node: Node, code: number, message: string, hint?: string): void {
    const file = this.fileNames?.get(node.getSourceFile().getFilePath()) ?? this.fileName;
    const span = spanOf(node, file);
    // One problem met from several call sites (an inlined body, a declaration) is one diagnostic.
    if (this.diagnostics.some((d) => d.code === code && d.message === message && d.span?.file === span.file && d.span.line === span.line && d.span.column === span.column)) return;
    this.diagnostics.push({ code, category: "error", message, span, ...(hint ? { hint } : {}) });
  }

  /** A warning: reported, but the build goes on. Once per message (a struct warns once, not at every use). */
  warning(node: Node, code: number, message: string, hint?: string): void {
    const span = spanOf(node, this.fileNames?.get(node.getSourceFile().getFilePath()) ?? this.fileName);
    if (this.diagnostics.some((d) => d.code === code && d.message === message)) return;
    this.diagnostics.push({ code, category: "warning", message, span, ...(hint ? { hint } : {}) });
  }

  get failed(): boolean {
    return this.diagnostics.some((d) => d.category === "error");
  }
}
