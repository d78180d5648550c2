// tsbpf in a freshly generated user project, offline: `npm pack` this package, `npm init -y`
// (npm's default "type": "commonjs"), `npm install --offline` the tarball (its dependencies are
// copied from this repository's node_modules first, so npm finds them installed), `tsc --init`
// with the TypeScript this repository has. Two example programs (as .mts: in a CommonJS package
// ES modules need that extension under verbatimModuleSyntax) must type-check with 0 errors under
// the generated tsconfig and under a strictest one that also checks tsbpf's .d.ts files; the
// installed `tsbpf` bin builds them; plain node tests, one ESM and one CommonJS, import
// XdpAction and EtherType from "tsbpf" / "tsbpf/net" at run time and run the objects with
// "tsbpf/vm" on frames from "tsbpf/packet".
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../support/shared.js";

const tscBin = join(projectRoot, "node_modules", "typescript", "bin", "tsc");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
// npm must not reach for a registry: everything it needs is on disk.
const npmEnv = { ...process.env, npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };

/** The installed packages `dependencies` need, as paths under node_modules, from package-lock.json. */
function dependencyClosure(): string[] {
  const lock = JSON.parse(readFileSync(join(projectRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }> };
  const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const seen = new Set<string>();
  const queue = Object.keys(pkg.dependencies);
  while (queue.length > 0) {
    const name = queue.shift()!;
    const entry = lock.packages[`node_modules/${name}`];
    // Optional platform packages of other systems are in the lock but not on disk.
    if (seen.has(name) || !entry || !existsSync(join(projectRoot, "node_modules", name))) continue;
    seen.add(name);
    queue.push(...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }));
  }
  return [...seen].sort();
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 16 << 20 });
}

const PROGRAM_FILES = ["udp53.ts", "reflect.ts"];

const ESM_TEST = `import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { XdpAction, htons } from "tsbpf";
import { EtherType } from "tsbpf/net";
import { loadVerified, runXdp } from "tsbpf/vm";
import { ethernet, ipv4, udp } from "tsbpf/packet";

const frame = (dport) => ethernet({}, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, udp({ sport: 3333, dport }, "q")));
const udp53 = loadVerified(new Uint8Array(readFileSync("udp53.o")));
assert.equal(runXdp(udp53, "xdp_udp53", frame(53)).retval, XdpAction.DROP);
assert.equal(runXdp(udp53, "xdp_udp53", frame(54)).retval, XdpAction.PASS);
const reflect = loadVerified(new Uint8Array(readFileSync("reflect.o")));
const r = runXdp(reflect, "xdp_reflect", frame(53));
assert.equal(r.retval, XdpAction.TX);
assert.equal(XdpAction[r.retval], "TX");
// The EtherType of the reflected frame, read in network order.
assert.equal((r.packet[12] << 8) | r.packet[13], EtherType.IPV4);
assert.equal(htons(EtherType.IPV4), 0x0008);
console.log("esm ok");
`;

const CJS_TEST = `const assert = require("node:assert/strict");
const { XdpAction } = require("tsbpf");
const { HeaderSize, IpProto } = require("tsbpf/net");
assert.equal(XdpAction.DROP, 1);
assert.equal(XdpAction.REDIRECT, 4);
assert.equal(HeaderSize.ETH, 14);
assert.equal(IpProto.UDP, 17);
console.log("cjs ok");
`;

// A TypeScript consumer of the run-time values: checked by both tsc runs.
const TS_TEST = `import { XdpAction } from "tsbpf";
import { EtherType } from "tsbpf/net";
export const expected: readonly XdpAction[] = [XdpAction.DROP, XdpAction.PASS];
export const ipv4: number = EtherType.IPV4;
`;

// @tsconfig/strictest's flags on top of the generated file, and tsbpf's own .d.ts files checked.
const STRICTEST = {
  extends: "./tsconfig.json",
  compilerOptions: {
    skipLibCheck: false,
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitReturns: true,
    noImplicitOverride: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noFallthroughCasesInSwitch: true,
    noPropertyAccessFromIndexSignature: true,
    allowUnreachableCode: false,
    allowUnusedLabels: false,
    erasableSyntaxOnly: true,
    forceConsistentCasingInFileNames: true,
  },
  // Only the tsbpf sources: tsbpf/vm's declarations need @types/node, which this project lacks.
  files: ["udp53.mts", "reflect.mts", "consumer.mts"],
};

describe("a freshly generated user project (npm init, tsc --init, the packed tarball, offline)", () => {
  const root = mkdtempSync(join(tmpdir(), "tsbpf-user-project-"));
  const project = join(root, "app");
  const timings: Record<string, number> = {};
  const timed = <T>(name: string, body: () => T): T => {
    const t = performance.now();
    try {
      return body();
    } finally {
      timings[name] = Math.round(performance.now() - t);
    }
  };
  let setupError: string | undefined;

  beforeAll(() => {
    mkdirSync(project);
    const pack = timed("npm pack", () => run(npm, ["pack", "--ignore-scripts", "--silent", "--pack-destination", root], projectRoot, npmEnv));
    if (pack.status !== 0) return void (setupError = `npm pack: ${pack.stderr}`);
    const tarball = readdirSync(root).find((f) => f.endsWith(".tgz"))!;
    const init = run(npm, ["init", "-y"], project, npmEnv);
    if (init.status !== 0) return void (setupError = `npm init: ${init.stderr}`);
    for (const dep of dependencyClosure()) {
      mkdirSync(dirname(join(project, "node_modules", dep)), { recursive: true });
      cpSync(join(projectRoot, "node_modules", dep), join(project, "node_modules", dep), { recursive: true });
    }
    const install = timed("npm install", () => run(npm, ["install", "--offline", "--ignore-scripts", join(root, tarball)], project, npmEnv));
    if (install.status !== 0) return void (setupError = `npm install: ${install.stderr}`);
    const tscInit = run(process.execPath, [tscBin, "--init"], project);
    if (tscInit.status !== 0) return void (setupError = `tsc --init: ${tscInit.stdout}${tscInit.stderr}`);
    for (const f of PROGRAM_FILES) cpSync(join(projectRoot, "examples", f), join(project, f.replace(/\.ts$/, ".mts")));
    writeFileSync(join(project, "consumer.mts"), TS_TEST);
    writeFileSync(join(project, "tsconfig.strictest.json"), JSON.stringify(STRICTEST, null, 2));
    writeFileSync(join(project, "test.mjs"), ESM_TEST);
    writeFileSync(join(project, "test.cjs"), CJS_TEST);
  }, 180_000);
  afterAll(() => {
    console.log(`[user project] ${JSON.stringify(timings)}`);
    rmSync(root, { recursive: true, force: true });
  });

  it("is what npm init and tsc --init generate: CommonJS, verbatimModuleSyntax, nodenext", () => {
    expect(setupError).toBeUndefined();
    expect(JSON.parse(readFileSync(join(project, "package.json"), "utf8")).type ?? "commonjs").toBe("commonjs");
    const tsconfig = readFileSync(join(project, "tsconfig.json"), "utf8");
    expect(tsconfig).toMatch(/"verbatimModuleSyntax": true/);
    expect(tsconfig).toMatch(/"isolatedModules": true/);
    expect(tsconfig).toMatch(/"module": "nodenext"/);
  });

  it("type-checks with 0 errors under the generated tsconfig", () => {
    expect(setupError).toBeUndefined();
    const r = timed("tsc (generated)", () => run(process.execPath, [tscBin, "--noEmit"], project));
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60_000);

  it("type-checks with 0 errors under strictest settings, tsbpf's .d.ts files included", () => {
    expect(setupError).toBeUndefined();
    const r = timed("tsc (strictest)", () => run(process.execPath, [tscBin, "--noEmit", "-p", "tsconfig.strictest.json"], project));
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60_000);

  it("the installed tsbpf bin builds both programs in one run, each object next to its source", () => {
    expect(setupError).toBeUndefined();
    const r = timed("tsbpf build", () => run(join(project, "node_modules", ".bin", "tsbpf"), ["build", "udp53.mts", "reflect.mts"], project));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const o of ["udp53.o", "reflect.o"]) expect(readFileSync(join(project, o)).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  }, 60_000);

  it("plain node tests import the enums at run time, from ESM and from CommonJS", () => {
    expect(setupError).toBeUndefined();
    // udp53 drops DNS and reflect transmits: the kernel agrees (test/compiler/examples-kernel.test.ts).
    expect(execFileSync(process.execPath, ["test.mjs"], { cwd: project, encoding: "utf8" })).toBe("esm ok\n");
    expect(execFileSync(process.execPath, ["test.cjs"], { cwd: project, encoding: "utf8" })).toBe("cjs ok\n");
  }, 60_000);
});
