// An error the CLI does not recognise is a bug in tsbpf, not the user's: it is printed with
// its stack under "tsbpf: internal error" and exits 70, apart from user errors (one line,
// exit 1). The bug is injected by preloading a module that makes writing the output throw.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { projectRoot, referenceObjects } from "../support/shared.js";

const object = referenceObjects().find((p) => p.endsWith("/xdp_calls.o"));

it.skipIf(!object)("an unrecognised error: its stack, exit status 70", () => {
  const inject = 'data:text/javascript,process.stdout.write=()=>{throw new TypeError("injected bug")}';
  const r = spawnSync(process.execPath, ["--import", inject, join(projectRoot, "dist", "cli", "main.js"), "verify", object!], { encoding: "utf8" });
  expect(r.status).toBe(70);
  expect(r.stderr).toMatch(/^tsbpf: internal error \(a bug in tsbpf; please report it with this output\):\nTypeError: injected bug\n\s+at /);
  expect(r.stderr).not.toContain("tsbpf: error:");
});

it.skipIf(!object)("a user error stays one line with exit status 1", () => {
  const r = spawnSync(process.execPath, [join(projectRoot, "dist", "cli", "main.js"), "verify", join(projectRoot, "no-such-object.o")], { encoding: "utf8" });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^tsbpf: error: [^\n]*no-such-object\.o[^\n]*\n$/);
});
