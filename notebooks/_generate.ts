/**
 * Generates notebooks/*.ipynb (nbformat 4.5, Deno kernel, no outputs) from the cell
 * sources below. Run: `deno run -A notebooks/_generate.ts`. The .ipynb files are the
 * committed artefacts; this script only keeps them consistent.
 *
 * @module
 */

type Cell = { kind: "markdown" | "code"; source: string };
const md = (s: string): Cell => ({ kind: "markdown", source: s.trim() });
const code = (s: string): Cell => ({ kind: "code", source: s.trim() });

function notebook(name: string, cells: Cell[]): string {
  const nb = {
    cells: cells.map((c, i) => {
      const lines = c.source.split("\n").map((l, j, a) => (j < a.length - 1 ? l + "\n" : l));
      const id = `${name.slice(0, 2)}-${String(i).padStart(3, "0")}`;
      return c.kind === "markdown"
        ? { cell_type: "markdown", id, metadata: {}, source: lines }
        : { cell_type: "code", execution_count: null, id, metadata: {}, outputs: [], source: lines };
    }),
    metadata: {
      kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
      language_info: {
        codemirror_mode: "typescript",
        file_extension: ".ts",
        mimetype: "text/x.typescript",
        name: "typescript",
        nbconvert_exporter: "script",
        pygments_lexer: "typescript",
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + "\n";
}

// ---------------------------------------------------------------- 01 tutorial

const tutorial: Cell[] = [
  md(`
# 01 · A guided tour of ALPE

This notebook walks a newcomer through the pieces of ALPE, the market-making research toolkit:

1. **The limit order book** — how resting orders queue by price and time, and how a market order eats them.
2. **Order flow** — the background traders that keep the book alive, seen as a depth heatmap.
3. **One episode** — an Avellaneda–Stoikov market maker trading for a couple of minutes, drawn *live* while it runs.
4. **Reading the results** — P&L, inventory, fills and the risk numbers ALPE computes for every episode.

Everything comes from the library through one import of \`../mod.ts\`; every chart is an interactive Plotly figure
that works offline (zoom, hover, double-click to reset).
`),
  code(`
import {
  ASK, BID, BookVecEnv, createAgent, createL2Snapshot, defaultCapitalBase, depthHeatmapFigure,
  depthMatrix, EpisodeRecorder, episodeFigure, LiveChart, OrderBook, parseEnvConfig,
  show, showTable, summarizeEpisode,
} from "../mod.ts";
import type { DepthSnapshot } from "../mod.ts";
`),
  md(`
## 1. The limit order book

A *limit order* says "buy (or sell) up to *q* lots at price *p* or better". Orders that cannot trade immediately
**rest** in the book, grouped in price levels; within a level they queue in arrival order (*price–time priority*).
Prices inside the book are integer **ticks** (here one tick is one cent). Below we build a tiny book by hand.
`),
  code(`
const book = new OrderBook();
let id = 1;
// Three bid levels and three ask levels around 100.00 $ (10_000 ticks).
for (const [side, price, qty] of [
  [BID, 9_999, 5], [BID, 9_998, 8], [BID, 9_997, 12],
  [ASK, 10_001, 4], [ASK, 10_002, 9], [ASK, 10_003, 15],
] as const) book.addLimit(id++, side, price, qty, 0);
const snap = createL2Snapshot(3);
book.l2(3, snap);
({ bestBid: book.bestBid(), bestAsk: book.bestAsk(), spreadTicks: book.spread(), mid: book.mid() })
`),
  md(`
The **spread** is the gap between the best ask and the best bid; the **mid** is their average. A market maker earns
(part of) the spread by quoting on both sides. Now a buyer sends a *market order* for 6 lots: it takes the 4 lots at
10 001 and 2 of the 9 lots at 10 002 — it *walks the book*.
`),
  code(`
const filled = book.market(BID, 6, 1);
book.l2(3, snap);
showTable({
  caption: \`after a market buy of 6 lots (filled \${filled})\`,
  columns: ["level", "bid price", "bid lots", "ask price", "ask lots"],
  rows: [0, 1, 2].map((i) => [i + 1, snap.bidPrice[i], snap.bidQty[i], snap.askPrice[i], snap.askQty[i]]),
})
`),
  md(`
(\`showTable\` displays an HTML table; its sibling \`htmlTable\` returns the HTML string used in reports.)

## 2. Order flow: the book over time

ALPE's *book tier* simulates the rest of the market as zero-intelligence flow: limit orders arriving at random
distances from the best quotes (more of them close to the touch), cancellations, market orders, and a few
*informed* traders who trade toward a latent fundamental price. Let us run one environment for 60 seconds with
an agent that never quotes, and take a level-2 snapshot every second.
`),
  code(`
const cfg = parseEnvConfig({ tier: "book", duration: 60, dt: 0.1 });
const env = new BookVecEnv(cfg, 1);
env.reset([11]);
const idle = new Float64Array(4); // offsets 0, sizes 0: no quotes
const snaps: DepthSnapshot[] = [];
const mids: number[] = [];
const l2 = createL2Snapshot(25);
while (!env.terminated[0]) {
  env.step(idle);
  if (env.stepIndex % 10 === 0) {
    env.market(0).book.l2(25, l2);
    snaps.push({
      time: env.stepIndex * cfg.dt, bidPrice: l2.bidPrice.slice(), bidQty: l2.bidQty.slice(),
      askPrice: l2.askPrice.slice(), askQty: l2.askQty.slice(), bidLevels: l2.bidLevels, askLevels: l2.askLevels,
    });
    mids.push(env.view.mid[0]);
  }
}
snaps.length
`),
  code(`
show(depthHeatmapFigure(depthMatrix(snaps, cfg.tickSize, 40), { mid: mids, title: "Depth of the simulated book" }))
`),
  md(`
**How to read it:** time runs left to right, price bottom to top. Blue cells are resting **bids** (darker = more
lots), red cells are resting **asks**; the white band between them is the spread, and the black line is the mid.
Liquidity is thickest a few ticks away from the touch, and the whole structure drifts with the price.

## 3. One episode with Avellaneda–Stoikov, live

The Avellaneda–Stoikov (2008) market maker quotes around a **reservation price** r = s − q·γ·σ²·(T − t) that leans
against its inventory q, with a spread that grows with risk aversion γ and volatility σ. We let it trade for
two minutes on the book tier. In a live Jupyter session the chart below redraws in place every few seconds of
market time; in a headless run (\`deno task notebooks\`) only the final figure is kept.
`),
  code(`
const epCfg = parseEnvConfig({ tier: "book", duration: 120, dt: 0.1 });
const epEnv = new BookVecEnv(epCfg, 1);
const as = createAgent("avellaneda-stoikov");
as.reset({ config: epCfg, numEnvs: 1, seed: 7 });
const rec = new EpisodeRecorder(epEnv);
const action = new Float64Array(4);
// A growing buffer for the live chart (the recorder hands out records at the end).
const n = Math.round(epCfg.duration / epCfg.dt);
const live = {
  time: new Float64Array(n), mid: new Float64Array(n), bidQuote: new Float64Array(n),
  askQuote: new Float64Array(n), bidFilled: new Float64Array(n), askFilled: new Float64Array(n),
  bidFillPrice: new Float64Array(n), askFillPrice: new Float64Array(n), inventory: new Float64Array(n),
  pnl: new Float64Array(n), steps: 0,
};
`),
  code(`
const chart = new LiveChart({ minIntervalMs: 100 });
epEnv.reset([2024]);
while (!epEnv.terminated[0]) {
  as.act(epEnv.observations, epEnv.view, action);
  epEnv.step(action);
  rec.record(epEnv);
  const t = epEnv.stepIndex - 1, c = epEnv.columns;
  live.time[t] = epEnv.stepIndex * epCfg.dt;
  live.mid[t] = epEnv.view.mid[0];
  live.bidQuote[t] = c.bidQuote[0];
  live.askQuote[t] = c.askQuote[0];
  live.bidFilled[t] = c.bidFilled[0];
  live.askFilled[t] = c.askFilled[0];
  live.bidFillPrice[t] = c.bidFillPrice[0];
  live.askFillPrice[t] = c.askFillPrice[0];
  live.inventory[t] = c.inventory[0];
  live.pnl[t] = c.pnl[0];
  live.steps = t + 1;
  if (t % 50 === 49) {
    await chart.update(episodeFigure(live, { title: \`Avellaneda–Stoikov, t = \${live.time[t].toFixed(0)} s\` }));
    await new Promise((r) => setTimeout(r, 80)); // pace the replay so the eye can follow it
  }
}
const [episode] = rec.episodes([2024], as.id);
await chart.finish(episodeFigure(episode, { title: "Avellaneda–Stoikov: one 2-minute episode" }))
`),
  md(`
**How to read it:** the top panel shows the mid (black) and our bid/ask quotes (step lines). Green triangles are
our **bid fills** (we bought), red ones our **ask fills** (we sold), sized by lots. The middle panel is our
inventory: notice how the quotes shift down when we are long (to sell more readily) and up when short. The
bottom panel is the mark-to-market P&L = cash + inventory × mid.

## 4. Reading the results

\`summarizeEpisode\` turns an episode record into the metrics used everywhere in ALPE (returns are per second
over a capital base of maxInventory × lotSize × price). A few of them:
`),
  code(`
const m = summarizeEpisode(episode, { capitalBase: defaultCapitalBase(epCfg) });
showTable({
  columns: ["metric", "value", "meaning"],
  rows: [
    ["total P&L ($)", m.totalPnl, "mark-to-market profit at the end"],
    ["fills", m.numFills, "number of executions of our quotes"],
    ["spread captured ($/share)", m.spreadCaptured, "edge vs the mid at fill time, per share"],
    ["avg |inventory| (lots)", m.avgAbsInventory, "how much risk we carried"],
    ["max drawdown ($)", m.maxDrawdown, "worst fall from a P&L peak"],
    ["Sharpe (annualized)", m.sharpe, "noisy on one short episode"],
  ],
  digits: 3,
})
`),
  md(`
One episode is anecdote, not evidence: the P&L of a market maker is noisy. Notebook **02** runs every strategy
over many episodes with common random numbers and reports 95% confidence intervals; **03** digs into one
strategy's risk; **04** trains a PPO agent; **05** combines strategies; **06** is about market impact.
`),
];

// ---------------------------------------------------------------- 06 market impact

const impact: Cell[] = [
  md(`
# 06 · Market impact

Trading moves prices. This notebook covers the three impact models ALPE implements and what they mean for a
market maker:

1. **Almgren–Chriss (2001)** optimal liquidation: trajectories and the efficient frontier, with the paper's
   Table 1 example.
2. The empirical **square-root law** of impact.
3. **Transient impact** and its decay.
4. The **effect of impact on a market maker**'s P&L in the simulator.
`),
  code(`
import {
  almgrenChrissCost, almgrenChrissKappa, almgrenChrissLinearCost, almgrenChrissTrajectory,
  createAgent, createImpactModel, executionFrontierFigure, linesFigure, makeVecEnv,
  parseEnvConfig, show, showTable, sqrtImpact, trajectoriesFigure,
} from "../mod.ts";
import type { AlmgrenChrissParams, FrontierPoint } from "../mod.ts";
`),
  md(`
## 1. Almgren–Chriss: trading off cost against risk

We must sell X shares over T days in N steps. Selling fast pays **temporary impact** (η per share per unit of
trading rate) but leaves little exposure to price moves; selling slowly is cheap but risky. With risk aversion λ,
the optimal holdings are x(t) = X·sinh(κ(T − t))/sinh(κT), where κ grows with λσ²/η. The paper's example
(Table 1): X = 10⁶ shares, T = 5 days, N = 5, σ = 0.95 $/share/√day, η = 2.5·10⁻⁶, γ = 2.5·10⁻⁷, ε = 0.0625.
`),
  code(`
const base: AlmgrenChrissParams = {
  X: 1e6, T: 5, N: 5, sigma: 0.95, eta: 2.5e-6, gamma: 2.5e-7, epsilon: 0.0625, lambda: 0,
};
const fine = { ...base, N: 50 }; // a finer grid for smooth curves
const lambdas = [0, 1e-7, 1e-6, 2e-6];
const series = lambdas.map((lambda) => {
  const p = { ...fine, lambda };
  return {
    name: \`λ = \${lambda.toExponential(0)}\`,
    time: Array.from({ length: p.N + 1 }, (_, j) => (j * p.T) / p.N),
    holdings: almgrenChrissTrajectory(p),
  };
});
show(trajectoriesFigure(series, { title: "Optimal holdings for several risk aversions λ" }))
`),
  md(`
**How to read it:** λ = 0 (risk-neutral) sells at a constant rate (TWAP: a straight line). The more risk-averse
the trader, the faster the early selling — the curve bends down — paying more impact to shed risk sooner.
The table gives κ, the expected cost E and its standard deviation √V for each λ on the paper's 5-step grid.
`),
  code(`
showTable({
  columns: ["λ", "κ (1/day)", "E[cost] ($)", "√V ($)"],
  rows: lambdas.map((lambda) => {
    const p = { ...base, lambda };
    const c = almgrenChrissCost(p, almgrenChrissTrajectory(p));
    return [lambda.toExponential(0), almgrenChrissKappa(p), c.expectation, Math.sqrt(c.variance)];
  }),
  digits: 4,
})
`),
  md(`
The closed form for the linear schedule is a useful check: E = ½γX² + εX + η̃X²/T.
`),
  code(`
const lin = almgrenChrissLinearCost(base);
const num = almgrenChrissCost(base, almgrenChrissTrajectory(base));
({ closedForm: lin.expectation, numeric: num.expectation, relDiff: Math.abs(lin.expectation - num.expectation) / lin.expectation })
`),
  md(`
### The efficient frontier

Sweeping λ traces the set of schedules that minimize E + λV: the **efficient frontier** in the (V, E) plane.
Points below it are unattainable, points above it are wasteful. We highlight the paper's λ = 10⁻⁶ schedule and
the risk-neutral one.
`),
  code(`
const frontier: FrontierPoint[] = [];
for (let i = 0; i <= 60; i++) {
  const lambda = 1e-9 * Math.pow(10, (i / 60) * 4.5); // 1e-9 .. ~3e-5
  const p = { ...base, lambda };
  const c = almgrenChrissCost(p, almgrenChrissTrajectory(p));
  frontier.push({ variance: c.variance, expectation: c.expectation });
}
const pick = (lambda: number, name: string): FrontierPoint => {
  const p = { ...base, lambda };
  const c = almgrenChrissCost(p, almgrenChrissTrajectory(p));
  return { name, variance: c.variance, expectation: c.expectation };
};
show(executionFrontierFigure(frontier, [pick(0, "TWAP (λ = 0)"), pick(1e-6, "λ = 1e-6")]))
`),
  md(`
**How to read it:** moving left along the curve buys risk reduction with expected cost. Near the TWAP end the
curve is flat: a little risk aversion removes a lot of variance almost for free — the paper's key insight.

## 2. The square-root law

Across markets, the average price impact of a metaorder of Q shares is close to I = Y·σ·√(Q/V), with σ the daily
volatility, V the daily volume and Y of order one. Impact is *concave*: doubling the order does not double the
price move.
`),
  code(`
const fracs = Array.from({ length: 50 }, (_, i) => Math.pow(10, -4 + (i / 49) * 3)); // Q/V from 1e-4 to 0.1
const sigmaDaily = 2; // $ per share per day
show(linesFigure([
  { name: "square-root law (Y = 0.5)", x: fracs, y: fracs.map((f) => sqrtImpact(0.5, sigmaDaily, f * 1e6, 1e6)) },
  { name: "linear impact, same at Q/V = 1%", x: fracs, y: fracs.map((f) => sqrtImpact(0.5, sigmaDaily, 1e4, 1e6) * f / 0.01), dash: "dash" },
], { title: "Impact of a metaorder", xTitle: "participation Q/V (log scale)", yTitle: "impact ($/share)", logX: true }))
`),
  md(`
**How to read it:** on the log x axis the square-root law grows slowly; a linear model calibrated at 1% of daily
volume badly overstates the impact of large orders and understates that of small ones.

## 3. Transient impact and its decay

In ALPE's \`"transient"\` model each trade shifts the price by a fixed amount per lot, and the accumulated shift
decays exponentially with a half-life. Below, one trade of 20 lots at t = 0, for three half-lives.
`),
  code(`
const cfgImpact = parseEnvConfig({});
const halfLives = [2, 5, 15];
const ts = Array.from({ length: 121 }, (_, i) => i * 0.5);
show(linesFigure(halfLives.map((h) => {
  const model = createImpactModel({ ...cfgImpact.impact, model: "transient", halfLife: h }, { sigmaDaily: 2, lotSize: 100 });
  model.reset();
  model.trade(20, 0.1, 0);
  return { name: \`half-life \${h} s\`, x: ts, y: ts.map((t) => model.offset(t)) };
}), { title: "Decay of transient impact after a 20-lot buy", xTitle: "seconds after the trade", yTitle: "price offset ($)" }))
`),
  md(`
**How to read it:** the price jumps by 20 × the per-lot impact and relaxes back; a short half-life means the
market "forgets" the trade quickly, which matters for anyone trading again soon — like a market maker.

## 4. Effect of impact on a market maker

A market maker's own fills move the price against its next trades. We run Avellaneda–Stoikov on the fast model
tier over 32 episodes with common random numbers, without impact and with Almgren–Chriss impact of increasing
strength, and compare the average P&L.
`),
  code(`
async function meanPnl(permanent: number, model: "none" | "almgren-chriss"): Promise<number> {
  const cfg = parseEnvConfig({ tier: "model", duration: 120, impact: { model, permanent, temporary: permanent } });
  const env = makeVecEnv(cfg, 32);
  const agent = createAgent("avellaneda-stoikov");
  agent.reset({ config: cfg, numEnvs: env.numEnvs, seed: 1 });
  env.reset(Array.from({ length: env.numEnvs }, (_, i) => 1000 + i));
  const act = new Float64Array(env.numEnvs * 4);
  while (!env.terminated[0]) {
    agent.act(env.observations, env.view, act);
    env.step(act);
  }
  let s = 0;
  for (let i = 0; i < env.numEnvs; i++) s += env.columns.pnl[i];
  return s / env.numEnvs;
}
const strengths = [0, 2e-5, 1e-4, 5e-4];
const pnls: number[] = [];
for (const k of strengths) pnls.push(await meanPnl(k, k === 0 ? "none" : "almgren-chriss"));
showTable({
  columns: ["impact γ = η ($/lot)", "mean P&L over 32 episodes ($)"],
  rows: strengths.map((k, i) => [k, pnls[i]]),
  digits: 2,
})
`),
  md(`
**Takeaway:** as impact grows the market maker's P&L falls — every fill pays a temporary cost and shifts the
mid against the inventory just acquired. Strategies that turn over inventory fast (small γ in AS) suffer most;
notebook 02's comparison uses the default, mild impact.
`),
];


// ---------------------------------------------------------------- shared glue

/** A small episode runner used by notebooks 02, 03 and 05 (the backtest module scales this up). */
const RUNNER = `
/** Runs \`agentId\` on one batch of episodes (one env per seed) and returns their records. */
function runEpisodes(agentId: string, cfg: EnvConfig, seeds: number[], agentSeed = 1): EpisodeRecord[] {
  const env = makeVecEnv(cfg, seeds.length);
  const agent = createAgent(agentId);
  agent.reset({ config: cfg, numEnvs: env.numEnvs, seed: agentSeed });
  const rec = new EpisodeRecorder(env);
  const act = new Float64Array(env.numEnvs * 4);
  env.reset(seeds);
  while (!env.terminated[0]) {
    agent.act(env.observations, env.view, act);
    env.step(act);
    rec.record(env);
  }
  return rec.episodes(seeds, agent.id);
}`;

// ---------------------------------------------------------------- 02 comparison

const comparison: Cell[] = [
  md(`
# 02 · Strategy comparison

Which market-making strategy is best *here*? One episode cannot say — P&L is noisy — so we run every rule-based
strategy over the **same** set of episodes (common random numbers: episode *k* has the same order flow and price
path for every agent) and report means with **95% bootstrap confidence intervals**, full distributions and
**paired tests** of each strategy against Avellaneda–Stoikov.

The sizes are small so the notebook runs in seconds; the \`deno task compare\` CLI runs the same study at scale
and writes \`out/compare/report.html\`.
`),
  code(`
import {
  aggregate, BASELINE_AGENT_IDS, createAgent, defaultCapitalBase, distributionFigure, EpisodeRecorder,
  equityCurvesFigure, cumulative, makeVecEnv, metricBarsFigure, pairedComparison, parseEnvConfig, show,
  showTable, summarizeEpisode,
} from "../mod.ts";
import type { EnvConfig, EpisodeMetrics, EpisodeRecord } from "../mod.ts";
` + RUNNER),
  md(`
## The experiment

Book tier, 60-second episodes, 24 episodes per strategy. The agents: a **random** quoter (a sanity floor), a
**static** spread, an **adaptive** spread that widens with volatility, **Avellaneda–Stoikov** and **GLFT**
(Guéant–Lehalle–Fernandez-Tapia, the infinite-horizon refinement of AS with inventory limits).
`),
  code(`
const cfg = parseEnvConfig({ tier: "book", duration: 60 });
const seeds = Array.from({ length: 24 }, (_, i) => 5000 + i);
const capitalBase = defaultCapitalBase(cfg);
const metrics = new Map<string, EpisodeMetrics[]>();
for (const id of BASELINE_AGENT_IDS) {
  metrics.set(id, runEpisodes(id, cfg, seeds).map((r) => summarizeEpisode(r, { capitalBase })));
}
[...metrics.keys()]
`),
  md(`
## Summary table

Mean over episodes with the 95% percentile-bootstrap interval in brackets. **P&L** is the mark-to-market profit
per episode; **Sharpe** is annualized from 1-second returns; **fills** counts executions; **|inv|** is the average
absolute inventory in lots (risk carried).
`),
  code(`
const fmt = (s: { mean: number; ci95: [number, number] }, d = 2) =>
  \`\${s.mean.toFixed(d)} [\${s.ci95[0].toFixed(d)}, \${s.ci95[1].toFixed(d)}]\`;
const agg = new Map([...metrics].map(([id, rows]) => [id, aggregate(rows, 42)]));
showTable({
  columns: ["agent", "P&L ($)", "Sharpe", "fills", "|inv| (lots)", "max DD ($)"],
  rows: [...agg].map(([id, a]) => [
    id, fmt(a.totalPnl), fmt(a.sharpe), fmt(a.numFills, 1), fmt(a.avgAbsInventory), fmt(a.maxDrawdown),
  ]),
})
`),
  code(`
show(metricBarsFigure(
  [...agg].map(([id, a]) => ({ name: id, value: a.totalPnl.mean, lo: a.totalPnl.ci95[0], hi: a.totalPnl.ci95[1] })),
  { title: "Mean P&L per episode with 95% CI", valueTitle: "P&L ($)" },
))
`),
  md(`
**How to read it:** bars are means, whiskers the 95% intervals. Overlapping intervals do *not* mean "no
difference" when episodes are shared — the paired tests below are the right tool.

## Distributions

Means hide the shape: a strategy can win on average through rare large gains, or lose through rare blow-ups.
`),
  code(`
show(distributionFigure(
  [...metrics].map(([id, rows]) => ({ name: id, values: rows.map((m) => m.totalPnl) })),
  { title: "P&L per episode", kind: "violin" },
))
`),
  md(`
Each violin is a smoothed histogram of the 24 episode P&Ls, with the box (quartiles) and the mean line inside.
Below, the cumulative P&L over consecutive episodes: the slope is the average edge, the wiggles its risk.
`),
  code(`
show(equityCurvesFigure([...metrics].map(([id, rows]) => ({ name: id, values: cumulative(rows.map((m) => m.totalPnl)) }))))
`),
  md(`
## Paired tests against Avellaneda–Stoikov

Because every agent saw the same episodes, we test the per-episode **differences** A − AS: a paired t-test, the
Wilcoxon signed-rank test (robust to outliers) and an exact/random sign-flip permutation test.
`),
  code(`
const base = metrics.get("avellaneda-stoikov")!.map((m) => m.totalPnl);
showTable({
  columns: ["agent", "mean diff ($)", "95% CI", "t-test p", "Wilcoxon p", "permutation p"],
  rows: [...metrics].filter(([id]) => id !== "avellaneda-stoikov").map(([id, rows]) => {
    const c = pairedComparison(rows.map((m) => m.totalPnl), base, { seed: 7 });
    return [id, c.meanDiff, \`[\${c.ci95[0].toFixed(2)}, \${c.ci95[1].toFixed(2)}]\`, c.tTestP, c.wilcoxonP, c.permutationP];
  }),
  digits: 3,
})
`),
  md(`
**Reading the p-values:** small values (say < 0.05) mean the difference is unlikely to be noise *for this market
configuration*. With 24 short episodes only large differences are detectable; raise the episode count (or use
\`deno task compare\`) for finer conclusions, and remember that a different market (volatility, flow, latency)
can reorder the strategies.
`),
];

// ---------------------------------------------------------------- 03 deep dive

const deepDive: Cell[] = [
  md(`
# 03 · Deep analysis of one strategy: Avellaneda–Stoikov

Here we take one strategy apart: its **tail risk** (VaR, CVaR), **drawdowns**, **trade-level** statistics and
**markouts** (how the price moves after our fills), a **P&L attribution** into spread capture and inventory
P&L, and its behaviour **by volatility regime**.
`),
  code(`
import {
  conditionalValueAtRisk, createAgent, defaultCapitalBase, distributionFigure, episodeReturns,
  EpisodeRecorder, makeVecEnv, metricBarsFigure, parseEnvConfig, pnlDrawdownFigure, show, showTable,
  spreadCaptured, summarizeEpisode, valueAtRisk,
} from "../mod.ts";
import type { EnvConfig, EpisodeRecord } from "../mod.ts";
` + RUNNER),
  code(`
const cfg = parseEnvConfig({ tier: "book", duration: 120 });
const seeds = Array.from({ length: 16 }, (_, i) => 9000 + i);
const records = runEpisodes("avellaneda-stoikov", cfg, seeds);
const capitalBase = defaultCapitalBase(cfg);
const metrics = records.map((r) => summarizeEpisode(r, { capitalBase }));
records.length
`),
  md(`
## Tail risk: VaR and CVaR

We pool the 1-second returns (ΔP&L / capital base) of all episodes. The 5% **VaR** is the return quantile that
is worse than 95% of seconds; **CVaR** (expected shortfall) is the average of the seconds beyond it — it answers
"when things go badly, how badly?".
`),
  code(`
const pooled = records.flatMap((r) => Array.from(episodeReturns(r, { capitalBase }).returns));
const pnlPerSecond = pooled.map((x) => x * capitalBase);
showTable({
  columns: ["level", "VaR ($ per second)", "CVaR ($ per second)"],
  rows: [0.05, 0.01].map((a) => [\`\${(100 * (1 - a)).toFixed(0)}%\`, valueAtRisk(pooled, a) * capitalBase, conditionalValueAtRisk(pooled, a) * capitalBase]),
  digits: 3,
})
`),
  code(`
show(distributionFigure([{ name: "ΔP&L per second", values: pnlPerSecond }], {
  kind: "histogram", bins: 60, title: "Distribution of 1-second P&L changes", valueTitle: "$ per second",
}))
`),
  md(`
The histogram is sharply peaked with fat tails: most seconds nothing happens, a few carry the risk (inventory
marked against a price jump). VaR/CVaR quantify exactly those tails.

## Drawdowns

The worst episode's P&L path and its drawdown from the running peak:
`),
  code(`
const worst = records[metrics.reduce((w, m, i) => (m.maxDrawdown < metrics[w].maxDrawdown ? i : w), 0)];
show(pnlDrawdownFigure(worst, { title: \`P&L and drawdown of the worst episode (seed \${worst.seed})\` }))
`),
  md(`
## Trade-level statistics and markouts

A **markout** at horizon h compares the mid h seconds after a fill with our fill price, signed so that positive
is good for us. Negative markouts are **adverse selection**: we tend to buy just before the price falls (informed
traders hit us). The spread captured is the edge at the moment of the fill.
`),
  code(`
const avg = (xs: number[]) => xs.filter(Number.isFinite).reduce((s, x) => s + x, 0) / Math.max(1, xs.filter(Number.isFinite).length);
const horizons = Object.keys(metrics[0].markouts);
showTable({
  columns: ["statistic", "value"],
  rows: [
    ["fills per episode", avg(metrics.map((m) => m.numFills))],
    ["lots filled per episode", avg(metrics.map((m) => m.filledLots))],
    ["fill ratio", avg(metrics.map((m) => m.fillRatio))],
    ["spread captured (ticks per share)", avg(metrics.map((m) => m.spreadCapturedTicks))],
    ...horizons.map((h) => [\`markout \${h} (ticks per share)\`, avg(metrics.map((m) => m.markouts[h])) / cfg.tickSize] as [string, number]),
  ],
  digits: 3,
})
`),
  md(`
## P&L attribution: spread capture vs inventory

Total P&L = **spread capture** (the edge earned at each fill, measured against the mid) + **inventory P&L** (the
mark-to-market gains and losses of the position held between fills) − impact costs. A good market maker earns
the first and keeps the second small.
`),
  code(`
// Total edge in dollars: Σ (edge per share × lots × lotSize) over fills (NaN without fills → 0).
const spread = records.map((r) => spreadCaptured(r, r.mid[0]).total || 0);
const inventoryPnl = metrics.map((m, i) => m.totalPnl - spread[i] + m.impactCost);
const ci = (xs: number[]) => {
  const mu = avg(xs), sd = Math.sqrt(xs.reduce((s, x) => s + (x - mu) ** 2, 0) / Math.max(1, xs.length - 1));
  const h = 1.96 * sd / Math.sqrt(xs.length);
  return { value: mu, lo: mu - h, hi: mu + h };
};
show(metricBarsFigure([
  { name: "total P&L", ...ci(metrics.map((m) => m.totalPnl)) },
  { name: "spread capture", ...ci(spread) },
  { name: "inventory P&L", ...ci(inventoryPnl) },
  { name: "− impact cost", ...ci(metrics.map((m) => -m.impactCost)) },
], { title: "P&L attribution per episode (mean ± 1.96 s.e.)", valueTitle: "$ per episode" }))
`),
  md(`
**How to read it:** the spread-capture bar is the gross edge; the inventory bar is what price moves did to
the position. A strongly negative inventory P&L points at adverse selection or too little inventory aversion.

## Behaviour by regime

The simulator switches between calm, normal and stressed volatility regimes. We split every episode's per-step
P&L changes and fills by the regime in force.
`),
  code(`
const names = cfg.regimes.names;
const byRegime = names.map(() => ({ steps: 0, pnl: 0, fills: 0, absInv: 0 }));
for (const r of records) {
  for (let t = 0; t < r.steps; t++) {
    const g = byRegime[r.regime[t]];
    g.steps++;
    g.pnl += r.pnl[t] - (t > 0 ? r.pnl[t - 1] : 0);
    g.fills += (r.bidFilled[t] > 0 ? 1 : 0) + (r.askFilled[t] > 0 ? 1 : 0);
    g.absInv += Math.abs(r.inventory[t]);
  }
}
showTable({
  columns: ["regime", "share of time", "P&L per minute ($)", "fills per minute", "avg |inventory|"],
  rows: names.map((name, i) => {
    const g = byRegime[i], minutes = (g.steps * cfg.dt) / 60;
    return [name, g.steps / byRegime.reduce((s, x) => s + x.steps, 0), g.pnl / (minutes || NaN), g.fills / (minutes || NaN), g.absInv / (g.steps || NaN)];
  }),
  digits: 3,
})
`),
  md(`
Stressed regimes bring more fills (more flow) but also larger inventory swings; whether they are profitable
depends on how quickly the strategy widens its quotes — compare with the adaptive and GLFT agents in notebook 02.
`),
];

// ---------------------------------------------------------------- 04 training

const training: Cell[] = [
  md(`
# 04 · Training a PPO market maker

Reinforcement learning lets a policy discover quoting rules from the reward (P&L minus inventory and
volatility penalties) instead of deriving them from a model. This notebook:

1. trains a **small PPO agent** for a few seconds of CPU on the fast model tier, with its training curves;
2. loads the **shipped model** from \`data/models/ppo\` when it exists (trained longer with \`deno task train\`);
3. compares **quote maps** — bid/ask offsets as a function of inventory — of PPO and the analytic strategies
   (Avellaneda–Stoikov, GLFT).
`),
  code(`
import {
  createAgent, hasCheckpoint, loadPolicy, OBS, OBS_DIM, parseEnvConfig, parseMetricsJsonl, policyMapFigure,
  PpoTrainer, show, trainingCurvesFigure,
} from "../mod.ts";
import type { Agent, AgentView, EnvConfig, MetricsRow, PpoPolicy, TrainProgress } from "../mod.ts";
`),
  md(`
## 1. A short training run

PPO alternates **rollouts** (16 environments step the current stochastic policy for 256 steps) and **updates**
(several epochs of minibatch gradient steps on the clipped surrogate objective). We train for 160 000
environment steps with a small 32×32 network — a toy budget, enough to see learning start.
`),
  code(`
const rows: MetricsRow[] = [];
const trainer = await PpoTrainer.create({
  seed: 3,
  totalTimesteps: 160_000,
  env: { tier: "model", duration: 60 },
  curriculum: { enabled: false },
  ppo: { numEnvs: 16, nSteps: 256, minibatchSize: 1024, hiddenSizes: [32, 32] },
}, {
  outDir: "../out/notebooks/ppo_small",
  onUpdate: (p: TrainProgress) => rows.push({ ...p }),
});
await trainer.train();
trainer.dispose();
\`\${rows.length} updates, \${rows.at(-1)?.timesteps} steps\`
`),
  code(`
show(trainingCurvesFigure(rows, {
  x: "update",
  series: ["episodeReturn", "episodePnl", "entropy", "approxKl", "explainedVariance"],
  title: "PPO training curves (small run)",
}))
`),
  md(`
**How to read it:** *episodeReturn* is the mean raw reward of the last finished batch of episodes and should
trend up; *episodePnl* is its dollar P&L. *entropy* measures how random the Gaussian policy still is (it falls
as the policy commits), *approxKl* how far each update moved the policy (PPO keeps it small), and
*explainedVariance* how well the critic predicts returns (towards 1 is good). With this tiny budget the curves
are noisy; the shipped model is trained much longer.

## 2. The shipped model
`),
  code(`
const shippedDir = "../data/models/ppo";
const shipped: PpoPolicy | undefined = (await hasCheckpoint(shippedDir)) ? await loadPolicy(shippedDir) : undefined;
let shippedMetrics: MetricsRow[] = [];
try {
  shippedMetrics = parseMetricsJsonl(await Deno.readTextFile(\`\${shippedDir}/metrics.jsonl\`));
} catch {
  shippedMetrics = [];
}
shipped
  ? \`Loaded the shipped PPO model (\${shippedMetrics.length} logged updates).\`
  : "No shipped model in data/models/ppo: run \`deno task train\` to create one; the maps below use the small run only."
`),
  code(`
shippedMetrics.length > 0
  ? show(trainingCurvesFigure(shippedMetrics, {
    x: "update", series: ["episodeReturn", "episodePnl", "entropy"], title: "Training curves of the shipped model",
  }))
  : "(no training log shipped)"
`),
  md(`
## 3. Quote maps: how each policy reacts to inventory

We feed each policy the same synthetic mid-episode state, varying only the inventory from −maxInventory to
+maxInventory, and record the bid and ask offsets (ticks from the mid) it chooses.
`),
  code(`
const cfg = parseEnvConfig({ tier: "model", duration: 60 });
const grid = Array.from({ length: 41 }, (_, i) => Math.round(-cfg.maxInventory + (i * 2 * cfg.maxInventory) / 40));
const n = grid.length;
const sigma = (cfg.volatility * cfg.initialPrice) / Math.sqrt(23_400);
const view: AgentView = {
  mid: new Float64Array(n).fill(cfg.initialPrice),
  bestBid: new Float64Array(n).fill(cfg.initialPrice - cfg.tickSize),
  bestAsk: new Float64Array(n).fill(cfg.initialPrice + cfg.tickSize),
  inventory: Float64Array.from(grid),
  timeLeft: new Float64Array(n).fill(cfg.duration / 2),
  sigma: new Float64Array(n).fill(sigma),
};
const obs = new Float64Array(n * OBS_DIM);
grid.forEach((q, i) => {
  obs[i * OBS_DIM + OBS.INVENTORY] = q / cfg.maxInventory;
  obs[i * OBS_DIM + OBS.TIME_LEFT] = 0.5;
  obs[i * OBS_DIM + OBS.SPREAD] = 0.2;
  obs[i * OBS_DIM + OBS.VOLATILITY] = 1;
  obs[i * OBS_DIM + OBS.BID_QUEUE] = 1;
  obs[i * OBS_DIM + OBS.ASK_QUEUE] = 1;
});
function curve(name: string, out: Float64Array) {
  return { name, inventory: grid, bid: grid.map((_, i) => out[i * 4]), ask: grid.map((_, i) => out[i * 4 + 1]) };
}
function agentMap(agent: Agent, c: EnvConfig) {
  agent.reset({ config: c, numEnvs: n, seed: 1 });
  const out = new Float64Array(n * 4);
  agent.act(obs, view, out);
  return curve(agent.name, out);
}
function policyMap(name: string, policy: PpoPolicy) {
  policy.setEnvConfig(cfg, n);
  const out = new Float64Array(n * 4);
  policy.act(obs, view, n, out);
  return curve(name, out);
}
const curves = [agentMap(createAgent("avellaneda-stoikov"), cfg), agentMap(createAgent("glft"), cfg)];
curves.push(policyMap("PPO (small run)", await loadPolicy("../out/notebooks/ppo_small")));
if (shipped) curves.push(policyMap("PPO (shipped)", shipped));
curves.map((c) => c.name)
`),
  code(`
show(policyMapFigure(curves, { title: "Quote offsets by inventory (solid: bid, dashed: ask)" }))
`),
  md(`
**How to read it:** for Avellaneda–Stoikov both lines are straight and mirror each other: when long
(inventory > 0) the bid moves away (buy less) and the ask moves in (sell more) — the reservation-price skew.
GLFT skews the same way with its own slope and spread. A trained PPO policy should learn the same *direction*
of skew; the small run is usually still close to its random initialization (flat lines), the shipped one much
closer to the analytic shape. Where PPO departs from the analytic maps tells you what the richer observation
(queue position, order-flow imbalance) taught it.
`),
];

// ---------------------------------------------------------------- 05 portfolio

const portfolio: Cell[] = [
  md(`
# 05 · A portfolio of strategies

Instead of picking one strategy we can **allocate capital across several**. If their P&Ls are not perfectly
correlated, the combination can have a better risk/return trade-off than any single one. We:

1. run the rule-based strategies over common episodes;
2. measure the **correlation** of their per-episode P&Ls;
3. compute the risk of allocations and trace an **efficient-frontier-style** plot.
`),
  code(`
import {
  BASELINE_AGENT_IDS, correlationHeatmapFigure, correlationMatrix, createAgent, EpisodeRecorder,
  equityCurvesFigure, cumulative, makeVecEnv, parseEnvConfig, riskReturnFigure, show, showTable,
} from "../mod.ts";
import type { EnvConfig, EpisodeRecord } from "../mod.ts";
` + RUNNER),
  code(`
const cfg = parseEnvConfig({ tier: "model", duration: 120 });
const seeds = Array.from({ length: 48 }, (_, i) => 7000 + i);
const ids = BASELINE_AGENT_IDS.filter((id) => id !== "random");
const pnl = ids.map((id) => runEpisodes(id, cfg, seeds).map((r) => r.pnl[r.steps - 1]));
const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
const std = (x: number[]) => { const m = mean(x); return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1)); };
showTable({ columns: ["strategy", "mean P&L ($)", "std ($)"], rows: ids.map((id, i) => [id, mean(pnl[i]), std(pnl[i])]), digits: 2 })
`),
  md(`
We use the fast *model* tier (48 two-minute episodes); the P&L of each episode is the final mark-to-market value.

## Correlation of P&Ls

Strategies that trade in the same market on the same episodes are correlated — they are exposed to the same
price moves. The diversification benefit comes from the part that is *not* shared.
`),
  code(`
show(correlationHeatmapFigure(ids, correlationMatrix(pnl), { title: "Correlation of per-episode P&Ls" }))
`),
  md(`
Values near 1 (dark blue) mean the strategies win and lose together; combining them adds little. Lower values
leave room for diversification.

## Combined risk and the frontier

A portfolio with weights w (summing to 1) earns the weighted P&L each episode. Its risk is
√(wᵀΣw) with Σ the covariance matrix. We sample random long-only allocations and mark the individual strategies
and the equal-weight mix.
`),
  code(`
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
// Random long-only weights (normalized exponentials: uniform on the simplex), seeded LCG.
let state = 12345;
const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const cloud = Array.from({ length: 1500 }, () => {
  const w = ids.map(() => -Math.log(rand() + 1e-12));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
});
const risks = cloud.map(risk), rets = cloud.map(ret);
`),
  md(`
The **efficient envelope**: split the risk axis into buckets, keep the best return found in each, and keep only
the points where return still increases with risk.
`),
  code(`
const lo = Math.min(...risks), hi = Math.max(...risks), buckets = 30;
const best = new Array(buckets).fill(-Infinity), bestRisk = new Array(buckets).fill(NaN);
risks.forEach((r, i) => {
  const b = Math.min(buckets - 1, Math.floor(((r - lo) / (hi - lo || 1)) * buckets));
  if (rets[i] > best[b]) { best[b] = rets[i]; bestRisk[b] = r; }
});
let runMax = -Infinity;
const envelope = best
  .map((r, b) => ({ r, x: bestRisk[b] }))
  .filter((p) => Number.isFinite(p.r) && p.r > runMax && ((runMax = p.r), true));
const equal = ids.map(() => 1 / k);
const points = [
  ...ids.map((id, i) => ({ name: id, risk: Math.sqrt(cov[i][i]), ret: mu[i] })),
  { name: "equal weight", risk: risk(equal), ret: ret(equal) },
];
show(riskReturnFigure(points, {
  cloud: { risk: risks, ret: rets },
  frontier: { risk: envelope.map((p) => p.x), ret: envelope.map((p) => p.r), name: "efficient envelope" },
  title: "Risk and return of strategy allocations",
}))
`),
  md(`
**How to read it:** grey dots are random allocations; the black line is their upper envelope — for each level of
risk, the best mean P&L found. Coloured points are the single strategies and the equal-weight mix. Points
*left* of a strategy at the same height are free risk reduction from diversification.

## Equity of the equal-weight portfolio
`),
  code(`
const combined = Array.from({ length: n }, (_, t) => equal.reduce((s, w, i) => s + w * pnl[i][t], 0));
show(equityCurvesFigure([
  ...ids.map((id, i) => ({ name: id, values: cumulative(pnl[i]) })),
  { name: "equal weight", values: cumulative(combined) },
], { title: "Cumulative P&L over the 48 episodes" }))
`),
  md(`
The equal-weight line is smoother than most individual lines — the visual counterpart of the lower risk in the
scatter above. In production one would re-estimate the covariance out of sample; with 48 episodes the estimates
are themselves noisy.
`),
];

const notebooks: [string, Cell[]][] = [
  ["01_tutorial", tutorial],
  ["02_strategy_comparison", comparison],
  ["03_strategy_deep_dive", deepDive],
  ["04_training", training],
  ["05_portfolio", portfolio],
  ["06_market_impact", impact],
];

const dir = new URL(".", import.meta.url);
const only = Deno.args;
for (const [name, cells] of notebooks) {
  if (only.length && !only.includes(name)) continue;
  await Deno.writeTextFile(new URL(`${name}.ipynb`, dir), notebook(name, cells));
  console.log(`wrote notebooks/${name}.ipynb (${cells.length} cells)`);
}
