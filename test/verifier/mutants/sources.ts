// The objects the mutation corpus and the benchmarks start from: the reference objects the
// kernel can load (../shared/reference/obj, all but those with indirect calls, which the
// kernel refuses outright) and every example compiled from examples/*.ts.

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { decodeProgram } from "../../../runtime/isa/index.js";
import { SHF_EXECINSTR } from "../../../runtime/object/elf/constants.js";
import { readObject } from "../../../runtime/object/object-file.js";
import { compileExample, exampleFiles } from "../../support/examples.js";
import { referenceObjects } from "../../support/shared.js";
import type { SourceObject } from "./corpus.js";

function hasIndirectCall(bytes: Uint8Array): boolean {
  return readObject(bytes).elf.sections.some((s) => (s.flags & SHF_EXECINSTR) !== 0n && decodeProgram(s.data).some((d) => d.insn.kind === "callx"));
}

/** Reference objects the kernel can load, by file name. Empty when ../shared is absent. */
export function loadableReferenceObjects(): SourceObject[] {
  return referenceObjects()
    .map((path) => ({ name: basename(path), bytes: new Uint8Array(readFileSync(path)) }))
    .filter((o) => !hasIndirectCall(o.bytes));
}

export function compiledExamples(): SourceObject[] {
  return exampleFiles().map((f) => ({ name: `examples/${f}`, bytes: compileExample(f) }));
}

/** The kernel object name (for global data maps, `<name>.bss`) of a source. */
export function objectNameOf(source: string): string {
  return basename(source).replace(/\..*$/, "").replace(/-/g, "_");
}
