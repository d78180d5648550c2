// The run-time values of "tsbpf" and "tsbpf/net" (lib/*.cjs, re-exported by lib/*.js) against
// what they stand for: every enum has exactly the members and values the TypeScript checker
// gives the declarations in lib/*.d.ts (with TypeScript's reverse mappings), every run-time
// export is declared, ESM and CommonJS see the same objects, and the integer conversions and
// byte-order functions return what the compiled program computes in the VM for the same inputs.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Project } from "ts-morph";
import { describe, expect, it } from "vitest";
import { compileSource } from "../../compiler/compile.js";
import { loadObject } from "../../runtime/vm/loader.js";
import { runXdp } from "../../runtime/vm/xdp.js";
import { ethernet } from "../../runtime/packet/index.js";
import { projectRoot } from "../support/shared.js";

const require = createRequire(import.meta.url);
const lib = join(projectRoot, "lib");
type Values = Record<string, unknown>;

const modules = [
  { name: "tsbpf", decl: "index.d.ts", file: "index", cjs: require(join(lib, "index.cjs")) as Values },
  { name: "tsbpf/net", decl: "net.d.ts", file: "net", cjs: require(join(lib, "net.cjs")) as Values },
];

/** In plain node (one module cache, unlike vitest's): the ESM module's export names, and which are require()'s objects. */
function esmView(file: string): { names: string[]; same: string[] } {
  const script = `import { createRequire } from "node:module";
const esm = await import(${JSON.stringify(join(lib, `${file}.js`))});
const cjs = createRequire(import.meta.url)(${JSON.stringify(join(lib, `${file}.cjs`))});
const names = Object.keys(esm).sort();
console.log(JSON.stringify({ names, same: names.filter((n) => esm[n] === cjs[n]) }));`;
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })) as { names: string[]; same: string[] };
}

const project = new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { strict: true, noEmit: true } });

describe.each(modules)("$name at run time", ({ decl, file, cjs }) => {
  const source = project.addSourceFileAtPath(join(lib, decl));

  it("has every declared enum with the checker's member values and reverse mappings", () => {
    const enums = source.getEnums();
    expect(enums.length).toBeGreaterThan(0);
    for (const e of enums) {
      const expected: Record<string, string | number> = {};
      for (const m of e.getMembers()) {
        const v = m.getValue();
        expect(typeof v, `${e.getName()}.${m.getName()}`).toBe("number");
        expected[m.getName()] = v as number;
      }
      // TypeScript's emit: later members win a reverse mapping shared by equal values.
      for (const m of e.getMembers()) expected[String(m.getValue())] = m.getName();
      expect({ ...(cjs[e.getName()] as object) }, e.getName()).toEqual(expected);
      expect(Object.isFrozen(cjs[e.getName()])).toBe(true);
    }
  });

  it("exports nothing undeclared, and the same objects to import and require", () => {
    const declared = new Set([...source.getExportedDeclarations().keys()]);
    for (const name of Object.keys(cjs)) expect(declared.has(name), name).toBe(true);
    const esm = esmView(file);
    expect(esm.names).toEqual(Object.keys(cjs).sort());
    expect(esm.same).toEqual(esm.names);
  });
});

// Conversions of a run-time u64 read from the frame (so nothing folds at compile time).
const CONVERSIONS = `import { ArrayMap, XdpAction, htonl, htons, i16, i32, i64, i8, ntohl, ntohs, u16, u32, u64, u8, type XdpContext, type be16, type be32 } from "tsbpf";
export const LICENSE = "GPL";
interface Input { v: u64; }
const results = new ArrayMap<u32, u64>(16);
const shorts = new ArrayMap<u32, be16>(1);
const longs = new ArrayMap<u32, be32>(1);
export function xdp_conv(ctx: XdpContext): XdpAction {
  const input = ctx.header<Input>(14);
  if (!input) return XdpAction.ABORTED;
  const v = input.v;
  results.update(0, u64(u8(v)));
  results.update(1, u64(u16(v)));
  results.update(2, u64(u32(v)));
  results.update(3, u64(v));
  results.update(4, u64(i8(v)));
  results.update(5, u64(i16(v)));
  results.update(6, u64(i32(v)));
  results.update(7, u64(i64(v)));
  results.update(8, u64(ntohs(htons(v))));
  results.update(9, u64(ntohl(htonl(v))));
  shorts.update(0, htons(v));
  longs.update(0, htonl(v));
  return XdpAction.PASS;
}
`;

describe("tsbpf's conversions and byte order at run time", () => {
  const rt = modules[0]!.cjs as Record<string, (v: number | bigint) => number>;
  const obj = compileSource("conv.ts", CONVERSIONS).object;
  const inputs = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x1234n, 0x8000n, 0xfedcn, 0x12345678n, 0x80000000n, 0xdeadbeefn, 0x123456789an, 0x1fffffffffffffn, 0xfedcba9876543210n, (1n << 64n) - 1n];

  it.each(inputs.map((v) => [`0x${v.toString(16)}`, v] as const))("v = %s: the same results as the program in the VM", (_name, v) => {
    const vm = loadObject(obj);
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setBigUint64(0, v, true);
    expect(runXdp(vm, "xdp_conv", ethernet({ type: 0x88b5 }, payload)).retval).toBe(2);
    const read = (map: string, key: number, size: number): bigint => {
      const value = vm.maps.get(map)!.userLookup(new Uint8Array(new Uint32Array([key]).buffer));
      if (!(value instanceof Uint8Array)) throw new Error(`${map}[${key}]: ${String(value)}`);
      const view = new DataView(value.buffer, value.byteOffset, size);
      return size === 8 ? view.getBigUint64(0, true) : BigInt(size === 4 ? view.getUint32(0, true) : view.getUint16(0, true));
    };
    // The JS functions return numbers: compared as 64-bit patterns where they are exact.
    const bits = (x: number): bigint => BigInt.asUintN(64, BigInt(x));
    const names = ["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"];
    names.forEach((name, i) => {
      const js = rt[name]!(v);
      if (Number.isSafeInteger(js)) expect(bits(js), `${name}(0x${v.toString(16)})`).toBe(read("results", i, 8));
    });
    expect(BigInt(rt.ntohs!(rt.htons!(v)))).toBe(read("results", 8, 8));
    expect(BigInt(rt.ntohl!(rt.htonl!(v)))).toBe(read("results", 9, 8));
    expect(BigInt(rt.htons!(v))).toBe(read("shorts", 0, 2));
    expect(BigInt(rt.htonl!(v))).toBe(read("longs", 0, 4));
    // The same from a number, where the input is one exactly.
    if (v <= BigInt(Number.MAX_SAFE_INTEGER)) expect(rt.htonl!(Number(v))).toBe(rt.htonl!(v));
  });

  it("refuses a non-integer", () => {
    expect(() => rt.u32!(1.5)).toThrow(/u32: 1.5 is not an integer/);
  });
});
