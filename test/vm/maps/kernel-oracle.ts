// The running kernel as the oracle for the map tests: bpftool commands run in batches
// (`bpftool -j batch file`), each command's outcome turned into an errno (0 = success) or its
// JSON output. bpftool stops a batch at the first failing command, so the runner resumes after
// it; a batch costs one process, a failure one more, and independent lists run side by side. Also a seeded random source and the byte
// formatting the differential tests share, so a failing sequence can be replayed by its seed.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { pinDir, type KernelAccess } from "../../support/kernel.js";

export type KernelResult = { readonly errno: 0; readonly output: unknown } | { readonly errno: number; readonly message: string };

/** strerror() texts bpftool prints, back to errno values. */
const STRERROR: Readonly<Record<string, number>> = {
  "Operation not permitted": 1,
  "No such file or directory": 2,
  "Argument list too long": 7,
  "Bad file descriptor": 9,
  "Resource temporarily unavailable": 11,
  "Cannot allocate memory": 12,
  "Permission denied": 13,
  "Device or resource busy": 16,
  "File exists": 17,
  "No such device": 19,
  "Invalid argument": 22,
  "No space left on device": 28,
  "Value too large for defined data type": 75,
  "Operation not supported": 95,
  "Unknown error 524": 524,
};

/** The errno of a bpftool error message ("update failed: File exists"); -1 when bpftool itself objected. */
export function errnoOfMessage(message: string): number {
  const at = message.lastIndexOf(": ");
  const text = (at < 0 ? message : message.slice(at + 2)).trim();
  return STRERROR[text] ?? -1;
}

const BATCH_WINDOW = 256;

interface BatchEntry {
  readonly command: string[];
  readonly output: unknown;
}

/** One bpftool process over a batch file: its exit status and JSON entries. */
function runBatchFile(bpftool: string, file: string, cpu0: boolean): Promise<{ ok: boolean; entries: BatchEntry[]; stderr: string }> {
  const argv = [bpftool, "-j", "batch", "file", file];
  const [exe, ...args] = cpu0 ? ["taskset", "-c", "0", ...argv] : argv;
  return new Promise((resolve) => {
    execFile(exe!, args, { encoding: "utf8", maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ ok: !err, entries: (stdout.trim() ? JSON.parse(stdout) : []) as BatchEntry[], stderr });
    });
  });
}

export class BpftoolBatch {
  private readonly dir = mkdtempSync(join(tmpdir(), "tsbpf-maps-"));
  private files = 0;
  /** Processes started so far (what a test cost). */
  spawns = 0;

  constructor(
    private readonly k: KernelAccess,
    /** Pin bpftool to CPU 0 (per-CPU LRU free lists make the LRU depend on the CPU). */
    private readonly cpu0 = false,
  ) {}

  /** Runs every command (the words after `bpftool -j`), in order, resuming after failures. */
  async run(commands: readonly (readonly string[])[]): Promise<KernelResult[]> {
    const results: KernelResult[] = [];
    const file = join(this.dir, `batch${this.files++}`);
    let rest = commands;
    while (rest.length > 0) {
      // A window of commands per process: bpftool stops at the first failure anyway.
      const window = rest.slice(0, BATCH_WINDOW);
      writeFileSync(file, window.map((c) => c.join(" ")).join("\n") + "\n");
      const { ok, entries, stderr } = await runBatchFile(this.k.bpftool, file, this.cpu0);
      this.spawns++;
      if (ok) {
        for (const e of entries) results.push({ errno: 0, output: e.output });
        if (entries.length !== window.length) throw new Error(`bpftool batch ran ${entries.length} of ${window.length} commands`);
        rest = rest.slice(window.length);
        continue;
      }
      if (entries.length === 0) throw new Error(`bpftool batch failed on its first command ${rest[0]!.join(" ")}:\n${stderr}`);
      entries.slice(0, -1).forEach((e) => results.push({ errno: 0, output: e.output }));
      const failed = entries[entries.length - 1]!.output as { error?: string } | null;
      // Lookup, pop and peek print null for ENOENT; everything else prints an error text.
      const message = failed?.error ?? "No such file or directory";
      results.push({ errno: errnoOfMessage(message), message });
      rest = rest.slice(entries.length);
    }
    return results;
  }

  /**
   * Runs independent command lists side by side (`lanes` bpftool processes at a time), each in
   * order; the results come back per list.
   */
  async runLanes(lists: readonly (readonly (readonly string[])[])[], lanes = 4): Promise<KernelResult[][]> {
    const out: KernelResult[][] = new Array(lists.length);
    let next = 0;
    const lane = async () => {
      while (next < lists.length) {
        const i = next++;
        out[i] = await this.run(lists[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(lanes, lists.length) }, lane));
    return out;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** bpftool's byte arguments: decimal bytes. */
export function byteArgs(bytes: Uint8Array): string[] {
  return [...bytes].map(String);
}

/** bpftool's JSON byte lists ("0x0a", ...) as bytes. */
export function jsonBytes(list: readonly string[]): Uint8Array {
  return Uint8Array.from(list.map((s) => parseInt(s, 16)));
}

/** A small seeded PRNG (mulberry32), so every random sequence is reproducible from its seed. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
}

/** The number of possible CPUs of this machine (what the kernel's per-CPU maps have). */
export function possibleCpus(text: string): number {
  return text
    .trim()
    .split(",")
    .reduce((n, part) => {
      const [a, b] = part.split("-").map(Number);
      return n + (b === undefined ? 1 : b - a! + 1);
    }, 0);
}

/**
 * A describe block's kernel side: a bpffs pin directory and one bpftool batch, created before
 * its tests and cleaned up after them. Read `dir` and `batch` inside tests.
 */
export function bpftoolSession(k: KernelAccess | undefined, prefix: string, cpu0 = false): { readonly dir: string; readonly batch: BpftoolBatch } {
  let pins: ReturnType<typeof pinDir> | undefined;
  let batch: BpftoolBatch | undefined;
  beforeAll(() => {
    pins = pinDir(prefix);
    batch = new BpftoolBatch(k!, cpu0);
  });
  afterAll(() => {
    batch?.cleanup();
    pins?.cleanup();
  });
  return {
    get dir() {
      return pins!.dir;
    },
    get batch() {
      return batch!;
    },
  };
}
