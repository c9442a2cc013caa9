/**
 * Episode windows of recorded tapes: each tape's book span is cut into windows of the
 * episode's duration, starting at whole seconds after the book is known and every `stride`
 * seconds after that (disjoint by default). A window never spans a gap in the book (a sequence
 * gap re-synchronized later) and starts with both sides of the book present. Windows are
 * numbered tape by tape in time order, and identified across runs by
 * `<tape name>@<start seconds since the tape's origin>`.
 *
 * {@linkcode splitWindows} holds out the later part of every tape for evaluation and keeps the
 * earlier part for calibration and training, so that what is tuned or learned never sees an
 * evaluation window (held out by time, as Spooner et al. 2018 hold out by date).
 *
 * @module
 */
import { TapeTooShortError } from "./errors.ts";
import { type Tape, upperBound } from "./tape.ts";

/** One episode window. */
export interface TapeWindow {
  /** Index of the tape in the list the plan was made from. */
  tape: number;
  /** Stable identity: `<tape name>@<start seconds since origin>`. */
  id: string;
  /** Start, exchange ns since the tape's origin. */
  startTs: number;
  /** End (exclusive), exchange ns since the tape's origin. */
  endTs: number;
  /** First row at or after the start. */
  startRow: number;
  /** First row at or after the end. */
  endRow: number;
  /** Tape events inside the window. */
  events: number;
}

/** Nanoseconds per second. */
const NS = 1e9;

/**
 * The windows of `duration` seconds of `tapes`, one every `stride` seconds (default: the
 * duration, i.e. disjoint). Throws a {@linkcode TapeTooShortError} naming the tape's file when
 * no tape holds a whole window.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "./csv.ts";
 * import { planWindows } from "./windows.ts";
 * const p = new CsvParser("t.csv");
 * const lines = ["ts,type,side,price,qty", "0,snapshot,bid,9.99,5", "0,snapshot,ask,10.01,5"];
 * for (let s = 1; s <= 30; s++) lines.push(`${s}000000000,update,bid,9.99,${s}`);
 * lines.forEach((l, i) => p.push(l, i + 1));
 * const w = planWindows([p.finish()], 10);
 * // the book exists from t = 0 s, so the first window starts at 10 s: [10, 20), [20, 30)
assert.deepEqual(w.map((x) => x.id), ["t@10", "t@20"]);
 * ```
 */
export function planWindows(
  tapes: readonly Tape[],
  duration: number,
  stride: number = duration,
): TapeWindow[] {
  if (!(duration > 0) || !(stride > 0)) {
    throw new RangeError(
      `planWindows: duration and stride must be > 0 (got ${duration}, ${stride})`,
    );
  }
  const out: TapeWindow[] = [];
  const d = Math.round(duration * NS);
  const st = Math.round(stride * NS);
  tapes.forEach((tape, ti) => {
    const c = tape.columns;
    const n = tape.length;
    if (n === 0) return;
    const bookStart = Math.min(tape.meta.bookStart, n - 1);
    const first = Math.ceil(c.ts[bookStart] / NS) * NS;
    const last = c.ts[n - 1];
    for (let s = first; s + d <= last; s += st) {
      const e = s + d;
      if (tape.meta.gaps.some((g) => g.fromTs < e && g.toTs > s)) continue;
      const startRow = upperBound(c.ts, s - 1);
      const before = startRow - 1;
      if (before < bookStart || !(c.bestBid[before] < c.bestAsk[before])) continue;
      const endRow = upperBound(c.ts, e - 1, startRow);
      out.push({
        tape: ti,
        id: `${tape.meta.name}@${Number((s / NS).toFixed(3))}`,
        startTs: s,
        endTs: e,
        startRow,
        endRow,
        events: endRow - startRow,
      });
    }
  });
  if (out.length === 0) {
    const spans = tapes.map((t) =>
      `${t.meta.sources[0]} (${
        t.length
          ? ((t.columns.ts[t.length - 1] - t.columns.ts[Math.min(t.meta.bookStart, t.length - 1)]) /
            NS).toFixed(1)
          : 0
      } s of book)`
    ).join(", ");
    throw new TapeTooShortError(
      tapes[0]?.meta.sources[0] ?? "(no tape)",
      `too short for a window of ${duration} s: ${spans} hold no whole window with both sides ` +
        "of the book present",
    );
  }
  return out;
}

/** Window indices for calibration / training and for evaluation. */
export interface WindowSplit {
  /** The earlier windows of each tape (calibration of rival agents, training). */
  calibration: number[];
  /** The later windows of each tape (evaluation only). */
  evaluation: number[];
}

/**
 * Splits `windows` by time, tape by tape: the last `evaluationFraction` of each tape's windows
 * (rounded up, at least one) are evaluation windows, the earlier ones calibration windows (at
 * least one when the tape has two or more windows).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitWindows, type TapeWindow } from "./windows.ts";
 * const w = (tape: number) => ({ tape }) as TapeWindow;
 * const s = splitWindows([w(0), w(0), w(0), w(0), w(1), w(1)], 0.5);
 * assert.deepEqual(s, { calibration: [0, 1, 4], evaluation: [2, 3, 5] });
 * ```
 */
export function splitWindows(
  windows: readonly TapeWindow[],
  evaluationFraction = 0.5,
): WindowSplit {
  if (!(evaluationFraction > 0 && evaluationFraction < 1)) {
    throw new RangeError(
      `splitWindows: evaluationFraction must be in (0, 1), got ${evaluationFraction}`,
    );
  }
  const byTape = new Map<number, number[]>();
  windows.forEach((w, i) => {
    const list = byTape.get(w.tape) ?? [];
    list.push(i);
    byTape.set(w.tape, list);
  });
  const calibration: number[] = [], evaluation: number[] = [];
  for (const list of [...byTape.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1])) {
    let nEval = Math.ceil(list.length * evaluationFraction);
    if (list.length >= 2 && nEval >= list.length) nEval = list.length - 1;
    const cut = list.length - nEval;
    calibration.push(...list.slice(0, cut));
    evaluation.push(...list.slice(cut));
  }
  return { calibration, evaluation };
}
