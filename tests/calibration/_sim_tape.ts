/**
 * A recorded tape made from a simulation, for calibration tests: the book tier is run with
 * known parameters and written as a generic CSV tape (an L2 snapshot, then the changed
 * levels every 100 ms and every trade with its aggressor), exactly as a venue's feed would
 * be recorded; the CSV loader then turns it into a `Tape`.
 *
 * @module
 */
import { ASK, BID, createL2Snapshot } from "../../lib/book/order_book.ts";
import { CsvParser } from "../../lib/data/csv.ts";
import type { Tape } from "../../lib/data/tape.ts";
import { BookMarket, NS_PER_S } from "../../lib/env/book_market.ts";
import { type EnvConfigInput, parseEnvConfig } from "../../lib/env/config.ts";

const ORIGIN = 1_700_000_000_000_000_000n;
const LEVELS = 60;

/** CSV lines of `seconds` of the market `config` (seed `seed`). */
export function simulatedCsv(config: EnvConfigInput, seconds: number, seed: number): string[] {
  const cfg = parseEnvConfig({ ...config, tier: "book", duration: seconds });
  const m = new BookMarket(cfg, { tape: true });
  m.reset(seed);
  const tick = cfg.tickSize;
  const lines = ["# instrument=SIM", `# tick_size=${tick}`, "ts,type,side,price,qty"];
  const ts = (t: number) => String(ORIGIN + BigInt(Math.round(t * NS_PER_S)));
  const px = (p: number) => (p * tick).toFixed(8);
  const snap = createL2Snapshot(LEVELS);
  const levels = () => {
    m.book.l2(LEVELS, snap);
    const out = new Map<string, number>();
    for (let i = 0; i < snap.bidLevels; i++) out.set(`bid:${snap.bidPrice[i]}`, snap.bidQty[i]);
    for (let i = 0; i < snap.askLevels; i++) out.set(`ask:${snap.askPrice[i]}`, snap.askQty[i]);
    return out;
  };
  let prev = levels();
  for (const [k, q] of prev) {
    const [side, p] = k.split(":");
    lines.push(`${ts(0)},snapshot,${side},${px(Number(p))},${q}`);
  }
  const steps = Math.round(seconds / cfg.dt);
  let traded = 0;
  for (let k = 1; k <= steps; k++) {
    const end = Math.round(k * cfg.dt * NS_PER_S);
    m.scheduleSnapshot(end);
    m.advance(end);
    m.endStep(cfg.dt);
    const tape = m.tape!;
    for (; traded < tape.trades; traded++) {
      const side = tape.side[traded] === 0 ? "buy" : "sell";
      lines.push(
        `${ts(tape.tradeTime[traded])},trade,${side},${px(tape.price[traded])},${tape.qty[traded]}`,
      );
    }
    const now = levels();
    const t = ts(k * cfg.dt);
    for (const [key, q] of now) {
      if (prev.get(key) !== q) {
        const [side, p] = key.split(":");
        lines.push(`${t},update,${side},${px(Number(p))},${q}`);
      }
    }
    for (const key of prev.keys()) {
      if (!now.has(key)) {
        const [side, p] = key.split(":");
        // a level beyond the snapshot's depth may still exist: remove only inside it
        const inside = side === "bid"
          ? snap.bidLevels < LEVELS || Number(p) >= snap.bidPrice[snap.bidLevels - 1]
          : snap.askLevels < LEVELS || Number(p) <= snap.askPrice[snap.askLevels - 1];
        if (inside) lines.push(`${t},update,${side},${px(Number(p))},0`);
        else now.set(key, prev.get(key)!);
      }
    }
    prev = now;
  }
  void BID;
  void ASK;
  return lines;
}

/** The tape of {@linkcode simulatedCsv} (parsed in memory, named `sim.csv`). */
export function simulatedTape(config: EnvConfigInput, seconds: number, seed: number): Tape {
  const p = new CsvParser("sim.csv");
  simulatedCsv(config, seconds, seed).forEach((l, i) => p.push(l, i + 1));
  return p.finish();
}
