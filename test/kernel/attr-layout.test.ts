// The struct layouts the kernel backend writes and reads (runtime/kernel/attr-layouts.ts)
// against the uapi header itself: every field's offset and width is a _Static_assert in a C
// file that clang-19 compiles with -fsyntax-only against <linux/bpf.h>. Fields newer than
// the installed header (log_true_size, btf_log_true_size: Linux 6.4) are left out and
// checked here to sit right after the field they follow.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Layout } from "../../runtime/kernel/attr.js";
import * as layouts from "../../runtime/kernel/attr-layouts.js";
import { requireTool } from "../support/tools.js";

const clang = requireTool("clang-19");
const WIDTH = { u32: 4, s32: 4, u64: 8, ptr: 8, name16: 16, bytes8: 8 } as const;

const all = Object.entries(layouts).filter((e): e is [string, Layout<string>] => typeof e[1] === "object" && e[1] !== null && "cType" in e[1]);

describe.skipIf(!clang)("attr layouts = include/uapi/linux/bpf.h", () => {
  it("every field's offset and width matches the header", () => {
    const asserts: string[] = [];
    for (const [name, l] of all) {
      for (const [field, f] of Object.entries(l.fields)) {
        if (layouts.NEWER_THAN_6_1.has(field)) continue;
        const member = `${l.cPrefix}${field}`;
        asserts.push(`_Static_assert(offsetof(${l.cType}, ${member}) == ${f.offset}, "${name}.${field}: offset ${f.offset}");`);
        asserts.push(`_Static_assert(sizeof(((${l.cType} *)0)->${member}) == ${WIDTH[f.kind]}, "${name}.${field}: width ${WIDTH[f.kind]}");`);
      }
    }
    const source = `#include <stddef.h>\n#include <linux/bpf.h>\n${asserts.join("\n")}\n`;
    const r = spawnSync(clang!, ["-fsyntax-only", "-x", "c", "-I/usr/include/x86_64-linux-gnu", "-"], { input: source, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(asserts.length).toBeGreaterThan(150);
  });

  it("places the 6.4 fields right after the fields they follow", () => {
    expect(layouts.ProgLoad.fields.log_true_size.offset).toBe(layouts.ProgLoad.fields.core_relo_rec_size.offset + 4);
    expect(layouts.BtfLoad.fields.btf_log_true_size.offset).toBe(layouts.BtfLoad.fields.btf_log_level.offset + 4);
  });
});
