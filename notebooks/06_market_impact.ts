// %% [markdown]
// # 06 · Market impact
//
// Trading moves prices. This notebook covers the impact models ALPE implements (Almgren–Chriss, square-root,
// transient) and what they mean for a market maker:
//
// 1. **Almgren–Chriss (2001)** optimal liquidation: trajectories and the efficient frontier, with the paper's
//    Table 1 example.
// 2. The empirical **square-root law** of impact.
// 3. **Transient impact** and its decay.
// 4. The **effect of impact on a market maker**'s P&L in the simulator.

// %%
import {
  almgrenChrissCost,
  almgrenChrissKappa,
  almgrenChrissLinearCost,
  almgrenChrissTrajectory,
  bootstrapMeanCI,
  createImpactModel,
  defaultCapitalBase,
  executionFrontierFigure,
  intervalLinesFigure,
  linesFigure,
  parseEnvConfig,
  show,
  showTable,
  sqrtImpact,
  summarizeEpisode,
  trajectoriesFigure,
} from "../mod.ts";
import type { AlmgrenChrissParams, EpisodeMetrics, FrontierPoint } from "../mod.ts";
import { loadPlotly, recordEpisodes } from "../mod.ts";

// plotly.js for the figures below, offline: a few small outputs of this cell (see docs/notebooks.md).
await loadPlotly();

// %% [markdown]
// ## 1. Almgren–Chriss: trading off cost against risk
//
// We must sell X shares over T days in N steps. Selling fast pays **temporary impact** (η per share per unit of
// trading rate) but leaves little exposure to price moves; selling slowly is cheap but risky. With risk aversion λ,
// the optimal holdings are x(t) = X·sinh(κ(T − t))/sinh(κT), where κ grows with λσ²/η. The paper's example
// (Table 1): X = 10⁶ shares, T = 5 days, N = 5, σ = 0.95 $/share/√day, η = 2.5·10⁻⁶, γ = 2.5·10⁻⁷, ε = 0.0625.

// %%
const base: AlmgrenChrissParams = {
  X: 1e6,
  T: 5,
  N: 5,
  sigma: 0.95,
  eta: 2.5e-6,
  gamma: 2.5e-7,
  epsilon: 0.0625,
  lambda: 0,
};
const fine = { ...base, N: 50 }; // a finer grid for smooth curves
const lambdas = [0, 1e-7, 1e-6, 2e-6];
const series = lambdas.map((lambda) => {
  const p = { ...fine, lambda };
  return {
    name: `λ = ${lambda.toExponential(0)}`,
    time: Array.from({ length: p.N + 1 }, (_, j) => (j * p.T) / p.N),
    holdings: almgrenChrissTrajectory(p),
  };
});
show(trajectoriesFigure(series, { title: "Optimal holdings for several risk aversions λ" }));

// %% [markdown]
// **How to read it:** λ = 0 (risk-neutral) sells at a constant rate (TWAP: a straight line). The more risk-averse
// the trader, the faster the early selling — the curve bends down — paying more impact to shed risk sooner.
// The table gives κ, the expected cost E and its standard deviation √V for each λ on the paper's 5-step grid.

// %%
showTable({
  columns: ["λ", "κ (1/day)", "E[cost] ($)", "√V ($)"],
  rows: lambdas.map((lambda) => {
    const p = { ...base, lambda };
    const c = almgrenChrissCost(p, almgrenChrissTrajectory(p));
    return [lambda.toExponential(0), almgrenChrissKappa(p), c.expectation, Math.sqrt(c.variance)];
  }),
  digits: 4,
});

// %% [markdown]
// The closed form for the linear schedule is a useful check: E = ½γX² + εX + η̃X²/T.

// %%
const lin = almgrenChrissLinearCost(base);
const num = almgrenChrissCost(base, almgrenChrissTrajectory(base));
({
  closedForm: lin.expectation,
  numeric: num.expectation,
  relDiff: Math.abs(lin.expectation - num.expectation) / lin.expectation,
});

// %% [markdown]
// ### The efficient frontier
//
// Sweeping λ traces the set of schedules that minimize E + λV: the **efficient frontier** in the (V, E) plane.
// Points below it are unattainable, points above it are wasteful. We highlight the paper's λ = 10⁻⁶ schedule and
// the risk-neutral one.

// %%
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
show(executionFrontierFigure(frontier, [pick(0, "TWAP (λ = 0)"), pick(1e-6, "λ = 1e-6")]));

// %% [markdown]
// **How to read it:** moving left along the curve buys risk reduction with expected cost. Near the TWAP end the
// curve is flat: a little risk aversion removes a lot of variance almost for free — the paper's key insight.
//
// ## 2. The square-root law
//
// Across markets, the average price impact of a metaorder of Q shares is close to I = Y·σ·√(Q/V), with σ the daily
// volatility, V the daily volume and Y of order one. Impact is *concave*: doubling the order does not double the
// price move.

// %%
const fracs = Array.from({ length: 50 }, (_, i) => Math.pow(10, -4 + (i / 49) * 3)); // Q/V from 1e-4 to 0.1
const sigmaDaily = 2; // $ per share per day
show(linesFigure([
  {
    name: "square-root law (Y = 0.5)",
    x: fracs,
    y: fracs.map((f) => sqrtImpact(0.5, sigmaDaily, f * 1e6, 1e6)),
  },
  {
    name: "linear impact, same at Q/V = 1%",
    x: fracs,
    y: fracs.map((f) => sqrtImpact(0.5, sigmaDaily, 1e4, 1e6) * f / 0.01),
    dash: "dash",
  },
], {
  title: "Impact of a metaorder",
  xTitle: "participation Q/V (log scale)",
  yTitle: "impact ($/share)",
  logX: true,
}));

// %% [markdown]
// **How to read it:** on the log x axis the square-root law grows slowly; a linear model calibrated at 1% of daily
// volume badly overstates the impact of large orders and understates that of small ones.
//
// ## 3. Transient impact and its decay
//
// In ALPE's `"transient"` model each trade shifts the price by a fixed amount per lot, and the accumulated shift
// decays exponentially with a half-life. Below, one trade of 20 lots at t = 0, for three half-lives.

// %%
const cfgImpact = parseEnvConfig({});
const halfLives = [2, 5, 15];
const ts = Array.from({ length: 121 }, (_, i) => i * 0.5);
show(linesFigure(
  halfLives.map((h) => {
    const model = createImpactModel({ ...cfgImpact.impact, model: "transient", halfLife: h }, {
      sigmaDaily: 2,
      lotSize: 100,
    });
    model.reset();
    model.trade(20, 0.1, 0);
    return { name: `half-life ${h} s`, x: ts, y: ts.map((t) => model.offset(t)) };
  }),
  {
    title: "Decay of transient impact after a 20-lot buy",
    xTitle: "seconds after the trade",
    yTitle: "price offset ($)",
  },
));

// %% [markdown]
// **How to read it:** the price jumps by 20 × the per-lot impact and relaxes back; a short half-life means the
// market "forgets" the trade quickly, which matters for anyone trading again soon — like a market maker.
//
// ## 4. Effect of impact on a market maker
//
// A market maker's own fills move the price against its next trades. We run two strategies that trade
// differently — Avellaneda–Stoikov, which skews its quotes to keep inventory small, and the static spread, which
// does not — on the fast model tier over 32 episodes with common random numbers, first without
// impact and then with Almgren–Chriss impact of increasing strength (permanent γ = temporary η, in dollars per lot;
// the simulator's default is 2·10⁻⁵), and record every episode.

// %%
const impactAgents = ["avellaneda-stoikov", "static-spread"];
const strengths = [0, 2e-5, 1e-4, 2e-4, 3e-4, 4e-4, 5e-4];
const impactSeeds = Array.from({ length: 32 }, (_, i) => 1000 + i);
// runs[a][s]: the metrics of agent a's 32 episodes at strength s.
const runs: EpisodeMetrics[][][] = impactAgents.map((id) =>
  strengths.map((k) => {
    const cfg = parseEnvConfig({
      tier: "model",
      duration: 120,
      impact: { model: k === 0 ? "none" : "almgren-chriss", permanent: k, temporary: k },
    });
    const capitalBase = defaultCapitalBase(cfg);
    return recordEpisodes(id, cfg, impactSeeds, { agentSeed: 1 }).map((r) =>
      summarizeEpisode(r, { capitalBase })
    );
  })
);
const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
showTable({
  columns: [
    "agent",
    "impact γ = η ($/lot)",
    "mean P&L ($)",
    "mean impact cost ($)",
    "lots filled per episode",
  ],
  rows: impactAgents.flatMap((id, a) =>
    strengths.map((k, s) => {
      const m = runs[a][s];
      return [
        id,
        k === 0 ? "0 (none)" : k.toExponential(0),
        meanOf(m.map((x) => x.totalPnl)),
        meanOf(m.map((x) => x.impactCost)),
        meanOf(m.map((x) => x.filledLots)),
      ];
    })
  ),
  digits: 2,
});

// %% [markdown]
// Because the episodes share their random numbers, the cleanest view is the **paired** change: for each episode,
// its P&L with impact minus its P&L without, averaged over the 32 episodes with a 95% bootstrap interval.

// %%
show(intervalLinesFigure(
  impactAgents.map((id, a) => {
    const none = runs[a][0].map((m) => m.totalPnl);
    const ci = strengths.map((_, s) =>
      bootstrapMeanCI(runs[a][s].map((m, e) => m.totalPnl - none[e]), { seed: 10 * a + s })
    );
    return {
      name: id,
      x: strengths.map((k) => k * 1e5),
      y: ci.map((c) => c.mean),
      lo: ci.map((c) => c.lo),
      hi: ci.map((c) => c.hi),
    };
  }),
  {
    title: "Change in P&L per episode caused by impact (mean, 95% CI)",
    xTitle: "impact strength γ = η (10⁻⁵ $ per lot)",
    yTitle: "P&L with impact − without ($ per episode)",
    zeroLine: true,
  },
));

// %% [markdown]
// **How to read it:** each line starts at zero (no impact, compared with itself) and shows how much P&L per
// episode impact takes away as it grows; the band is the uncertainty of that mean. Impact works through two
// channels: the temporary part is a cost paid on every fill (the "impact cost" column), and the permanent part
// shifts the mid against the inventory just acquired. Compare each line's drop with its impact-cost column to see
// how much of the damage is the cost paid at the fills. The temporary cost of a fill of n lots in one step of
// length dt is η·lotSize·n²/dt — quadratic in the clip size — so what matters is not only how many lots a
// strategy trades ("lots filled") but in how large pieces: the steeper line belongs to the strategy that trades
// more, or in bigger clips. Notebook 02's comparison runs at the default, mild impact, at the left end of this
// chart.
