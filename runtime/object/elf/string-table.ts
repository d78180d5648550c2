// Builds ELF string tables the way LLVM's ELF object writer lays them out:
// a leading NUL, then the distinct names in descending order of their
// reversed bytes, each name that is a suffix of the one just placed sharing
// that name's tail ("tail merging"). The order is a total order on distinct
// strings, so the table depends only on the set of names, never on the order
// they were added in. Names are stored as UTF-8; "" always has offset 0.

export interface StringTable {
  readonly bytes: Uint8Array;
  /** Offset of `name` (which must have been given to buildStringTable). */
  offsetOf(name: string): number;
}

const encoder = new TextEncoder();

/** Compares two byte strings from their last byte backwards; "longer" sorts first when one is a suffix of the other. */
function compareReversedDescending(a: Uint8Array, b: Uint8Array): number {
  for (let k = 0; ; k++) {
    const ca = k < a.length ? a[a.length - 1 - k]! : -1;
    const cb = k < b.length ? b[b.length - 1 - k]! : -1;
    if (ca !== cb) return cb - ca;
    if (ca === -1) return 0;
  }
}

function endsWith(whole: Uint8Array, tail: Uint8Array): boolean {
  if (tail.length > whole.length) return false;
  const shift = whole.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (whole[shift + i] !== tail[i]) return false;
  return true;
}

/** Throws when a name cannot live in an ELF string table (it would be cut at its NUL). */
export function encodeName(name: string): Uint8Array {
  const bytes = encoder.encode(name);
  if (bytes.includes(0)) throw new RangeError(`ELF name ${JSON.stringify(name)} contains a NUL character`);
  return bytes;
}

export function buildStringTable(names: Iterable<string>): StringTable {
  const distinct = new Map<string, Uint8Array>();
  for (const name of names) if (name !== "" && !distinct.has(name)) distinct.set(name, encodeName(name));

  const order = [...distinct.entries()].sort((x, y) => compareReversedDescending(x[1], y[1]));
  const offsets = new Map<string, number>([["", 0]]);
  const placed: Uint8Array[] = [];
  let size = 1;
  let previous: Uint8Array | undefined;
  let previousOffset = 0;
  for (const [name, bytes] of order) {
    if (previous && endsWith(previous, bytes)) {
      offsets.set(name, previousOffset + previous.length - bytes.length);
      continue;
    }
    offsets.set(name, size);
    placed.push(bytes);
    previous = bytes;
    previousOffset = size;
    size += bytes.length + 1;
  }

  const out = new Uint8Array(size);
  let at = 1;
  for (const bytes of placed) {
    out.set(bytes, at);
    at += bytes.length + 1;
  }
  return {
    bytes: out,
    offsetOf(name: string): number {
      const offset = offsets.get(name);
      if (offset === undefined) throw new RangeError(`name ${JSON.stringify(name)} is not in this string table`);
      return offset;
    },
  };
}
