/**
 * Notices that this process was frozen (SIGSTOP, a suspended VM, a stalled
 * host): the wall clock jumped further between two looks than the agent ever
 * lets pass while it runs. While frozen the node sent no heartbeat, so the
 * control plane may have declared it lost and replaced its pods; whatever the
 * agent believed before the gap is suspect until it has re-read its
 * assignments. Every timer, event and report path calls `check()` before it
 * acts, so the first thing to run after a resume sees the gap.
 */

/** The gap in ms if `nowMs - lastMs` exceeds the threshold (a pause), else null. Pure. */
export function pauseGap(lastMs: number, nowMs: number, thresholdMs: number): number | null {
  const gap = nowMs - lastMs;
  return gap > thresholdMs ? gap : null;
}

export interface PauseDetectorOptions {
  thresholdMs: number;
  /** How often to look while nothing else does (well below the threshold). */
  tickMs: number;
  now: () => number;
  onPause: (gapMs: number) => void;
}

export class PauseDetector {
  private last: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: PauseDetectorOptions) {
    this.last = opts.now();
  }

  /** Looks at the clock; calls onPause (synchronously) and returns true if the process was frozen since the last look. */
  check(): boolean {
    const now = this.opts.now();
    const gap = pauseGap(this.last, now, this.opts.thresholdMs);
    this.last = now;
    if (gap === null) return false;
    this.opts.onPause(gap);
    return true;
  }

  start(): void {
    if (this.timer) return;
    this.last = this.opts.now();
    this.timer = setInterval(() => this.check(), this.opts.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
