// What the soundness fuzz does with a program the verifier accepted: run it in the VM on
// several random frames (built Ethernet/IPv4/IPv6/VLAN/UDP frames with random fields and
// payload lengths, and raw random bytes down to the 14-byte minimum) with fresh maps, and
// sort what goes wrong: memory-safety faults (the verifier's promise broken) apart from
// faults that are not about memory safety (instruction budget, unsupported helpers).

import { ethernet, ipv4, ipv6, udp, vlan } from "../../../runtime/packet/index.js";
import { VmFault, VmLoadError } from "../../../runtime/vm/errors.js";
import { loadObject } from "../../../runtime/vm/loader.js";
import { runXdp } from "../../../runtime/vm/xdp.js";
import type { Random } from "./random.js";

export function randomFrame(rng: Random): Uint8Array {
  const payload = rng.bytes(rng.pick([0, 1, 7, 20, 60, rng.int(0, 200)]));
  const l4 = udp({ sport: rng.int(1, 65535), dport: rng.pick([53, 80, rng.int(1, 65535)]) }, payload);
  const ip4 = (): ReturnType<typeof ipv4> => ipv4({ src: "192.0.2.1", dst: "198.51.100.2", ttl: rng.int(0, 255), ...(rng.bool(0.2) ? { ihl: rng.int(0, 15) } : {}) }, l4);
  switch (rng.int(0, 5)) {
    case 0:
      return ethernet({}, ip4());
    case 1:
      return ethernet({}, ipv6({ src: "2001:db8::1", dst: "2001:db8::2" }, l4));
    case 2:
      return ethernet({}, vlan({ vid: rng.int(1, 4094) }, ip4()));
    case 3:
      return rng.bytes(rng.int(14, 20));
    case 4: {
      // A valid frame cut short anywhere after the Ethernet header.
      const f = ethernet({}, ip4());
      return f.subarray(0, rng.int(14, f.length));
    }
    default:
      return rng.bytes(rng.int(14, 128));
  }
}

/** Not memory safety: the budget ran out, a helper or kfunc the VM lacks, a missing routing table. */
function environmental(f: VmFault): boolean {
  switch (f.kind) {
    case "budget":
      return true;
    case "call":
      return /not supported by the VM/.test(f.problem);
    case "helper":
      return /needs a routing table|only available to XDP/.test(f.problem);
    case "memory":
    case "instruction":
      return false;
  }
}

export interface RunOutcome {
  readonly runs: number;
  /** Memory-safety faults: out-of-bounds, invalid pointers, bad jumps, wrong helper arguments. */
  readonly unsafe: readonly string[];
  /** Faults that are not memory safety, by kind. */
  readonly other: readonly string[];
  /** The VM could not load the object (e.g. a helper it does not implement). */
  readonly notRunnable?: string;
}

/** Runs `program` of `bytes` on `frames` frames, each on a fresh load (fresh maps). */
export function runOnRandomFrames(bytes: Uint8Array, program: string, rng: Random, frames: number, budget = 1_000_000): RunOutcome {
  const unsafe: string[] = [];
  const other: string[] = [];
  let runs = 0;
  for (let i = 0; i < frames; i++) {
    let vm;
    try {
      vm = loadObject(bytes);
    } catch (e) {
      if (e instanceof VmLoadError) return { runs, unsafe, other, notRunnable: e.message };
      throw e;
    }
    const frame = randomFrame(rng);
    try {
      runs++;
      runXdp(vm, program, frame, { budget, clock: () => 0n });
    } catch (e) {
      if (!(e instanceof VmFault)) throw e;
      const line = `${e.kind}: ${e.message.split("\n")[0]} (frame of ${frame.length} bytes: ${Buffer.from(frame.subarray(0, 64)).toString("hex")})`;
      (environmental(e) ? other : unsafe).push(line);
    }
  }
  return { runs, unsafe, other };
}
