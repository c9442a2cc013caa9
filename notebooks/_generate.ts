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

// ---------------------------------------------------------------- shared glue

/** A small episode runner used by notebooks 02, 03, 05 and 06 (the backtest module scales this up). */
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

/** Ends every notebook's first cell: plotly.js for the figures, sent once as this cell's output. */
const LOAD_PLOTLY = `

// plotly.js for the figures below, offline: a few small outputs of this cell (see docs/notebooks.md).
await loadPlotly();`;

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
import { loadPlotly } from "../mod.ts";
` + LOAD_PLOTLY),
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
over many episodes with common random numbers and reports 95% confidence intervals; **03** takes one
strategy apart (risk, markouts, P&L attribution, regimes); **04** trains a PPO agent; **05** combines strategies; **06** is about market impact.
`),
];

// ---------------------------------------------------------------- 06 market impact

const impact: Cell[] = [
  md(`
# 06 · Market impact

Trading moves prices. This notebook covers the impact models ALPE implements (Almgren–Chriss, square-root,
transient) and what they mean for a market maker:

1. **Almgren–Chriss (2001)** optimal liquidation: trajectories and the efficient frontier, with the paper's
   Table 1 example.
2. The empirical **square-root law** of impact.
3. **Transient impact** and its decay.
4. The **effect of impact on a market maker**'s P&L in the simulator.
`),
  code(`
import {
  almgrenChrissCost, almgrenChrissKappa, almgrenChrissLinearCost, almgrenChrissTrajectory,
  bootstrapMeanCI, createAgent, createImpactModel, defaultCapitalBase, EpisodeRecorder,
  executionFrontierFigure, intervalLinesFigure, linesFigure, makeVecEnv, parseEnvConfig, show, showTable,
  sqrtImpact, summarizeEpisode, trajectoriesFigure,
} from "../mod.ts";
import type { AlmgrenChrissParams, EnvConfig, EpisodeMetrics, EpisodeRecord, FrontierPoint } from "../mod.ts";
import { loadPlotly } from "../mod.ts";
` + RUNNER + LOAD_PLOTLY),
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

A market maker's own fills move the price against its next trades. We run two strategies that trade
differently — Avellaneda–Stoikov, which skews its quotes to keep inventory small, and the static spread, which
does not — on the fast model tier over 32 episodes with common random numbers, first without
impact and then with Almgren–Chriss impact of increasing strength (permanent γ = temporary η, in dollars per lot;
the simulator's default is 2·10⁻⁵), and record every episode.
`),
  code(`
const impactAgents = ["avellaneda-stoikov", "static-spread"];
const strengths = [0, 2e-5, 1e-4, 2e-4, 3e-4, 4e-4, 5e-4];
const impactSeeds = Array.from({ length: 32 }, (_, i) => 1000 + i);
// runs[a][s]: the metrics of agent a's 32 episodes at strength s.
const runs: EpisodeMetrics[][][] = impactAgents.map((id) =>
  strengths.map((k) => {
    const cfg = parseEnvConfig({
      tier: "model", duration: 120, impact: { model: k === 0 ? "none" : "almgren-chriss", permanent: k, temporary: k },
    });
    const capitalBase = defaultCapitalBase(cfg);
    return runEpisodes(id, cfg, impactSeeds).map((r) => summarizeEpisode(r, { capitalBase }));
  })
);
const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
showTable({
  columns: ["agent", "impact γ = η ($/lot)", "mean P&L ($)", "mean impact cost ($)", "lots filled per episode"],
  rows: impactAgents.flatMap((id, a) =>
    strengths.map((k, s) => {
      const m = runs[a][s];
      return [id, k === 0 ? "0 (none)" : k.toExponential(0), meanOf(m.map((x) => x.totalPnl)), meanOf(m.map((x) => x.impactCost)), meanOf(m.map((x) => x.filledLots))];
    })
  ),
  digits: 2,
})
`),
  md(`
Because the episodes share their random numbers, the cleanest view is the **paired** change: for each episode,
its P&L with impact minus its P&L without, averaged over the 32 episodes with a 95% bootstrap interval.
`),
  code(`
show(intervalLinesFigure(impactAgents.map((id, a) => {
  const none = runs[a][0].map((m) => m.totalPnl);
  const ci = strengths.map((_, s) =>
    bootstrapMeanCI(runs[a][s].map((m, e) => m.totalPnl - none[e]), { seed: 10 * a + s })
  );
  return { name: id, x: strengths.map((k) => k * 1e5), y: ci.map((c) => c.mean), lo: ci.map((c) => c.lo), hi: ci.map((c) => c.hi) };
}), {
  title: "Change in P&L per episode caused by impact (mean, 95% CI)",
  xTitle: "impact strength γ = η (10⁻⁵ $ per lot)", yTitle: "P&L with impact − without ($ per episode)", zeroLine: true,
}))
`),
  md(`
**How to read it:** each line starts at zero (no impact, compared with itself) and shows how much P&L per
episode impact takes away as it grows; the band is the uncertainty of that mean. Impact works through two
channels: the temporary part is a cost paid on every fill (the "impact cost" column), and the permanent part
shifts the mid against the inventory just acquired. Compare each line's drop with its impact-cost column to see
how much of the damage is the cost paid at the fills. The temporary cost of a fill of n lots in one step of
length dt is η·lotSize·n²/dt — quadratic in the clip size — so what matters is not only how many lots a
strategy trades ("lots filled") but in how large pieces: the steeper line belongs to the strategy that trades
more, or in bigger clips. Notebook 02's comparison runs at the default, mild impact, at the left end of this
chart.
`),
];

// ---------------------------------------------------------------- 02 comparison

const comparison: Cell[] = [
  md(`
# 02 · Strategy comparison

Which market-making strategy is best *here*? One episode cannot say — P&L is noisy — so we run every strategy
(the rule-based ones, and the trained PPO agent when its model is shipped) over the **same** set of episodes (common random numbers: episode *k* has the same order flow and price
path for every agent) and report means with **95% bootstrap confidence intervals**, full distributions and
**paired tests** of each strategy against Avellaneda–Stoikov.

The sizes are small so the notebook runs in seconds; the \`deno task compare\` CLI runs the same study at scale
and writes \`out/compare/report.html\`.
`),
  code(`
import {
  aggregate, BASELINE_AGENT_IDS, createAgent, defaultCapitalBase, distributionFigure, EpisodeRecorder,
  equityCurvesFigure, cumulative, makeVecEnv, metricBarsFigure, pairedComparison, parseEnvConfig,
  registerPpoAgent, show, showTable, summarizeEpisode,
} from "../mod.ts";
import type { EnvConfig, EpisodeMetrics, EpisodeRecord } from "../mod.ts";
import { loadPlotly } from "../mod.ts";
` + RUNNER + LOAD_PLOTLY),
  md(`
## The experiment

Book tier, 60-second episodes, 24 episodes per strategy. The agents: a **random** quoter (a sanity floor), a
**static** spread, an **adaptive** spread that widens with volatility, **Avellaneda–Stoikov** and **GLFT**
(Guéant–Lehalle–Fernandez-Tapia, the infinite-horizon refinement of AS with inventory limits), and **PPO**, the
reinforcement-learning policy of notebook 04, loaded from \`data/models/ppo\` if a model is there (it acts
deterministically with its policy mean).
`),
  code(`
let ppoNote = "PPO: shipped model loaded";
const ids: string[] = [...BASELINE_AGENT_IDS];
try {
  await registerPpoAgent("../data/models/ppo");
  ids.push("ppo");
} catch (e) {
  ppoNote = \`PPO left out: \${e instanceof Error ? e.message : String(e)}\`;
}
ppoNote
`),
  code(`
const cfg = parseEnvConfig({ tier: "book", duration: 60 });
const seeds = Array.from({ length: 24 }, (_, i) => 5000 + i);
const capitalBase = defaultCapitalBase(cfg);
const metrics = new Map<string, EpisodeMetrics[]>();
for (const id of ids) {
  metrics.set(id, runEpisodes(id, cfg, seeds).map((r) => summarizeEpisode(r, { capitalBase })));
}
[...metrics.keys()]
`),
  md(`
## Summary table

Mean over episodes with the 95% percentile-bootstrap interval in brackets. **P&L** is the mark-to-market profit
per episode; **Sharpe** is annualized from 1-second returns (large in absolute value because a second is a tiny
period and annualization multiplies by √(252 × 23 400)); **fills** counts executions; **|inv|** is the average
absolute inventory in lots (risk carried); **max DD** is the deepest fall of the P&L from its running peak within
an episode; **spread** is the edge captured per share at our fills, in ticks.
`),
  code(`
const fmt = (s: { mean: number; ci95: [number, number] }, d = 2) =>
  \`\${s.mean.toFixed(d)} [\${s.ci95[0].toFixed(d)}, \${s.ci95[1].toFixed(d)}]\`;
const agg = new Map([...metrics].map(([id, rows]) => [id, aggregate(rows, 42)]));
showTable({
  columns: ["agent", "P&L ($)", "Sharpe", "fills", "|inv| (lots)", "max DD ($)", "spread (ticks)"],
  rows: [...agg].map(([id, a]) => [
    id, fmt(a.totalPnl), fmt(a.sharpe), fmt(a.numFills, 1), fmt(a.avgAbsInventory), fmt(a.maxDrawdown),
    fmt(a.spreadCapturedTicks),
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
**How to read it:** each violin is a smoothed histogram of the 24 episode P&Ls, with the box (quartiles) and the
mean line inside. A tall, thin violin is a strategy whose result varies a lot between episodes; long tails below
zero are occasional blow-ups that the mean alone would hide.

Below, the cumulative P&L over consecutive episodes.
`),
  code(`
show(equityCurvesFigure([...metrics].map(([id, rows]) => ({ name: id, values: cumulative(rows.map((m) => m.totalPnl)) }))))
`),
  md(`
**How to read it:** each line adds up one strategy's episode P&Ls in seed order. The overall slope is the
average edge per episode; the wiggles and sudden steps are its risk. Because every strategy saw the same
episodes, a step that appears in several lines at the same episode is a market move that hit them all —
the shared part of the risk, which combining strategies (notebook 05) cannot diversify away.
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
The same differences as a figure: the mean paired difference of each strategy against Avellaneda–Stoikov with
its 95% bootstrap interval.
`),
  code(`
show(metricBarsFigure(
  [...metrics].filter(([id]) => id !== "avellaneda-stoikov").map(([id, rows]) => {
    const c = pairedComparison(rows.map((m) => m.totalPnl), base, { seed: 7 });
    return { name: id, value: c.meanDiff, lo: c.ci95[0], hi: c.ci95[1] };
  }),
  { title: "P&L difference against Avellaneda–Stoikov, per episode (95% CI)", valueTitle: "Δ P&L ($ per episode)" },
))
`),
  md(`
**How to read it:** a bar above zero means the strategy earned more than Avellaneda–Stoikov *on the same
episodes*; the whiskers are the 95% interval of that mean difference. Pairing removes the episode-to-episode
noise both strategies share, so these intervals are often narrower than the intervals of the
first bar chart. A whisker that crosses zero matches a large p-value in the table.

**Reading the p-values:** small values (say < 0.05) mean the difference is unlikely to be noise *for this market
configuration*. With 24 short episodes only large differences are detectable; raise the episode count (or use
\`deno task compare\`) for finer conclusions, and remember that a different market (volatility, flow, latency)
can reorder the strategies.
`),
];

// ---------------------------------------------------------------- 03 deep analysis

const deepDive: Cell[] = [
  md(`
# 03 · Deep analysis of one strategy: Avellaneda–Stoikov

Notebook 02 told us *how much* each strategy earns; this one asks *how* one of them earns it and what risks it
runs. We take Avellaneda–Stoikov apart:

1. **Risk breakdown** — tail risk of short-horizon P&L (VaR, CVaR) and drawdowns;
2. **Trade-level statistics** and **markouts** — how the price moves after our fills;
3. **P&L attribution** — spread capture against inventory P&L;
4. **Behaviour by regime** — what happens in calm, normal and stressed volatility.
`),
  code(`
import {
  bootstrapMeanCI, conditionalValueAtRisk, createAgent, defaultCapitalBase, distributionFigure,
  episodeReturns, EpisodeRecorder, makeVecEnv, markoutCurveFigure, markouts, metricBarsFigure,
  minOf, parseEnvConfig, pnlDrawdownFigure, quantile, show, showTable, spreadCaptured,
  summarizeEpisode, valueAtRisk,
} from "../mod.ts";
import type { EnvConfig, EpisodeRecord } from "../mod.ts";
import { loadPlotly } from "../mod.ts";
` + RUNNER + LOAD_PLOTLY),
  md(`
The experiment: 16 two-minute episodes on the book tier (the full limit-order-book simulator), with default
market settings. \`summarizeEpisode\` computes the per-episode metrics used throughout.
`),
  code(`
const cfg = parseEnvConfig({ tier: "book", duration: 120 });
const seeds = Array.from({ length: 16 }, (_, i) => 9000 + i);
const records = runEpisodes("avellaneda-stoikov", cfg, seeds);
const capitalBase = defaultCapitalBase(cfg);
const metrics = records.map((r) => summarizeEpisode(r, { capitalBase }));
const ci95 = (xs: number[], seed = 1) => bootstrapMeanCI(xs.filter(Number.isFinite), { seed });
records.length
`),
  md(`
## 1. Risk breakdown

### Tail risk: VaR and CVaR

We pool the 1-second returns (ΔP&L / capital base) of all episodes. The 5% **VaR** is the return quantile that
is worse than 95% of seconds; **CVaR** (expected shortfall) is the average of the seconds beyond it — it answers
"when things go badly, how badly?". Both are shown in dollars per second (negative = loss).
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
**How to read it:** each bar's height is proportional to the share of seconds whose P&L change fell in that bin
(a probability density). Expect a tall spike at
zero — in most seconds neither our inventory's value nor our cash changes much — and thin tails on both sides:
the seconds in which a price move hit the inventory we held. VaR and CVaR above summarize the left tail; zoom
into it (drag a box) to see the few seconds that carry the risk.

### Drawdowns

A drawdown is the fall of the P&L from its running peak. Per episode, the **max drawdown** is the deepest one:
`),
  code(`
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
})
`),
  md(`
Below, the P&L path of the episode with the worst drawdown:
`),
  code(`
const worst = records[metrics.reduce((w, m, i) => (m.maxDrawdown < metrics[w].maxDrawdown ? i : w), 0)];
show(pnlDrawdownFigure(worst, { title: \`P&L and drawdown of the worst episode (seed \${worst.seed})\` }))
`),
  md(`
**How to read it:** the top panel is the mark-to-market P&L over the episode; the bottom panel shades the
distance below the running peak. Long flat stretches with small steps are the spread being earned fill by fill;
sudden drops are price moves against the inventory held at that moment. Deep, quick drawdowns point at
inventory risk; slow bleeding points at adverse selection (we keep trading with better-informed flow).

## 2. Trade-level statistics and markouts

A **markout** at horizon h compares the mid h seconds after a fill with our fill price, signed so that positive
is good for us. Negative markouts are **adverse selection**: we tend to buy just before the price falls (informed
traders hit us). The spread captured is the edge at the moment of the fill, against the mid before it.
`),
  code(`
const avg = (xs: number[]) => ci95(xs).mean;
const horizons = Object.keys(metrics[0].markouts);
showTable({
  columns: ["statistic (mean over episodes)", "value"],
  rows: [
    ["fills per episode", avg(metrics.map((m) => m.numFills))],
    ["lots filled per episode", avg(metrics.map((m) => m.filledLots))],
    ["fill ratio (filled / posted lots)", avg(metrics.map((m) => m.fillRatio))],
    ["spread captured (ticks per share)", avg(metrics.map((m) => m.spreadCapturedTicks))],
    ...horizons.map((h) => [\`markout \${h} (ticks per share)\`, avg(metrics.map((m) => m.markouts[h])) / cfg.tickSize] as [string, number]),
  ],
  digits: 3,
})
`),
  md(`
The table gives three horizons; the curve below traces the markout over a finer grid of horizons, from the end
of the fill's own step (h = 0) to 30 seconds. For each episode we take the volume-weighted markout of its fills
(fills too close to the end for a horizon are left out of it), then average over episodes with a 95% bootstrap
interval.
`),
  code(`
const markoutHorizons = [0, 0.5, 1, 2, 5, 10, 20, 30];
const perEpisode = records.map((r) => markouts(r, markoutHorizons));
const markoutCi = markoutHorizons.map((h) => ci95(perEpisode.map((m) => m[\`\${h}s\`] / cfg.tickSize), 3));
show(markoutCurveFigure([{
  name: "Avellaneda–Stoikov",
  x: markoutHorizons,
  y: markoutCi.map((c) => c.mean),
  lo: markoutCi.map((c) => c.lo),
  hi: markoutCi.map((c) => c.hi),
}], { title: "Markouts of Avellaneda–Stoikov's fills (mean over episodes, 95% CI)" }))
`),
  md(`
**How to read it:** at h = 0 the markout is measured against the mid at the end of the fill's own step. Compare
it with the spread captured in the table (measured against the mid *before* that step): the gap is how far the
mid already moved against us within the step of the fill — the market order that hit us also moves the price.
If the curve then stays level, our fills were uninformed noise and the edge is kept; if it **decays towards zero
or below**, the price tends to keep moving against us after we trade — the edge is eaten by adverse selection, and the horizon where
the curve flattens says how long the information in the flow takes to reach the price. The shaded band is the
uncertainty across the 16 episodes; it widens at long horizons, where fewer fills qualify and price noise
accumulates.

## 3. P&L attribution: spread capture vs inventory

Total P&L = **spread capture** (the edge earned at each fill, measured against the mid) + **inventory P&L** (the
mark-to-market gains and losses of the position held between fills) − impact costs. A good market maker earns
the first and keeps the second small.
`),
  code(`
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
], { title: "P&L attribution per episode (mean, 95% bootstrap CI)", valueTitle: "$ per episode" }))
`),
  md(`
**How to read it:** the first bar is the sum of the other three. The spread-capture bar is the gross edge and is
positive by construction for a quoting strategy; the inventory bar is what price moves did to the position. An
inventory bar that is negative and comparable in size to the spread bar means adverse selection or too little
inventory aversion is giving back the edge; the impact bar is small under the default (mild) impact settings.
Wide whiskers on the inventory bar are normal: it is the noisy, price-driven part of the P&L.

## 4. Behaviour by regime

The simulator's volatility follows a Markov chain over regimes (by default *calm*, *normal* and *stressed*);
each regime scales the volatility and the order flow. We split every episode's per-step P&L
changes, fills and inventory by the regime in force at that step.
`),
  code(`
const names = cfg.regimes.names;
type Acc = { steps: number; pnl: number; fills: number; absInv: number };
const zero = (): Acc => ({ steps: 0, pnl: 0, fills: 0, absInv: 0 });
// perEpisodeRegime[e][g]: the totals of episode e while in regime g.
const perEpisodeRegime = records.map((r) => {
  const acc = names.map(zero);
  for (let t = 0; t < r.steps; t++) {
    const g = acc[r.regime[t]];
    g.steps++;
    g.pnl += r.pnl[t] - (t > 0 ? r.pnl[t - 1] : 0);
    g.fills += (r.bidFilled[t] > 0 ? 1 : 0) + (r.askFilled[t] > 0 ? 1 : 0);
    g.absInv += Math.abs(r.inventory[t]);
  }
  return acc;
});
const pooledRegime = names.map((_, g) =>
  perEpisodeRegime.reduce((s, e) => ({
    steps: s.steps + e[g].steps, pnl: s.pnl + e[g].pnl, fills: s.fills + e[g].fills, absInv: s.absInv + e[g].absInv,
  }), zero())
);
const totalSteps = pooledRegime.reduce((s, x) => s + x.steps, 0);
showTable({
  columns: ["regime", "share of time", "episodes visiting", "P&L per minute ($)", "fills per minute", "avg |inventory| (lots)"],
  rows: names.map((name, g) => {
    const p = pooledRegime[g], minutes = (p.steps * cfg.dt) / 60;
    return [
      name, p.steps / totalSteps, perEpisodeRegime.filter((e) => e[g].steps > 0).length,
      p.pnl / (minutes || NaN), p.fills / (minutes || NaN), p.absInv / (p.steps || NaN),
    ];
  }),
  digits: 3,
})
`),
  md(`
The table pools all episodes. The figure asks *where the P&L was made*: for every episode, the P&L earned while
each regime was in force (zero for a regime the episode never visited). These parts add up to the episode's total
P&L, so the bars are a regime attribution of the mean P&L per episode, with 95% bootstrap intervals over episodes.
`),
  code(`
show(metricBarsFigure([
  ...names.map((name, g) => {
    const c = ci95(perEpisodeRegime.map((e) => e[g].pnl), 10 + g);
    return { name: \`in \${name}\`, value: c.mean, lo: c.lo, hi: c.hi };
  }),
  (() => {
    const c = ci95(metrics.map((m) => m.totalPnl), 4);
    return { name: "total", value: c.mean, lo: c.lo, hi: c.hi };
  })(),
], { title: "P&L per episode by regime (mean, 95% CI)", valueTitle: "$ per episode" }))
`),
  md(`
**How to read it:** each bar is the mean P&L per episode earned while that regime was in force; the last bar is
the total, which the regime bars add up to. A regime's bar reflects both how profitable it is
*per minute* (table) and how much time the episodes spent in it (the "share of time" column) — a rare regime
can matter a lot if it is very profitable or very costly. Regimes that were visited rarely or briefly rest on few
observations and have wide whiskers: do not over-read them, and raise the number of episodes for a firmer answer.
More volatile regimes usually bring more flow (more fills per minute) and bigger price moves against the
inventory, so whether they pay depends on whether the extra spread earned outweighs the inventory losses. The
adaptive-spread and GLFT agents of notebook 02 react to volatility differently and are natural points of
comparison.
`),
];

// ---------------------------------------------------------------- 04 training

const training: Cell[] = [
  md(`
# 04 · Training a PPO market maker

Reinforcement learning lets a policy discover quoting rules from the reward (P&L minus inventory and
volatility penalties) instead of deriving them from a model. This notebook:

1. trains a **small PPO agent** on the fast model tier (seconds to a minute of CPU, depending on the machine),
   with its training curves;
2. loads the **shipped model** from \`data/models/ppo\` when it exists (trained longer with \`deno task train\`);
3. compares **quote maps** — bid/ask offsets as a function of inventory — of PPO and the analytic strategies
   (Avellaneda–Stoikov, GLFT).
`),
  code(`
import {
  createAgent, hasCheckpoint, loadPolicy, OBS, OBS_DIM, parseEnvConfig, parseMetricsJsonl, policyMapFigure,
  PpoTrainer, show, trainingCurvesFigure, tuneBaseAgent,
} from "../mod.ts";
import type { Agent, AgentView, EnvConfig, MetricsRow, PpoPolicy, TrainProgress } from "../mod.ts";
import { loadPlotly } from "../mod.ts";
` + LOAD_PLOTLY),
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
  force: true, // Run All again replaces the previous small run
  onUpdate: (p: TrainProgress) => rows.push({ ...p }),
  tuneBase: tuneBaseAgent,
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

\`deno task train\` trains a larger network for many more steps — by default with a curriculum that starts in a
calm, frictionless market and ends in the full one — and saves it to \`data/models/ppo\` together with its training log
(\`metrics.jsonl\`). \`loadPolicy\` reads it back; notebook 02 uses the same model as the "ppo" agent
(\`registerPpoAgent\`).
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
**How to read it:** the same quantities as above, over the whole training run of the shipped model. The return
and P&L curves move in plateaus because a point only changes when a batch of episodes finishes, and one episode
can span several rollouts. If the model was trained with a curriculum, each stage also changes the market
(volatility regimes, latency, impact), so the level of the return can jump between stages without the policy
getting worse. A falling entropy shows the policy becoming more deterministic as training goes on.
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
**How to read it:** each colour is one policy; solid lines are its bid offset, dashed lines its ask offset, in
ticks from the mid (larger = further away, less likely to fill). For Avellaneda–Stoikov the two lines are
straight and mirror each other: when long (inventory > 0) the bid moves away (buy less) and the ask moves in
(sell more) — the reservation-price skew. GLFT skews the same way with its own slope and spread. For the PPO
policies, look first at the *direction*: a bid line that rises and an ask line that falls with inventory is the
same inventory-averse skew, learnt from the reward alone. The small run has had little training, so its map can
be flat, noisy or skewed the wrong way; compare it with the shipped model's. Where a trained policy departs from
the analytic maps, remember that it also sees features this slice holds fixed (queue position, order-flow
imbalance, time left), so the map is one cross-section of its behaviour, not all of it. Lines pinned flat at the
top or bottom of the chart sit on the action bounds: the policy asks for more than the environment allows.
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
3. build **allocations** (equal weight, minimum risk, best mean-to-risk ratio) and compare their **combined
   risk** — standard deviation, VaR, CVaR and drawdown — with the single strategies;
4. trace an **efficient-frontier-style** plot over a grid of allocations.
`),
  code(`
import {
  BASELINE_AGENT_IDS, conditionalValueAtRisk, correlationHeatmapFigure, correlationMatrix, createAgent,
  cumulative, EpisodeRecorder, equityCurvesFigure, extent, makeVecEnv, maxDrawdown, minOf,
  parseEnvConfig, riskReturnFigure, show, showTable, valueAtRisk,
} from "../mod.ts";
import type { EnvConfig, EpisodeRecord } from "../mod.ts";
import { loadPlotly } from "../mod.ts";
` + RUNNER + LOAD_PLOTLY),
  md(`
We use the fast *model* tier (48 two-minute episodes, the same seeds for every strategy); the P&L of an episode is
its final mark-to-market value. The random quoter is left out — nobody would allocate to it.
`),
  code(`
const cfg = parseEnvConfig({ tier: "model", duration: 120 });
const seeds = Array.from({ length: 48 }, (_, i) => 7000 + i);
const ids = BASELINE_AGENT_IDS.filter((id) => id !== "random");
const records = ids.map((id) => runEpisodes(id, cfg, seeds));
const pnl = records.map((recs) => recs.map((r) => r.pnl[r.steps - 1]));
const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
const std = (x: number[]) => { const m = mean(x); return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1)); };
showTable({ columns: ["strategy", "mean P&L ($)", "std ($)"], rows: ids.map((id, i) => [id, mean(pnl[i]), std(pnl[i])]), digits: 2 })
`),
  md(`
## Correlation of P&Ls

Strategies that trade in the same market on the same episodes are correlated — they are exposed to the same
price moves. The diversification benefit comes from the part that is *not* shared.
`),
  code(`
show(correlationHeatmapFigure(ids, correlationMatrix(pnl), { title: "Correlation of per-episode P&Ls" }))
`),
  md(`
**How to read it:** each cell is the Pearson correlation of two strategies' 48 episode P&Ls (the diagonal is 1).
Values near 1 (dark blue) mean the strategies win and lose together, so combining them adds little; lower
values (paler cells) leave room for diversification; red cells would be strategies that tend to offset each other.
Expect strategies built on the same idea (e.g. Avellaneda–Stoikov and GLFT, both inventory-skewed) to sit
closer to 1 than strategies built on different ideas.

## Allocations and their combined risk

A portfolio with weights w (summing to 1) earns the weighted P&L each episode. Its risk is √(wᵀΣw) with Σ the
covariance matrix of the strategies' P&Ls. We evaluate every long-only allocation on a grid of 4% steps (the
single strategies and all their mixes included) and pick two of them: the one with the **lowest risk** and the
one with the **best mean/std ratio**; with the **equal-weight** mix they are our candidate allocations.
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
// All long-only weights in steps of 1/25 (4%): the compositions of 25 into k parts.
const steps = 25;
const compositions = (left: number, parts: number): number[][] =>
  parts === 1 ? [[left]] : Array.from({ length: left + 1 }, (_, a) => compositions(left - a, parts - 1).map((r) => [a, ...r])).flat();
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
  rows: allocations.map((a) => [a.name, ...a.w.map((x) => \`\${(100 * x).toFixed(1)} %\`)]),
})
`),
  md(`
For every single strategy and every allocation we measure the combined risk of its per-episode P&L: the standard
deviation, the 5% **VaR** and **CVaR** — here quantiles of the episode P&L itself: 5% of episodes earn less than
the VaR, and the CVaR is their average (positive values mean that even the bad episodes made money; with 48
episodes both rest on the two or three worst, so read them as rough) — the worst episode, and the mean
**intra-episode max drawdown** of the combined P&L path (the weighted sum of the strategies' step-by-step P&L,
so drawdowns of one strategy can be cushioned by another within the same episode).
`),
  code(`
const unit = (i: number) => ids.map((_, j) => (j === i ? 1 : 0));
const candidates = [
  ...ids.map((id, i) => ({ name: id, w: unit(i) })),
  ...allocations,
].map(({ name, w }) => {
  // Combined P&L path of episode e: Σ_i w_i · pnl_i(t); its last value is the episode P&L.
  const paths = seeds.map((_, e) => {
    const steps = records[0][e].steps, path = new Float64Array(steps);
    w.forEach((wi, i) => { if (wi) for (let t = 0; t < steps; t++) path[t] += wi * records[i][e].pnl[t]; });
    return path;
  });
  return { name, values: paths.map((p) => p[p.length - 1]), drawdowns: paths.map((p) => maxDrawdown(p)) };
});
showTable({
  columns: ["strategy / allocation", "mean ($)", "std ($)", "mean / std", "VaR 5% ($)", "CVaR 5% ($)", "worst episode ($)", "mean max DD in episode ($)"],
  rows: candidates.map((c) => [
    c.name, mean(c.values), std(c.values), mean(c.values) / std(c.values), valueAtRisk(c.values, 0.05),
    conditionalValueAtRisk(c.values, 0.05), minOf(c.values), mean(c.drawdowns),
  ]),
  digits: 2,
})
`),
  md(`
Compare the rows of the allocations with those of their ingredients: a portfolio's mean is the weighted average
of the means, but its standard deviation is *at most* the weighted average of the standard deviations — less
when the correlations are below 1. The allocations are chosen on these same 48 episodes, so their advantage is
measured *in sample* and flatters them.

## The frontier

The **efficient envelope**: split the risk axis into buckets, keep the best return found in each, and keep only
the points where return still increases with risk.
`),
  code(`
// extent(), not Math.min() of a spread array: the grid has 142 506 points, too many for call arguments.
const [lo, hi] = extent(risks), buckets = 30;
const best = new Array(buckets).fill(-Infinity), bestRisk = new Array(buckets).fill(NaN);
risks.forEach((r, i) => {
  const b = Math.min(buckets - 1, Math.floor(((r - lo) / (hi - lo || 1)) * buckets));
  if (rets[i] > best[b]) { best[b] = rets[i]; bestRisk[b] = r; }
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
  frontier: { risk: envelope.map((p) => p.x), ret: envelope.map((p) => p.r), name: "efficient envelope" },
  title: "Risk and return of strategy allocations",
}))
`),
  md(`
**How to read it:** grey dots are the allocations of the grid; the black line is their upper envelope — for each
level of risk, the best mean P&L found. Coloured points are the single strategies and the three candidate allocations.
Points *left* of a strategy at the same height are free risk reduction from diversification; points on the
envelope cannot be improved in both coordinates at once. Single strategies far below the envelope are
dominated: some mix offers more P&L for the same risk. When one strategy has both the highest mean and nearly
the lowest risk, the envelope is short and runs from the minimum-risk mix to that strategy — zoom into the
top-left corner to see it.

## Equity of the allocations
`),
  code(`
show(equityCurvesFigure(candidates.map((c) => ({ name: c.name, values: cumulative(c.values) })), {
  title: "Cumulative P&L over the 48 episodes",
}))
`),
  md(`
**How to read it:** each line adds up one strategy's or allocation's episode P&Ls in seed order; the slope is the
mean, the wiggles the risk. A lower-risk allocation shows up as a smoother line, the visual counterpart of its
position in the scatter above. In production one would choose the weights on one set of episodes and evaluate
them on another (out of sample); with 48 episodes the covariance estimates are themselves noisy.
`),
];

const notebooks: [string, Cell[]][] = [
  ["01_tutorial", tutorial],
  ["02_strategy_comparison", comparison],
  ["03_deep_analysis", deepDive],
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
