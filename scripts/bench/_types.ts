/** One benchmark case: `run` returns the measured value (already a median of several runs). */
export interface BenchCase {
  /** Dotted name, e.g. `book.events_per_s`. */
  name: string;
  /** Unit of the value, e.g. `events/s`. */
  unit: string;
  /** The target from the issue, shown in the table, e.g. `>= 5,000,000`. */
  target?: string;
  /** Runs the benchmark and returns the median measured value. */
  run(): Promise<number> | number;
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
