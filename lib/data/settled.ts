/**
 * Where a message's effect on the book is complete.
 *
 * A depth-limited source (a LOBSTER level-N file) shows only the best N levels, so after a
 * message the loader follows it with `LEVEL` rows flagged `REVEALED`, at the same time, that
 * set the tape's shown levels to the file's (lobster.ts). Between the message's row and
 * those rows the tape's best quotes are **transient**: after a deletion empties the best
 * level they show the next level the tape last knew, which may be stale or gone. On the
 * AMZN level-1 day a third of the deletions at the touch that move the mid (3,237 of 9,638)
 * show a transient mid that is not the one the file gives after the message, 1.40 ticks
 * away from the one before on average where the settled mid is 1.30. A statistic of one
 * message's effect (the mid's move by a deletion, a count of quote changes) reads the
 * settled row; a statistic of time reads the last row of each time, as `quoteView` and the
 * calibration's records do.
 *
 * @module
 */
import { EVENT, FLAG, type Tape } from "./tape.ts";

/**
 * The last row of message row `i`'s `REVEALED` level rows (those that follow it at the same
 * time), or `i` itself when none follow: the row after which the tape's book is the
 * source's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LobsterParser } from "./lobster.ts";
 * import { settledRow } from "./settled.ts";
 * const p = new LobsterParser({
 *   message: "X_2012-06-21_0_1_message_1.csv", orderbook: "X_2012-06-21_0_1_orderbook_1.csv",
 *   ticker: "X", date: "2012-06-21", levels: 1, startMs: 0, endMs: 1,
 * });
 * p.push("34200.1,1,1,10,999000,1", "1001000,50,999000,10", 1); // a bid at $99.90
 * p.push("34200.2,1,2,100,1000000,1", "1001000,50,1000000,100", 2); // a better one at $100.00
 * p.push("34200.3,3,2,100,1000000,1", "1001000,50,999500,30", 3); // it goes; $99.95 is best
 * const tape = p.finish();
 * const del = tape.columns.kind.lastIndexOf(3); // the DELETE's row
 * assert.equal(tape.columns.bestBid[del], 9990); // transient: the $99.90 the tape last knew
 * const end = settledRow(tape, del);
 * assert.equal(tape.columns.bestBid[end], 9995); // the file's best bid after the message
 * assert.equal(settledRow(tape, end), end);
 * ```
 */
export function settledRow(tape: Tape, i: number): number {
  const c = tape.columns;
  const ts = c.ts[i];
  let j = i;
  while (
    j + 1 < tape.length && c.ts[j + 1] === ts && c.kind[j + 1] === EVENT.LEVEL &&
    (c.flags[j + 1] & FLAG.REVEALED) !== 0
  ) j++;
  return j;
}
