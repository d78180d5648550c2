// Compiler diagnostics in tsc's format: `file:line:col - error TS<code>: message`, a code
// frame with the offending range underlined, and a hint. Every user mistake the compiler
// finds is one of these; the compiler never throws anything else at its users.

export interface SourceSpan {
  readonly file: string;
  /** 1-based line and column of the start. */
  readonly line: number;
  readonly column: number;
  /** Length of the span on its first line, for the underline. */
  readonly length: number;
  /** The source line's text, for the code frame. */
  readonly lineText: string;
}

export interface Diagnostic {
  readonly code: number;
  readonly category: "error" | "warning";
  readonly message: string;
  readonly span?: SourceSpan;
  readonly hint?: string;
}

export class CompileError extends Error {
  override readonly name = "CompileError";
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.category} TS${d.code}: ${d.message}`;
  if (!d.span) return d.hint ? `${head}\n  hint: ${d.hint}` : head;
  const s = d.span;
  const gutter = String(s.line);
  const frame = `${gutter}   ${s.lineText}\n${" ".repeat(gutter.length + 3 + s.column - 1)}${"~".repeat(Math.max(1, Math.min(s.length, s.lineText.length - s.column + 1)))}`;
  return `${s.file}:${s.line}:${s.column} - ${head}\n\n${frame}\n${d.hint ? `  hint: ${d.hint}\n` : ""}`;
}
