// The package as a user's test suite meets it once installed: `tsbpf/build` compiles and
// verifies, `tsbpf/vm` refuses unverified programs and runs verified ones, `tsbpf/packet`
// builds frames. A temporary project gets node_modules/tsbpf -> this repository (as npm link
// would), imports only the public export paths, and is type-checked against their .d.ts.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildRuleObject } from "../verifier/rule-object.js";
import { projectRoot } from "../support/shared.js";

const dir = mkdtempSync(join(tmpdir(), "tsbpf-user-"));
mkdirSync(join(dir, "node_modules"));
symlinkSync(projectRoot, join(dir, "node_modules", "tsbpf"), "dir");
writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "user", type: "module" }));
// Reads packet byte 12 without comparing against data_end first.
writeFileSync(join(dir, "unchecked.o"), buildRuleObject({ asm: "  w2 = *(u32 *)(r1 + 0x0)\n  w3 = *(u32 *)(r1 + 0x4)\n  w0 = *(u8 *)(r2 + 0xc)\n  w0 = 0x2\n  exit" }));
writeFileSync(
  join(dir, "spin.ts"),
  `import { XdpAction, type XdpContext, type u32 } from "tsbpf";
export const LICENSE = "GPL";
export function xdp_spin(_ctx: XdpContext): XdpAction {
  let acc: u32 = 0;
  for (let i: u32 = 0; i < 1000000; i++) acc = acc ^ (i * 3);
  return acc == 7 ? XdpAction.DROP : XdpAction.PASS;
}
`,
);
writeFileSync(
  join(dir, "user.ts"),
  `import { readFileSync } from "node:fs";
import { buildFile, CompileError, formatDiagnostic } from "tsbpf/build";
import { loadVerified, runXdp, VerificationError } from "tsbpf/vm";
import { ethernet, ipv4, udp } from "tsbpf/packet";

const out: Record<string, unknown> = {};
const obj = loadVerified(buildFile(${JSON.stringify(join(projectRoot, "examples", "udp53.ts"))}));
const frame = (dport: number): Uint8Array => ethernet({}, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, udp({ sport: 3333, dport }, "q")));
out.dns = runXdp(obj, "xdp_udp53", frame(53)).action;
out.other = runXdp(obj, "xdp_udp53", frame(54)).action;
try {
  loadVerified(new Uint8Array(readFileSync("unchecked.o")));
} catch (e) {
  out.refused = e instanceof VerificationError ? e.message : String(e);
}
out.unverified = runXdp(loadVerified(new Uint8Array(readFileSync("unchecked.o")), { verify: false }), "rule", frame(53)).action;
try {
  buildFile("spin.ts");
} catch (e) {
  out.build = e instanceof CompileError ? e.diagnostics.map(formatDiagnostic).join("\\n") : String(e);
}
out.unverifiedBuild = buildFile("spin.ts", { verify: false }).length > 0;
console.log(JSON.stringify(out));
`,
);
writeFileSync(
  join(dir, "tsconfig.json"),
  JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, types: [], lib: ["ES2022"], skipLibCheck: true, outDir: "out" }, files: ["user.ts"] }),
);

describe("the public API from an installed package", () => {
  it("type-checks a user's file against the exported declarations", () => {
    const tsc = spawnSync(process.execPath, [join(projectRoot, "node_modules", "typescript", "bin", "tsc"), "-p", dir, "--types", "node", "--typeRoots", join(projectRoot, "node_modules", "@types")], { encoding: "utf8", cwd: dir });
    expect(tsc.stdout + tsc.stderr, "tsc").toBe("");
    expect(tsc.status).toBe(0);
  }, 60_000);

  // Runs what the type-check above emitted (out/user.js).
  it("builds with verification, refuses an unverified object, runs verified programs", () => {
    const r = spawnSync(process.execPath, [join(dir, "out", "user.js")], { encoding: "utf8", cwd: dir });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Record<string, string | boolean>;
    // examples/udp53.ts drops DNS (the kernel agrees: test/compiler/examples-kernel.test.ts).
    expect([out.dns, out.other]).toEqual(["XDP_DROP", "XDP_PASS"]);
    expect(out.refused).toContain("the bundled verifier rejects 'rule'");
    expect(out.refused).toContain("R2 offset is outside of the packet");
    expect(out.refused).toContain("hint: the checks on this path prove 0 byte(s)");
    expect(out.unverified).toBe("XDP_PASS");
    expect(out.build).toMatch(/spin\.ts:5:37 - error TS90501: the verifier rejects program 'xdp_spin': BPF program is too large/);
    expect(out.unverifiedBuild).toBe(true);
  }, 60_000);
});
