// The README's first set-up command, as a user types it in the project root after
// `npm install`: `npx tsbpf` must resolve to an executable bin (npm's prepare → `npm run build`
// makes dist/cli/main.js executable; tsc alone does not), build an example and run it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ethernet, ipv4, udp } from "../../runtime/packet/index.js";
import { projectRoot } from "../support/shared.js";

describe("README set-up command", () => {
  it("names commands that exist in the README", () => {
    const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
    expect(readme).toContain("npm install && npx tsbpf build examples/udp53.ts -o udp53.o && npx tsbpf run udp53.o --data-in examples/packets/dns-query.bin");
  });

  it("npx tsbpf build + run an example from the project root (nothing beside the clone needed)", () => {
    const out = join(mkdtempSync(join(tmpdir(), "tsbpf-readme-")), "udp53.o");
    const npx = (args: string[]) => spawnSync("npx", ["--no-install", "tsbpf", ...args], { cwd: projectRoot, encoding: "utf8" });
    const built = npx(["build", "examples/udp53.ts", "-o", out]);
    expect(built.stderr.replace(/npm warn .*\n/g, ""), "build").toBe("");
    expect(built.status).toBe(0);
    const run = npx(["run", out, "--data-in", "examples/packets/dns-query.bin"]);
    expect(run.status, run.stderr).toBe(0);
    // udp53 drops DNS; the kernel gives 1 for this packet too (tsbpf run --kernel).
    expect(run.stdout).toMatch(/^Return value: 1, duration: \d+ns\nXDP_DROP\n$/);
  }, 60_000);

  it("its packet is the README's vitest frame, as tsbpf/packet builds it", () => {
    const frame = ethernet({}, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, udp({ sport: 3333, dport: 53 }, "q")));
    expect(new Uint8Array(readFileSync(join(projectRoot, "examples", "packets", "dns-query.bin")))).toEqual(frame);
  });
});
