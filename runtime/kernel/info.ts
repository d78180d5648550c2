// What the kernel knows about its objects: BPF_OBJ_GET_INFO_BY_FD for programs, maps and
// links, iteration over every id (BPF_*_GET_NEXT_ID) and opening an object by id
// (BPF_*_GET_FD_BY_ID), and the kind of object behind an fd (from /proc/self/fdinfo).
//
// Invariants: info buffers are our layout's size; the kernel fills what it knows up to that
// and reports its own length, so older or newer kernels are both fine. Fds opened by id are
// returned as owned Fd handles.

import { readFileSync } from "node:fs";
import { Attr, type Layout } from "./attr.js";
import { GetId, InfoByFd, LinkInfo as LinkInfoLayout, MapInfo as MapInfoLayout, ProgInfo as ProgInfoLayout } from "./attr-layouts.js";
import { BpfCmd } from "./constants.js";
import { BpfSyscallError } from "./errors.js";
import { Fd } from "./fd.js";
import { bpf } from "./syscall.js";

export interface ProgInfo {
  readonly type: number;
  readonly id: number;
  readonly name: string;
  /** The program's tag as bpftool prints it (16 hex digits). */
  readonly tag: string;
  readonly xlatedBytes: number;
  readonly jitedBytes: number;
  /** The verifier's "processed N insns" (0 on kernels before 5.16). */
  readonly verifiedInsns: number;
  readonly btfId: number;
  readonly funcInfoCount: number;
  readonly lineInfoCount: number;
  readonly mapIds: readonly number[];
}

export interface MapInfo {
  readonly type: number;
  readonly id: number;
  readonly name: string;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly btfId: number;
  readonly btfKeyTypeId: number;
  readonly btfValueTypeId: number;
}

export interface LinkInfo {
  readonly type: number;
  readonly id: number;
  readonly progId: number;
  /** For XDP links: the device's ifindex (0 once detached). */
  readonly ifindex: number;
}

function infoByFd<F extends string>(fd: Fd, layout: Layout<F>, prepare?: (info: Attr<F>) => void): Attr<F> {
  const info = new Attr(layout);
  prepare?.(info);
  bpf(BpfCmd.OBJ_GET_INFO_BY_FD, new Attr(InfoByFd, { bpf_fd: fd.fd, info_len: layout.size, info: info.bytes }).bytes);
  return info;
}

export function progInfo(fd: Fd): ProgInfo {
  const first = infoByFd(fd, ProgInfoLayout);
  const count = first.u32("nr_map_ids");
  const ids = new Uint32Array(count);
  const info = count === 0 ? first : infoByFd(fd, ProgInfoLayout, (a) => {
    a.set("nr_map_ids", count);
    a.set("map_ids", new Uint8Array(ids.buffer));
  });
  return {
    type: info.u32("type"),
    id: info.u32("id"),
    name: info.name("name"),
    tag: Buffer.from(info.raw("tag", 8)).toString("hex"),
    xlatedBytes: info.u32("xlated_prog_len"),
    jitedBytes: info.u32("jited_prog_len"),
    verifiedInsns: info.u32("verified_insns"),
    btfId: info.u32("btf_id"),
    funcInfoCount: info.u32("nr_func_info"),
    lineInfoCount: info.u32("nr_line_info"),
    mapIds: [...ids.subarray(0, Math.min(count, info.u32("nr_map_ids")))],
  };
}

export function mapInfo(fd: Fd): MapInfo {
  const info = infoByFd(fd, MapInfoLayout);
  return {
    type: info.u32("type"),
    id: info.u32("id"),
    name: info.name("name"),
    keySize: info.u32("key_size"),
    valueSize: info.u32("value_size"),
    maxEntries: info.u32("max_entries"),
    flags: info.u32("map_flags"),
    btfId: info.u32("btf_id"),
    btfKeyTypeId: info.u32("btf_key_type_id"),
    btfValueTypeId: info.u32("btf_value_type_id"),
  };
}

export function linkInfo(fd: Fd): LinkInfo {
  const info = infoByFd(fd, LinkInfoLayout);
  return { type: info.u32("type"), id: info.u32("id"), progId: info.u32("prog_id"), ifindex: info.u32("xdp.ifindex") };
}

export type ObjectKind = "prog" | "map" | "link" | "btf";

const NEXT_ID = { prog: BpfCmd.PROG_GET_NEXT_ID, map: BpfCmd.MAP_GET_NEXT_ID, link: BpfCmd.LINK_GET_NEXT_ID } as const;
const FD_BY_ID = { prog: BpfCmd.PROG_GET_FD_BY_ID, map: BpfCmd.MAP_GET_FD_BY_ID, link: BpfCmd.LINK_GET_FD_BY_ID } as const;

/** Every id of a kind of object in the kernel, ascending. */
export function allIds(kind: keyof typeof NEXT_ID): number[] {
  const ids: number[] = [];
  for (let id = 0; ; ) {
    const attr = new Attr(GetId, { start_id: id });
    try {
      bpf(NEXT_ID[kind], attr.bytes);
    } catch (e) {
      if (e instanceof BpfSyscallError && e.code === "ENOENT") return ids;
      throw e;
    }
    id = attr.u32("next_id");
    ids.push(id);
  }
}

/** Opens the object with this id; undefined when it went away meanwhile. */
export function fdById(kind: keyof typeof FD_BY_ID, id: number): Fd | undefined {
  try {
    return new Fd(bpf(FD_BY_ID[kind], new Attr(GetId, { start_id: id }).bytes), `${kind} id ${id}`);
  } catch (e) {
    if (e instanceof BpfSyscallError && e.code === "ENOENT") return undefined;
    throw e;
  }
}

/** What an fd refers to, from the kernel's fdinfo (map_type / prog_type / link_type lines). */
export function objectKind(fd: Fd): ObjectKind | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/self/fdinfo/${fd.fd}`, "utf8");
  } catch {
    return undefined;
  }
  if (/^link_type:/m.test(text)) return "link";
  if (/^prog_type:/m.test(text)) return "prog";
  if (/^map_type:/m.test(text)) return "map";
  if (/^btf_id:/m.test(text)) return "btf";
  return undefined;
}
