// The options argument of a map declaration (`new HashMap<K, V>(n, { pinning: Pinning.BY_NAME })`):
// the last constructor parameter, after the arguments each map class takes. Today it carries
// libbpf's `pinning` attribute (enum libbpf_pin_type), emitted as __uint(pinning, …).

import { Node } from "ts-morph";
import { Code } from "../diagnostics/codes.js";
import { constantValue } from "./constants.js";
import type { DiagnosticSink } from "./diagnostics.js";

/** LIBBPF_PIN_NONE, LIBBPF_PIN_BY_NAME: the pinning values libbpf accepts (bpf_object__init_user_btf_map). */
const PIN_VALUES = new Set([0n, 1n]);

/** Where each map class takes its options: after maxEntries, a prog array's slots, a map-in-map's template and slots. */
const OPTIONS_AT: Readonly<Record<string, number>> = { ProgArray: 2, ArrayOfMaps: 3, HashOfMaps: 3 };

export interface MapOptions {
  readonly pinning?: number;
}

/** The options of `new <cls>(…)`, or undefined (having reported one diagnostic) when they are malformed. */
export function mapOptions(cls: string, args: readonly Node[], constants: ReadonlyMap<object, bigint>, sink: DiagnosticSink): MapOptions | undefined {
  let arg = args[OPTIONS_AT[cls] ?? 1];
  if (!arg) return {};
  while (Node.isAsExpression(arg) || Node.isSatisfiesExpression(arg) || Node.isParenthesizedExpression(arg)) arg = arg.getExpression();
  if (!Node.isObjectLiteralExpression(arg)) {
    sink.error(arg, Code.BadMapDeclaration, "a map's options are an object literal like `{ pinning: Pinning.BY_NAME }`");
    return undefined;
  }
  let pinning: number | undefined;
  for (const p of arg.getProperties()) {
    if (!Node.isPropertyAssignment(p) || p.getName() !== "pinning") {
      sink.error(p, Code.BadMapDeclaration, `'${p.getText()}' is not a map option tsbpf knows`, "the options are `{ pinning: Pinning.BY_NAME }`");
      return undefined;
    }
    const init = p.getInitializer();
    const value = init ? constantValue(init, constants) : undefined;
    if (value === undefined || !PIN_VALUES.has(value)) {
      sink.error(p, Code.BadMapDeclaration, "`pinning` must be Pinning.NONE or Pinning.BY_NAME", "libbpf knows no other pinning");
      return undefined;
    }
    pinning = Number(value);
  }
  return pinning ? { pinning } : {};
}
