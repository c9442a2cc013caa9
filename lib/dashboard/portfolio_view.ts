/**
 * The portfolio view (the dashboard's fourth mode, which the original left "coming soon"):
 * strategies run on the same episodes, the correlation of their P&Ls, candidate allocations
 * (equal weight, minimum risk, best mean/std on a grid of long-only weights) and the user's
 * own, the combined risk of each (std, VaR, CVaR, worst episode, intra-episode drawdown of
 * the combined P&L path) and the efficient envelope of the grid. All in sample: the
 * allocations are chosen and evaluated on the same episodes, which flatters them.
 *
 * @module
 */
import {
  type Allocation,
  allocationCloud,
  candidateAllocations,
  conditionalValueAtRisk,
  covarianceMatrix,
  efficientEnvelope,
  maxDrawdown,
  sampleMeans,
  valueAtRisk,
  weightedSum,
} from "../analytics/mod.ts";
import { formatNumber } from "../backtest/format.ts";
import {
  agentColor,
  correlationHeatmapFigure,
  correlationMatrix,
  cumulative,
  equityCurvesFigure,
  type ReportBlock,
  riskReturnFigure,
  type TableCell,
} from "../viz/mod.ts";
import { minOf } from "../analytics/extent.ts";

/** What the portfolio view needs: per strategy, per-episode P&L and sampled P&L paths. */
export interface PortfolioData {
  /** Strategy names. */
  names: string[];
  /** `pnl[i][e]`: final P&L of strategy i in episode e, dollars. */
  pnl: number[][];
  /** `paths[i][e]`: sampled P&L path of strategy i in episode e (equal lengths). */
  paths: number[][][];
}

/** Most grid points drawn in the frontier's cloud (the grid itself may be larger). */
const CLOUD_POINTS = 4000;

function cell(v: number): TableCell {
  return Number.isFinite(v) ? { text: formatNumber(v), sort: v } : {
    text: "n/a",
    sort: null,
    tone: "muted",
  };
}

function pct(w: number): TableCell {
  return { text: `${(100 * w).toFixed(1)} %`, sort: w };
}

/** Normalizes `weights` to sum to 1 (negatives and NaN count as 0); null when all are 0. */
export function normalizeWeights(weights: readonly number[], k: number): number[] | null {
  const w = Array.from({ length: k }, (_, i) => {
    const v = Number(weights[i]);
    return Number.isFinite(v) && v > 0 ? v : 0;
  });
  const s = w.reduce((a, b) => a + b, 0);
  return s > 0 ? w.map((v) => v / s) : null;
}

/**
 * The portfolio view's blocks; `custom` adds the user's allocation (weights in strategy
 * order, normalized to sum to 1).
 */
export function portfolioBlocks(d: PortfolioData, custom: number[] | null = null): ReportBlock[] {
  const k = d.names.length;
  const episodes = d.pnl[0]?.length ?? 0;
  const mu = sampleMeans(d.pnl);
  const cov = covarianceMatrix(d.pnl);
  const cloud = allocationCloud(mu, cov);
  const allocations: Allocation[] = candidateAllocations(cloud);
  const w = custom ? normalizeWeights(custom, k) : null;
  if (w) allocations.push({ name: "your allocation", weights: w });
  const unit = (i: number) => d.names.map((_, j) => (j === i ? 1 : 0));
  const candidates = [
    ...d.names.map((name, i) => ({ name, weights: unit(i) })),
    ...allocations,
  ].map((a) => {
    const values = Array.from({ length: episodes }, (_, e) => {
      let s = 0;
      for (let i = 0; i < k; i++) s += a.weights[i] * d.pnl[i][e];
      return s;
    });
    const drawdowns = Array.from(
      { length: episodes },
      (_, e) => maxDrawdown(weightedSum(a.weights, d.paths.map((p) => p[e]))),
    );
    return { name: a.name, weights: a.weights, values, drawdowns };
  });
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / (x.length || NaN);
  const std = (x: number[]) => {
    const m = mean(x);
    return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, x.length - 1));
  };
  const step = Math.max(1, Math.ceil(cloud.mean.length / CLOUD_POINTS));
  const cr: number[] = [], cm: number[] = [];
  for (let r = 0; r < cloud.mean.length; r += step) {
    cr.push(cloud.risk[r]);
    cm.push(cloud.mean[r]);
  }
  const env = efficientEnvelope(cloud.risk, cloud.mean);
  const blocks: ReportBlock[] = [
    {
      text: `${k} strategies on the same ${episodes} episodes (common random numbers). A ` +
        "portfolio with weights w earns Σ wᵢ·P&Lᵢ in each episode; its risk is √(wᵀΣw). " +
        "Allocations are chosen and evaluated on these same episodes (in sample), which " +
        "flatters them.",
    },
    { section: "Correlation of P&Ls" },
    {
      figure: correlationHeatmapFigure(d.names, correlationMatrix(d.pnl), {
        title: "Correlation of per-episode P&Ls",
      }),
      caption: "Near 1: the strategies win and lose together, mixing them adds little.",
    },
    { section: "Allocations" },
    {
      table: {
        caption: `Weights (grid of long-only allocations in steps of ${
          (100 / cloud.steps).toFixed(1)
        } %, ${cloud.mean.length} allocations)`,
        columns: ["allocation", ...d.names],
        rows: allocations.map((a) => [a.name, ...a.weights.map(pct)]),
      },
    },
    { section: "Combined risk" },
    {
      table: {
        caption: "Per-episode P&L of each strategy and allocation ($); VaR and CVaR at 5% " +
          "are quantiles of the episode P&L; the drawdown is that of the combined P&L path " +
          "within an episode",
        columns: [
          "strategy / allocation",
          "mean",
          "std",
          "mean / std",
          "VaR 5%",
          "CVaR 5%",
          "worst episode",
          "mean max DD in episode",
        ],
        rows: candidates.map((c) => [
          d.names.includes(c.name) ? { text: c.name, swatch: agentColor(c.name) } : c.name,
          cell(mean(c.values)),
          cell(std(c.values)),
          cell(mean(c.values) / std(c.values)),
          cell(valueAtRisk(c.values, 0.05)),
          cell(conditionalValueAtRisk(c.values, 0.05)),
          cell(minOf(c.values)),
          cell(mean(c.drawdowns)),
        ]),
      },
    },
    { section: "Frontier" },
    {
      figure: riskReturnFigure(
        [
          ...d.names.map((name, i) => ({ name, risk: Math.sqrt(cov[i][i]), ret: mu[i] })),
          ...allocations.map((a) => ({
            name: a.name,
            risk: Math.sqrt(
              a.weights.reduce(
                (s, wi, i) => s + a.weights.reduce((t, wj, j) => t + wi * wj * cov[i][j], 0),
                0,
              ),
            ),
            ret: a.weights.reduce((s, wi, i) => s + wi * mu[i], 0),
          })),
        ],
        {
          cloud: { risk: cr, ret: cm, name: `allocations (grid, ${cr.length} shown)` },
          frontier: { risk: env.risk, ret: env.mean, name: "efficient envelope" },
          title: "Risk and return of allocations",
        },
      ),
      caption: "Grey: allocations of the grid; black: their upper envelope (the best mean " +
        "for each level of risk). A strategy far below the envelope is dominated by a mix.",
    },
    { section: "Equity of the allocations" },
    {
      figure: equityCurvesFigure(
        candidates.map((c) => ({ name: c.name, values: cumulative(c.values) })),
        { title: `Cumulative P&L over the ${episodes} episodes` },
      ),
    },
  ];
  return blocks;
}
