// `tsbpf link A.o B.o ... -o OUT.o [--chain NAME]`: the static linker (libbpf's `bpftool gen
// object`) and, with --chain, the rootlet that runs the inputs' XDP programs in libxdp order.
import { writeFileSync } from "node:fs";
import { readObject } from "../runtime/object/object-file.js";
import { linkChain } from "../runtime/object/static-link/chain.js";
import { StaticLinkError } from "../runtime/object/static-link/errors.js";
import { linkObjects } from "../runtime/object/static-link/link-objects.js";
import { parseChainActions, XDP_ACTIONS } from "../runtime/object/static-link/run-config.js";
import { readObjectInput } from "./inputs.js";

export interface LinkCommandOptions {
  readonly files: readonly string[];
  readonly output: string;
  readonly chain?: string;
  /** "prog=N" each. */
  readonly priority?: readonly string[];
  /** "prog=PASS,DROP" each. */
  readonly chainActions?: readonly string[];
  /** --inline: the programs' bodies copied into the rootlet. */
  readonly inline?: boolean;
}

function pairs<T>(list: readonly string[] | undefined, flag: string, value: (v: string) => T): Map<string, T> {
  const m = new Map<string, T>();
  for (const item of list ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new StaticLinkError(`${flag} ${item}: expected PROG=VALUE`);
    m.set(item.slice(0, eq), value(item.slice(eq + 1)));
  }
  return m;
}

/** Links, writes the output and returns what to print (the chain order with --chain). */
export function linkCommand(o: LinkCommandOptions): string {
  const inputs = o.files.map((f) => ({ name: f, obj: readObject(readObjectInput(f)) }));
  if (o.chain === undefined) {
    if ((o.priority?.length ?? 0) + (o.chainActions?.length ?? 0) > 0 || o.inline) throw new StaticLinkError("--priority, --chain-actions and --inline need --chain NAME");
    writeFileSync(o.output, linkObjects(inputs));
    return "";
  }
  const priority = pairs(o.priority, "--priority", (v) => {
    if (!/^-?\d+$/.test(v)) throw new StaticLinkError(`--priority: '${v}' is not an integer`);
    return Number(v);
  });
  const chainActions = pairs(o.chainActions, "--chain-actions", parseChainActions);
  const { bytes, order } = linkChain(inputs, { name: o.chain, priority, chainActions, inline: o.inline === true });
  writeFileSync(o.output, bytes);
  const actions = (bits: number): string => XDP_ACTIONS.filter((_a, i) => (bits & (1 << i)) !== 0).join(",") || "-";
  return order.map((p, i) => `${i + 1}. ${p.name} (${p.file}) priority ${p.priority} chain on ${actions(p.chainActions)}\n`).join("");
}
