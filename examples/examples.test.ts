// Each example run in the VM on frames built for it: the behaviour its header comment promises.
// (test/compiler/examples-kernel.test.ts checks the same programs against the kernel.)
import { describe, expect, it } from "vitest";
import { loadObject } from "../runtime/vm/loader.js";
import { runXdp } from "../runtime/vm/xdp.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileSource } from "../compiler/compile.js";
import { ethernet, hopByHop, icmpEchoRequest, ipv4, ipv6, parseFrame, routing, tcp, udp, vlan } from "../runtime/packet/index.js";
import { compileExample, examplesDir } from "../test/support/examples.js";

const v4 = (payload: Parameters<typeof ipv4>[1], opts: Partial<Parameters<typeof ipv4>[0]> = {}): Uint8Array =>
  ethernet({}, ipv4({ src: "192.0.2.10", dst: "198.51.100.53", ...opts }, payload));
const run = (file: string, prog: string, frame: Uint8Array) => runXdp(loadObject(compileExample(file)), prog, frame);

describe("examples in the VM", () => {
  it("pass: everything passes", () => {
    expect(run("pass.ts", "xdp_pass", v4(udp({ sport: 1, dport: 2 }))).action).toBe("XDP_PASS");
  });

  it("udp53: DNS is dropped, other UDP and TCP pass, IHL < 5 aborts", () => {
    expect(run("udp53.ts", "xdp_udp53", v4(udp({ sport: 33333, dport: 53 }, "q"))).action).toBe("XDP_DROP");
    expect(run("udp53.ts", "xdp_udp53", v4(udp({ sport: 33333, dport: 54 }, "q"))).action).toBe("XDP_PASS");
    expect(run("udp53.ts", "xdp_udp53", v4(tcp({ sport: 1000, dport: 53 }))).action).toBe("XDP_PASS");
    expect(run("udp53.ts", "xdp_udp53", v4(udp({ sport: 1, dport: 53 }), { ihl: 4 })).action).toBe("XDP_ABORTED");
    expect(run("udp53.ts", "xdp_udp53", ethernet({}, vlan({ vid: 7 }, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, udp({ sport: 1, dport: 53 }))))).action).toBe("XDP_PASS");
  });

  it("proto-count: counts per protocol in both maps", () => {
    const obj = loadObject(compileExample("proto-count.ts"));
    for (let i = 0; i < 3; i++) runXdp(obj, "xdp_proto_count", v4(udp({ sport: 1, dport: 2 })));
    runXdp(obj, "xdp_proto_count", v4(tcp({ sport: 1, dport: 2 })));
    const key = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
    const count = (map: string, proto: number): bigint => new DataView((obj.maps.get(map)!.userLookup(key(proto)) as Uint8Array).buffer).getBigUint64(0, true);
    expect([count("protoCount", 17), count("protoCount", 6), count("protoCountPerCpu", 17)]).toEqual([3n, 1n, 3n]);
  });

  it("ipv6-ext: DNS behind extension headers is dropped, a plain IPv6 UDP frame passes", () => {
    const six = (payload: Parameters<typeof ipv6>[1]): Uint8Array => ethernet({}, ipv6({ src: "2001:db8::1", dst: "2001:db8::2" }, payload));
    expect(run("ipv6-ext.ts", "xdp_ipv6_ext", six(hopByHop({}, routing({ routingType: 0, segmentsLeft: 0, data: new Uint8Array(4) }, udp({ sport: 1, dport: 53 }))))).action).toBe("XDP_DROP");
    expect(run("ipv6-ext.ts", "xdp_ipv6_ext", six(udp({ sport: 1, dport: 5353 }))).action).toBe("XDP_PASS");
    expect(run("ipv6-ext.ts", "xdp_ipv6_ext", six(hopByHop({}, hopByHop({}, hopByHop({}, hopByHop({}, hopByHop({}, udp({ sport: 1, dport: 9 })))))))).action).toBe("XDP_DROP");
  });

  it("vlan-pop: the tag is removed and the MACs kept", () => {
    const inner = ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, udp({ sport: 1, dport: 2 }, "payload"));
    const tagged = ethernet({ src: "02:00:00:00:00:0a", dst: "02:00:00:00:00:0b" }, vlan({ vid: 100 }, inner));
    const untagged = ethernet({ src: "02:00:00:00:00:0a", dst: "02:00:00:00:00:0b" }, inner);
    const r = run("vlan-pop.ts", "xdp_vlan_pop", tagged);
    expect(r.action).toBe("XDP_PASS");
    expect(Buffer.from(r.packet).toString("hex")).toBe(Buffer.from(untagged).toString("hex"));
  });

  it("config-limits: long frames drop, the first two short ones pass, .bss/.data count", () => {
    const obj = loadObject(compileExample("config-limits.ts"));
    const short = v4(udp({ sport: 1, dport: 2 }));
    const long = ethernet({ padTo: 1100 }, ipv4({ src: "192.0.2.1", dst: "192.0.2.2" }, udp({ sport: 1, dport: 2 }, new Uint8Array(1060))));
    expect([short, short, short, long].map((f) => runXdp(obj, "xdp_config_limits", f).action)).toEqual(["XDP_PASS", "XDP_PASS", "XDP_DROP", "XDP_DROP"]);
    const bss = obj.maps.get(".bss")!.userLookup(new Uint8Array(4)) as Uint8Array;
    expect(new DataView(bss.buffer).getBigUint64(0, true)).toBe(4n);
  });

  it("blocklist: a source passes twice, then is dropped", () => {
    const obj = loadObject(compileExample("blocklist.ts"));
    const frame = v4(udp({ sport: 1, dport: 2 }));
    expect([1, 2, 3, 4].map(() => runXdp(obj, "xdp_blocklist", frame).action)).toEqual(["XDP_PASS", "XDP_PASS", "XDP_DROP", "XDP_DROP"]);
  });

  it("cidr-block: the longest matching prefix decides and counts its hits", () => {
    const obj = loadObject(compileExample("cidr-block.ts"));
    const rules = obj.maps.get("rules")!;
    const key = (len: number, a: number, b: number, c: number, d: number): Uint8Array => Uint8Array.from([len, 0, 0, 0, a, b, c, d]);
    const rule = (action: number): Uint8Array => Uint8Array.from([action, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(rules.userUpdate(key(24, 192, 0, 2, 0), rule(1), 0)).toBe(0);
    expect(rules.userUpdate(key(25, 192, 0, 2, 128), rule(2), 0)).toBe(0);
    const from = (src: string): Uint8Array => ethernet({}, ipv4({ src, dst: "198.51.100.1" }, udp({ sport: 1, dport: 2 })));
    expect(["192.0.2.10", "192.0.2.200", "203.0.113.1"].map((a) => runXdp(obj, "xdp_cidr_block", from(a)).action)).toEqual(["XDP_DROP", "XDP_PASS", "XDP_PASS"]);
    const hits = rules.userLookup(key(24, 192, 0, 2, 0)) as Uint8Array;
    expect(new DataView(hits.buffer).getBigUint64(8, true)).toBe(1n);
  });

  it("reflect: addresses swapped, TTL 64, a valid checksum, XDP_TX", () => {
    const frame = ethernet({ src: "02:00:00:00:00:01", dst: "02:00:00:00:00:02" }, ipv4({ src: "192.0.2.10", dst: "198.51.100.53", ttl: 7 }, udp({ sport: 5, dport: 6 }, "hi")));
    const r = run("reflect.ts", "xdp_reflect", frame);
    expect(r.action).toBe("XDP_TX");
    const parsed = parseFrame(r.packet);
    expect([parsed.ethernet.src, parsed.ethernet.dst, parsed.ipv4!.src, parsed.ipv4!.dst, parsed.ipv4!.ttl]).toEqual(["02:00:00:00:00:02", "02:00:00:00:00:01", "198.51.100.53", "192.0.2.10", 64]);
    expect(parsed.ipv4!.checksumValid).toBe(true);
  });

  it("load-balancer: VIP traffic rewritten to a backend with a valid checksum and redirected", () => {
    const obj = loadObject(compileExample("load-balancer.ts"));
    const devmap = obj.maps.get("egress")!;
    for (let slot = 0; slot < 4; slot++) devmap.userUpdate(new Uint8Array([slot, 0, 0, 0]), new Uint8Array([10 + slot, 0, 0, 0]), 0);
    const r = runXdp(obj, "xdp_load_balancer", ethernet({}, ipv4({ src: "192.0.2.77", dst: "198.51.100.53" }, udp({ sport: 1, dport: 53 }, "q"))));
    expect(r.action).toBe("XDP_REDIRECT");
    const parsed = parseFrame(r.packet);
    expect(parsed.ipv4!.dst).toMatch(/^192\.0\.2\.10[0-3]$/);
    expect(parsed.ipv4!.checksumValid).toBe(true);
    expect(r.redirect).toMatchObject({ kind: "map", map: "egress", key: Number(parsed.ipv4!.dst.split(".")[3]) - 100 });
    expect(run("load-balancer.ts", "xdp_load_balancer", ethernet({}, ipv4({ src: "192.0.2.77", dst: "198.51.100.54" }, udp({ sport: 1, dport: 53 })))).action).toBe("XDP_PASS");
  });
  it("dispatch: the protocol's handler decides (ICMP dropped, TCP with TOS dropped, UDP with TTL 1 sent back), and counts TTLs in its slot; the override drops all", () => {
    const source = readFileSync(join(examplesDir, "dispatch.ts"), "utf8");
    const obj = loadObject(compileExample("dispatch.ts"));
    const act = (f: Uint8Array): string => runXdp(obj, "xdp_dispatch", f).action;
    expect(act(v4(icmpEchoRequest({ id: 1, seq: 1 })))).toBe("XDP_DROP");
    expect(act(v4(tcp({ sport: 1, dport: 2 })))).toBe("XDP_PASS");
    expect(act(v4(tcp({ sport: 1, dport: 2 }), { tos: 4 }))).toBe("XDP_DROP");
    expect(act(v4(udp({ sport: 1, dport: 2 }), { ttl: 1 }))).toBe("XDP_TX");
    expect(act(v4(udp({ sport: 1, dport: 2 }), { ttl: 9 }))).toBe("XDP_PASS");
    const hits = (o: ReturnType<typeof loadObject>, slot: number): bigint => new DataView((o.maps.get("hits")!.userLookup(new Uint8Array([slot, 0, 0, 0])) as Uint8Array).buffer).getBigUint64(0, true);
    expect([0, 1, 2, 3, 4].map((n) => hits(obj, n))).toEqual([0n, 64n, 128n, 10n, 0n]);
    const dropAll = loadObject(compileSource("/virtual/dispatch.ts", source.replace("config<u32>(0)", "config<u32>(1)")).object);
    expect(runXdp(dropAll, "xdp_dispatch", v4(udp({ sport: 1, dport: 2 }), { ttl: 1 })).action).toBe("XDP_DROP");
    expect(hits(dropAll, 4)).toBe(1n);
  });
  it("cpu-steer: TTL one lower with a valid checksum, a sample queued, redirected to the source's CPU once it has a queue", () => {
    const obj = loadObject(compileExample("cpu-steer.ts"), { cpus: 4 });
    const frame = v4(udp({ sport: 1, dport: 2 }, "hi"), { ttl: 9, src: "192.0.2.7" });
    const passed = runXdp(obj, "xdp_cpu_steer", frame);
    expect(passed.action).toBe("XDP_PASS");
    const parsed = parseFrame(passed.packet);
    expect([parsed.ipv4!.ttl, parsed.ipv4!.checksumValid]).toEqual([8, true]);
    const sample = obj.maps.get("samples")!.pop();
    expect(sample).toEqual(new Uint8Array([192, 0, 2, 7, frame.length, 0, 0, 0]));
    // 192.0.2.7 % 4 = 3: give CPU 3 a queue (struct bpf_cpumap_val { qsize, prog fd }).
    expect(obj.maps.get("cpus")!.userUpdate(new Uint8Array([3, 0, 0, 0]), new Uint8Array([0, 1, 0, 0, 0, 0, 0, 0]), 0)).toBe(0);
    const sent = runXdp(obj, "xdp_cpu_steer", frame);
    expect(sent.action).toBe("XDP_REDIRECT");
    expect(sent.redirect).toMatchObject({ kind: "map", map: "cpus", key: 3 });
    expect(run("cpu-steer.ts", "xdp_cpu_steer", v4(udp({ sport: 1, dport: 2 }), { ttl: 1 })).packet).toEqual(v4(udp({ sport: 1, dport: 2 }), { ttl: 1 }));
  });
});
