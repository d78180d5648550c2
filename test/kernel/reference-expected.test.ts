// Our kernel loader against the kernel-certified results of ../shared/reference: every case of
// expected.json (one fresh KernelObject.load per case, prog arrays filled per the case's
// setup, packets fed in order through BPF_PROG_TEST_RUN on CPU 0) gives the recorded return
// value and output frame, and after the last packet the recorded map contents, sizes and
// flags as the kernel reports them, with our BTF rendering equal to bpftool's "formatted".
// The verifier's "processed N insns" in our level-1 log equals verifier.json's figure for
// every program (callx.o's raw rejection and its lowered load are test/kernel/callx-lowering.test.ts); and
// `tsbpf run --kernel` prints bpftool's line with the recorded return value and frame.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BpfSyscallError, KernelObject, numPossibleCpus, type KernelMap } from "../../runtime/kernel/index.js";
import { MapType } from "../../runtime/object/map-types.js";
import { xdpActionName } from "../../runtime/vm/xdp.js";
import { tsbpf } from "../support/cli.js";
import { kernelBackendUsable } from "../support/kernel.js";
import { caseName, expectedCases, hex, referenceObjectPath, referencePacket, type ExpectedCase, type ExpectedMapEntry } from "../support/reference-cases.js";
import { haveShared, sharedDir } from "../support/shared.js";

const usable = haveShared("reference/expected.json") && (await kernelBackendUsable());
const cases = usable ? expectedCases() : [];
/** The recording host had 2 possible CPUs; per-CPU slots are compared in full when we have 2 too. */
const RECORDED_CPUS = 2;
const u32le = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);
const u32 = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);

interface VerifierRecord {
  readonly object: string;
  readonly accepted: boolean;
  readonly programs: readonly { readonly program: string; readonly processed_insns: number }[];
}

function load(c: ExpectedCase): KernelObject {
  const obj = KernelObject.load(new Uint8Array(readFileSync(referenceObjectPath(c.object))), { name: c.object.replace(/\..*$/, "") });
  for (const [mapName, slots] of Object.entries(c.setup?.prog_array ?? {})) {
    for (const [index, progName] of Object.entries(slots)) obj.map(mapName).update(u32le(Number(index)), obj.program(progName).fd);
  }
  return obj;
}

/** A map's contents in expected.json's shape (hash/LPM sorted by key hex), with our BTF rendering. */
function dump(map: KernelMap, obj: KernelObject): (ExpectedMapEntry & { formatted?: unknown })[] {
  const progById = new Map([...obj.programs.values()].map((p) => [p.info().id, p.name]));
  const out = map.entries().map(({ key, value }) => {
    if (map.type === MapType.PROG_ARRAY) return { key: hex(key), value_prog: progById.get(u32(value)) ?? `id ${u32(value)}` };
    const formatted = map.formatValue(value);
    if (map.perCpu) {
      const perCpu = Array.from({ length: numPossibleCpus() }, (_, cpu) => hex(map.cpuValue(value, cpu)));
      return { key: hex(key), percpu_values: perCpu, value: perCpu[0]!, ...(formatted !== undefined ? { formatted } : {}) };
    }
    return { key: hex(key), value: hex(value), ...(formatted !== undefined ? { formatted } : {}) };
  });
  const sorted = map.type === MapType.HASH || map.type === MapType.LPM_TRIE;
  return sorted ? out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : out;
}

const comparable = (e: ExpectedMapEntry & { formatted?: unknown }, withFormatted: boolean): object => {
  const sameCpus = numPossibleCpus() === RECORDED_CPUS;
  return {
    key: e.key,
    ...(e.value !== undefined ? { value: e.value } : {}),
    ...(e.value_prog ? { value_prog: e.value_prog } : {}),
    ...(e.percpu_values && sameCpus ? { percpu_values: e.percpu_values } : {}),
    ...(withFormatted && e.formatted !== undefined && (!e.percpu_values || sameCpus) ? { formatted: e.formatted } : {}),
  };
};

describe.skipIf(cases.length === 0)("kernel loader = kernel-certified expected.json", () => {
  it.each(cases.map((c) => [caseName(c), c] as const))("%s", (_name, c) => {
    const obj = load(c);
    try {
      const prog = obj.program(c.program);
      c.packets.forEach((packet, i) => {
        const want = c.results[i]!;
        const frame = referencePacket(packet);
        if (want.error) {
          expect(() => prog.testRun(frame, { cpu: 0 })).toThrow(expect.objectContaining({ code: want.error }) as BpfSyscallError);
          return;
        }
        const got = prog.testRun(frame, { cpu: 0 });
        expect({ retval: got.retval, data_out_hex: hex(got.packet) }).toEqual({ retval: want.retval, data_out_hex: want.data_out_hex });
      });
      for (const [mapName, want] of Object.entries(c.maps)) {
        const map = obj.map(mapName);
        const info = map.info();
        expect({ key_size: info.keySize, value_size: info.valueSize, max_entries: info.maxEntries, flags: info.flags }).toEqual({
          key_size: want.key_size,
          value_size: want.value_size,
          max_entries: want.max_entries,
          flags: want.flags,
        });
        const withFormatted = want.entries.some((e) => "formatted" in e);
        expect(dump(map, obj).map((e) => comparable(e, withFormatted))).toEqual(want.entries.map((e) => comparable(e, withFormatted)));
      }
    } finally {
      obj.close();
    }
  });
});

describe.skipIf(!usable)("verifier and loader verdicts", () => {
  const verifier = usable ? (JSON.parse(readFileSync(join(sharedDir, "reference", "verifier.json"), "utf8")) as { objects: VerifierRecord[] }).objects : [];

  it("processed-insns in our level-1 log and in bpf_prog_info equal verifier.json's for every program", () => {
    const rows: string[] = [];
    let agree = 0;
    let total = 0;
    for (const record of verifier.filter((r) => r.accepted)) {
      const obj = KernelObject.load(new Uint8Array(readFileSync(referenceObjectPath(record.object))));
      try {
        for (const p of record.programs) {
          const prog = obj.program(p.program);
          const ours = prog.stats?.processedInsns;
          total++;
          if (ours === p.processed_insns && prog.info().verifiedInsns === p.processed_insns) agree++;
          rows.push(`${record.object} ${p.program}: ours ${ours}, kernel info ${prog.info().verifiedInsns}, verifier.json ${p.processed_insns}`);
        }
      } finally {
        obj.close();
      }
    }
    console.log(`[tsbpf kernel] processed-insns agreement: ${agree}/${total}\n  ${rows.join("\n  ")}`);
    expect(agree).toBe(total);
    expect(total).toBeGreaterThanOrEqual(16);
  });
});

describe.skipIf(cases.length === 0)("tsbpf run --kernel reproduces expected.json", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-run-kernel-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const packetFile = (name: string): string => join(sharedDir, "reference", "packets", `${name}.bin`);
  // One single-packet case per program (the CLI loads afresh each time), plus a refused frame.
  const picks = [...new Map(cases.filter((c) => c.packets.length === 1 && !c.setup && !c.results[0]!.error).map((c) => [`${c.object}/${c.program}`, c])).values()];

  it.each(picks.map((c) => [caseName(c), c] as const))("%s", (_name, c) => {
    const out = join(dir, `${c.program}.bin`);
    const r = tsbpf(["run", "--kernel", referenceObjectPath(c.object), "--prog", c.program, "--data-in", packetFile(c.packets[0]!), "--data-out", out]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`^Return value: ${c.results[0]!.retval}, duration: \\d+ns\\n${xdpActionName(Number(c.results[0]!.retval))}\\n$`));
    expect(readFileSync(out).toString("hex")).toBe(c.results[0]!.data_out_hex);
  });

  it("refuses a frame shorter than an Ethernet header with the VM's words", () => {
    const r = tsbpf(["run", "--kernel", referenceObjectPath("xdp_pass.o"), "--prog", "xdp_pass", "--data-in", packetFile("truncated_10b")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/frame of 10 bytes is shorter than an Ethernet header \(14\); the kernel's test run refuses it with EINVAL\n$/);
  });

  it("averages over --repeat like bpftool", () => {
    const r = tsbpf(["run", "--kernel", referenceObjectPath("xdp_drop.o"), "--prog", "xdp_drop", "--data-in", packetFile("ipv4_udp_dns"), "--repeat", "100"]);
    expect(r.stdout).toMatch(/^Return value: 1, duration \(average\): \d+ns\nXDP_DROP\n$/);
  });
});
