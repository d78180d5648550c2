// `node dist/bench/selftests/report.js CORPUS LABELS [--only NAME] [--list OUTCOME,…]`:
// prints the selftest-corpus comparison (summary, disagreements, processed-insns parity).
import { compareCorpus, loadLabels, summarize, type Outcome } from "./compare.js";

const [corpus, labelsPath, ...rest] = process.argv.slice(2);
if (!corpus || !labelsPath) {
  console.error("usage: report CORPUS_DIR LABELS_JSON [--only OBJECT[/PROGRAM]] [--list unsafe,stricter,…]");
  process.exit(2);
}
const only = rest.includes("--only") ? rest[rest.indexOf("--only") + 1] : undefined;
const list = (rest.includes("--list") ? rest[rest.indexOf("--list") + 1]! : "unsafe,stricter,unsupported,error").split(",") as Outcome[];
const labels = loadLabels(labelsPath);
const t0 = Date.now();
const results = compareCorpus(corpus, labels, only ? (l) => `${l.object}/${l.program}`.startsWith(only) : undefined);
const ms = Date.now() - t0;
if (rest.includes("--verdicts")) {
  // One line a program (verdict, processed insns, message or exception) to diff runs exactly.
  for (const r of results) console.log(`verdict\t${r.object}/${r.program}\t${r.ours ? (r.ours.accepted ? "accept" : "reject") : "none"}\t${r.ours?.processed ?? ""}\t${r.detail ?? ""}`);
}
for (const r of results) {
  if (!list.includes(r.outcome)) continue;
  console.log(`${r.outcome}\t${r.object}/${r.program}\tkernel=${r.kernel}${r.kernelMessage ? ` (${r.kernelMessage})` : ""}\tours=${r.detail ?? "accept"}`);
}
const s = summarize(results);
const both = results.filter((r) => r.kernel === "accept" && r.ours?.accepted);
const sameProcessed = both.filter((r) => r.ours!.processed === r.kernelProcessed).length;
const kernelUs = results.reduce((a, r) => a + (labels.programs.find((l) => l.object === r.object && l.program === r.program)?.xdp.verify_us ?? 0), 0);
const ourUs = results.reduce((a, r) => a + r.micros, 0);
const slow = [...results].sort((a, b) => b.micros - a.micros).slice(0, 5);
console.log(`kernel ${labels.meta.kernel.release}: ${s.total} programs, agree ${s.agree} (${((100 * s.agree) / s.total).toFixed(1)}%), unsafe ${s.unsafe}, stricter ${s.stricter}, unsupported ${s.unsupported}, error ${s.error}, timeout ${s.timeout}`);
console.log(`processed insns equal on ${sameProcessed}/${both.length} programs both accept`);
const cpu = process.cpuUsage();
console.log(`cpu: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)} s)`);
console.log(`time: ours ${(ourUs / 1000).toFixed(0)} ms in process (wall ${ms} ms), kernel verification ${(kernelUs / 1000).toFixed(0)} ms`);
console.log(`slowest: ${slow.map((r) => `${r.object}/${r.program} ${(r.micros / 1000).toFixed(1)} ms`).join(", ")}`);
