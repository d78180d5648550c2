// `tsbpf build` on programs that used to crash or hang it: nesting deeper than the parser's
// stack is a located TS90004 with exit status 1 (never "internal error" with a RangeError), and
// a counting loop builds with --no-verify in seconds (it took over 400 s).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tsbpf } from "../support/cli.js";

const header = `import { XdpAction, type XdpContext, type u32 } from "tsbpf";\n`;

describe("tsbpf build at the compiler's limits", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-limits-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["1,000 nested ifs", `${header}export function prog(ctx: XdpContext): XdpAction {\n${"  if (ctx.length > 1) {\n".repeat(1000)}  return XdpAction.DROP;\n${"  }\n".repeat(1000)}  return XdpAction.PASS;\n}\n`, /^deep\.ts:258:6 - error TS90004: /],
    ["6,000 else-ifs", `${header}export function prog(ctx: XdpContext): XdpAction {\n  const n = ctx.length;\n${Array.from({ length: 6000 }, (_, i) => `  ${i ? "else " : ""}if (n === ${i}) return XdpAction.DROP;\n`).join("")}  return XdpAction.PASS;\n}\n`, /^deep\.ts:\d{4}:\d+ - error TS90004: /],
  ])("%s: one located TS90004, exit status 1", (_name, source, first) => {
    writeFileSync(join(dir, "deep.ts"), source);
    const r = tsbpf(["build", join(dir, "deep.ts"), "-o", join(dir, "deep.o")]);
    const stderr = r.stderr.replaceAll(`${dir}/`, "");
    expect(r.status, stderr).toBe(1);
    expect(stderr).toMatch(first);
    expect(stderr).not.toMatch(/internal error|RangeError|call stack/);
    expect(stderr.match(/error TS/g)).toHaveLength(1);
  });

  it("while (true) { i++; if (i === 0) … } builds with --no-verify within 30 s", () => {
    writeFileSync(join(dir, "count.ts"), `${header}export function prog(ctx: XdpContext): XdpAction {\n  let i: u32 = 0;\n  while (true) { i++; if (i === 0) return XdpAction.DROP; }\n}\n`);
    const start = performance.now();
    const r = tsbpf(["build", join(dir, "count.ts"), "-o", join(dir, "count.o"), "--no-verify"]);
    expect(r.status, r.stderr).toBe(0);
    expect(performance.now() - start).toBeLessThan(30_000);
  });
});
