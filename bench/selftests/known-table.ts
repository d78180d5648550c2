// `node dist/bench/selftests/known-table.js`: rewrites the table of known selftest-corpus
// disagreements in docs/verifier.md from test/selftests/known-disagreements.json.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { knownTable, readKnown, TABLE_END, TABLE_START } from "./known.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const doc = `${root}docs/verifier.md`;
const text = readFileSync(doc, "utf8");
const table = knownTable(readKnown(`${root}test/selftests/known-disagreements.json`));
const start = text.indexOf(TABLE_START);
const end = text.indexOf(TABLE_END);
if (start < 0 || end < start) {
  console.error(`docs/verifier.md has no generated table (the lines ${TABLE_START} … ${TABLE_END})`);
  process.exit(1);
}
writeFileSync(doc, text.slice(0, start) + table + text.slice(end + TABLE_END.length));
console.log("docs/verifier.md: known-disagreements table rewritten");
