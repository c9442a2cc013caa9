/**
 * Deep analysis of one agent (the dashboard's third mode, the notebook 03 analysis on any
 * agent and market): a risk breakdown (VaR and CVaR of 1-second P&L, drawdowns), trade-level
 * statistics and markouts by horizon, P&L attribution (spread capture vs inventory) and the
 * behaviour by volatility regime, as report blocks. Every cross-episode figure is a mean
 * with a 95 % percentile-bootstrap CI over episodes.
 *
 * @module
 */
import {
  bootstrapMeanCI,
  conditionalValueAtRisk,
  type EpisodeMetrics,
  episodeReturns,
  markouts,
  pnlAttribution,
  quantile,
  regimeSlices,
  valueAtRisk,
} from "../analytics/mod.ts";
import type { EnvConfig } from "../env/config.ts";
import type { EpisodeRecord } from "../env/types.ts";
import {
  attributionFigure,
  distributionFigure,
  markoutCurveFigure,
  metricBarsFigure,
  pnlDrawdownFigure,
  type ReportBlock,
  sampleEpisodeFigure,
  type TableCell,
} from "../viz/mod.ts";
import { formatNumber } from "../backtest/format.ts";
import { minOf } from "../analytics/extent.ts";

/** Horizons of the markout curve, seconds. */
export const MARKOUT_HORIZONS: readonly number[] = [0, 0.5, 1, 2, 5, 10, 20, 30];

/** Inputs of {@linkcode deepAnalysisBlocks}. */
export interface DeepAnalysisInput {
  /** Agent name (display and colour). */
  agent: string;
  /** The market. */
  config: EnvConfig;
  /** Root seed (seeds the bootstrap CIs). */
  seed: number;
  /** Per-step records, one per episode. */
  records: readonly EpisodeRecord[];
  /** Per-episode metrics, same order. */
  metrics: readonly EpisodeMetrics[];
  /** Capital base of returns, dollars. */
  capitalBase: number;
  /** Where the agent's parameters come from. */
  paramsNote: string;
}

function cell(v: number, sub?: string): TableCell {
  return Number.isFinite(v)
    ? { text: formatNumber(v), sort: v, ...(sub ? { sub } : {}) }
    : { text: "n/a", sort: null, tone: "muted" };
}

/** The deep-analysis report blocks of one agent. */
export function deepAnalysisBlocks(a: DeepAnalysisInput): ReportBlock[] {
  const { records, metrics, config: cfg } = a;
  const n = records.length;
  const tick = cfg.tickSize;
  const ci = (xs: readonly number[], key: string) => {
    const c = bootstrapMeanCI(xs.filter(Number.isFinite), { seed: `${a.seed}:${a.agent}:${key}` });
    return c;
  };
  const est = (xs: readonly number[], key: string): TableCell => {
    const c = ci(xs, key);
    return cell(c.mean, `[${formatNumber(c.lo)}, ${formatNumber(c.hi)}]`);
  };
  const blocks: ReportBlock[] = [{
    text: `${a.agent} on ${n} episodes of ${cfg.duration} s (${cfg.tier} tier), root seed ` +
      `${a.seed}; parameters: ${a.paramsNote}.`,
  }];

  // 1. Risk breakdown
  const pooled: number[] = [];
  for (const r of records) {
    for (const x of episodeReturns(r, { capitalBase: a.capitalBase }).returns) {
      pooled.push(x * a.capitalBase);
    }
  }
  const dd = metrics.map((m) => m.maxDrawdown);
  blocks.push(
    { section: "Risk breakdown" },
    {
      text: "Tail risk of the 1-second P&L changes, pooled over all episodes: the 5% (1%) " +
        "VaR is the change worse than 95% (99%) of seconds, the CVaR the mean of the seconds " +
        "beyond it. In dollars per second; negative = loss.",
    },
    {
      table: {
        columns: ["level", "VaR ($ per second)", "CVaR ($ per second)"],
        rows: [0.05, 0.01].map((p) => [
          `${(100 * (1 - p)).toFixed(0)}%`,
          cell(valueAtRisk(pooled, p)),
          cell(conditionalValueAtRisk(pooled, p)),
        ]),
      },
    },
    {
      table: {
        caption: "Max drawdown per episode ($)",
        columns: ["statistic", "value"],
        rows: [
          ["mean [95% CI]", est(dd, "dd")],
          ["median", cell(quantile(dd, 0.5))],
          ["worst episode", cell(minOf(dd))],
          [
            "mean, % of capital base",
            cell(100 * ci(metrics.map((m) => m.maxDrawdownPct), "ddpct").mean),
          ],
        ],
      },
    },
    {
      figure: distributionFigure([{ name: "ΔP&L per second", values: pooled }], {
        kind: "histogram",
        bins: 60,
        title: "Distribution of 1-second P&L changes",
        valueTitle: "$ per second",
      }),
    },
  );
  if (n > 0) {
    const worst = records[dd.indexOf(minOf(dd))];
    blocks.push({
      figure: pnlDrawdownFigure(worst, {
        title: `P&L and drawdown of the worst episode (seed ${worst.seed})`,
      }),
    });
  }

  // 2. Trade-level statistics and markouts
  const seconds = cfg.duration;
  const buys = metrics.map((_, i) => {
    let b = 0, s = 0;
    const r = records[i];
    for (let t = 0; t < r.steps; t++) {
      b += r.bidFilled[t] > 0 ? r.bidFilled[t] : 0;
      s += r.askFilled[t] > 0 ? r.askFilled[t] : 0;
    }
    return b + s > 0 ? b / (b + s) : NaN;
  });
  // Little's law: mean |inventory| = throughput × mean holding time, throughput = lots/s / 2.
  const holding = metrics.map((m) =>
    m.filledLots > 0 ? m.avgAbsInventory / (m.filledLots / seconds / 2) : NaN
  );
  blocks.push(
    { section: "Trade-level statistics" },
    {
      table: {
        caption: "Mean per episode [95% CI]",
        columns: ["statistic", "value", "unit"],
        rows: [
          ["fills", est(metrics.map((m) => m.numFills), "fills"), "(step, side) pairs"],
          ["lots filled", est(metrics.map((m) => m.filledLots), "lots"), "lots"],
          [
            "mean fill size",
            est(metrics.map((m) => m.filledLots / m.numFills), "size"),
            "lots per fill",
          ],
          ["share of lots bought", est(buys.map((x) => 100 * x), "buys"), "%"],
          ["fill ratio", est(metrics.map((m) => 100 * m.fillRatio), "fr"), "% of lots posted"],
          [
            "spread captured",
            est(metrics.map((m) => m.spreadCapturedTicks), "sc"),
            "ticks per share, vs the mid before the step",
          ],
          ["turnover", est(metrics.map((m) => m.turnover), "turnover"), "× capital base"],
          [
            "holding time (Little's law)",
            est(holding, "hold"),
            "s: mean |inventory| / (lots filled per s / 2)",
          ],
        ],
      },
    },
  );
  const perEpisode = records.map((r) => markouts(r, MARKOUT_HORIZONS));
  const curve = MARKOUT_HORIZONS.map((h) =>
    ci(perEpisode.map((m) => m[`${h}s`] / tick), `markout:${h}`)
  );
  blocks.push(
    { section: "Markouts" },
    {
      text: "The markout at horizon h compares the mid h seconds after the end of the fill's " +
        "step with the fill price (positive: good for us). A curve that falls with h is " +
        "adverse selection; h = 0 already includes the move within the fill's own step.",
    },
    {
      figure: markoutCurveFigure([{
        name: a.agent,
        x: MARKOUT_HORIZONS,
        y: curve.map((c) => c.mean),
        lo: curve.map((c) => c.lo),
        hi: curve.map((c) => c.hi),
      }], { title: `Markouts of ${a.agent}'s fills (mean over episodes, 95% CI)` }),
    },
  );

  // 3. P&L attribution
  const parts = metrics.map((m) => pnlAttribution(m, cfg.lotSize));
  const e = (xs: number[], key: string) => {
    const c = ci(xs, key);
    return { name: a.agent, value: c.mean, lo: c.lo, hi: c.hi };
  };
  blocks.push(
    { section: "P&L attribution" },
    {
      text: "Total P&L = spread capture (edge of each fill × lots × lot size) + inventory P&L " +
        "(price moves on the position held) − impact cost, per episode.",
    },
    {
      figure: attributionFigure([{
        name: a.agent,
        spread: e(parts.map((p) => p.spreadCapture), "spread"),
        inventory: e(parts.map((p) => p.inventoryPnl), "inventory"),
        impact: e(parts.map((p) => -p.impactCost), "impact"),
        total: e(parts.map((p) => p.total), "total"),
      }], { title: `Where ${a.agent}'s P&L comes from (mean, 95% CI)` }),
    },
  );

  // 4. Behaviour by regime
  const names = cfg.regimes.names;
  const slices = records.map((r) => regimeSlices(r, names.length));
  const total = names.map((_, g) =>
    slices.reduce(
      (s, ep) => ({
        steps: s.steps + ep[g].steps,
        pnl: s.pnl + ep[g].pnl,
        fills: s.fills + ep[g].fills,
        inv: s.inv + ep[g].absInventorySteps,
      }),
      { steps: 0, pnl: 0, fills: 0, inv: 0 },
    )
  );
  const allSteps = total.reduce((s, x) => s + x.steps, 0) || 1;
  blocks.push(
    { section: "Behaviour by regime" },
    {
      table: {
        caption: "Pooled over all episodes",
        columns: [
          "regime",
          "share of time (%)",
          "episodes visiting",
          "P&L per minute ($)",
          "fills per minute",
          "avg |inventory| (lots)",
        ],
        rows: names.map((name, g) => {
          const p = total[g], minutes = (p.steps * cfg.dt) / 60;
          return [
            name,
            cell((100 * p.steps) / allSteps),
            cell(slices.filter((ep) => ep[g].steps > 0).length),
            cell(minutes > 0 ? p.pnl / minutes : NaN),
            cell(minutes > 0 ? p.fills / minutes : NaN),
            cell(p.steps > 0 ? p.inv / p.steps : NaN),
          ];
        }),
      },
    },
    {
      figure: metricBarsFigure(
        [
          ...names.map((name, g) => {
            const c = ci(slices.map((ep) => ep[g].pnl), `regime:${g}`);
            return { name: `in ${name}`, value: c.mean, lo: c.lo, hi: c.hi };
          }),
          (() => {
            const c = ci(metrics.map((m) => m.totalPnl), "total");
            return { name: "total", value: c.mean, lo: c.lo, hi: c.hi };
          })(),
        ],
        { title: "P&L per episode by regime (mean, 95% CI)", valueTitle: "$ per episode" },
      ),
      caption: "The regime bars add up to the total: the P&L earned while each regime was in " +
        "force. A rarely visited regime rests on few observations (wide whiskers).",
    },
  );
  if (n > 0) {
    blocks.push({ section: "One episode" }, {
      figure: sampleEpisodeFigure(a.agent, records[0], {
        title: `${a.agent}: episode 0 (seed ${records[0].seed})`,
        regimeNames: names,
        tickSize: tick,
      }),
    });
  }
  return blocks;
}
