// A small seeded generator (mulberry32) for the mutation corpus and the soundness fuzzer:
// the same seed gives the same sequence on every machine, so corpora are reproducible.
// Invariant: all randomness of these suites flows from a Random built from a fixed seed.

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + (this.u32() % (max - min + 1));
  }

  bool(pTrue = 0.5): boolean {
    return this.u32() / 2 ** 32 < pTrue;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.u32() % items.length]!;
  }

  /** Up to `n` items of `items`, chosen without replacement, in their original order. */
  sample<T>(items: readonly T[], n: number): T[] {
    if (items.length <= n) return [...items];
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(this.u32() % items.length);
    return [...chosen].sort((a, b) => a - b).map((i) => items[i]!);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}
