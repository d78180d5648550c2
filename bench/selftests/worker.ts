// A worker thread of the selftest pool (pool.ts): verifies the programs it is sent, one message
// each, keeping the last object it read (programs arrive grouped by object).
import { parentPort, workerData } from "node:worker_threads";
import { compareProgram, kfuncsOnce, prepareObject, type PreparedObject, type ProgramLabel } from "./compare.js";

const corpusDir = (workerData as { corpusDir: string }).corpusDir;
const kfuncs = kfuncsOnce();
let last: { object: string; prepared: PreparedObject } | undefined;

parentPort!.on("message", (label: ProgramLabel) => {
  if (last?.object !== label.object) last = { object: label.object, prepared: prepareObject(corpusDir, label.object) };
  parentPort!.postMessage(compareProgram(last.prepared, label, kfuncs));
});
