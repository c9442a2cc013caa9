// %% [markdown]
// # 07 · Market models: order flow that carries information, liquidity that reacts
//
// The book tier's market is composed from small models, each with one job (see `docs/models.md`): when orders
// arrive (a Hawkes process), which way uninformed market orders go (metaorders with long memory), how big they are
// (relative to the depth at the touch), where limit orders go (around a reference price that moves), when they are
// cancelled (by queue position), what happens to quotes the price moved through (re-posted after each owner's
// latency), what the price is worth (public and private news, and the impact of every trade), and what informed
// traders do. This notebook looks at the default market through the statistics that matter to a market maker:
//
// 1. the **regime facts** — spread, depth, trade and mid-change rates, volatility — and why they hang together;
// 2. the **markouts of passive fills by flow type**, and why a market maker does not earn the spread here;
// 3. the same for an agent that **joins the touch**: queue position and reaction speed;
// 4. **long memory** in trade signs, and the **Hawkes** arrivals against their theory;
// 5. a **model of your own**: predictable flow does not move the price, hidden flow does.

// %%
// The market and its measurements.
import { BookMarket, BookVecEnv, measureBookMarket, parseEnvConfig } from "../mod.ts";
import { metaorderSignAutocorrelation, MetaorderSigns, tradeSignConfigSchema } from "../mod.ts";
import { hawkesMeanIntensity, simulateHawkes, spectralRadius } from "../mod.ts";
import { passiveMarkouts, summarizeMarkouts } from "../mod.ts";
import type { MarkoutCurve, PassiveMarkouts, TradeSignModel } from "../mod.ts";
// Agents, randomness, showing results.
import { createAgent, Rng } from "../mod.ts";
import { linesFigure, markoutCurveFigure, show, showTable } from "../mod.ts";
import { loadPlotly } from "../mod.ts";

// plotly.js for the figures below, offline: a few small outputs of this cell (see docs/notebooks.md).
await loadPlotly();

// %% [markdown]
// ## 1. The default market, measured
//
// `measureBookMarket` runs the market with no agent in it, records every trade and quote change on a tape, and
// measures it. The default is a liquid $100 stock with a one-cent tick and 2 % daily volatility (200 ticks a day).
// The facts must agree with each other: with about 2.6 market orders a second, the volatility per trade is
// σ₁ = √(200²/23,400/2.6) ≈ 0.8 ticks, and liquidity provision breaks even at a spread S ≈ 1.4σ₁ (Wyart et al.
// 2008) — about one tick. So the spread is one tick most of the time, and the price moves in one-tick steps at
// about the rate of trades.

// %%
const report = measureBookMarket({}, { episodes: 16, seed: 0 });
const s = report.stats;
showTable({
  columns: ["fact", "value"],
  rows: [
    ["mean spread (ticks)", s.meanSpread],
    ["time with a one-tick spread (%)", 100 * s.oneTickShare],
    ["depth at the touch (lots)", s.touchDepth],
    ["… in mean market orders", s.touchDepthInOrders],
    ["market orders per second", s.marketOrdersPerSecond],
    ["mid changes per second", s.midChangesPerSecond],
    ["daily volatility of the mid (ticks)", s.dailyVolatilityTicks],
    ["informed share of volume (%)", 100 * s.informedVolumeShare],
    ["book events per second", report.eventsPerSecond],
  ],
  digits: 2,
});

// %% [markdown]
// **How to read it:** a one-tick spread 90 % of the time, queues at the touch of about fifteen mean market
// orders, and roughly one mid change per trade: a market where the tick is about the size of the natural spread.
// The volatility is close to the configured 200 ticks a day (the regimes mix calm and stressed periods around
// it): the fundamental model splits the configured variance between trade impact (85 %), private news (10 %) and
// public news (5 %), so `volatility` keeps its meaning whatever the order flow.

// %% [markdown]
// ## 2. Markouts of passive fills, by who took the liquidity
//
// A **markout** asks: h seconds after a resting order was filled, how far has the mid moved, in the maker's favour?
// For a buy filled at p it is mid(t + h) − p ticks per lot. We split the fills by the aggressor: an uninformed
// market order or an informed trader. The bands are 95 % confidence intervals that treat each episode as one
// independent cluster.

// %%
const curve = (name: string, c: MarkoutCurve) => ({
  name,
  x: c.horizons.map((h) => Math.max(h, 0.05)),
  y: c.mean,
  lo: c.ciLow,
  hi: c.ciHigh,
});
show(markoutCurveFigure([
  curve("uninformed aggressor", report.markouts.uninformed),
  curve("informed aggressor", report.markouts.informed),
  curve("all fills", report.markouts.all),
], {
  title: "Markouts of background liquidity's passive fills (default market)",
  yTitle: "markout (ticks per lot)",
  logX: true,
}));

// %% [markdown]
// **Why a market maker does not earn the spread here.** At the instant of the fill the maker holds half a spread
// against the mid (+0.5 tick). But every market order moves the price by θ·(ε − ε̂): its sign ε against the sign
// the liquidity providers expected, ε̂ (uninformed signs are predictable: they come from metaorders). With
// θ ≈ 0.9 ticks and ε̂ right a quarter of the time, an uninformed order moves the price about 0.7 ticks against
// the maker — within a second the half spread is gone. After that the **uninformed curve stays flat at zero**:
// the price is a martingale, because predictable orders move it less. Fills against **informed** traders lose
// more as their private news becomes public over the next seconds. Liquidity provision as a whole is slightly
// unprofitable before fees — as on venues that pay makers a rebate.
//
// Contrast the old default market (before this model): uninformed fills earned +0.5 tick at once and +0.6 at
// 30 s, because uninformed orders never moved the price and background liquidity never followed it. Any strategy
// that traded a lot at the touch made money there.

// %%
const u = report.markouts.uninformed;
const at = (h: number) => u.horizons.indexOf(h);
showTable({
  columns: ["horizon (s)", "uninformed: mean", "95% CI low", "95% CI high", "informed: mean"],
  rows: [0, 1, 5, 30].map((h) => [
    h,
    u.mean[at(h)],
    u.ciLow[at(h)],
    u.ciHigh[at(h)],
    report.markouts.informed.mean[at(h)],
  ]),
  digits: 3,
});

// %% [markdown]
// ## 3. An agent at the touch
//
// The background's average hides who gets which fills. An agent that joins the best bid and ask with one lot
// (the `touch` rule) joins the **back** of the queue: it is filled last, when the queue is being eaten through —
// just before the price moves through its level. It also reacts only every 100 ms, while background liquidity
// providers re-price quotes the price moved through in about 50 ms, so its stale quotes are the ones left to be
// taken. Its markouts are worse than the background's.

// %%
const cfg = parseEnvConfig({ tier: "book" });
const n = 8;
const env = new BookVecEnv(cfg, n, { tape: true });
const touch = createAgent("touch");
touch.reset({ config: cfg, numEnvs: n, seed: 1 });
const act = new Float64Array(n * 4);
env.reset(Array.from({ length: n }, (_, i) => 500 + i));
while (!env.terminated[0]) {
  touch.act(env.observations, env.view, act);
  env.step(act);
}
const agentMarks: PassiveMarkouts[] = [];
let pnl = 0;
for (let i = 0; i < n; i++) {
  agentMarks.push(
    passiveMarkouts(env.market(i).tape!, { maker: "agent", horizons: [0, 1, 5, 30] }),
  );
  pnl += env.columns.pnl[i] / n;
}
const agent = summarizeMarkouts(agentMarks);
show(markoutCurveFigure([
  curve("touch agent, uninformed aggressor", agent.uninformed),
  curve("touch agent, all fills", agent.all),
  curve("background, all fills", report.markouts.all),
], { title: "Markouts of an agent that joins the touch", logX: true }));
console.log(`touch agent: mean P&L ${pnl.toFixed(2)} $ per ${cfg.duration}-s episode`);

// %% [markdown]
// **How to read it:** the agent's fills start with less than half a spread (its level is often emptied by the
// order that fills it) and lose more within a second than the background's: it fills when the queue ahead of it is
// gone, which happens most when the price is about to move through. Earning the spread here takes more than being
// there: a place at the front of queues, quotes pulled before the price moves, or a rebate.

// %% [markdown]
// ## 4. Long memory in trade signs, and Hawkes arrivals
//
// Uninformed market orders come from metaorders: four traders each split a hidden order of Pareto-distributed
// length (tail 1.5) into market orders of one sign. The sign autocorrelation then decays as a power law,
// C(ℓ) ~ ℓ^−0.5 (Lillo & Farmer 2004). `metaorderSignAutocorrelation` gives C(ℓ) exactly; the sample agrees.

// %%
const signs = new MetaorderSigns(tradeSignConfigSchema.parse({}));
const rng = new Rng("notebook-signs");
signs.reset(rng);
const N = 400_000;
const x = new Int8Array(N);
for (let i = 0; i < N; i++) x[i] = signs.next(rng);
const lags = [1, 2, 5, 10, 20, 50, 100, 200, 500];
const sample = lags.map((lag) => {
  let c = 0;
  for (let i = 0; i + lag < N; i++) c += x[i] * x[i + lag];
  return c / (N - lag);
});
const exact = metaorderSignAutocorrelation(tradeSignConfigSchema.parse({}), lags);
const acf = linesFigure([
  { name: "sample (400,000 signs)", x: lags, y: sample },
  { name: "exact C(ℓ)", x: lags, y: exact, dash: "dash" },
], {
  title: "Autocorrelation of uninformed trade signs",
  xTitle: "lag ℓ (trades)",
  yTitle: "C(ℓ)",
  logX: true,
});
acf.layout.yaxis = { ...acf.layout.yaxis, type: "log" };
show(acf);

// %% [markdown]
// Orders arrive as a Hawkes process: market orders cluster (each one triggers 0.3 more on average), and each brings
// in two limit orders and two cancellations within about a quarter of a second. The process is stationary when the
// spectral radius of the branching matrix is below 1, and its mean intensity is Λ = (I − α)⁻¹μ; the exact
// simulation agrees with that theory (the test suite checks it, and the branching ratios, within the sampling
// error of the counts).

// %%
const hawkes = {
  mu: [1.8, 105, 0],
  alpha: [[0.3, 0, 0], [2, 0, 0], [2, 0, 0]],
  beta: [[4, 4, 4], [4, 4, 4], [4, 4, 4]],
};
const path = simulateHawkes(hawkes, 600, new Rng("notebook-hawkes"));
const counts = [0, 0, 0];
for (const k of path.kinds) counts[k]++;
const lam = hawkesMeanIntensity(hawkes.mu, hawkes.alpha);
showTable({
  columns: ["kind", "theory Λ (per s)", "simulated (per s)"],
  rows: ["market", "limit", "triggered cancel"].map((name, i) => [name, lam[i], counts[i] / 600]),
  digits: 2,
});
console.log(`spectral radius of α: ${spectralRadius(hawkes.alpha)}`);

// %% [markdown]
// ## 5. A model of your own: predictable flow does not move the price
//
// Every model is an object with a small interface, and `BookMarket` takes a factory of models that replace the
// defaults. Here is a trade-sign model written in this notebook: buyers are a majority (55 % of uninformed market
// orders are buys). If it tells the market its forecast (ε̂ = 0.1), liquidity providers expect the buying and the
// price does not drift — only surprises move it. If it hides it (ε̂ = 0), every buy is a surprise and the price
// climbs.

// %%
class BuyingPressure implements TradeSignModel {
  readonly surpriseVariance = 1 - 0.1 ** 2;
  constructor(readonly honest: boolean) {}
  reset(): void {}
  expected(): number {
    return this.honest ? 0.1 : 0;
  }
  next(rng: Rng): number {
    return rng.next() < 0.55 ? 1 : -1;
  }
}
function drift(honest: boolean): number {
  const c = parseEnvConfig({ duration: 120 });
  const m = new BookMarket(c, { models: () => ({ signs: new BuyingPressure(honest) }) });
  let total = 0;
  for (let e = 0; e < 8; e++) {
    m.reset(70 + e);
    const start = m.trueMid();
    m.advance(120e9);
    total += (m.trueMid() - start) / 8;
  }
  return total;
}
showTable({
  columns: ["buying pressure", "mean mid change over 120 s (ticks)"],
  rows: [["forecast by the market (ε̂ = 0.1)", drift(true)], ["hidden (ε̂ = 0)", drift(false)]],
  digits: 1,
});

// %% [markdown]
// **How to read it:** the same orders, the same sizes, the same seeds — only what the market could anticipate
// differs. With the forecast the price wanders around where it started; hidden, the buying pushes it up by about
// θ × 0.1 per buy. This is the "surprise" form of permanent impact, which keeps prices diffusive although trade
// signs have long memory. To use such a model from a JSON config (e.g. `deno task compare --config`), register it
// by name with `registerBookModels` and set `flow.models`; see `docs/models.md`.
