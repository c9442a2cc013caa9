// %% [markdown]
// # 01 · A guided tour of ALPE
//
// This notebook walks a newcomer through the pieces of ALPE, the market-making research toolkit:
//
// 1. **The limit order book** — how resting orders queue by price and time, and how a market order eats them.
// 2. **Order flow** — the background traders that keep the book alive, seen as a depth heatmap.
// 3. **One episode** — an Avellaneda–Stoikov market maker trading for a couple of minutes, drawn *live* while it runs.
// 4. **Reading the results** — P&L, inventory, fills and the risk numbers ALPE computes for every episode.
//
// Everything comes from the library through one import of `../mod.ts`; every chart is an interactive Plotly figure
// that works offline (zoom, hover, double-click to reset).

// %%
import {
  ASK,
  BID,
  BookVecEnv,
  createAgent,
  createL2Snapshot,
  defaultCapitalBase,
  depthHeatmapFigure,
  depthMatrix,
  episodeFigure,
  EpisodeRecorder,
  LiveChart,
  OrderBook,
  parseEnvConfig,
  show,
  showTable,
  summarizeEpisode,
} from "../mod.ts";
import type { DepthSnapshot } from "../mod.ts";
import { loadPlotly } from "../mod.ts";

// plotly.js for the figures below, offline: a few small outputs of this cell (see docs/notebooks.md).
await loadPlotly();

// %% [markdown]
// ## 1. The limit order book
//
// A *limit order* says "buy (or sell) up to *q* lots at price *p* or better". Orders that cannot trade immediately
// **rest** in the book, grouped in price levels; within a level they queue in arrival order (*price–time priority*).
// Prices inside the book are integer **ticks** (here one tick is one cent). Below we build a tiny book by hand.

// %%
const book = new OrderBook();
let id = 1;
// Three bid levels and three ask levels around 100.00 $ (10_000 ticks).
for (
  const [side, price, qty] of [
    [BID, 9_999, 5],
    [BID, 9_998, 8],
    [BID, 9_997, 12],
    [ASK, 10_001, 4],
    [ASK, 10_002, 9],
    [ASK, 10_003, 15],
  ] as const
) book.addLimit(id++, side, price, qty, 0);
const snap = createL2Snapshot(3);
book.l2(3, snap);
({ bestBid: book.bestBid(), bestAsk: book.bestAsk(), spreadTicks: book.spread(), mid: book.mid() });

// %% [markdown]
// The **spread** is the gap between the best ask and the best bid; the **mid** is their average. A market maker earns
// (part of) the spread by quoting on both sides. Now a buyer sends a *market order* for 6 lots: it takes the 4 lots at
// 10 001 and 2 of the 9 lots at 10 002 — it *walks the book*.

// %%
const filled = book.market(BID, 6, 1);
book.l2(3, snap);
showTable({
  caption: `after a market buy of 6 lots (filled ${filled})`,
  columns: ["level", "bid price", "bid lots", "ask price", "ask lots"],
  rows: [0, 1, 2].map((
    i,
  ) => [i + 1, snap.bidPrice[i], snap.bidQty[i], snap.askPrice[i], snap.askQty[i]]),
});

// %% [markdown]
// (`showTable` displays an HTML table; its sibling `htmlTable` returns the HTML string used in reports.)
//
// ## 2. Order flow: the book over time
//
// ALPE's *book tier* simulates the rest of the market as zero-intelligence flow: limit orders arriving at random
// distances from the best quotes (more of them close to the touch), cancellations, market orders, and a few
// *informed* traders who trade toward a latent fundamental price. Let us run one environment for 60 seconds with
// an agent that never quotes, and take a level-2 snapshot every second.

// %%
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
      time: env.stepIndex * cfg.dt,
      bidPrice: l2.bidPrice.slice(),
      bidQty: l2.bidQty.slice(),
      askPrice: l2.askPrice.slice(),
      askQty: l2.askQty.slice(),
      bidLevels: l2.bidLevels,
      askLevels: l2.askLevels,
    });
    mids.push(env.view.mid[0]);
  }
}
snaps.length;

// %%
show(
  depthHeatmapFigure(depthMatrix(snaps, cfg.tickSize, 40), {
    mid: mids,
    title: "Depth of the simulated book",
  }),
);

// %% [markdown]
// **How to read it:** time runs left to right, price bottom to top. Blue cells are resting **bids** (darker = more
// lots), red cells are resting **asks**; the white band between them is the spread, and the black line is the mid.
// Liquidity is thickest a few ticks away from the touch, and the whole structure drifts with the price.
//
// ## 3. One episode with Avellaneda–Stoikov, live
//
// The Avellaneda–Stoikov (2008) market maker quotes around a **reservation price** r = s − q·γ·σ²·(T − t) that leans
// against its inventory q, with a spread that grows with risk aversion γ and volatility σ. We let it trade for
// two minutes on the book tier. In a live Jupyter session the chart below redraws in place every few seconds of
// market time; in a headless run (`deno task notebooks`) only the final figure is kept.

// %%
const epCfg = parseEnvConfig({ tier: "book", duration: 120, dt: 0.1 });
const epEnv = new BookVecEnv(epCfg, 1);
const as = createAgent("avellaneda-stoikov");
as.reset({ config: epCfg, numEnvs: 1, seed: 7 });
const rec = new EpisodeRecorder(epEnv);
const action = new Float64Array(4);
// A growing buffer for the live chart (the recorder hands out records at the end).
const n = Math.round(epCfg.duration / epCfg.dt);
const live = {
  time: new Float64Array(n),
  mid: new Float64Array(n),
  bidQuote: new Float64Array(n),
  askQuote: new Float64Array(n),
  bidFilled: new Float64Array(n),
  askFilled: new Float64Array(n),
  bidFillPrice: new Float64Array(n),
  askFillPrice: new Float64Array(n),
  inventory: new Float64Array(n),
  pnl: new Float64Array(n),
  steps: 0,
};

// %%
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
    await chart.update(
      episodeFigure(live, { title: `Avellaneda–Stoikov, t = ${live.time[t].toFixed(0)} s` }),
    );
    await new Promise((r) => setTimeout(r, 80)); // pace the replay so the eye can follow it
  }
}
const [episode] = rec.episodes([2024], as.id);
await chart.finish(episodeFigure(episode, { title: "Avellaneda–Stoikov: one 2-minute episode" }));

// %% [markdown]
// **How to read it:** the top panel shows the mid (black) and our bid/ask quotes (step lines). Green triangles are
// our **bid fills** (we bought), red ones our **ask fills** (we sold), sized by lots. The middle panel is our
// inventory: notice how the quotes shift down when we are long (to sell more readily) and up when short. The
// bottom panel is the mark-to-market P&L = cash + inventory × mid.
//
// ## 4. Reading the results
//
// `summarizeEpisode` turns an episode record into the metrics used everywhere in ALPE (returns are per second
// over a capital base of maxInventory × lotSize × price). A few of them:

// %%
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
});

// %% [markdown]
// One episode is anecdote, not evidence: the P&L of a market maker is noisy. Notebook **02** runs every strategy
// over many episodes with common random numbers and reports 95% confidence intervals; **03** takes one
// strategy apart (risk, markouts, P&L attribution, regimes); **04** trains a PPO agent; **05** combines strategies; **06** is about market impact.
