/**
 * A simulated market written as a recorded tape: the book tier run with known parameters and
 * recorded the way a venue's L2 feed is — a snapshot of the book's first `levels` price
 * levels a side, then every changed level once per step (`dt`, 100 ms by default) and every
 * execution with its aggressor side — in ALPE's generic CSV format (`lib/data/csv.ts`). Any
 * loader-based tool reads it like a real recording, so a preset can be calibrated from its
 * own simulation and compared with it: whether the calibration recovers a market it can
 * represent (docs/realism.md).
 *
 * - **Assumes:** the feed shows the book at the end of each step (changes within a step are
 *   netted, as on a batched feed); levels beyond `levels` are not shown, and one that leaves
 *   the shown depth is not removed (it may still exist).
 * - **Ignores:** the agent (none trades), feed latency (one clock), order ids (an L2 feed).
 * - **Units:** times in ns since 2023-11-14T22:13:20Z (1.7·10¹⁸ ns); prices in the
 *   instrument's units (ticks × `tickSize`); quantities in the instrument's units (lots ×
 *   `lotSize`, `# qty_step=` the lot), or in lots with `quantities: "lots"`.
 *
 * @module
 */
import { createL2Snapshot } from "../book/order_book.ts";
import { CsvParser } from "../data/csv.ts";
import type { Tape } from "../data/tape.ts";
import { requireInt, ValidationError } from "../errors.ts";
import { BookMarket, NS_PER_S } from "../env/book_market.ts";
import { type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { MAX_SEED } from "../rng/rng.ts";

/** Options of {@linkcode simulatedTapeCsv}. */
export interface SimulatedTapeOptions {
  /** Market seconds to record, one continuous run (in (0, 86,400]). */
  seconds: number;
  /** Seed of the run (default 0). */
  seed?: number;
  /** Price levels a side the feed shows (default 60). */
  levels?: number;
  /**
   * Units of the quantities: `instrument` (default; lots × `lotSize`, calibrate with the
   * preset's lot) or `lots` (calibrate with a lot of 1).
   */
  quantities?: "instrument" | "lots";
}

/** Start of the simulated tape's clock, ns since the Unix epoch. */
const ORIGIN = 1_700_000_000_000_000_000n;

/** Significant decimals of a quantity or price written (the CSV loader reads 9 places). */
function decimal(x: number): string {
  return String(Number(x.toFixed(9)));
}

/**
 * Runs `config` (on the book tier) for `options.seconds` and hands each line of its CSV tape
 * to `line`: the header, a snapshot, then the trades and changed levels of every step.
 * Deterministic for a seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeSimulatedTape } from "./sim_tape.ts";
 * const lines: string[] = [];
 * writeSimulatedTape({ duration: 60 }, { seconds: 5, seed: 1 }, (l) => lines.push(l));
 * assert.equal(lines[3], "ts,type,side,price,qty");
 * assert.ok(lines.some((l) => l.includes(",trade,")));
 * ```
 */
export function writeSimulatedTape(
  config: EnvConfigInput,
  options: SimulatedTapeOptions,
  line: (text: string) => void,
): void {
  const seconds = options.seconds;
  if (!(seconds > 0 && seconds <= 86_400)) {
    throw new ValidationError("seconds", seconds, "a recording length in (0, 86,400] s");
  }
  const seed = requireInt("seed", options.seed ?? 0, 0, MAX_SEED);
  const levels = requireInt("levels", options.levels ?? 60, 1, 10_000);
  const quantities = options.quantities ?? "instrument";
  if (quantities !== "instrument" && quantities !== "lots") {
    throw new ValidationError("quantities", quantities, '"instrument" or "lots"');
  }
  const cfg = parseEnvConfig({ ...config, tier: "book", duration: seconds });
  const m = new BookMarket(cfg, { tape: true });
  m.reset(seed);
  const tick = cfg.tickSize;
  const unit = quantities === "lots" ? 1 : cfg.lotSize;
  line("# instrument=SIM");
  line(`# tick_size=${tick}`);
  if (quantities === "instrument") line(`# qty_step=${cfg.lotSize}`);
  line("ts,type,side,price,qty");
  const ts = (t: number) => String(ORIGIN + BigInt(Math.round(t * NS_PER_S)));
  const px = (p: number) => (p * tick).toFixed(8);
  const qty = (q: number) => decimal(q * unit);
  const snap = createL2Snapshot(levels);
  const shown = () => {
    m.book.l2(levels, snap);
    const out = new Map<string, number>();
    for (let i = 0; i < snap.bidLevels; i++) out.set(`bid:${snap.bidPrice[i]}`, snap.bidQty[i]);
    for (let i = 0; i < snap.askLevels; i++) out.set(`ask:${snap.askPrice[i]}`, snap.askQty[i]);
    return out;
  };
  let prev = shown();
  for (const [k, q] of prev) {
    const [side, p] = k.split(":");
    line(`${ts(0)},snapshot,${side},${px(Number(p))},${qty(q)}`);
  }
  const steps = Math.round(seconds / cfg.dt);
  const tape = m.tape!;
  let traded = 0;
  for (let k = 1; k <= steps; k++) {
    const end = Math.round(k * cfg.dt * NS_PER_S);
    m.scheduleSnapshot(end);
    m.advance(end);
    m.endStep(cfg.dt);
    for (; traded < tape.trades; traded++) {
      const side = tape.side[traded] === 0 ? "buy" : "sell";
      line(
        `${ts(tape.tradeTime[traded])},trade,${side},${px(tape.price[traded])},${
          qty(tape.qty[traded])
        }`,
      );
    }
    const now = shown();
    const t = ts(k * cfg.dt);
    for (const [key, q] of now) {
      if (prev.get(key) !== q) {
        const [side, p] = key.split(":");
        line(`${t},update,${side},${px(Number(p))},${qty(q)}`);
      }
    }
    for (const key of prev.keys()) {
      if (!now.has(key)) {
        const [side, p] = key.split(":");
        // a level beyond the shown depth may still exist: remove only inside it
        const inside = side === "bid"
          ? snap.bidLevels < levels || Number(p) >= snap.bidPrice[snap.bidLevels - 1]
          : snap.askLevels < levels || Number(p) <= snap.askPrice[snap.askLevels - 1];
        if (inside) line(`${t},update,${side},${px(Number(p))},0`);
        else now.set(key, prev.get(key)!);
      }
    }
    prev = now;
  }
}

/**
 * The lines of {@linkcode writeSimulatedTape}'s CSV tape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulatedTapeCsv } from "./sim_tape.ts";
 * const lines = simulatedTapeCsv({ duration: 60, lotSize: 100 }, { seconds: 5 });
 * assert.equal(lines[2], "# qty_step=100");
 * ```
 */
export function simulatedTapeCsv(config: EnvConfigInput, options: SimulatedTapeOptions): string[] {
  const lines: string[] = [];
  writeSimulatedTape(config, options, (l) => lines.push(l));
  return lines;
}

/**
 * The {@linkcode Tape} of {@linkcode writeSimulatedTape}'s CSV tape, parsed in memory (named
 * `sim.csv`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulatedTape } from "./sim_tape.ts";
 * const tape = simulatedTape({ duration: 60 }, { seconds: 5, seed: 2 });
 * assert.equal(tape.meta.instrument, "SIM");
 * ```
 */
export function simulatedTape(config: EnvConfigInput, options: SimulatedTapeOptions): Tape {
  const p = new CsvParser("sim.csv");
  let n = 0;
  writeSimulatedTape(config, options, (l) => p.push(l, ++n));
  return p.finish();
}
