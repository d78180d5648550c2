// `const features = section<u32>("features", 0x1f)`: an integer global in an ELF section of its
// own, for user-space tools that read the object file (xdp-tools' xdp-filter keeps a
// `__u32 _features SEC("features")` its build reads with `readelf -x features`). Emitted as
// clang emits such a C global (writable PROGBITS section, GLOBAL OBJECT symbol, BTF VAR and
// DATASEC). libbpf skips the section ("skipping unrecognized data section") and refuses a
// program that reads it ("bad map relo"), so programs cannot reach it (see lower-expr).

import { Node, type CallExpression, type VariableDeclaration } from "ts-morph";
import { Code } from "../diagnostics/codes.js";
import { constantValue } from "./constants.js";
import type { DiagnosticSink } from "./diagnostics.js";
import type { ModuleInfo } from "./module.js";
import { intTypeOf } from "./types.js";

/** Names libbpf or this object already give a meaning (sections of programs, license, legacy maps). */
const TAKEN = new Set(["license", "version", "maps", "xdp", "xdp.frags"]);

/** Why `name` cannot be a user section, or undefined. */
function badName(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) return "a section name is letters, digits, '_' and '.', not starting with a digit or '.'";
  if (TAKEN.has(name)) return `section '${name}' already has a meaning in a BPF object (libbpf reads it, or this object's programs live there)`;
  return undefined;
}

export function scanSectionGlobal(decl: VariableDeclaration, init: CallExpression, info: ModuleInfo, sink: DiagnosticSink): void {
  const name = decl.getName();
  const [sectionArg, valueArg] = init.getArguments();
  const type = intTypeOf(decl.getType());
  const value = valueArg ? constantValue(valueArg, info.constants) : undefined;
  if (!sectionArg || !Node.isStringLiteral(sectionArg)) {
    return sink.error(sectionArg ?? init, Code.BadGlobal, `the section of '${name}' must be a string literal`, 'write e.g. `const features = section<u32>("features", 0x1f)`');
  }
  const why = badName(sectionArg.getLiteralValue());
  if (why) return sink.error(sectionArg, Code.BadGlobal, why, "pick another name, e.g. \"features\"");
  if (!type || value === undefined) {
    return sink.error(decl, Code.BadGlobal, `section global '${name}' needs an integer type and a constant value`, 'write e.g. `const features = section<u32>("features", 0x1f)`');
  }
  info.globals.set(name, { name, section: sectionArg.getLiteralValue(), named: true, type, init: value, node: decl });
}

/** The refusal of a program's use of a section global (one message wherever it is used). */
export function sectionGlobalUse(g: { name: string; section: string }): [message: string, hint: string] {
  return [`'${g.name}' lives in section '${g.section}' for user space; programs cannot use it (libbpf maps only .data, .rodata and .bss)`, "use config<T>(v) for a value the program reads"];
}
