// File descriptors of kernel BPF objects (maps, programs, BTF, links) as owned handles.
//
// Invariants: an Fd closes its descriptor exactly once (close() again is a no-op, never a
// second close(2) that could hit a reused number); using a closed Fd throws. An FdScope
// collects the fds made during a multi-step operation and closes them all, newest first,
// unless the operation succeeded and took ownership (`release()`), so an error anywhere
// leaves no descriptor open.

import { closeFd } from "./syscall.js";

export class Fd {
  #fd: number;

  constructor(fd: number, readonly what: string) {
    if (!Number.isInteger(fd) || fd < 0) throw new RangeError(`${what}: ${fd} is not a file descriptor`);
    this.#fd = fd;
  }

  /** The descriptor number; throws once closed. */
  get fd(): number {
    if (this.#fd < 0) throw new Error(`${this.what}: file descriptor used after close`);
    return this.#fd;
  }

  get closed(): boolean {
    return this.#fd < 0;
  }

  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    closeFd(fd);
  }
}

/** Owns fds until released; `closeAll()` closes what it still owns. */
export class FdScope {
  private readonly owned: Fd[] = [];

  /** Takes ownership of `fd` (returned for chaining). */
  add<T extends Fd>(fd: T): T {
    this.owned.push(fd);
    return fd;
  }

  /** Stops owning `fd`, e.g. an inner-map template closed early. */
  forget(fd: Fd): void {
    const i = this.owned.indexOf(fd);
    if (i >= 0) this.owned.splice(i, 1);
  }

  /** Hands ownership to the caller: the scope will close nothing. */
  release(): void {
    this.owned.length = 0;
  }

  /** Closes every owned fd, newest first; the first close error is rethrown after all were tried. */
  closeAll(): void {
    let first: unknown;
    while (this.owned.length > 0) {
      try {
        this.owned.pop()!.close();
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== undefined) throw first;
  }

  /** Runs `body`; on a throw closes everything owned and rethrows the original error. */
  static guard<T>(body: (scope: FdScope) => T): T {
    const scope = new FdScope();
    try {
      const out = body(scope);
      scope.release();
      return out;
    } catch (e) {
      try {
        scope.closeAll();
      } catch {
        // The original error is the one worth reporting.
      }
      throw e;
    }
  }
}
