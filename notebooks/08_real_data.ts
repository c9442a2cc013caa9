// %% [markdown]
// # 08 · Real data: a recorded order book, a calibrated market, and agents on both
//
// ALPE ships two real recordings (`data/real/`): 346 s of Binance spot BTCUSDT (a one-tick spread at
// 61,700 USDT, prices that move by hundreds of ticks a second) and a full day of NASDAQ AMZN from LOBSTER
// (a 13-tick spread at 222 USD, one market order every three seconds). This notebook:
//
// 1. **looks** at a tape: the best quotes, the spread, the trades;
// 2. **calibrates** the book-tier simulator to it (`calibrateTapes`, what `deno task calibrate` runs);
// 3. reads the **realism report**: the same stylized facts on the real and on the simulated market,
//    each judged against its sampling error (`deno task realism`);
// 4. **backtests** Avellaneda–Stoikov, GLFT and PPO on the recorded book (the replay tier) and on the
//    calibrated simulator side by side, and asks where the two agree.
//
// See `docs/calibration.md` and `docs/realism.md` for the methods.

// %%
// Tapes, calibration and realism.
import {
  calibrateTapes,
  loadTape,
  quoteView,
  resolveMarket,
  runRealism,
  runRealismSeeds,
  tradeView,
} from "../mod.ts";
import { factFigure, realismSeedsTableRows, realismTableRows } from "../mod.ts";
// Backtests and showing results.
import { runCompareMarkets } from "../mod.ts";
import { show, showTable } from "../mod.ts";
import type { Figure } from "../mod.ts";
import { loadPlotly } from "../mod.ts";

// The notebook runs in notebooks/: paths from the repository root start with "../".
const BTC = "../data/real/binance/spot_btcusdt_20240808.gz";
const AMZN = "../data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";
// Presets are found by name (data/presets/NAME.json) from any working directory.

// plotly.js for the figures below, offline: a few small outputs of this cell (see docs/notebooks.md).
await loadPlotly();

// %% [markdown]
// ## 1. A recorded book
//
// `loadTape` reads the raw feed into one event tape (and caches it as Arrow). `quoteView` gives the best
// quotes each time they change; `tradeView` the trades with their aggressor.

// %%
const btc = await loadTape(BTC);
const quotes = quoteView(btc);
const trades = tradeView(btc);
const t0 = quotes.time[0];
const every = Math.max(1, Math.floor(quotes.time.length / 2_000));
const qi = Array.from({ length: Math.ceil(quotes.time.length / every) }, (_, k) => k * every);
const book: Figure = {
  data: [
    {
      type: "scatter",
      mode: "lines",
      name: "best bid",
      x: qi.map((i) => quotes.time[i] - t0),
      y: qi.map((i) => quotes.bid[i]),
      line: { shape: "hv", color: "#0072B2" },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "best ask",
      x: qi.map((i) => quotes.time[i] - t0),
      y: qi.map((i) => quotes.ask[i]),
      line: { shape: "hv", color: "#D55E00" },
    },
    ...[1, -1].map((sign) => {
      const idx = Array.from(trades.sign.keys()).filter((i) => trades.sign[i] === sign);
      return {
        type: "scatter",
        mode: "markers",
        name: sign > 0 ? "buyer-initiated trade" : "seller-initiated trade",
        x: idx.map((i) => trades.time[i] - t0),
        y: idx.map((i) => trades.price[i]),
        marker: { size: 4, color: sign > 0 ? "#009E73" : "#CC79A7", opacity: 0.6 },
      };
    }),
  ],
  layout: {
    title: { text: `${btc.meta.instrument}: best quotes and trades` },
    xaxis: { title: { text: "seconds" } },
    yaxis: { title: { text: "price (USDT)" } },
    height: 420,
  },
};
show(book);

// %% [markdown]
// The spread is one tick ($0.01) almost all the time, while the price moves in jumps of hundreds of ticks:
// the whole book moves at once. The AMZN day is the opposite regime: a wide spread in ticks, a thin touch.

// %%
const amzn = await loadTape(AMZN);
function spreadShares(tape: typeof btc): number[] {
  const q = quoteView(tape);
  const w = new Array(30).fill(0);
  for (let i = 0; i + 1 < q.time.length; i++) {
    const s = Math.round((q.ask[i] - q.bid[i]) / tape.meta.tickSize);
    if (s >= 1) w[Math.min(29, s - 1)] += q.time[i + 1] - q.time[i];
  }
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}
show({
  data: [
    {
      type: "bar",
      name: "BTCUSDT",
      x: Array.from({ length: 30 }, (_, i) => i + 1),
      y: spreadShares(btc),
      marker: { color: "#0072B2" },
    },
    {
      type: "bar",
      name: "AMZN",
      x: Array.from({ length: 30 }, (_, i) => i + 1),
      y: spreadShares(amzn),
      marker: { color: "#D55E00" },
    },
  ],
  layout: {
    title: { text: "Spread, share of time (the last bar holds 30 ticks and more)" },
    xaxis: { title: { text: "spread (ticks)" } },
    yaxis: { title: { text: "share of time" } },
    barmode: "group",
    height: 380,
  },
});

// %% [markdown]
// ## 2. Calibrating the simulator to the tape
//
// `calibrateTapes` fits every model of the book tier: Hawkes arrivals of market orders by maximum likelihood,
// market-order sizes relative to the touch (a censored likelihood), limit-order placement, cancellation hazards,
// the metaorder sign model, the impact of a sign surprise, volatility and the feed latency — each with a
// standard error or marked "not identified" — then adjusts by simulation the few quantities that emerge from the
// models together (the mid's variance, the depth at the touch, the spread, the 1-s kurtosis, the order rate).
// Here with three matching iterations; the shipped preset `btcusdt` ran eight.

// %%
const cal = calibrateTapes([btc], {
  refineIterations: 3,
  refineSeconds: 1_200,
  name: "btc-notebook",
});
const shipped = await resolveMarket("btcusdt");
const shippedEst =
  (shipped.provenance as { estimates: Record<string, { value: number }> }).estimates;
const keys = [
  "volatility",
  "flow.arrivals.marketRate",
  "flow.arrivals.alpha.0.0",
  "flow.arrivals.beta.0",
  "flow.sizes.marketMean",
  "flow.sizes.marketTail",
  "flow.placement.alpha",
  "flow.cancellation.rate",
  "flow.signs.metaorders",
  "flow.signs.lengthTail",
  "flow.fundamental.impactShare",
  "flow.fundamental.privateShare",
  "flow.informed.share",
  "latency.marketData",
];
showTable({
  columns: ["parameter", "this run", "std. error", "status", "shipped preset"],
  rows: keys.map((k) => {
    const e = cal.estimates[k];
    return [
      k,
      e.value,
      Number.isFinite(e.se) ? e.se : null,
      e.status,
      shippedEst[k]?.value ?? null,
    ];
  }),
  digits: 4,
});

// %% [markdown]
// **How to read it:** market orders cluster (each one brings about half another within ~15 ms: α ≈ 0.48,
// β ≈ 74/s); their sizes have a tail as heavy as the model allows (ζ at its bound 1.1); a trade's sign
// surprise moves the mid by about a hundred ticks within 0.2 s. What the data cannot say — the informed
// share, queue-position effects without order ids, deep placement on a level-1 file — is marked "not
// identified" and keeps the library's default; nothing is tuned to make an agent look good. The two runs
// agree on the direct fits; the moment-matched values differ a little (three iterations here, eight there).
// A moment-matched value without a standard error has none that can be trusted: computed on two halves of
// its simulations, its error differs by more than a factor of 2 — the matched moments barely tell it from
// the other knobs on a tape this short — and the preset's warnings say so.

// %% [markdown]
// ## 3. The realism report
//
// `runRealism` simulates a market and measures the same facts on it and on the tape. Each fact has a
// distance (Kolmogorov–Smirnov for distributions, relative error for scalars, a studentized sup distance
// for curves) and a tolerance: the 95 % quantile of that distance between block-bootstrap replicates of the
// two samples — what sampling error alone produces.

// %%
const realism = runRealism(shipped.config, [btc], { seconds: 3_600, resamples: 200 });
showTable({
  columns: ["fact", "distance", "value", "tolerance", "verdict", "note"],
  rows: realismTableRows(realism.result),
  digits: 3,
});

// %% [markdown]
// That table is one simulation: one draw. Under the null — the simulation and the tape from the same
// market — each fact still fails on about one draw in twenty, so a verdict worth quoting is how often a
// fact passes over several simulation seeds. `runRealismSeeds` (`deno task realism --seeds N`) runs the
// whole comparison once per seed and counts.

// %%
const overSeeds = runRealismSeeds(shipped.config, [btc], [0, 1, 2, 3, 4], {
  seconds: 3_600,
  resamples: 200,
});
showTable({
  columns: ["fact", "distance", "passed", "median value", "median tolerance", "per seed"],
  rows: realismSeedsTableRows(overSeeds),
  digits: 3,
});

// %% [markdown]
// A fact that passes on every seed is reproduced; one in between is close to its tolerance; one that fails
// on every seed is not the simulation's bad luck — it is a gap of the model, or a tape whose own sample is
// unusual for that statistic (the seeds share the tape, so their verdicts are not independent draws; another
// tape or window tells the two apart). The figures below are of the first run above.

// %%
const fact = (name: string) => realism.result.facts.find((f) => f.name === name)!;
show(factFigure(fact("spread")));

// %%
show(factFigure(fact("signAutocorrelation")));

// %%
show(factFigure(fact("priceResponse")));

// %%
show(factFigure(fact("markout")));

// %% [markdown]
// Two facts from the "Get Real" metrics close the report. The **volume/volatility correlation** asks how much
// of the price's variance comes with trading: over windows of 1, 10 and 60 s, the correlation of the lots
// traded with the mid's absolute move (a price moved by news alone gives about 0). The 60-s point needs 30
// windows, which 346 s do not hold.

// %%
show(factFigure(fact("volumeVolatility")));

// %% [markdown]
// The **order sizes**, in lots per market order on a log scale of quarter decades. The tape's orders spread
// over three decades and many are smaller than one lot (0.001 BTC); the simulator trades whole lots, and its
// snipers send one fixed size, the spike at 100 lots. Every preset fails this fact.

// %%
show(factFigure(fact("orderSize")));

// %% [markdown]
// The last fact asks **how the price a quote is set against moves**: the absolute change of the mid over
// each 0.1-s interval of the book, in ticks, and the share of intervals in each bin, both on log scales
// (the first point: the share of intervals in which the mid did not change). The Binance price is sticky and jumps: its mid changes over 8 % of the
// intervals, by 265 ticks at the median. The simulated mid changes over 36 %, by 89 — every market order
// moves the simulated price by its impact and the book follows it within microseconds, where the tape's
// book waits and then jumps. Both presets fail this fact (`docs/realism.md`).

// %%
show(factFigure(fact("midChanges")));

// %% [markdown]
// **Where the simulator holds and where it does not.** The calibrated BTC market reproduces 12 of the 15
// judged facts (on the realism report's seed 0; 11.5 on average over seeds 0–9): the **spread** (the tape's
// book is one tick wide 99.45 % of the time, the simulated one 99.26 %; its rare wide books are gaps of
// dozens to thousands of ticks during fast moves, which the preset's refill model re-posts after a delay
// that grows with the move), the depth at the touch in market orders, the inter-arrival times of market
// orders, the long memory of trade signs, the absence of return autocorrelation, the heavy tails at 1 and
// 10 s, no volatility clustering at these lags, a flat signature plot, the **volume/volatility
// correlation** (the price moves with trading: 0.67 at 1 s against the tape's 0.74), the spread by the time
// since the last trade (the rare wide books come right after trades, on the tape and in the simulation)
// and the **markout** of
// a passive fill — on Binance a fill at the touch is followed within a second by a move of hundreds of
// ticks against the maker, and the preset reproduces it (−618 ticks per lot at 1 s against the tape's −696,
// −612 at a minute against −964): most of the price's variance is news that fast traders see first, and
// snipers take the quotes it leaves stale. It misses the **price response**: the simulated price moves 29
// ticks one order after a trade and 380 after a hundred, the tape's 10 and 660 — it rises too early and too
// little — the **order sizes**: the simulator trades whole lots (38 % of the tape's orders are smaller
// than one) and its snipers' orders all have one size — and the **mid's changes**: its price moves in
// steps at each trade where the tape's jumps. Out of sample (the tape's second half) the markout
// and the response fail: 346 s is short. (The calibration's result depends on its own seed: with two other
// calibration seeds this recipe passes 8.9 and 10.6 of 13 on average, of the facts before the mid's
// changes; `docs/realism.md`.)
//
// 60-s kurtosis is not judged: 346 s hold five 60-s returns. Nor is the **effective spread** (what a
// market order pays over the quoted spread, E/Q): it needs the mid just before each trade, which a 100-ms
// book does not show. On the AMZN day, whose book is seen event by event, the tape's orders pay 0.69 of
// the quoted spread (they come while it is narrow) and the simulated ones 1.14–1.24 (they meet the spread
// a burst of orders has widened), which is why the AMZN presets' markout starts too high. Why they meet it
// is in the **spread by the time since the last market order** (the book's resiliency): the tape's spread
// a second after an order is its spread a minute after one, the simulated spread is 1.2 times its mean
// within a second of an order and 0.6–0.8 of it after a minute without one — the simulated takers set the
// spread, the tape's do not.
// `docs/realism.md` has the AMZN report, the out-of-sample runs and the reasons for each failure.

// %% [markdown]
// ## 4. Agents on the recorded book and on the calibrated simulator
//
// `runCompareMarkets` runs the same comparison in each market: on the replay tier the recorded book replays
// as it happened and our orders queue behind the displayed liquidity (risk-averse queue model: only trades
// move us forward); on the simulator they sit in its L3 queues. Episodes of 30 s; the touch rule, AS and GLFT
// are calibrated and tuned (by mean P&L) on calibration windows/seeds disjoint from the evaluation ones; PPO is the shipped model, trained
// on the simulated `btcusdt-lump` market (the tools' default) and two stress variants of it (other seeds); the
// recording is held out.

// %%
const cmp = await runCompareMarkets({
  markets: [`replay:${BTC}`, "btcusdt-lump"],
  overrides: { duration: 30 },
  agents: ["touch", "avellaneda-stoikov", "glft", "ppo"],
  episodes: 12,
  calibrationEpisodes: 4,
  workers: 0,
  ppoDir: "../data/models/ppo",
});
type Metric = { mean: number | null; ci95: [number | null, number | null] };
const cell = (m: Metric | undefined) =>
  m && m.mean !== null
    ? `${m.mean.toFixed(3)} [${m.ci95[0]?.toFixed(3)}, ${m.ci95[1]?.toFixed(3)}]`
    : "n/a";
const rows: (string | number)[][] = [];
cmp.runs.forEach((run, i) => {
  for (const agent of ["touch", "avellaneda-stoikov", "glft", "ppo"]) {
    const a = run.report.agents[agent] as Record<string, Metric> | undefined;
    if (!a || "available" in a) {
      rows.push([
        cmp.markets[i].name.startsWith("replay:")
          ? "replay (recorded)"
          : "btcusdt-lump (simulated)",
        agent,
        "unavailable",
        "",
        "",
      ]);
      continue;
    }
    rows.push([
      cmp.markets[i].name.startsWith("replay:") ? "replay (recorded)" : "btcusdt-lump (simulated)",
      agent,
      cell(a.totalPnl),
      cell(a.filledLots),
      cell(a.avgAbsInventory),
    ]);
  }
});
showTable({
  columns: ["market", "agent", "P&L per episode ($)", "lots filled", "mean |inventory| (lots)"],
  rows,
});

// %% [markdown]
// **Where they agree and where they do not** (measured when this notebook was written; rerun it to see yours):
//
// - **They agree on the verdict:** on both markets all four agents lose money over 30-s episodes.
// - **They disagree on the ranking, and the inventory explains both.** On the recorded book the touch rule,
//   tuned on the earlier windows, and PPO hold 0.8–0.9 lot on average and lose a third of what AS and GLFT
//   lose (−0.11 and −0.12 against −0.35 USD per episode), which fill three times as many lots and hold 4.4. In
//   the simulator, tuned on four 30-s calibration episodes, the touch rule kept no tight inventory limit (6.1
//   lots on average) and loses most (−0.33), while PPO, holding 0.4 lot, loses least (−0.06, a quarter of AS and
//   GLFT). In both the loss follows the inventory carried after a fill: the price keeps moving against a fill
//   for seconds (the markout). The README's nine-market evaluation, tuned on 16 five-minute episodes, gives
//   `touch` a one-lot limit in this market, where only PPO loses less. Tuning on a few short episodes chooses
//   noisily: read a tuned rule's parameters (the report lists them) before its rank.
// - On the **replay tier** our orders never move the recorded price and wait behind every displayed lot (the
//   risk-averse queue model); fills come precisely when the price runs through the queue. In the simulator they
//   sit in its L3 queues and the book reacts to them — another reason the two differ.
//
// Before trusting a ranking from the simulator, recalibrate on your own data and check the realism report's
// markout and price-response facts first: they are the ones that decide a market maker's P&L.
