// Reads the BPF conformance suite's `.data` files (see ../shared/conformance/README.md):
// sections introduced by `-- name`, `#` comments, raw bytecode in two notations.
import { readFileSync } from "node:fs";

export interface ConformanceCase {
  readonly asm?: string;
  /** Raw program bytes, when a `-- raw` section is present (it wins over asm). */
  readonly raw?: Uint8Array;
  readonly mem?: Uint8Array;
  readonly result?: bigint;
  readonly error?: string;
  /** Section names in file order, for tests of unknown directives. */
  readonly sections: readonly string[];
}

export function parseConformanceFile(path: string): ConformanceCase {
  return parseConformance(readFileSync(path, "utf8"));
}

export function parseConformance(text: string): ConformanceCase {
  const sections = new Map<string, string[]>();
  const order: string[] = [];
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^--\s*(.*?)\s*$/.exec(line);
    if (header) {
      const name = header[1]!;
      order.push(name);
      current = [];
      sections.set(name, current);
      continue;
    }
    current?.push(line);
  }
  const body = (name: string): string[] | undefined =>
    sections.get(name)?.map((l) => l.replace(/#.*$/, "").trim()).filter((l) => l !== "");
  const lastLine = (name: string): string | undefined => {
    const lines = body(name);
    return lines === undefined ? undefined : lines[lines.length - 1] ?? "";
  };
  const hexBytes = (lines: string[]): Uint8Array => Uint8Array.from(lines.join(" ").split(/\s+/).filter((t) => t !== "").map((t) => parseInt(t, 16)));
  const rawLines = body("raw");
  let raw: Uint8Array | undefined;
  if (rawLines) {
    if (rawLines.every((l) => /^0x[0-9a-f]{16}$/i.test(l))) {
      // One 64-bit little-endian word per line (lddw.data).
      raw = new Uint8Array(rawLines.length * 8);
      const view = new DataView(raw.buffer);
      rawLines.forEach((l, i) => view.setBigUint64(i * 8, BigInt(l), true));
    } else {
      raw = hexBytes(rawLines);
    }
  }
  const result = lastLine("result");
  const memLines = body("mem");
  return {
    ...(sections.has("asm") ? { asm: (sections.get("asm") ?? []).join("\n") } : {}),
    ...(raw ? { raw } : {}),
    ...(memLines ? { mem: hexBytes(memLines) } : {}),
    ...(result !== undefined && result !== "" ? { result: BigInt.asUintN(64, BigInt(result)) } : {}),
    ...(sections.has("error") ? { error: lastLine("error") ?? "" } : {}),
    sections: order,
  };
}
