// `node dist/bench/selftests/relabel.js CORPUS_DIR OUT.json`: labels every program of the
// corpus with the running kernel (labeller.ts; root) and writes the labels in the format
// compare.ts reads. The checked-in fixture test/fixtures/kernel/selftests-labels.json is
// written this way, deliberately: `npm run fixtures` (through test/selftests/corpus.test.ts).
import { writeLabels } from "./labeller.js";

const [corpus, out] = process.argv.slice(2);
if (!corpus || !out) {
  console.error("usage: relabel CORPUS_DIR OUT_JSON");
  process.exit(2);
}
console.log(writeLabels(corpus, out));
