// Pinning kernel objects on bpffs (BPF_OBJ_PIN) and opening pinned ones (BPF_OBJ_GET).
//
// Invariants: a path must lie on a bpffs mount (the kernel says EPERM otherwise, which we
// turn into a message naming the path) and its file name has no dots (see pinName); objGet returns an owned Fd; nothing is pinned or
// opened on a failed call.

import { statfsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { Attr } from "./attr.js";
import { ObjPath } from "./attr-layouts.js";
import { BpfCmd } from "./constants.js";
import { KernelUsageError } from "./errors.js";
import { Fd } from "./fd.js";
import { bpf } from "./syscall.js";

/** statfs f_type of bpffs (BPF_FS_MAGIC). */
const BPF_FS_MAGIC = 0xcafe4a11;

/** A file name bpffs accepts: it refuses dots, so libbpf's sanitize_pin_path turns them into '_'. */
export function pinName(name: string): string {
  return name.replaceAll(".", "_");
}

const cPath = (path: string): Uint8Array => new TextEncoder().encode(`${path}\0`);

/** True when `dir` is on a bpffs mount. */
export function onBpffs(dir: string): boolean {
  try {
    return statfsSync(dir).type === BPF_FS_MAGIC;
  } catch {
    return false;
  }
}

export function objPin(fd: Fd, path: string): void {
  if (basename(path).includes(".")) throw new KernelUsageError(`cannot pin at ${path}: bpffs does not allow '.' in names (use ${pinName(basename(path))})`);
  if (!onBpffs(dirname(path))) throw new KernelUsageError(`cannot pin at ${path}: ${dirname(path)} is not a directory on bpffs (mount -t bpf bpf /sys/fs/bpf)`);
  bpf(BpfCmd.OBJ_PIN, new Attr(ObjPath, { pathname: cPath(path), bpf_fd: fd.fd }).bytes);
}

export function objGet(path: string): Fd {
  return new Fd(bpf(BpfCmd.OBJ_GET, new Attr(ObjPath, { pathname: cPath(path) }).bytes), `pinned ${path}`);
}
