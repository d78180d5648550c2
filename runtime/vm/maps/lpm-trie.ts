// LPM_TRIE: longest-prefix-match map. A key is a u32 prefix length (host order) followed by
// key_size - 4 data bytes read most significant bit first; lookup returns the value of the
// longest stored prefix that covers the key's first prefixlen bits. The trie is the kernel's
// (kernel/bpf/lpm_trie.c): nodes with one prefix each, intermediate nodes (no value) where two
// branches split, updates that replace a node (a view from an earlier lookup keeps the old
// value). BPF_MAP_GET_NEXT_KEY walks it in the kernel's postorder, so more specific prefixes
// come before the prefixes that cover them, and the walk is the kernel's, key for key. Stored
// data bytes are kept as given (bits past the prefix length are not masked), as the kernel does.
// A full trie fails updates with ENOSPC (not E2BIG).

import { MapType } from "../../object/map-types.js";
import { MapBase } from "./base.js";
import { readU32 } from "./bytes.js";
import { requireAccessFlags } from "./create-checks.js";
import { EEXIST, EINVAL, ENOENT, ENOSPC } from "./errno.js";
import { requireDef } from "./errors.js";
import { BPF_EXIST, BPF_F_ACCESS_MASK, BPF_F_NO_PREALLOC, BPF_F_NUMA_NODE, BPF_NOEXIST, flagBits } from "./flags.js";
import { KMALLOC_MAX_SIZE, LPM_DATA_SIZE_MAX, LPM_DATA_SIZE_MIN, LPM_NODE_SIZE } from "./limits.js";
import type { MapDef, MapFlags, MapOptions, ValueOrErrno } from "./types.js";

const LPM_CREATE_FLAG_MASK = BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK;
const LPM_VAL_SIZE_MAX = KMALLOC_MAX_SIZE - LPM_DATA_SIZE_MAX - LPM_NODE_SIZE;

/** trie_alloc's checks. */
export function checkLpmTrieDef(def: MapDef): void {
  const rule = (ok: boolean, text: string) => requireDef(ok, def.name, `LPM_TRIE ${text}`, EINVAL);
  rule(def.maxEntries > 0, "max_entries must be > 0");
  rule((def.flags & BPF_F_NO_PREALLOC) !== 0, "needs BPF_F_NO_PREALLOC");
  rule(
    (def.flags & ~LPM_CREATE_FLAG_MASK) === 0,
    `accepts only the flags NO_PREALLOC, NUMA_NODE and access (got 0x${def.flags.toString(16)})`,
  );
  requireAccessFlags(def, "LPM_TRIE");
  rule(
    def.keySize >= 4 + LPM_DATA_SIZE_MIN && def.keySize <= 4 + LPM_DATA_SIZE_MAX,
    `key size must be 4 (prefix length) + 1..${LPM_DATA_SIZE_MAX} data bytes (got ${def.keySize})`,
  );
  rule(def.valueSize >= 1 && def.valueSize <= LPM_VAL_SIZE_MAX, `value size must be 1..${LPM_VAL_SIZE_MAX} (got ${def.valueSize})`);
}

interface TrieNode {
  child: [TrieNode | undefined, TrieNode | undefined];
  prefixlen: number;
  /** An intermediate node: only there to split two branches, never a lookup result. */
  im: boolean;
  data: Uint8Array;
  value: Uint8Array | undefined;
}

function extractBit(data: Uint8Array, index: number): 0 | 1 {
  return ((data[index >> 3]! >> (7 - (index & 7))) & 1) as 0 | 1;
}

/** A reference to a child pointer (the kernel's `struct lpm_trie_node **slot`). */
interface Slot {
  get(): TrieNode | undefined;
  set(n: TrieNode | undefined): void;
}

export class LpmTrieMap extends MapBase {
  private root: TrieNode | undefined;
  private entries_ = 0;
  private readonly dataSize: number;
  private readonly maxPrefixlen: number;
  private readonly rootSlot: Slot = { get: () => this.root, set: (n) => (this.root = n) };

  constructor(def: MapDef, options: MapOptions) {
    super(def, options);
    this.dataSize = def.keySize - 4;
    this.maxPrefixlen = this.dataSize * 8;
  }

  /** The number of prefixes stored. */
  get size(): number {
    return this.entries_;
  }

  private parse(key: Uint8Array): { prefixlen: number; data: Uint8Array } {
    this.requireKey(key);
    return { prefixlen: readU32(key), data: key.subarray(4) };
  }

  /** How many leading bits of node and key agree, up to the shorter prefix length. */
  private matchLen(node: TrieNode, prefixlen: number, data: Uint8Array): number {
    const limit = Math.min(node.prefixlen, prefixlen);
    let bits = 0;
    for (let i = 0; i < this.dataSize && bits < limit; i++) {
      const diff = node.data[i]! ^ data[i]!;
      if (diff === 0) {
        bits += 8;
        continue;
      }
      bits += Math.clz32(diff) - 24;
      break;
    }
    return Math.min(bits, limit);
  }

  private childSlot(node: TrieNode, bit: 0 | 1): Slot {
    return { get: () => node.child[bit], set: (n) => (node.child[bit] = n) };
  }

  private newNode(prefixlen: number, data: Uint8Array, value: Uint8Array | undefined): TrieNode {
    return { child: [undefined, undefined], prefixlen, im: value === undefined, data: data.slice(), value };
  }

  lookup(key: Uint8Array, _cpu = 0): Uint8Array | undefined {
    const { prefixlen, data } = this.parse(key);
    if (prefixlen > this.maxPrefixlen) return undefined;
    let found: TrieNode | undefined;
    for (let node = this.root; node; ) {
      const matchlen = this.matchLen(node, prefixlen, data);
      if (matchlen === this.maxPrefixlen) {
        found = node;
        break;
      }
      if (matchlen < node.prefixlen) break;
      if (!node.im) found = node;
      node = node.child[extractBit(data, node.prefixlen)];
    }
    return found?.value;
  }

  private addEntry(f: bigint): number {
    if (f === BigInt(BPF_EXIST)) return -ENOENT;
    if (this.entries_ === this.def.maxEntries) return -ENOSPC;
    this.entries_++;
    return 0;
  }

  update(key: Uint8Array, value: Uint8Array, flags: MapFlags = 0, _cpu = 0): number {
    const { prefixlen, data } = this.parse(key);
    this.requireValue(value);
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    if (prefixlen > this.maxPrefixlen) return -EINVAL;
    const fresh = this.newNode(prefixlen, data, value.slice());
    let slot = this.rootSlot;
    let node: TrieNode | undefined;
    let matchlen = 0;
    while ((node = slot.get())) {
      matchlen = this.matchLen(node, prefixlen, data);
      if (node.prefixlen !== matchlen || node.prefixlen === prefixlen) break;
      slot = this.childSlot(node, extractBit(data, node.prefixlen));
    }
    if (!node) {
      const err = this.addEntry(f);
      if (!err) slot.set(fresh);
      return err;
    }
    if (node.prefixlen === matchlen) {
      // The same prefix: replace the node (a real one, or an intermediate one made real).
      if (!node.im) {
        if (f === BigInt(BPF_NOEXIST)) return -EEXIST;
      } else {
        const err = this.addEntry(f);
        if (err) return err;
      }
      fresh.child = [node.child[0], node.child[1]];
      slot.set(fresh);
      return 0;
    }
    const err = this.addEntry(f);
    if (err) return err;
    if (matchlen === prefixlen) {
      // The new prefix covers the node: it becomes the node's parent.
      fresh.child[extractBit(node.data, matchlen)] = node;
      slot.set(fresh);
      return 0;
    }
    const im = this.newNode(matchlen, node.data, undefined);
    if (extractBit(data, matchlen)) im.child = [node, fresh];
    else im.child = [fresh, node];
    slot.set(im);
    return 0;
  }

  delete(key: Uint8Array): number {
    const { prefixlen, data } = this.parse(key);
    if (prefixlen > this.maxPrefixlen) return -EINVAL;
    let trim = this.rootSlot;
    let trim2 = trim;
    let parent: TrieNode | undefined;
    let node: TrieNode | undefined;
    let matchlen = 0;
    while ((node = trim.get())) {
      matchlen = this.matchLen(node, prefixlen, data);
      if (node.prefixlen !== matchlen || node.prefixlen === prefixlen) break;
      parent = node;
      trim2 = trim;
      trim = this.childSlot(node, extractBit(data, node.prefixlen));
    }
    if (!node || node.prefixlen !== prefixlen || node.prefixlen !== matchlen || node.im) return -ENOENT;
    this.entries_--;
    if (node.child[0] && node.child[1]) {
      // Two children: the node stays as an intermediate one.
      node.im = true;
      node.value = undefined;
      return 0;
    }
    if (parent && parent.im && !node.child[0] && !node.child[1]) {
      // A leaf under an intermediate node: the sibling takes the intermediate node's place.
      trim2.set(node === parent.child[0] ? parent.child[1] : parent.child[0]);
      return 0;
    }
    trim.set(node.child[0] ?? node.child[1]);
    return 0;
  }

  userLookup(key: Uint8Array | undefined, flags: MapFlags = 0): ValueOrErrno {
    const err = this.userLookupFlags(flags);
    if (err) return err;
    const v = this.lookup(this.requireKey(key));
    return v ? v.slice() : -ENOENT;
  }

  userUpdate(key: Uint8Array | undefined, value: Uint8Array, flags: MapFlags = 0): number {
    return this.userUpdateLockCheck(flags) || this.update(this.requireKey(key), value, flags);
  }

  userDelete(key: Uint8Array | undefined): number {
    return this.delete(this.requireKey(key));
  }

  private keyOf(node: TrieNode): Uint8Array {
    const out = new Uint8Array(this.def.keySize);
    new DataView(out.buffer).setUint32(0, node.prefixlen, true);
    out.set(node.data, 4);
    return out;
  }

  /** trie_get_next_key: the node after `key` in postorder; an absent key gives the first. */
  nextKey(key: Uint8Array | undefined): ValueOrErrno {
    if (!this.root) return -ENOENT;
    let searchRoot: TrieNode | undefined = this.root;
    const parsed = key ? this.parse(key) : undefined;
    if (parsed && parsed.prefixlen <= this.maxPrefixlen) {
      const stack: TrieNode[] = [];
      let node: TrieNode | undefined = this.root;
      let matchlen = 0;
      while (node) {
        stack.push(node);
        matchlen = this.matchLen(node, parsed.prefixlen, parsed.data);
        if (node.prefixlen !== matchlen || node.prefixlen === parsed.prefixlen) break;
        node = node.child[extractBit(parsed.data, node.prefixlen)];
      }
      if (node && node.prefixlen === matchlen && !node.im) {
        // Found: climb until a right sibling subtree or a real ancestor comes next.
        let at = stack.length - 1;
        let current = stack[at]!;
        searchRoot = undefined;
        while (at > 0) {
          const up = stack[at - 1]!;
          if (up.child[0] === current && up.child[1]) {
            searchRoot = up.child[1];
            break;
          }
          if (!up.im) return this.keyOf(up);
          current = up;
          at--;
        }
        if (!searchRoot) return -ENOENT;
      }
    }
    // The leftmost real node of searchRoot's subtree, children before parents.
    let next: TrieNode | undefined;
    for (let node: TrieNode | undefined = searchRoot; node; ) {
      if (node.im) {
        node = node.child[0];
      } else {
        next = node;
        node = node.child[0] ?? node.child[1];
      }
    }
    return next ? this.keyOf(next) : -ENOENT;
  }
}
