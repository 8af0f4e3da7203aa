/** A monotonic stopwatch in seconds, for duration metrics only: nothing decides on it, so it is not the injected clock. */
export function stopwatch(): () => number {
  const start = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - start) / 1e9;
}
