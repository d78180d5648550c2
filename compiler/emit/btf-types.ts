// BTF for tsbpf's value types, spelled as clang spells the same C: every integer width is
// a linux/types.h typedef (__u8 … __u64, __s8 … __s64, __be16/__be32/__be64 over __u16 …)
// of the base C type clang names (`unsigned int`, `long long`, …), booleans are `_Bool`.
// So `bpftool btf dump … format c` output and `bpftool gen skeleton` headers compile with
// plain C headers. Types are made once and shared (ids are cached per shape).

import { IntEncoding, type BtfBuilder, type TypeId } from "../../runtime/object/btf/index.js";
import type { IntType, ValueType } from "../frontend/types.js";

/** The base C integer type of each width and signedness, named as clang-19 names it in BTF. */
const C_BASE: Readonly<Record<string, string>> = {
  u8: "unsigned char",
  u16: "unsigned short",
  u32: "unsigned int",
  u64: "unsigned long long",
  s8: "signed char",
  s16: "short",
  s32: "int",
  s64: "long long",
};

/** The linux/types.h typedef a tsbpf integer type stands for; big-endian ones are typedefs of the unsigned one. */
export function cTypedefName(t: IntType): string {
  if (t.be) return `__be${t.bits}`;
  return `__${t.signed ? "s" : "u"}${t.bits}`;
}

/** Types the object builder also uses (map definitions), made once for both. */
export interface SharedTypes {
  int(): TypeId;
  arraySizeType(): TypeId;
}

export class BtfTypes {
  private readonly cache = new Map<string, TypeId>();
  constructor(
    readonly btf: BtfBuilder,
    private readonly shared: SharedTypes,
  ) {}

  private cached(key: string, make: () => TypeId): TypeId {
    let id = this.cache.get(key);
    if (id === undefined) this.cache.set(key, (id = make()));
    return id;
  }

  /** `int`, clang's type for a program's return value (shared with the typedef __s32). */
  cInt(): TypeId {
    return this.base(true, 32);
  }

  private base(signed: boolean, bits: number): TypeId {
    if (signed && bits === 32) return this.shared.int();
    const name = C_BASE[`${signed ? "s" : "u"}${bits}`]!;
    return this.cached(name, () => this.btf.addInt(name, bits / 8, signed ? IntEncoding.SIGNED : IntEncoding.NONE));
  }

  /** __u32 → unsigned int, __be16 → __u16 → unsigned short, as <linux/types.h> declares them. */
  private int(t: IntType): TypeId {
    const name = cTypedefName(t);
    return this.cached(name, () => {
      const target = t.be ? this.int({ ...t, be: false, signed: false, name: `u${t.bits}` }) : this.base(t.signed, t.bits);
      return this.btf.addTypedef(name, target);
    });
  }

  of(t: ValueType): TypeId {
    switch (t.kind) {
      case "int":
        return this.int(t);
      case "bool":
        return this.cached("_Bool", () => this.btf.addInt("_Bool", 1, IntEncoding.BOOL));
      case "array": {
        const elem = this.of(t.elem);
        const index = this.shared.arraySizeType();
        return this.cached(`[${elem}x${t.length}]`, () => this.btf.addArray(elem, index, t.length));
      }
      case "struct": {
        const key = `struct ${t.name}:${t.fields.map((f) => `${f.name}@${f.offset}`).join(",")}`;
        return this.cached(key, () => {
          const members = t.fields.map((f) => ({ name: f.name, type: this.of(f.type), bitsOffset: f.offset * 8 }));
          return this.btf.addStruct(t.name, t.size, members);
        });
      }
    }
  }

  /** `struct xdp_md`, the ctx type the kernel checks a program's BTF against (members are __u32, as in linux/bpf.h). */
  xdpMd(): TypeId {
    return this.cached("struct xdp_md", () => {
      const u32 = this.of({ kind: "int", bits: 32, signed: false, be: false, name: "u32" });
      const names = ["data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex"];
      return this.btf.addStruct("xdp_md", 24, names.map((name, i) => ({ name, type: u32, bitsOffset: i * 32 })));
    });
  }
}
