/**
 * The comparison across markets behind `deno task compare --markets A,B,…`: the full
 * comparison ({@linkcode runCompare}) on each market — calibrated presets, their stress
 * variants, replay windows of real data — then a summary matrix: in every market, every agent
 * paired against the **best rival** of that market (the rival agents, by default
 * avellaneda-stoikov, glft, touch and touch-skew, whichever has the highest mean P&L on the
 * evaluation seeds — choosing it on the evaluation seeds favours the rival, so a learned agent
 * that beats it has beaten the best of them), with the mean difference, its 95 % bootstrap CI,
 * the paired t-test p-value and a verdict: win (CI above 0), loss (CI below 0) or tie.
 *
 * @module
 */
import { type PairedComparison, pairedComparison } from "../analytics/mod.ts";
import { type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { marketRealismCaveats, type MarketSpec, resolveMarket } from "../env/markets.ts";
import { ValidationError } from "../errors.ts";
import {
  type CompareOptions,
  type CompareRun,
  DEFAULT_CALIBRATION_EPISODES,
  DEFAULT_EPISODES,
  runCompare,
} from "./compare.ts";
import { replayPlan } from "./replay_plan.ts";
import { formatNumber, textTable } from "./format.ts";

/** The rivals a learned agent must beat, by default. */
export const DEFAULT_RIVALS: readonly string[] = [
  "avellaneda-stoikov",
  "glft",
  "touch",
  "touch-skew",
];

/** Metrics of the summary matrix. */
export const MATRIX_METRICS: readonly ("totalPnl" | "sharpe")[] = ["totalPnl", "sharpe"];

/** Options of {@linkcode runCompareMarkets}. */
export interface CompareMarketsOptions extends Omit<CompareOptions, "config" | "onProgress"> {
  /** Market names (see `resolveMarket`): presets, `X+variant`, `replay:FILE`, `default`. */
  markets: readonly string[];
  /** Fields applied over every market's configuration (e.g. `{ duration: 120 }`). */
  overrides?: EnvConfigInput;
  /** The rivals of the summary matrix (default {@linkcode DEFAULT_RIVALS}). */
  rivals?: readonly string[];
  /** Progress: market index, episodes done and total in that market. */
  onProgress?: (market: number, done: number, total: number) => void;
}

/** One cell of the summary matrix: an agent against the market's best rival. */
export interface MatrixCell {
  /** The rival it is paired with. */
  rival: string;
  /** Mean difference agent − rival. */
  meanDiff: number;
  /** 95 % bootstrap CI of the mean difference. */
  ci95: [number, number];
  /** Two-sided paired t-test p-value. */
  tTestP: number;
  /** "win" (CI above 0), "loss" (CI below 0) or "tie". */
  verdict: "win" | "loss" | "tie";
}

/** Result of {@linkcode runCompareMarkets}. */
export interface CompareMarketsRun {
  /** Each market, resolved. */
  markets: MarketSpec[];
  /** The comparison in each market, in order. */
  runs: CompareRun[];
  /** The best rival of each market (by mean total P&L), null when no rival ran. */
  bestRival: (string | null)[];
  /** matrix[metric][agent][market index]: the agent against that market's best rival. */
  matrix: Record<string, Record<string, (MatrixCell | null)[]>>;
}

/**
 * Runs the comparison on every market and builds the summary matrix (see the module doc).
 * Deterministic: the same options give the same result whatever `workers`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCompareMarkets } from "./markets_compare.ts";
 * const r = await runCompareMarkets({
 *   markets: ["default", "default+high-latency"],
 *   overrides: { duration: 10 }, // short episodes for the example
 *   agents: ["touch", "glft"],
 *   episodes: 2,
 *   calibrationEpisodes: 2,
 *   workers: 0,
 * });
 * assert.equal(r.matrix.totalPnl["touch"].length, 2); // one cell per market
 * // null where the agent is that market's best rival
 * const cell = [...r.matrix.totalPnl["touch"], ...r.matrix.totalPnl["glft"]].find((c) => c !== null);
 * assert.ok(cell && ["win", "loss", "tie"].includes(cell.verdict));
 * ```
 */
export async function runCompareMarkets(
  options: CompareMarketsOptions,
): Promise<CompareMarketsRun> {
  const names = options.markets;
  if (!Array.isArray(names) || names.length === 0) {
    throw new ValidationError("markets", names, "a non-empty list of market names");
  }
  if (new Set(names).size !== names.length) {
    throw new ValidationError("markets", names.join(","), "distinct market names");
  }
  const markets: MarketSpec[] = [];
  for (const name of names) markets.push(await resolveMarket(name, "markets"));
  // Every market's plan is checked before any work: a replay market whose tapes hold too few
  // windows fails here, not after the markets before it have run.
  for (const m of markets) {
    if (m.config.tier !== "replay") continue;
    const cfg = parseEnvConfig({ ...m.config, ...(options.overrides ?? {}) } as EnvConfigInput);
    try {
      replayPlan(
        cfg,
        options.seed ?? 0,
        options.episodes ?? DEFAULT_EPISODES,
        options.calibrationEpisodes ?? DEFAULT_CALIBRATION_EPISODES,
      );
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      throw new ValidationError("markets", m.name, `a market that can run: ${err.message}`);
    }
  }
  const rivals = options.rivals ?? DEFAULT_RIVALS;
  const runs: CompareRun[] = [];
  for (let m = 0; m < markets.length; m++) {
    options.log?.(`market ${markets[m].name}: ${markets[m].description}`);
    const config = parseEnvConfig(
      { ...markets[m].config, ...(options.overrides ?? {}) } as EnvConfigInput,
    );
    runs.push(
      await runCompare({
        ...options,
        config,
        realism: marketRealismCaveats(markets[m], config),
        onProgress: (done, total) => options.onProgress?.(m, done, total),
      }),
    );
  }
  const bestRival = runs.map((run) => {
    let best: string | null = null, bestPnl = -Infinity;
    for (const id of rivals) {
      const a = run.backtest?.agents.find((x) => x.id === id);
      const pnl = a?.aggregate.totalPnl?.mean;
      if (pnl !== undefined && pnl > bestPnl) {
        bestPnl = pnl;
        best = id;
      }
    }
    return best;
  });
  const agents = [...new Set(runs.flatMap((r) => r.ran))];
  const matrix: CompareMarketsRun["matrix"] = {};
  for (const metric of MATRIX_METRICS) {
    matrix[metric] = {};
    for (const id of agents) {
      matrix[metric][id] = runs.map((run, m) => {
        const rival = bestRival[m];
        const a = run.backtest?.agents.find((x) => x.id === id);
        const b = run.backtest?.agents.find((x) => x.id === rival);
        if (!a || !b || rival === null || rival === id) return null;
        const c: PairedComparison = pairedComparison(
          a.episodes.map((e) => e[metric]),
          b.episodes.map((e) => e[metric]),
          { seed: `${options.seed ?? 0}:${markets[m].name}:${id}:vs:${rival}:${metric}` },
        );
        return {
          rival,
          meanDiff: c.meanDiff,
          ci95: c.ci95,
          tTestP: c.tTestP,
          verdict: c.ci95[0] > 0 ? "win" : c.ci95[1] < 0 ? "loss" : "tie",
        };
      });
    }
  }
  return { markets, runs, bestRival, matrix };
}

/**
 * The summary matrix as plain text: one table per metric, a row per agent, a column per
 * market, each cell `Δ [lo, hi] W|L|=` against the market's best rival (named in the header).
 */
export function marketsMatrixText(run: CompareMarketsRun): string {
  const out: string[] = [];
  const labels: Record<string, string> = { totalPnl: "Total P&L ($)", sharpe: "Sharpe" };
  for (const metric of MATRIX_METRICS) {
    const header = ["agent", ...run.markets.map((m, i) => `${m.name} (vs ${run.bestRival[i]})`)];
    const rows = Object.entries(run.matrix[metric]).map(([id, cells]) => [
      id,
      ...cells.map((c) =>
        c === null
          ? "-"
          : `${formatNumber(c.meanDiff)} [${formatNumber(c.ci95[0])}, ${formatNumber(c.ci95[1])}] ${
            c.verdict === "win" ? "W" : c.verdict === "loss" ? "L" : "="
          }`
      ),
    ]);
    out.push(`Δ${labels[metric]} against each market's best rival:`, textTable(header, rows), "");
  }
  out.push(
    "W: the 95% CI of the paired difference is above 0; L: below 0; =: it contains 0. The best " +
      "rival of a market is the rival with the highest mean P&L on its evaluation seeds.",
  );
  // how far each market's simulation matches its tape (its preset's realism verdict)
  run.runs.forEach((r, i) => {
    if (r.report.realism?.length) out.push("", `${run.markets[i].name}:`, ...r.report.realism);
  });
  return out.join("\n");
}
