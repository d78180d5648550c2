// The VM's address space for one program run. Every pointer a program holds is a 64-bit
// value `region index << 48 | byte offset`; region 0 is unmapped, so null and small
// integers never reach memory, and the 16 guard bits between index and offset are zero in
// every valid pointer, so pointer arithmetic that leaves a region by less than 2^47 bytes
// (e.g. a packet pointer minus 4 GiB) lands on no region and is named as being outside
// the region it came from. Each region has bytes, an accessible window [lo, hi) and a
// writability, and every load and store is checked against them: a violation is a RawFault
// naming the address, the region and why, never a host exception or a stray write.
//
//   63           48 47        32 31                       0
//  +---------------+------------+--------------------------+
//  | region index  | guard (0)  |     offset in region     |
//  +---------------+------------+--------------------------+

import { RawFault } from "./errors.js";

export type RegionKind = "ctx" | "packet" | "stack" | "map_value" | "map" | "func" | "ringbuf" | "scratch";

export interface Region {
  readonly kind: RegionKind;
  /** Human name for messages: "packet", "stack of frame 1", "map value of counts"... */
  readonly label: string;
  bytes: Uint8Array;
  view: DataView;
  /** Accessible window; for the packet it moves with adjust_head/tail/meta. */
  lo: number;
  hi: number;
  readonly writable: boolean;
  /** Loads from the ctx are translated (xdp_md's u32 fields hold 64-bit pointers in the VM). */
  readonly readCtx?: (offset: number, size: number) => bigint | undefined;
  /** readCtx for the interpreter: writes the field into register r's halves, false when readCtx would refuse it. */
  readonly readCtxInto?: (offset: number, size: number, L: Int32Array, H: Int32Array, r: number) => boolean;
  /** What a map or func region stands for. */
  readonly payload?: unknown;
}

export const REGION_SHIFT = 48n;
const OFFSET_MASK = 0xffffffffn;
const GUARD_MASK = 0xffffn << 32n;
/** Regions one run may map: indices stay below 2^15, so no valid pointer has bit 63 set. */
export const MAX_REGIONS = 0x7fff;

export function regionBase(index: number): bigint {
  return BigInt(index) << REGION_SHIFT;
}

const hexAddr = (a: bigint): string => `0x${a.toString(16)}`;

export class AddressSpace {
  private readonly regions: (Region | undefined)[] = [undefined];

  /** Maps a region and returns the address of its byte 0. */
  add(region: Omit<Region, "view"> & { view?: DataView }): bigint {
    // Every region gets the same shape (all fields, in one order), so the interpreter's
    // property reads on regions stay monomorphic.
    const r: Region = {
      kind: region.kind,
      label: region.label,
      bytes: region.bytes,
      view: region.view ?? new DataView(region.bytes.buffer, region.bytes.byteOffset, region.bytes.byteLength),
      lo: region.lo,
      hi: region.hi,
      writable: region.writable,
      readCtx: region.readCtx,
      readCtxInto: region.readCtxInto,
      payload: region.payload,
    };
    if (this.regions.length > MAX_REGIONS) throw new RawFault("memory", `more than ${MAX_REGIONS} memory regions mapped in one run`);
    this.regions.push(r);
    return regionBase(this.regions.length - 1);
  }

  /** Number of mapped regions (plus the unmapped region 0): a mark for truncate. */
  get size(): number {
    return this.regions.length;
  }

  /** Unmaps every region added after `mark` (from size). */
  truncate(mark: number): void {
    this.regions.length = Math.max(1, Math.min(mark, this.regions.length));
  }

  /** The region table itself (index = region index), for the interpreter's fast paths. */
  get table(): readonly (Region | undefined)[] {
    return this.regions;
  }

  /** The region with this index (bits 63..48 of its addresses). */
  at(index: number): Region | undefined {
    return this.regions[index];
  }

  region(addr: bigint): Region | undefined {
    return (addr & GUARD_MASK) === 0n ? this.regions[Number(addr >> REGION_SHIFT)] : undefined;
  }

  /** Why `addr` reaches no region: null, a small scalar, or how far outside the nearest region it is. */
  private stray(addr: bigint, size: number, write: boolean): RawFault {
    const access = `${write ? "store" : "load"} of ${size} bytes at ${hexAddr(addr)}`;
    if (addr === 0n) return new RawFault("memory", `${access}: null pointer`);
    if (addr < 1n << 32n) return new RawFault("memory", `${access}: a scalar, not a pointer`);
    const index = Number((addr + (1n << (REGION_SHIFT - 1n))) >> REGION_SHIFT);
    const near = index > 0 && index < this.regions.length ? this.regions[index] : undefined;
    if (!near) return new RawFault("memory", `${access}: unmapped memory`);
    const offset = BigInt.asIntN(64, addr - regionBase(index));
    return new RawFault("memory", `${access} is outside the ${near.label} (offset ${offset - BigInt(near.lo)}, accessible size ${near.hi - near.lo})`);
  }

  /** The region and offset of an access of `size` bytes at `addr`, checked. */
  resolve(addr: bigint, size: number, write: boolean): { region: Region; offset: number } {
    const index = Number(addr >> REGION_SHIFT);
    const region = (addr & GUARD_MASK) === 0n && index < this.regions.length ? this.regions[index] : undefined;
    if (!region) throw this.stray(addr, size, write);
    const offset = Number(addr & OFFSET_MASK);
    if (region.kind === "map" || region.kind === "func") {
      throw new RawFault("memory", `${write ? "store" : "load"} of ${size} bytes through a ${region.kind === "map" ? "map" : "function"} pointer (${region.label})`);
    }
    if (offset < region.lo || offset + size > region.hi) {
      throw new RawFault(
        "memory",
        `${write ? "store" : "load"} of ${size} bytes at ${hexAddr(addr)} is outside the ${region.label} (offset ${offset - region.lo}, accessible size ${region.hi - region.lo})`,
      );
    }
    if (write && !region.writable) throw new RawFault("memory", `store of ${size} bytes at ${hexAddr(addr)}: the ${region.label} is read-only`);
    return { region, offset };
  }

  load(addr: bigint, size: number): bigint {
    const { region, offset } = this.resolve(addr, size, false);
    if (region.readCtx) {
      const v = region.readCtx(offset, size);
      if (v === undefined) throw new RawFault("memory", `load of ${size} bytes at offset ${offset} of the ${region.label} is not a valid field access`);
      return v;
    }
    const view = region.view;
    switch (size) {
      case 1:
        return BigInt(view.getUint8(offset));
      case 2:
        return BigInt(view.getUint16(offset, true));
      case 4:
        return BigInt(view.getUint32(offset, true));
      default:
        return view.getBigUint64(offset, true);
    }
  }

  store(addr: bigint, size: number, value: bigint): void {
    const { region, offset } = this.resolve(addr, size, true);
    if (region.readCtx) throw new RawFault("memory", `store to the ${region.label} is not allowed`);
    const view = region.view;
    switch (size) {
      case 1:
        view.setUint8(offset, Number(value & 0xffn));
        return;
      case 2:
        view.setUint16(offset, Number(value & 0xffffn), true);
        return;
      case 4:
        view.setUint32(offset, Number(value & 0xffffffffn), true);
        return;
      default:
        view.setBigUint64(offset, BigInt.asUintN(64, value), true);
    }
  }

  /** A checked view of `len` bytes at `addr`, for helpers that read or write buffers. */
  bytes(addr: bigint, len: number, write: boolean): Uint8Array {
    if (len === 0) return new Uint8Array(0);
    const { region, offset } = this.resolve(addr, len, write);
    if (region.readCtx) throw new RawFault("memory", `the ${region.label} cannot be used as a buffer`);
    return region.bytes.subarray(offset, offset + len);
  }
}
