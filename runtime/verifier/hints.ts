// What to change when the verifier says no. The kernel's wording names the symptom ("R2 offset
// is outside of the packet"); a hint names the missing proof, with the numbers from the
// message (how many bytes were proven, how many the access needs). Hints are derived from the
// message text so that the rules keep the kernel's exact wording in one place.

interface HintRule {
  readonly pattern: RegExp;
  readonly hint: (m: RegExpExecArray) => string;
}

const rules: readonly HintRule[] = [
  {
    pattern: /invalid access to packet, off=(-?\d+) size=(\d+), R(\d+)\(id=\d+,off=-?\d+,r=(\d+)\)/,
    hint: (m) => {
      const need = Number(m[1]) + Number(m[2]);
      return `the checks on this path prove ${m[4]} byte(s) of packet from where R${m[3]} starts (r=${m[4]}); reading ${m[2]} byte(s) at offset ${m[1]} needs ${need}. Compare that pointer plus ${need} with data_end first (if (p + ${need} > data_end) return) on every path to this line`;
    },
  },
  {
    pattern: /R(\d+) invalid mem access '(map_value_or_null|ringbuf_mem_or_null|mem_or_null)'/,
    hint: (m) => `R${m[1]} may be NULL: the map lookup or ring-buffer reservation it came from can fail. Test it against 0 (a null check) before using it`,
  },
  {
    pattern: /R(\d+) invalid mem access 'scalar'/,
    hint: (m) => `R${m[1]} holds a number, not a pointer the verifier knows (context, packet, stack or map value); memory is reached only through such pointers`,
  },
  {
    pattern: /R(\d+) !read_ok/,
    hint: (m) => `R${m[1]} is read before anything is written to it on this path; note that every call overwrites r1-r5 (and r0 with its result)`,
  },
  {
    pattern: /invalid access to map value, value_size=(\d+) off=(-?\d+) size=(\d+)/,
    hint: (m) => `the map value has ${m[1]} byte(s), and this access covers bytes ${m[2]}..${Number(m[2]) + Number(m[3]) - 1}. Bound a run-time index with an unsigned compare (if (i < N)) or a mask before using it`,
  },
  {
    pattern: /invalid (?:variable-offset )?(?:indirect )?(?:read from |write to )?stack/,
    hint: () => "a frame's stack is 512 bytes, at offsets -512..-1 from r10; keep accesses inside it",
  },
  {
    pattern: /(unbounded min value|min value is negative|unbounded memory access|makes \w+ pointer be out of bounds)/,
    hint: () => "a variable offset must be proven non-negative and small before it is added to a pointer: bound it with an unsigned compare or a mask",
  },
  {
    pattern: /BPF program is too large/,
    hint: () => "the verifier walks every path one instruction at a time, up to 1,000,000 instructions in total; use fewer loop iterations, or bpf_loop for a count known only at run time",
  },
  {
    pattern: /infinite loop detected/,
    hint: () => "the loop comes back to this instruction in a state it has seen before, so nothing moves it toward its exit",
  },
  {
    pattern: /combined stack size of (\d+) calls is (\d+)/,
    hint: (m) => `the stack frames of this chain of ${m[1]} calls add up to ${m[2]} bytes, over the limit of 512; make locals smaller or keep large data in a per-CPU array map`,
  },
  {
    pattern: /R(\d+) type=(\w+) expected=([\w, ]+)/,
    hint: (m) => `argument R${m[1]} of this call is a ${m[2]} value, where the helper's prototype asks for ${m[3]}`,
  },
  {
    pattern: /write into map forbidden/,
    hint: () => "the program may only read this map (.rodata or BPF_F_RDONLY_PROG)",
  },
  {
    pattern: /Unreleased reference/,
    hint: () => "memory from bpf_ringbuf_reserve must be submitted or discarded on every path before the program exits",
  },
  {
    pattern: /unknown opcode 8d/,
    hint: () => "the kernel has no indirect calls (callx); tsbpf build --target kernel (the default) lowers function values to direct calls",
  },
];

/** A hint for the kernel-worded `message`, when there is one. */
export function hintFor(message: string): string | undefined {
  for (const rule of rules) {
    const m = rule.pattern.exec(message);
    if (m) return rule.hint(m);
  }
  return undefined;
}
