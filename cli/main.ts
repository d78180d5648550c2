#!/usr/bin/env node
// The tsbpf command line: argument parsing and printing only; the work lives in runtime/ and compiler/.
import { Command, InvalidArgumentError } from "commander";
import { renderObjdump } from "./objdump.js";
import { renderBtf } from "./btf.js";
import { runCommand } from "./run.js";
import { attachCommand, defaultLinkPin, detachCommand, loadCommand } from "./kernel.js";
import type { XdpMode } from "../runtime/kernel/index.js";
import { describeError } from "./errors.js";
import { readObject } from "../runtime/object/object-file.js";
import { parseTarget, printProgress, VerifierRefusal, verifyBytes } from "./verify.js";
import { buildCommand } from "./build.js";
import { linkCommand } from "./link.js";
import { chooseProgram, readObjectInput } from "./inputs.js";
import { buildPacket, PacketSpecError } from "./packet-spec.js";
import { PacketBuildError } from "../runtime/packet/index.js";
import { writeFileSync } from "node:fs";

const readInput = readObjectInput;

/** Runs a command body; a known error prints one diagnostic line and exits 1 (others are internal errors, below). */
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
  .command("build")
  .description("compile TypeScript XDP programs to BPF objects (many files share one start-up of the compiler)")
  .argument("<files...>", "TypeScript sources")
  .option("-o, --output <file>", "object file to write (one source only; default: next to the source, x.ts -> x.o)")
  .option("--out-dir <dir>", "write each object into this directory (created if missing) as NAME.o")
  .option("--target <target>", "where the object runs: kernel (indirect calls become direct-call ladders; stock Linux rejects callx) or vm (callx)", (v: string) => {
    if (v !== "kernel" && v !== "vm") throw new InvalidArgumentError("expected kernel or vm");
    return v;
  }, "kernel")
  .option("--no-verify", "do not run the bundled verifier on the objects")
  .action(async (files: string[], o: { output?: string; outDir?: string; target: "kernel" | "vm"; verify: boolean }) => {
    const failed = await buildCommand({ files, ...(o.output !== undefined ? { output: o.output } : {}), ...(o.outDir !== undefined ? { outDir: o.outDir } : {}), target: o.target, verify: o.verify });
    if (failed > 0) process.exitCode = 1;
  });

program
  .command("link")
  .description("link BPF objects into one (like `bpftool gen object`); --chain adds a rootlet running their XDP programs in libxdp order")
  .argument("<files...>", "BPF ELF objects")
  .requiredOption("-o, --output <file>", "object file to write")
  .option("--chain <name>", "add an XDP program NAME calling every input XDP program in priority order (libxdp's dispatcher semantics)")
  .option("--priority <prog=N>", "override a program's run priority (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option("--chain-actions <prog=ACTIONS>", "override the actions that go on to the next program, e.g. prog=PASS,DROP (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option("--inline", "with --chain: copy the programs' bodies into NAME instead of calling them (saves a call per program)")
  .action((files: string[], o: { output: string; chain?: string; priority: string[]; chainActions: string[]; inline?: boolean }) =>
    guarded(o.output, () => linkCommand({ files, output: o.output, ...(o.chain !== undefined ? { chain: o.chain } : {}), priority: o.priority, chainActions: o.chainActions, inline: o.inline === true })),
  );

program
  .command("verify")
  .description("run the bundled verifier (the Linux 6.18 rules for a privileged loader) on every program of an object")
  .argument("<file>", "BPF ELF object")
  .option("--target <target>", "kernel (as Linux loads it; the default, as for build) or vm (callx allowed, as the VM runs it)", "kernel")
  .option("--json", "print the verdicts as JSON")
  .action((file: string, o: { target: string; json?: boolean }) => {
    let report: ReturnType<typeof verifyBytes>;
    try {
      report = verifyBytes(readInput(file), { target: parseTarget(o.target), json: o.json === true, onProgress: printProgress });
    } catch (e) {
      process.stderr.write(`tsbpf: error: ${e instanceof Error && e.message.startsWith("--target") ? e.message : describeError(file, e)}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(report.text);
    if (!report.accepted) process.exitCode = 1;
  });

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

program
  .command("run")
  .description("run a program in the VM (or with --kernel in the running kernel) like `bpftool prog run`")
  .argument("<file>", "BPF ELF object")
  .option("--prog <name>", "program (function) name (default: the object's only program)")
  .option("--kernel", "load the object into the running kernel and use BPF_PROG_TEST_RUN")
  .option("--data-in <file>", "input frame")
  .option("--data-out <file>", "write the frame after the program here")
  .option("--repeat <n>", "run this many times (the frame is not reset between runs)", "1")
  .option("--pcap <file>", "replay a pcap or pcapng capture and count the actions")
  .option("--timing", "with --pcap in the VM: print the replay's time and packets per second")
  .option("--cpu <n>", "CPU the program runs on (VM default 0; with --kernel the thread is pinned there)")
  .option("--cpus <n>", "possible CPUs, for per-CPU maps (VM only)", "1")
  .option("--no-verify", "VM: do not run the bundled verifier before running")
  .option("--tier <tier>", "VM: wasm (compiled to WebAssembly; programs it does not handle run in the interpreter) or interp", (v: string) => {
    if (v !== "wasm" && v !== "interp") throw new InvalidArgumentError("expected wasm or interp");
    return v;
  })
  .action((file: string, o: { prog?: string; kernel?: boolean; dataIn?: string; dataOut?: string; repeat: string; pcap?: string; timing?: boolean; cpu?: string; cpus: string; verify: boolean; tier?: "wasm" | "interp" }) =>
    guarded(file, () => {
      if (!o.kernel && o.verify) {
        // The VM runs only what the verifier proves safe, as the kernel would.
        const report = verifyBytes(readInput(file), { target: "vm", json: false, onProgress: printProgress });
        const prog = o.prog ?? chooseProgram(file, report.verdicts.map((v) => v.program), undefined);
        const bad = report.verdicts.find((v) => v.program === prog && !v.accepted);
        if (bad) throw new VerifierRefusal(report.text.split(/\n(?=\S)/).find((t) => t.startsWith(`${prog}:`)) ?? report.text);
      }
      return runCommand({
        file,
        ...(o.prog !== undefined ? { prog: o.prog } : {}),
        kernel: o.kernel === true,
        ...(o.dataIn !== undefined ? { dataIn: o.dataIn } : {}),
        ...(o.dataOut !== undefined ? { dataOut: o.dataOut } : {}),
        ...(o.pcap !== undefined ? { pcap: o.pcap } : {}),
        repeat: positiveInt(o.repeat, "--repeat"),
        ...(o.cpu !== undefined ? { cpu: nonNegativeInt(o.cpu, "--cpu") } : {}),
        cpus: positiveInt(o.cpus, "--cpus"),
        timing: o.timing === true,
        ...(o.tier !== undefined ? { tier: o.tier } : {}),
      });
    }),
  );

program
  .command("load")
  .description("load an object into the running kernel and pin its programs and maps (like `bpftool prog loadall OBJ DIR pinmaps DIR/maps`)")
  .argument("<file>", "BPF ELF object")
  .requiredOption("--pin <dir>", "bpffs directory for the programs (created if missing)")
  .option("--pin-maps <dir>", "bpffs directory for the maps (default: DIR/maps)")
  .option("--log", "print each program's verifier log")
  .action((file: string, o: { pin: string; pinMaps?: string; log?: boolean }) =>
    guarded(file, () => loadCommand({ file, pin: o.pin, ...(o.pinMaps !== undefined ? { pinMaps: o.pinMaps } : {}), log: o.log === true })),
  );

program
  .command("attach")
  .description("load an object and attach one XDP program to a network interface through a pinned BPF link")
  .argument("<file>", "BPF ELF object")
  .option("--prog <name>", "program (function) name (default: the object's only program)")
  .requiredOption("--dev <ifname>", "network interface (in this network namespace)")
  .option("--mode <mode>", "skb (generic) or drv (driver); default: the kernel's choice")
  .option("--pin <path>", `bpffs path of the link (default: ${defaultLinkPin("IFNAME")})`)
  .option("--pin-maps <dir>", "also pin the object's maps in this bpffs directory")
  .action((file: string, o: { prog?: string; dev: string; mode?: string; pin?: string; pinMaps?: string }) =>
    guarded(file, () =>
      attachCommand({
        file,
        ...(o.prog !== undefined ? { prog: o.prog } : {}),
        dev: o.dev,
        ...(o.mode !== undefined ? { mode: xdpMode(o.mode) } : {}),
        ...(o.pin !== undefined ? { pin: o.pin } : {}),
        ...(o.pinMaps !== undefined ? { pinMaps: o.pinMaps } : {}),
      }),
    ),
  );

program
  .command("detach")
  .description("detach the XDP link of a network interface (the one tsbpf attach pinned)")
  .requiredOption("--dev <ifname>", "network interface (in this network namespace)")
  .option("--pin <path>", `bpffs path of the link (default: ${defaultLinkPin("IFNAME")})`)
  .action((o: { dev: string; pin?: string }) => guarded(o.dev, () => detachCommand({ dev: o.dev, ...(o.pin !== undefined ? { pin: o.pin } : {}) })));

program
  .command("packet")
  .description("write a frame described by SPEC, e.g. 'eth/ipv4/udp dport=53/data text=q' (layers, keys and defaults: docs/cli.md)")
  .argument("<spec>", "layers from the outside in, separated by /, each a name and key=value words")
  .requiredOption("-o, --output <file>", "file to write the frame to (for run --data-in)")
  .action((spec: string, o: { output: string }) => {
    let frame: Uint8Array;
    try {
      frame = buildPacket(spec);
    } catch (e) {
      if (!(e instanceof PacketSpecError || e instanceof PacketBuildError)) throw e;
      process.stderr.write(`tsbpf: error: packet '${spec}': ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    guarded(o.output, () => {
      writeFileSync(o.output, frame);
      return "";
    });
  });

function xdpMode(text: string): XdpMode {
  if (text !== "skb" && text !== "drv") throw new InvalidArgumentError(`--mode takes skb or drv, not '${text}'`);
  return text;
}

function nonNegativeInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} takes a non-negative integer, not '${text}'`);
  return n;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} takes a positive integer, not '${text}'`);
  return n;
}

/** Exit status of an internal error (sysexits' EX_SOFTWARE), apart from a user error's 1. */
const INTERNAL_ERROR = 70;

// Errors the commands recognise were printed as one line where they happened (describeError);
// anything reaching here is a bug in tsbpf, shown as one, with its stack.
program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`tsbpf: internal error (a bug in tsbpf; please report it with this output):\n${e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e)}\n`);
  process.exitCode = INTERNAL_ERROR;
});
