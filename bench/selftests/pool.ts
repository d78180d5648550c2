// Runs compareProgram over the labelable programs on worker threads (one per core by default),
// with a time limit per program: a program still running at the limit has its worker ended and
// becomes a "timeout" result naming it, and a fresh worker takes the next program, so a slow
// program is a failure with its name rather than a hang.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ProgramLabel, ProgramResult } from "./compare.js";

export interface PoolOptions {
  readonly workers?: number;
  /** Milliseconds one program may take. */
  readonly perProgramMs: number;
}

// The compiled worker: beside this module in dist/, or in dist/ when this module runs from
// source (vitest), where `npm run build` or the test setup has compiled it.
const WORKER = import.meta.url.endsWith(".ts") ? new URL("../../dist/bench/selftests/worker.js", import.meta.url) : new URL("./worker.js", import.meta.url);

export function comparePrograms(corpusDir: string, labels: readonly ProgramLabel[], options: PoolOptions): Promise<ProgramResult[]> {
  const results: ProgramResult[] = new Array(labels.length);
  let next = 0;
  let done = 0;
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), labels.length));
  return new Promise((resolve, reject) => {
    if (labels.length === 0) return resolve([]);
    const start = (): void => {
      const w = new Worker(WORKER, { workerData: { corpusDir } });
      let current = -1;
      let timer: NodeJS.Timeout | undefined;
      const feed = (): void => {
        if (next >= labels.length) {
          void w.terminate();
          return;
        }
        current = next++;
        timer = setTimeout(() => {
          const l = labels[current]!;
          results[current] = { object: l.object, program: l.program, kernel: l.xdp.verdict as "accept" | "reject", outcome: "timeout", detail: `no verdict within ${options.perProgramMs} ms`, micros: options.perProgramMs * 1000 };
          current = -1;
          w.removeAllListeners();
          void w.terminate();
          if (++done === labels.length) resolve(results);
          else start();
        }, options.perProgramMs);
        w.postMessage(labels[current]);
      };
      w.on("message", (r: ProgramResult) => {
        clearTimeout(timer);
        results[current] = r;
        if (++done === labels.length) {
          void w.terminate();
          resolve(results);
        } else feed();
      });
      w.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      feed();
    };
    for (let i = 0; i < workers; i++) start();
  });
}
