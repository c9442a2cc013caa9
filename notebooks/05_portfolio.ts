// %% [markdown]
// # 05 · A portfolio of strategies
//
// Instead of picking one strategy we can **allocate capital across several**. If their P&Ls are not perfectly
// correlated, the combination can have a better risk/return trade-off than any single one. We:
//
// 1. run the rule-based strategies over common episodes;
// 2. measure the **correlation** of their per-episode P&Ls;
// 3. build **allocations** (equal weight, minimum risk, best mean-to-risk ratio) and compare their **combined
//    risk** — standard deviation, VaR, CVaR and drawdown — with the single strategies;
// 4. trace an **efficient-frontier-style** plot over a grid of allocations.

// %%
import {
  BASELINE_AGENT_IDS,
  conditionalValueAtRisk,
  correlationHeatmapFigure,
  correlationMatrix,
  cumulative,
  equityCurvesFigure,
  extent,
  maxDrawdown,
  minOf,
  parseEnvConfig,
  riskReturnFigure,
  show,
  showTable,
  valueAtRisk,
} from "../mod.ts";
import { loadPlotly, recordEpisodes } from "../mod.ts";

// plotly.js for the figures below, offline: a few small outputs of this cell (see docs/notebooks.md).
await loadPlotly();

// %% [markdown]
// We use the fast *model* tier (48 two-minute episodes, the same seeds for every strategy); the P&L of an episode is
// its final mark-to-market value. The random quoter is left out — nobody would allocate to it.

// %%
const cfg = parseEnvConfig({ tier: "model", duration: 120 });
const seeds = Array.from({ length: 48 }, (_, i) => 7000 + i);
const ids = BASELINE_AGENT_IDS.filter((id) => id !== "random");
const records = ids.map((id) => recordEpisodes(id, cfg, seeds, { agentSeed: 1 }));
const pnl = records.map((recs) => recs.map((r) => r.pnl[r.steps - 1]));
const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
const std = (x: number[]) => {
  const m = mean(x);
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
};
showTable({
  columns: ["strategy", "mean P&L ($)", "std ($)"],
  rows: ids.map((id, i) => [id, mean(pnl[i]), std(pnl[i])]),
  digits: 2,
});

// %% [markdown]
// ## Correlation of P&Ls
//
// Strategies that trade in the same market on the same episodes are correlated — they are exposed to the same
// price moves. The diversification benefit comes from the part that is *not* shared.

// %%
show(
  correlationHeatmapFigure(ids, correlationMatrix(pnl), {
    title: "Correlation of per-episode P&Ls",
  }),
);

// %% [markdown]
// **How to read it:** each cell is the Pearson correlation of two strategies' 48 episode P&Ls (the diagonal is 1).
// Values near 1 (dark blue) mean the strategies win and lose together, so combining them adds little; lower
// values (paler cells) leave room for diversification; red cells would be strategies that tend to offset each other.
// Expect strategies built on the same idea (e.g. Avellaneda–Stoikov and GLFT, both inventory-skewed) to sit
// closer to 1 than strategies built on different ideas.
//
// ## Allocations and their combined risk
//
// A portfolio with weights w (summing to 1) earns the weighted P&L each episode. Its risk is √(wᵀΣw) with Σ the
// covariance matrix of the strategies' P&Ls. We evaluate every long-only allocation on a grid of 4% steps (the
// single strategies and all their mixes included) and pick two of them: the one with the **lowest risk** and the
// one with the **best mean/std ratio**; with the **equal-weight** mix they are our candidate allocations.

// %%
const k = ids.length, n = seeds.length;
const mu = pnl.map(mean);
const cov = pnl.map((a, i) =>
  pnl.map((b, j) => {
    let s = 0;
    for (let t = 0; t < n; t++) s += (a[t] - mu[i]) * (b[t] - mu[j]);
    return s / (n - 1);
  })
);
const risk = (w: number[]) =>
  Math.sqrt(w.reduce((s, wi, i) => s + w.reduce((t, wj, j) => t + wi * wj * cov[i][j], 0), 0));
const ret = (w: number[]) => w.reduce((s, wi, i) => s + wi * mu[i], 0);
// All long-only weights in steps of 1/25 (4%): the compositions of 25 into k parts.
const steps = 25;
const compositions = (left: number, parts: number): number[][] =>
  parts === 1
    ? [[left]]
    : Array.from({ length: left + 1 }, (_, a) =>
      compositions(left - a, parts - 1).map((r) => [a, ...r])).flat();
const cloud = compositions(steps, k).map((c) => c.map((x) => x / steps));
const risks = cloud.map(risk), rets = cloud.map(ret);
const argBest = (score: (i: number) => number) =>
  cloud.reduce((b, _, i) => (score(i) > score(b) ? i : b), 0);
const allocations = [
  { name: "equal weight", w: ids.map(() => 1 / k) },
  { name: "minimum risk", w: cloud[argBest((i) => -risks[i])] },
  { name: "best mean/std", w: cloud[argBest((i) => rets[i] / risks[i])] },
];
showTable({
  caption: "weights of the candidate allocations",
  columns: ["allocation", ...ids],
  rows: allocations.map((a) => [a.name, ...a.w.map((x) => `${(100 * x).toFixed(1)} %`)]),
});

// %% [markdown]
// For every single strategy and every allocation we measure the combined risk of its per-episode P&L: the standard
// deviation, the 5% **VaR** and **CVaR** — here quantiles of the episode P&L itself: 5% of episodes earn less than
// the VaR, and the CVaR is their average (positive values mean that even the bad episodes made money; with 48
// episodes both rest on the two or three worst, so read them as rough) — the worst episode, and the mean
// **intra-episode max drawdown** of the combined P&L path (the weighted sum of the strategies' step-by-step P&L,
// so drawdowns of one strategy can be cushioned by another within the same episode).

// %%
const unit = (i: number) => ids.map((_, j) => (j === i ? 1 : 0));
const candidates = [
  ...ids.map((id, i) => ({ name: id, w: unit(i) })),
  ...allocations,
].map(({ name, w }) => {
  // Combined P&L path of episode e: Σ_i w_i · pnl_i(t); its last value is the episode P&L.
  const paths = seeds.map((_, e) => {
    const steps = records[0][e].steps, path = new Float64Array(steps);
    w.forEach((wi, i) => {
      if (wi) { for (let t = 0; t < steps; t++) path[t] += wi * records[i][e].pnl[t]; }
    });
    return path;
  });
  return {
    name,
    values: paths.map((p) => p[p.length - 1]),
    drawdowns: paths.map((p) => maxDrawdown(p)),
  };
});
showTable({
  columns: [
    "strategy / allocation",
    "mean ($)",
    "std ($)",
    "mean / std",
    "VaR 5% ($)",
    "CVaR 5% ($)",
    "worst episode ($)",
    "mean max DD in episode ($)",
  ],
  rows: candidates.map((c) => [
    c.name,
    mean(c.values),
    std(c.values),
    mean(c.values) / std(c.values),
    valueAtRisk(c.values, 0.05),
    conditionalValueAtRisk(c.values, 0.05),
    minOf(c.values),
    mean(c.drawdowns),
  ]),
  digits: 2,
});

// %% [markdown]
// Compare the rows of the allocations with those of their ingredients: a portfolio's mean is the weighted average
// of the means, but its standard deviation is *at most* the weighted average of the standard deviations — less
// when the correlations are below 1. The allocations are chosen on these same 48 episodes, so their advantage is
// measured *in sample* and flatters them.
//
// ## The frontier
//
// The **efficient envelope**: split the risk axis into buckets, keep the best return found in each, and keep only
// the points where return still increases with risk.

// %%
// extent(), not Math.min() of a spread array: the grid has 142 506 points, too many for call arguments.
const [lo, hi] = extent(risks), buckets = 30;
const best = new Array(buckets).fill(-Infinity), bestRisk = new Array(buckets).fill(NaN);
risks.forEach((r, i) => {
  const b = Math.min(buckets - 1, Math.floor(((r - lo) / (hi - lo || 1)) * buckets));
  if (rets[i] > best[b]) {
    best[b] = rets[i];
    bestRisk[b] = r;
  }
});
let runMax = -Infinity;
const envelope = best
  .map((r, b) => ({ r, x: bestRisk[b] }))
  .filter((p) => Number.isFinite(p.r) && p.r > runMax && ((runMax = p.r), true));
const points = [
  ...ids.map((id, i) => ({ name: id, risk: Math.sqrt(cov[i][i]), ret: mu[i] })),
  ...allocations.map((a) => ({ name: a.name, risk: risk(a.w), ret: ret(a.w) })),
];
show(riskReturnFigure(points, {
  cloud: { risk: risks, ret: rets, name: "allocations (4% grid)" },
  frontier: {
    risk: envelope.map((p) => p.x),
    ret: envelope.map((p) => p.r),
    name: "efficient envelope",
  },
  title: "Risk and return of strategy allocations",
}));

// %% [markdown]
// **How to read it:** grey dots are the allocations of the grid; the black line is their upper envelope — for each
// level of risk, the best mean P&L found. Coloured points are the single strategies and the three candidate allocations.
// Points *left* of a strategy at the same height are free risk reduction from diversification; points on the
// envelope cannot be improved in both coordinates at once. Single strategies far below the envelope are
// dominated: some mix offers more P&L for the same risk. When one strategy has both the highest mean and nearly
// the lowest risk, the envelope is short and runs from the minimum-risk mix to that strategy — zoom into the
// top-left corner to see it.
//
// ## Equity of the allocations

// %%
show(equityCurvesFigure(candidates.map((c) => ({ name: c.name, values: cumulative(c.values) })), {
  title: "Cumulative P&L over the 48 episodes",
}));

// %% [markdown]
// **How to read it:** each line adds up one strategy's or allocation's episode P&Ls in seed order; the slope is the
// mean, the wiggles the risk. A lower-risk allocation shows up as a smoother line, the visual counterpart of its
// position in the scatter above. In production one would choose the weights on one set of episodes and evaluate
// them on another (out of sample); with 48 episodes the covariance estimates are themselves noisy.
