// %% [markdown]
// # 02 · Strategy comparison
//
// Which market-making strategy is best *here*? One episode cannot say — P&L is noisy — so we run every strategy
// (the rule-based ones, and the trained PPO agent when its model is shipped) over the **same** set of episodes (common random numbers: episode *k* has the same order flow and price
// path for every agent) and report means with **95% bootstrap confidence intervals**, full distributions and
// **paired tests** of each strategy against Avellaneda–Stoikov.
//
// The sizes are small so the notebook runs in seconds; the `deno task compare` CLI runs the same study at scale
// and writes `out/compare/report.html`.

// %%
import {
  aggregate,
  BASELINE_AGENT_IDS,
  cumulative,
  DEFAULT_MARKET,
  defaultCapitalBase,
  distributionFigure,
  equityCurvesFigure,
  metricBarsFigure,
  pairedComparison,
  parseEnvConfig,
  registerPpoAgent,
  resolveMarket,
  show,
  showTable,
  summarizeEpisode,
} from "../mod.ts";
import type { EpisodeMetrics } from "../mod.ts";
import { loadPlotly, recordEpisodes } from "../mod.ts";

// plotly.js for the figures below, offline: a few small outputs of this cell (see docs/notebooks.md).
await loadPlotly();

// %% [markdown]
// ## The experiment
//
// The market is the tools' default, the one `deno task compare` runs: the preset `btcusdt-lump`, the book tier
// calibrated to the shipped Binance BTCUSDT tape (a one-tick spread, informed flow: a fill at the touch is
// followed by an adverse move; docs/realism.md says which of the tape's facts it reproduces). 60-second
// episodes, 24 episodes per strategy. The agents: a **random** quoter (a sanity floor), a
// **static** spread, an **adaptive** spread that widens with volatility, **Avellaneda–Stoikov** and **GLFT**
// (Guéant–Lehalle–Fernandez-Tapia, the infinite-horizon refinement of AS with inventory limits), and **PPO**, the
// reinforcement-learning policy of notebook 04, loaded from `data/models/ppo` if a model is there (it acts
// deterministically with its policy mean; the shipped model trained in this market, on other seeds). The
// **touch** rule runs twice: as it comes (join the best bid and ask, back the inventory-growing side off a
// tick) and with an inventory limit of one lot (`inventoryLimit: 1`: the side whose fill would take the
// inventory past ±1 lot is not quoted) — the limit `deno task compare`'s tuning picks for it in this market.

// %%
let ppoNote = "PPO: shipped model loaded";
const ids: string[] = [...BASELINE_AGENT_IDS];
try {
  await registerPpoAgent("../data/models/ppo");
  ids.push("ppo");
} catch (e) {
  ppoNote = `PPO left out: ${e instanceof Error ? e.message : String(e)}`;
}
ppoNote;

// %%
const market = await resolveMarket(DEFAULT_MARKET);
const cfg = parseEnvConfig({ ...market.config, duration: 60 });
const seeds = Array.from({ length: 24 }, (_, i) => 5000 + i);
const capitalBase = defaultCapitalBase(cfg);
const metrics = new Map<string, EpisodeMetrics[]>();
const run = (id: string, params?: Record<string, number>) =>
  recordEpisodes(id, cfg, seeds, { agentSeed: 1, params }).map((r) =>
    summarizeEpisode(r, { capitalBase })
  );
for (const id of ids) metrics.set(id, run(id));
metrics.set("touch, limit 1", run("touch", { inventoryLimit: 1 }));
[...metrics.keys()];

// %% [markdown]
// ## Summary table
//
// Mean over episodes with the 95% percentile-bootstrap interval in brackets. **P&L** is the mark-to-market profit
// per episode; **Sharpe** is annualized from 1-second returns (large in absolute value because a second is a tiny
// period and annualization multiplies by √(252 × 23 400)); **fills** counts executions; **|inv|** is the average
// absolute inventory in lots (risk carried); **max DD** is the deepest fall of the P&L from its running peak within
// an episode; **spread** is the edge captured per unit of the asset at our fills, in ticks.

// %%
const fmt = (s: { mean: number; ci95: [number, number] }, d = 2) =>
  `${s.mean.toFixed(d)} [${s.ci95[0].toFixed(d)}, ${s.ci95[1].toFixed(d)}]`;
const agg = new Map([...metrics].map(([id, rows]) => [id, aggregate(rows, 42)]));
showTable({
  columns: ["agent", "P&L ($)", "Sharpe", "fills", "|inv| (lots)", "max DD ($)", "spread (ticks)"],
  rows: [...agg].map(([id, a]) => [
    id,
    fmt(a.totalPnl),
    fmt(a.sharpe),
    fmt(a.numFills, 1),
    fmt(a.avgAbsInventory),
    fmt(a.maxDrawdown),
    fmt(a.spreadCapturedTicks),
  ]),
});

// %% [markdown]
// **What it says here** (when this notebook was written; rerun it to see yours): in this market every strategy
// loses money, the spread it captures at its fills (positive) outweighed by the moves against it that follow
// them, and doing nothing (P&L 0) beats them all. The two that hold least lose least: PPO (−0.08 $ an episode)
// and the touch rule with a one-lot inventory limit (−0.12), against −0.26 for GLFT; both hold 0.6 lot on
// average where GLFT holds 2.4. Most of what a maker loses here comes with the inventory it carries after a fill,
// while the price keeps moving against it (the markout). PPO's edge over the limited rule (0.04 an episode) is
// small, and it comes from trading a third as often (20 fills against 62) in a market where every fill loses on
// average: the less a maker trades here, the less it loses. Both have the worst Sharpe ratios (−581 and −917): a
// small, steady loss divided by a tiny standard deviation. Where every strategy loses, a lower Sharpe can mean a
// smaller loss, so rank losing strategies by P&L. Before believing a ranking, ask which simple rule explains it —
// here "hold no inventory" explains most of the gap between PPO and the analytic market makers, and "trade
// less" its edge over the touch rule.

// %%
show(metricBarsFigure(
  [...agg].map(([id, a]) => ({
    name: id,
    value: a.totalPnl.mean,
    lo: a.totalPnl.ci95[0],
    hi: a.totalPnl.ci95[1],
  })),
  { title: "Mean P&L per episode with 95% CI", valueTitle: "P&L ($)" },
));

// %% [markdown]
// **How to read it:** bars are means, whiskers the 95% intervals. Overlapping intervals do *not* mean "no
// difference" when episodes are shared — the paired tests below are the right tool.
//
// ## Distributions
//
// Means hide the shape: a strategy can win on average through rare large gains, or lose through rare blow-ups.

// %%
show(distributionFigure(
  [...metrics].map(([id, rows]) => ({ name: id, values: rows.map((m) => m.totalPnl) })),
  { title: "P&L per episode", kind: "violin" },
));

// %% [markdown]
// **How to read it:** each violin is a smoothed histogram of the 24 episode P&Ls, with the box (quartiles) and the
// mean line inside. A tall, thin violin is a strategy whose result varies a lot between episodes; long tails below
// zero are occasional blow-ups that the mean alone would hide.
//
// Below, the cumulative P&L over consecutive episodes.

// %%
show(
  equityCurvesFigure(
    [...metrics].map(([id, rows]) => ({
      name: id,
      values: cumulative(rows.map((m) => m.totalPnl)),
    })),
  ),
);

// %% [markdown]
// **How to read it:** each line adds up one strategy's episode P&Ls in seed order. The overall slope is the
// average edge per episode; the wiggles and sudden steps are its risk. Because every strategy saw the same
// episodes, a step that appears in several lines at the same episode is a market move that hit them all —
// the shared part of the risk, which combining strategies (notebook 05) cannot diversify away.

// %% [markdown]
// ## Paired tests against Avellaneda–Stoikov
//
// Because every agent saw the same episodes, we test the per-episode **differences** A − AS: a paired t-test, the
// Wilcoxon signed-rank test (robust to outliers) and an exact/random sign-flip permutation test.

// %%
const base = metrics.get("avellaneda-stoikov")!.map((m) => m.totalPnl);
showTable({
  columns: ["agent", "mean diff ($)", "95% CI", "t-test p", "Wilcoxon p", "permutation p"],
  rows: [...metrics].filter(([id]) => id !== "avellaneda-stoikov").map(([id, rows]) => {
    const c = pairedComparison(rows.map((m) => m.totalPnl), base, { seed: 7 });
    return [
      id,
      c.meanDiff,
      `[${c.ci95[0].toFixed(2)}, ${c.ci95[1].toFixed(2)}]`,
      c.tTestP,
      c.wilcoxonP,
      c.permutationP,
    ];
  }),
  digits: 3,
});

// %% [markdown]
// The same differences as a figure: the mean paired difference of each strategy against Avellaneda–Stoikov with
// its 95% bootstrap interval.

// %%
show(metricBarsFigure(
  [...metrics].filter(([id]) => id !== "avellaneda-stoikov").map(([id, rows]) => {
    const c = pairedComparison(rows.map((m) => m.totalPnl), base, { seed: 7 });
    return { name: id, value: c.meanDiff, lo: c.ci95[0], hi: c.ci95[1] };
  }),
  {
    title: "P&L difference against Avellaneda–Stoikov, per episode (95% CI)",
    valueTitle: "Δ P&L ($ per episode)",
  },
));

// %% [markdown]
// **How to read it:** a bar above zero means the strategy earned more than Avellaneda–Stoikov *on the same
// episodes*; the whiskers are the 95% interval of that mean difference. Pairing removes the episode-to-episode
// noise both strategies share, so these intervals are often narrower than the intervals of the
// first bar chart. A whisker that crosses zero matches a large p-value in the table.
//
// **Reading the p-values:** small values (say < 0.05) mean the difference is unlikely to be noise *for this market
// configuration*. With 24 short episodes only large differences are detectable; raise the episode count (or use
// `deno task compare`) for finer conclusions, and remember that a different market (volatility, flow, latency)
// can reorder the strategies.
