// ELF section name → how the kernel loads the program, following libbpf's section table for
// XDP (SEC_DEF("xdp", XDP, BPF_XDP, ...) and friends). The backend loads XDP programs only;
// any other section is refused with a message naming it.

import { AttachType, BPF_F_XDP_HAS_FRAGS, ProgType } from "./constants.js";
import { KernelUsageError } from "./errors.js";

export interface ProgramKind {
  readonly progType: number;
  readonly expectedAttachType: number;
  readonly progFlags: number;
}

const XDP_SECTIONS: Readonly<Record<string, ProgramKind>> = {
  xdp: { progType: ProgType.XDP, expectedAttachType: AttachType.XDP, progFlags: 0 },
  "xdp.frags": { progType: ProgType.XDP, expectedAttachType: AttachType.XDP, progFlags: BPF_F_XDP_HAS_FRAGS },
  "xdp/devmap": { progType: ProgType.XDP, expectedAttachType: AttachType.XDP_DEVMAP, progFlags: 0 },
  "xdp.frags/devmap": { progType: ProgType.XDP, expectedAttachType: AttachType.XDP_DEVMAP, progFlags: BPF_F_XDP_HAS_FRAGS },
  "xdp/cpumap": { progType: ProgType.XDP, expectedAttachType: AttachType.XDP_CPUMAP, progFlags: 0 },
  "xdp.frags/cpumap": { progType: ProgType.XDP, expectedAttachType: AttachType.XDP_CPUMAP, progFlags: BPF_F_XDP_HAS_FRAGS },
};

export function programKind(section: string, program: string): ProgramKind {
  // libbpf also accepts "xdp/<anything>" as plain XDP (SEC_DEF("xdp/", ...) is deprecated but loads).
  const kind = XDP_SECTIONS[section] ?? (section.startsWith("xdp/") ? XDP_SECTIONS.xdp : undefined);
  if (!kind) throw new KernelUsageError(`program '${program}' is in section '${section}'; the kernel backend loads XDP programs only (SEC("xdp"), SEC("xdp.frags"), SEC("xdp/devmap"), SEC("xdp/cpumap"))`);
  return kind;
}
