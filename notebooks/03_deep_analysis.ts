// %% [markdown]
// # 03 · Deep analysis of one strategy: Avellaneda–Stoikov
//
// Notebook 02 told us *how much* each strategy earns; this one asks *how* one of them earns it and what risks it
// runs. We take Avellaneda–Stoikov apart:
//
// 1. **Risk breakdown** — tail risk of short-horizon P&L (VaR, CVaR) and drawdowns;
// 2. **Trade-level statistics** and **markouts** — how the price moves after our fills;
// 3. **P&L attribution** — spread capture against inventory P&L;
// 4. **Behaviour by regime** — what happens in calm, normal and stressed volatility.

// %%
import {
  bootstrapMeanCI,
  conditionalValueAtRisk,
  defaultCapitalBase,
  distributionFigure,
  episodeReturns,
  markoutCurveFigure,
  markouts,
  metricBarsFigure,
  minOf,
  parseEnvConfig,
  pnlDrawdownFigure,
  quantile,
  show,
  showTable,
  spreadCaptured,
  summarizeEpisode,
  valueAtRisk,
} from "../mod.ts";
import { loadPlotly, recordEpisodes, regimeSlices } from "../mod.ts";

// plotly.js for the figures below, offline: a few small outputs of this cell (see docs/notebooks.md).
await loadPlotly();

// %% [markdown]
// The experiment: 16 two-minute episodes on the book tier (the full limit-order-book simulator), with default
// market settings. `summarizeEpisode` computes the per-episode metrics used throughout.

// %%
const cfg = parseEnvConfig({ tier: "book", duration: 120 });
const seeds = Array.from({ length: 16 }, (_, i) => 9000 + i);
const records = recordEpisodes("avellaneda-stoikov", cfg, seeds, { agentSeed: 1 });
const capitalBase = defaultCapitalBase(cfg);
const metrics = records.map((r) => summarizeEpisode(r, { capitalBase }));
const ci95 = (xs: number[], seed = 1) => bootstrapMeanCI(xs.filter(Number.isFinite), { seed });
records.length;

// %% [markdown]
// ## 1. Risk breakdown
//
// ### Tail risk: VaR and CVaR
//
// We pool the 1-second returns (ΔP&L / capital base) of all episodes. The 5% **VaR** is the return quantile that
// is worse than 95% of seconds; **CVaR** (expected shortfall) is the average of the seconds beyond it — it answers
// "when things go badly, how badly?". Both are shown in dollars per second (negative = loss).

// %%
const pooled = records.flatMap((r) => Array.from(episodeReturns(r, { capitalBase }).returns));
const pnlPerSecond = pooled.map((x) => x * capitalBase);
showTable({
  columns: ["level", "VaR ($ per second)", "CVaR ($ per second)"],
  rows: [0.05, 0.01].map((
    a,
  ) => [
    `${(100 * (1 - a)).toFixed(0)}%`,
    valueAtRisk(pooled, a) * capitalBase,
    conditionalValueAtRisk(pooled, a) * capitalBase,
  ]),
  digits: 3,
});

// %%
show(distributionFigure([{ name: "ΔP&L per second", values: pnlPerSecond }], {
  kind: "histogram",
  bins: 60,
  title: "Distribution of 1-second P&L changes",
  valueTitle: "$ per second",
}));

// %% [markdown]
// **How to read it:** each bar's height is proportional to the share of seconds whose P&L change fell in that bin
// (a probability density). Expect a tall spike at
// zero — in most seconds neither our inventory's value nor our cash changes much — and thin tails on both sides:
// the seconds in which a price move hit the inventory we held. VaR and CVaR above summarize the left tail; zoom
// into it (drag a box) to see the few seconds that carry the risk.
//
// ### Drawdowns
//
// A drawdown is the fall of the P&L from its running peak. Per episode, the **max drawdown** is the deepest one:

// %%
const dd = metrics.map((m) => m.maxDrawdown);
showTable({
  columns: ["max drawdown per episode ($)", "value"],
  rows: [
    ["mean", ci95(dd).mean],
    ["median", quantile(dd, 0.5)],
    ["worst episode", minOf(dd)],
    ["mean, as % of capital base", 100 * ci95(metrics.map((m) => m.maxDrawdownPct)).mean],
  ],
  digits: 3,
});

// %% [markdown]
// Below, the P&L path of the episode with the worst drawdown:

// %%
const worst =
  records[metrics.reduce((w, m, i) => (m.maxDrawdown < metrics[w].maxDrawdown ? i : w), 0)];
show(
  pnlDrawdownFigure(worst, { title: `P&L and drawdown of the worst episode (seed ${worst.seed})` }),
);

// %% [markdown]
// **How to read it:** the top panel is the mark-to-market P&L over the episode; the bottom panel shades the
// distance below the running peak. Long flat stretches with small steps are the spread being earned fill by fill;
// sudden drops are price moves against the inventory held at that moment. Deep, quick drawdowns point at
// inventory risk; slow bleeding points at adverse selection (we keep trading with better-informed flow).
//
// ## 2. Trade-level statistics and markouts
//
// A **markout** at horizon h compares the mid h seconds after a fill with our fill price, signed so that positive
// is good for us. Negative markouts are **adverse selection**: we tend to buy just before the price falls (informed
// traders hit us). The spread captured is the edge at the moment of the fill, against the mid before it.

// %%
const avg = (xs: number[]) => ci95(xs).mean;
const horizons = Object.keys(metrics[0].markouts);
showTable({
  columns: ["statistic (mean over episodes)", "value"],
  rows: [
    ["fills per episode", avg(metrics.map((m) => m.numFills))],
    ["lots filled per episode", avg(metrics.map((m) => m.filledLots))],
    ["fill ratio (filled / posted lots)", avg(metrics.map((m) => m.fillRatio))],
    ["spread captured (ticks per share)", avg(metrics.map((m) => m.spreadCapturedTicks))],
    ...horizons.map((h) =>
      [`markout ${h} (ticks per share)`, avg(metrics.map((m) => m.markouts[h])) / cfg.tickSize] as [
        string,
        number,
      ]
    ),
  ],
  digits: 3,
});

// %% [markdown]
// The table gives three horizons; the curve below traces the markout over a finer grid of horizons, from the end
// of the fill's own step (h = 0) to 30 seconds. For each episode we take the volume-weighted markout of its fills
// (fills too close to the end for a horizon are left out of it), then average over episodes with a 95% bootstrap
// interval.

// %%
const markoutHorizons = [0, 0.5, 1, 2, 5, 10, 20, 30];
const perEpisode = records.map((r) => markouts(r, markoutHorizons));
const markoutCi = markoutHorizons.map((h) =>
  ci95(perEpisode.map((m) => m[`${h}s`] / cfg.tickSize), 3)
);
show(markoutCurveFigure([{
  name: "Avellaneda–Stoikov",
  x: markoutHorizons,
  y: markoutCi.map((c) => c.mean),
  lo: markoutCi.map((c) => c.lo),
  hi: markoutCi.map((c) => c.hi),
}], { title: "Markouts of Avellaneda–Stoikov's fills (mean over episodes, 95% CI)" }));

// %% [markdown]
// **How to read it:** at h = 0 the markout is measured against the mid at the end of the fill's own step. Compare
// it with the spread captured in the table (measured against the mid *before* that step): the gap is how far the
// mid already moved against us within the step of the fill — the market order that hit us also moves the price.
// If the curve then stays level, our fills were uninformed noise and the edge is kept; if it **decays towards zero
// or below**, the price tends to keep moving against us after we trade — the edge is eaten by adverse selection, and the horizon where
// the curve flattens says how long the information in the flow takes to reach the price. The shaded band is the
// uncertainty across the 16 episodes; it widens at long horizons, where fewer fills qualify and price noise
// accumulates.
//
// ## 3. P&L attribution: spread capture vs inventory
//
// Total P&L = **spread capture** (the edge earned at each fill, measured against the mid) + **inventory P&L** (the
// mark-to-market gains and losses of the position held between fills) − impact costs. A good market maker earns
// the first and keeps the second small.

// %%
// Total edge in dollars: Σ (edge per share × lots × lotSize) over fills (NaN without fills → 0).
const spread = records.map((r) => spreadCaptured(r, r.mid[0]).total || 0);
const inventoryPnl = metrics.map((m, i) => m.totalPnl - spread[i] + m.impactCost);
const bar = (name: string, xs: number[], seed: number) => {
  const c = ci95(xs, seed);
  return { name, value: c.mean, lo: c.lo, hi: c.hi };
};
show(metricBarsFigure([
  bar("total P&L", metrics.map((m) => m.totalPnl), 4),
  bar("spread capture", spread, 5),
  bar("inventory P&L", inventoryPnl, 6),
  bar("− impact cost", metrics.map((m) => -m.impactCost), 7),
], { title: "P&L attribution per episode (mean, 95% bootstrap CI)", valueTitle: "$ per episode" }));

// %% [markdown]
// **How to read it:** the first bar is the sum of the other three. The spread-capture bar is the gross edge and is
// positive by construction for a quoting strategy; the inventory bar is what price moves did to the position. An
// inventory bar that is negative and comparable in size to the spread bar means adverse selection or too little
// inventory aversion is giving back the edge; the impact bar is small under the default (mild) impact settings.
// Wide whiskers on the inventory bar are normal: it is the noisy, price-driven part of the P&L.
//
// ## 4. Behaviour by regime
//
// The simulator's volatility follows a Markov chain over regimes (by default *calm*, *normal* and *stressed*);
// each regime scales the volatility and the order flow. We split every episode's per-step P&L
// changes, fills and inventory by the regime in force at that step.

// %%
const names = cfg.regimes.names;
// perEpisodeRegime[e][g]: the totals of episode e while in regime g (steps, P&L, fills, Σ|inventory|).
const perEpisodeRegime = records.map((r) => regimeSlices(r, names.length));
const pooledRegime = names.map((_, g) =>
  perEpisodeRegime.reduce((s, e) => ({
    steps: s.steps + e[g].steps,
    pnl: s.pnl + e[g].pnl,
    fills: s.fills + e[g].fills,
    absInventorySteps: s.absInventorySteps + e[g].absInventorySteps,
  }), { steps: 0, pnl: 0, fills: 0, absInventorySteps: 0 })
);
const totalSteps = pooledRegime.reduce((s, x) => s + x.steps, 0);
showTable({
  columns: [
    "regime",
    "share of time",
    "episodes visiting",
    "P&L per minute ($)",
    "fills per minute",
    "avg |inventory| (lots)",
  ],
  rows: names.map((name, g) => {
    const p = pooledRegime[g], minutes = (p.steps * cfg.dt) / 60;
    return [
      name,
      p.steps / totalSteps,
      perEpisodeRegime.filter((e) => e[g].steps > 0).length,
      p.pnl / (minutes || NaN),
      p.fills / (minutes || NaN),
      p.absInventorySteps / (p.steps || NaN),
    ];
  }),
  digits: 3,
});

// %% [markdown]
// The table pools all episodes. The figure asks *where the P&L was made*: for every episode, the P&L earned while
// each regime was in force (zero for a regime the episode never visited). These parts add up to the episode's total
// P&L, so the bars are a regime attribution of the mean P&L per episode, with 95% bootstrap intervals over episodes.

// %%
show(metricBarsFigure([
  ...names.map((name, g) => {
    const c = ci95(perEpisodeRegime.map((e) => e[g].pnl), 10 + g);
    return { name: `in ${name}`, value: c.mean, lo: c.lo, hi: c.hi };
  }),
  (() => {
    const c = ci95(metrics.map((m) => m.totalPnl), 4);
    return { name: "total", value: c.mean, lo: c.lo, hi: c.hi };
  })(),
], { title: "P&L per episode by regime (mean, 95% CI)", valueTitle: "$ per episode" }));

// %% [markdown]
// **How to read it:** each bar is the mean P&L per episode earned while that regime was in force; the last bar is
// the total, which the regime bars add up to. A regime's bar reflects both how profitable it is
// *per minute* (table) and how much time the episodes spent in it (the "share of time" column) — a rare regime
// can matter a lot if it is very profitable or very costly. Regimes that were visited rarely or briefly rest on few
// observations and have wide whiskers: do not over-read them, and raise the number of episodes for a firmer answer.
// More volatile regimes usually bring more flow (more fills per minute) and bigger price moves against the
// inventory, so whether they pay depends on whether the extra spread earned outweighs the inventory losses. The
// adaptive-spread and GLFT agents of notebook 02 react to volatility differently and are natural points of
// comparison.
