// LPM_TRIE semantics: longest-prefix match (the /24 against /25 case, /0 defaults, queries with
// short prefixes), exact-prefix update and delete rules, ENOSPC when full, the kernel's
// postorder key walk (its documentation example), and replaced values keeping old views.
import { describe, expect, it } from "vitest";
import { MapType } from "../../../runtime/object/map-types.js";
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, createMap, EEXIST, EINVAL, ENOENT, ENOSPC } from "../../../runtime/vm/maps/index.js";
import { ipv4Key, ipv4Text, readU32, u32 } from "./fixtures.js";

const trie = (maxEntries = 16) => createMap({ name: "t", type: MapType.LPM_TRIE, keySize: 8, valueSize: 4, maxEntries, flags: 1 });
const match = (m: ReturnType<typeof trie>, cidr: string) => {
  const v = m.lookup(ipv4Key(cidr));
  return v ? readU32(v) : undefined;
};
const walk = (m: ReturnType<typeof trie>) => [...m.entries()].map((e) => ipv4Text(e.key));

describe("LPM_TRIE", () => {
  it("returns the longest matching prefix: /25 inside /24", () => {
    const m = trie();
    expect(m.update(ipv4Key("10.0.0.0/24"), u32(24))).toBe(0);
    expect(m.update(ipv4Key("10.0.0.128/25"), u32(25))).toBe(0);
    expect(match(m, "10.0.0.129")).toBe(25);
    expect(match(m, "10.0.0.255")).toBe(25);
    expect(match(m, "10.0.0.127")).toBe(24);
    expect(match(m, "10.0.0.1")).toBe(24);
    expect(match(m, "10.0.1.1")).toBeUndefined();
    expect(m.delete(ipv4Key("10.0.0.128/25"))).toBe(0);
    expect(match(m, "10.0.0.129")).toBe(24);
  });

  it("matches /0 as the default and honours the query's own prefix length", () => {
    const m = trie();
    m.update(ipv4Key("0.0.0.0/0"), u32(0));
    m.update(ipv4Key("192.168.0.0/16"), u32(16));
    m.update(ipv4Key("192.168.7.0/24"), u32(24));
    expect(match(m, "8.8.8.8")).toBe(0);
    expect(match(m, "192.168.7.9")).toBe(24);
    expect(match(m, "192.168.7.9/20")).toBe(16); // a /20 query cannot use a /24 entry
    expect(match(m, "192.168.7.9/8")).toBe(0);
    expect(m.userLookup(ipv4Key("192.168.7.0/33"))).toBe(-ENOENT);
  });

  it("updates and deletes exact prefixes, with the hash flag rules", () => {
    const m = trie();
    expect(m.update(ipv4Key("10.0.0.0/8"), u32(1), BPF_EXIST)).toBe(-ENOENT);
    expect(m.update(ipv4Key("10.0.0.0/8"), u32(1), BPF_NOEXIST)).toBe(0);
    expect(m.update(ipv4Key("10.0.0.0/8"), u32(2), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(ipv4Key("10.0.0.0/8"), u32(3), BPF_EXIST)).toBe(0);
    expect(m.delete(ipv4Key("10.0.0.0/9"))).toBe(-ENOENT);
    expect(m.delete(ipv4Key("10.0.0.0/33"))).toBe(-EINVAL);
    expect(m.update(ipv4Key("10.0.0.0/33"), u32(3))).toBe(-EINVAL);
    expect(m.update(ipv4Key("10.0.0.0/8"), u32(3), BPF_F_LOCK)).toBe(-EINVAL);
    expect(m.userUpdate(ipv4Key("10.0.0.0/8"), u32(3), BPF_F_LOCK)).toBe(-EINVAL);
    expect(m.delete(ipv4Key("10.0.0.0/8"))).toBe(0);
    expect(m.delete(ipv4Key("10.0.0.0/8"))).toBe(-ENOENT);
  });

  it("an intermediate node is not an entry: delete says ENOENT, an update makes it real", () => {
    const m = trie();
    m.update(ipv4Key("192.168.0.0/24"), u32(1));
    m.update(ipv4Key("192.168.1.0/24"), u32(2)); // splits under an intermediate 192.168.0.0/23
    expect(m.size).toBe(2);
    expect(m.delete(ipv4Key("192.168.0.0/23"))).toBe(-ENOENT);
    expect(match(m, "192.168.1.200")).toBe(2);
    expect(m.update(ipv4Key("192.168.0.0/23"), u32(23), BPF_EXIST)).toBe(-ENOENT);
    expect(m.update(ipv4Key("192.168.0.0/23"), u32(23))).toBe(0);
    expect(m.size).toBe(3);
    expect(match(m, "192.168.0.7/23")).toBe(23);
  });

  it("is full at max_entries prefixes: ENOSPC, while replacing still works", () => {
    const m = trie(2);
    m.update(ipv4Key("10.0.0.0/8"), u32(1));
    m.update(ipv4Key("11.0.0.0/8"), u32(2));
    expect(m.update(ipv4Key("12.0.0.0/8"), u32(3))).toBe(-ENOSPC);
    expect(m.update(ipv4Key("11.0.0.0/8"), u32(4))).toBe(0);
  });

  it("walks keys in the kernel's postorder: more specific prefixes before the ones covering them", () => {
    // The example in kernel/bpf/lpm_trie.c.
    const m = trie();
    for (const p of ["192.168.0.0/16", "192.168.0.0/24", "192.168.128.0/24", "192.168.1.0/24"]) m.update(ipv4Key(p), u32(0));
    expect(walk(m)).toEqual(["192.168.0.0/24", "192.168.1.0/24", "192.168.128.0/24", "192.168.0.0/16"]);
    expect(ipv4Text(m.nextKey(ipv4Key("10.0.0.0/8")) as Uint8Array)).toBe("192.168.0.0/24"); // absent: first
    expect(ipv4Text(m.nextKey(ipv4Key("192.168.128.0/24")) as Uint8Array)).toBe("192.168.0.0/16");
    expect(m.nextKey(ipv4Key("192.168.0.0/16"))).toBe(-ENOENT);
    expect(trie().nextKey(undefined)).toBe(-ENOENT);
  });

  it("keeps key bits past the prefix length as given", () => {
    const m = trie();
    m.update(ipv4Key("10.1.2.3/8"), u32(1));
    expect(walk(m)).toEqual(["10.1.2.3/8"]);
    expect(match(m, "10.200.0.0")).toBe(1);
  });

  it("an update replaces the node: an earlier view keeps the old value", () => {
    const m = trie();
    m.update(ipv4Key("10.0.0.0/8"), u32(1));
    const view = m.lookup(ipv4Key("10.9.9.9"))!;
    m.update(ipv4Key("10.0.0.0/8"), u32(2));
    expect(readU32(view)).toBe(1);
    expect(match(m, "10.9.9.9")).toBe(2);
  });

  it("deleting leaves the remaining prefixes matching as before", () => {
    const m = trie();
    const prefixes = ["10.0.0.0/8", "10.1.0.0/16", "10.1.1.0/24", "10.2.0.0/16", "10.1.1.128/25", "0.0.0.0/0"];
    prefixes.forEach((p, i) => m.update(ipv4Key(p), u32(i)));
    expect(m.delete(ipv4Key("10.1.0.0/16"))).toBe(0);
    expect(m.delete(ipv4Key("10.0.0.0/8"))).toBe(0);
    expect(match(m, "10.1.1.200")).toBe(4);
    expect(match(m, "10.1.1.1")).toBe(2);
    expect(match(m, "10.1.2.1")).toBe(5);
    expect(match(m, "10.2.3.4")).toBe(3);
    expect(walk(m).sort()).toEqual(["0.0.0.0/0", "10.1.1.0/24", "10.1.1.128/25", "10.2.0.0/16"]);
  });
});
