import assert from "node:assert/strict";
import { calibrateTapes } from "../../lib/calibration/calibrate.ts";
import { fitted } from "../../lib/calibration/estimate.ts";
import { clampToModelRange } from "../../lib/calibration/model_range.ts";
import { LobsterParser } from "../../lib/data/lobster.ts";
import type { Tape } from "../../lib/data/tape.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { MAX_DECAY } from "../../lib/market/arrivals.ts";
import { generateLobster } from "../data/_fixtures.ts";

/**
 * A LOBSTER tape of `events` random L3 events (`generateLobster`), `levels` levels, on `date`;
 * `time(n, N)`, when given, sets the n-th message's time (s after 9:30).
 */
function randomBook(
  seed: number,
  events: number,
  levels: number,
  date: string,
  time?: (n: number, count: number) => number,
): Tape {
  const g = generateLobster(seed, events, levels);
  if (time) {
    g.messages = g.messages.map((m, n) =>
      `${(34_200 + time(n, g.messages.length)).toFixed(9)}${m.slice(m.indexOf(","))}`
    );
  }
  const p = new LobsterParser({
    message: `PRB_${date}_34200000_57600000_message_${levels}.csv`,
    orderbook: `PRB_${date}_34200000_57600000_orderbook_${levels}.csv`,
    ticker: "PRB",
    date,
    levels,
    startMs: 34_200_000,
    endMs: 57_600_000,
  });
  g.messages.forEach((m, i) => p.push(m, g.rows[i], i + 1));
  return p.finish();
}

Deno.test("clampToModelRange: each fitted value beyond its model's bounds moves to the bound, once, with a note", () => {
  const est = {
    "flow.cancellation.depletion": fitted(250, 10, "ratio", "a fit"),
    "flow.cancellation.rate": fitted(0.5, 0.1, "per second", "a fit"),
    "flow.sizes.marketTail": fitted(1.02, 0.01, "exponent", "a fit"),
  };
  const config = () => ({
    tier: "book" as const,
    flow: {
      cancellation: {
        depletion: est["flow.cancellation.depletion"].value,
        rate: est["flow.cancellation.rate"].value,
      },
      sizes: { marketTail: est["flow.sizes.marketTail"].value },
    },
  });
  const warnings: string[] = [];
  const moved = clampToModelRange(config, est, warnings);
  assert.deepEqual(moved.sort(), ["flow.cancellation.depletion", "flow.sizes.marketTail"]);
  assert.equal(est["flow.cancellation.depletion"].value, 100);
  assert.equal(est["flow.sizes.marketTail"].value, 1.1);
  assert.equal(est["flow.cancellation.rate"].value, 0.5); // within range: untouched
  assert.equal(warnings.length, 2);
  assert.match(est["flow.sizes.marketTail"].note ?? "", /fitted 1\.02.*bound 1\.1/);
  parseEnvConfig(config());
  // a failure that is not a fitted value's is left to the caller's validation
  const other = () => ({ ...config(), tickSize: -1 });
  assert.deepEqual(clampToModelRange(other, est, warnings), []);
  assert.equal(warnings.length, 2);
});

Deno.test("calibrate: a tape whose cancellation fit is beyond the model's range gives a preset at the bound, with a warning", () => {
  // a random L3 book whose orders are cancelled at random whatever their size: the per-lot
  // hazard of a thin touch (one small order) is ~100× the hazard behind it, and the Hawkes
  // fit's decays run to the clock's nanoseconds
  const cal = calibrateTapes([randomBook(1, 12_000, 10, "2012-06-21")], {
    refine: false,
    name: "prb",
  });
  const dep = cal.estimates["flow.cancellation.depletion"];
  assert.equal(dep.value, 100);
  assert.match(dep.note ?? "", /fitted \d+(\.\d+)?, beyond the model's range/);
  assert.ok(cal.warnings.some((w) => w.startsWith("flow.cancellation.depletion: fitted")));
  const cfg = parseEnvConfig(cal.preset.config);
  assert.ok(cfg.flow.arrivals.beta.flat().every((b) => b <= MAX_DECAY));
});

Deno.test("calibrate: where the Hawkes fit is not stationary the cancellation hazard is the fitted one, not a negative share of it", () => {
  // a random book whose activity grows all day (the n-th of N events at 20,000·(n/N)^0.2 s,
  // a rate rising like t⁴): the Hawkes fit has branching ratio ≥ 1, so the arrivals fall back
  // to Poisson (no triggered cancellations) and the mean intensity the triggered share was
  // read from does not exist (it came out negative: a rate of −6·10⁻⁵/s)
  const tape = randomBook(1, 8_000, 5, "2012-06-21", (n, N) => 20_000 * ((n + 1) / N) ** 0.2);
  const cal = calibrateTapes([tape], { refine: false, name: "growing" });
  assert.ok(cal.warnings.some((w) => w.includes("not stationary")));
  const rate = cal.estimates["flow.cancellation.rate"];
  assert.ok(rate.value > 0, `${rate.value}`);
  assert.equal(rate.note, undefined); // not moved to a bound
  assert.doesNotMatch(rate.method, /not triggered by the excitation/);
  assert.equal(parseEnvConfig(cal.preset.config).flow.arrivals.kind, "poisson");
});

Deno.test("calibrate: a regime beyond the model's range goes to its bound with a warning (the preset failed validation)", () => {
  // a random book whose activity crowds into the morning (the n-th of N events at
  // 20,000·(n/N)^6 s, a rate falling like t^(−5/6)): its busiest regime's order rate is 86
  // times the mean, beyond the regimes' 20
  const tape = randomBook(2, 8_000, 5, "2012-06-21", (n, N) => 20_000 * ((n + 1) / N) ** 6);
  const cal = calibrateTapes([tape], { refine: false, name: "steep" });
  assert.ok(
    cal.warnings.some((w) =>
      /^regimes: a fitted flow multiplier of \d+ is beyond the model's 20; set to 20$/.test(w)
    ),
    cal.warnings.join("; "),
  );
  const regimes = parseEnvConfig(cal.preset.config).regimes;
  assert.ok(regimes.flowMultipliers.includes(20) && regimes.flowMultipliers.every((f) => f <= 20));
});
