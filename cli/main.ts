#!/usr/bin/env node
// The tsbpf command line: argument parsing and printing only; the work lives in runtime/ and compiler/.
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { renderObjdump } from "./objdump.js";
import { renderBtf } from "./btf.js";
import { describeError } from "./errors.js";
import { readObject } from "../runtime/object/object-file.js";

function readInput(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

/** Runs a command body; a known error prints one diagnostic line and exits 1. */
function guarded(file: string, body: () => string): void {
  let text: string;
  try {
    text = body();
  } catch (e) {
    process.stderr.write(`tsbpf: error: ${describeError(file, e)}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(text);
}

const program = new Command();
program.name("tsbpf").description("TypeScript to eBPF compiler, verifier and VM").version("0.1.0");

program
  .command("objdump")
  .description("print sections, symbols and disassembly (with relocations and source lines) like llvm-objdump -h -t -dr -S")
  .argument("<file>", "BPF ELF object")
  .option("-h, --section-headers", "only the section table")
  .option("-t, --syms", "only the symbol table")
  .option("-d, --disassemble", "only the disassembly")
  .option("--no-source", "leave out source lines from .BTF.ext line_info")
  .option("--no-relocs", "leave out relocations under their instructions")
  .action((file: string, o: { sectionHeaders?: boolean; syms?: boolean; disassemble?: boolean; source: boolean; relocs: boolean }) => {
    const only = o.sectionHeaders || o.syms || o.disassemble;
    guarded(file, () => {
      const obj = readObject(readInput(file));
      return renderObjdump(file, obj.elf, obj.btfExt, {
        sectionHeaders: !only || !!o.sectionHeaders,
        symbols: !only || !!o.syms,
        disassemble: !only || !!o.disassemble,
        relocations: o.relocs,
        source: o.source,
      });
    });
  });

program
  .command("btf")
  .description("print the object's BTF as `bpftool btf dump file` does")
  .argument("<file>", "BPF ELF object, or a raw BTF file")
  .action((file: string) => guarded(file, () => renderBtf(readInput(file))));

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`tsbpf: error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
