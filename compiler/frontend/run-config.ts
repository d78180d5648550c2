// `xdpRunConfig(prog, { priority, chainActions })` at module level: libxdp's run config of a
// program of this file, emitted as `_<prog>` in `.xdp_run_config` (priority and one
// XDP_<ACTION> member per action, 1 for the chain actions and 0 for the others, so the set
// is exactly the one declared). Any other use is one diagnostic.

import { Node, type ExpressionStatement } from "ts-morph";
import { Code } from "../diagnostics/codes.js";
import { constantValue } from "./constants.js";
import type { DiagnosticSink } from "./diagnostics.js";

export interface RunConfigDecl {
  readonly program: string;
  readonly priority: number;
  /** Bit a: chain on to the next program after action a (XDP_ABORTED = 0 … XDP_REDIRECT = 4). */
  readonly chainActions: number;
}

const HINT = "write `xdpRunConfig(prog, { priority: 10, chainActions: [XdpAction.PASS] })` with constant values, for an exported program of this file";

/** True when `stmt` is an xdpRunConfig call (its config pushed onto `out`, or one diagnostic reported). */
export function scanRunConfig(stmt: ExpressionStatement, programs: ReadonlySet<string>, constants: ReadonlyMap<object, bigint>, out: RunConfigDecl[], sink: DiagnosticSink): boolean {
  const call = stmt.getExpression();
  if (!Node.isCallExpression(call) || call.getExpression().getText() !== "xdpRunConfig") return false;
  const [prog, rawConfig, ...rest] = call.getArguments();
  let config = rawConfig;
  while (config && (Node.isAsExpression(config) || Node.isSatisfiesExpression(config) || Node.isParenthesizedExpression(config))) config = config.getExpression();
  const fail = (node: Node, message: string): boolean => (sink.error(node, Code.Unsupported, message, HINT), true);
  if (!prog || !config || rest.length > 0) return fail(call, "xdpRunConfig takes a program and a config object");
  if (!Node.isIdentifier(prog) || !programs.has(prog.getText())) return fail(prog, `'${prog.getText()}' is not an exported program of this file`);
  if (out.some((r) => r.program === prog.getText())) return fail(call, `program '${prog.getText()}' already has a run config`);
  if (!Node.isObjectLiteralExpression(config)) return fail(config, "the run config is an object literal");
  let priority = 50;
  let chainActions = 1 << 2;
  for (const p of config.getProperties()) {
    const init = Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
    if (!init || !Node.isPropertyAssignment(p)) return fail(p, `'${p.getText()}' is not a run config field (priority, chainActions)`);
    if (p.getName() === "priority") {
      const v = constantValue(init, constants);
      if (v === undefined || v < 0n || v > 0xffffffffn) return fail(init, "priority must be a constant from 0 to 2^32-1");
      priority = Number(v);
    } else if (p.getName() === "chainActions") {
      if (!Node.isArrayLiteralExpression(init)) return fail(init, "chainActions is an array literal of XdpAction values");
      chainActions = 0;
      for (const e of init.getElements()) {
        const v = constantValue(e, constants);
        if (v === undefined || v < 0n || v > 4n) return fail(e, `'${e.getText()}' is not an XdpAction`);
        chainActions |= 1 << Number(v);
      }
    } else {
      return fail(p, `'${p.getName()}' is not a run config field (priority, chainActions)`);
    }
  }
  out.push({ program: prog.getText(), priority, chainActions });
  return true;
}
