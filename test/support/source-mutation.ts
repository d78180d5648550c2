// Mutations of a program's source for the front-end fuzz suites: a line deleted, duplicated or
// swapped with another, the text truncated, one character inserted or replaced, or a snippet
// inserted as a line.
import fc from "fast-check";

export type MutationKind = "delete" | "duplicate" | "swap" | "truncate" | "char" | "insert";

export interface SourceMutation {
  readonly kind: MutationKind;
  readonly a: number;
  readonly b: number;
  readonly ch: string;
}

/** Mutations of the given kinds (repeat a kind to weight it), with `chars` for character edits. */
export function arbSourceMutation(kinds: readonly MutationKind[], chars: readonly string[]): fc.Arbitrary<SourceMutation> {
  return fc.record({ kind: fc.constantFrom(...kinds), a: fc.nat(), b: fc.nat(), ch: fc.constantFrom(...chars) });
}

/** `src` with mutation `m` applied; `snippets` are the lines an "insert" picks from. */
export function mutateSource(src: string, m: SourceMutation, snippets: readonly string[]): string {
  const lines = src.split("\n");
  const i = m.a % lines.length;
  const j = m.b % lines.length;
  switch (m.kind) {
    case "delete":
      lines.splice(i, 1);
      break;
    case "duplicate":
      lines.splice(i, 0, lines[i]!);
      break;
    case "swap":
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      break;
    case "truncate":
      return src.slice(0, m.a % (src.length + 1));
    case "char": {
      const at = m.a % (src.length + 1);
      return src.slice(0, at) + m.ch + src.slice(at + (m.b % 2));
    }
    case "insert":
      lines.splice(i, 0, snippets[m.b % snippets.length]!);
      break;
  }
  return lines.join("\n");
}
