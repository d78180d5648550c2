// The kernel backend's public API: load objects into the running Linux kernel, test-run
// and attach their XDP programs, read and write their maps, pin and unpin them.
export { KernelObject, KernelProgram, type KernelLoadOptions } from "./object.js";
export { KernelMap, numPossibleCpus, openPinnedMap, type MapEntry } from "./map-access.js";
export { formatBtfValue, type Formatted } from "./btf-format.js";
export { testRunXdp, type TestRunOptions, type TestRunResult, type XdpContext } from "./test-run.js";
export { attachXdp, detachXdp, interfaceIndex, openPinnedLink, xdpLinksOn, XdpLink, type DetachResult, type XdpMode } from "./link.js";
export { objGet, objPin, onBpffs, pinName } from "./pins.js";
export { allIds, fdById, linkInfo, mapInfo, objectKind, progInfo, type LinkInfo, type MapInfo, type ProgInfo } from "./info.js";
export { btfFeatures, loadObjectBtf, loadRawBtf, BtfLoadError, type KernelBtf } from "./btf-load.js";
export { ALL_BTF_FEATURES, fixupDatasecs, sanitizeBtf, type BtfFeatures } from "./btf-fixup.js";
export { internalMapName, objectNameFromPath } from "./maps.js";
export { verifierStats, type VerifierStats } from "./verifier-log.js";
export { Fd, FdScope } from "./fd.js";
export { BpfSyscallError, KernelUsageError, PERMISSION_HINT, UnsupportedProgramError, VerifierRejection, type RejectedInstruction } from "./errors.js";
export { UpdateFlags } from "./constants.js";
export type { ProgramLoadOptions } from "./programs.js";
export { PerfBuffer, type PerfSampleRecord } from "./perf-buffer.js";
