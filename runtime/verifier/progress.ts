// Progress reports of a long verification: the walk calls `tick` every PROGRESS_CHECK_EVERY
// processed instructions; the clock is read only then, and the callback runs once a full
// interval has passed since the start or the last report (so a walk shorter than one interval
// reports nothing).

export interface VerifyProgress {
  readonly program: string;
  /** Instructions processed so far (the kernel's insn_processed). */
  readonly processed: number;
  /** States stored for pruning so far (the kernel's total_states). */
  readonly states: number;
  /** The instruction about to be processed. */
  readonly insn: number;
  readonly elapsedMs: number;
}

export type ProgressCallback = (p: VerifyProgress) => void;

/** A power of two: the walk tests `(processed & (PROGRESS_CHECK_EVERY - 1)) === 0`. */
export const PROGRESS_CHECK_EVERY = 4096;

export class ProgressClock {
  private readonly start = performance.now();
  private next: number;

  constructor(
    private readonly program: string,
    private readonly report: ProgressCallback,
    private readonly intervalMs = 1000,
  ) {
    this.next = this.start + intervalMs;
  }

  tick(processed: number, states: number, insn: number): void {
    const now = performance.now();
    if (now < this.next) return;
    this.next = now + this.intervalMs;
    this.report({ program: this.program, processed, states, insn, elapsedMs: now - this.start });
  }
}
