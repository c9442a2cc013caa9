/**
 * Calibration of a book-tier market to recorded order books: every model's parameters
 * fitted to one or more tapes (of one instrument), assembled into a preset — a validated
 * env config with its provenance: the source files and their SHA-256, the data's dates, each
 * estimate with its standard error and method, what the data cannot identify (and the
 * choice made instead), the fit quality and every warning.
 *
 * Three stages (docs/calibration.md says why and how):
 * 1. **Direct fits** from the data: tick and lot, arrivals (Hawkes by maximum likelihood),
 *    market-order sizes, placement, limit sizes, cancellation hazards, trade signs, the
 *    impact of sign surprises, volatility, feed latency.
 * 2. **Moment matching** (`moment_matching.ts`) for the four quantities that emerge from the models'
 *    interaction rather than from one parameter — the volatility of the simulated mid (the
 *    spread and the book's response add to the fundamental's), the depth at the touch in mean
 *    market orders (set by the cancellation hazard together with everything else), the mean
 *    spread (set by the placement's edge) and the 1-s kurtosis (set by the news jump rate):
 *    each knob is adjusted by a fixed-point iteration on simulations with common random
 *    numbers until the simulated value is within the real one's standard error (or 5 %),
 *    at most `refineIterations` times. The direct estimate and the matched value are both
 *    in the provenance.
 * 3. **Information** (`fit_information.ts`): the impact and private-news shares, the news rate,
 *    the revelation rate and the snipers' rate by the method of simulated moments on the markout,
 *    the price response and the 1-s kurtosis, with sandwich standard errors; then the moment
 *    matching again.
 *
 * @module
 */
import { sha256File } from "../data/io.ts";
import { requireInt, ValidationError } from "../errors.ts";
import type { Tape } from "../data/tape.ts";
import { loadTape } from "../data/load.ts";
import { type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { presetSchema } from "../env/markets.ts";
import { hawkesMeanIntensity } from "../market/hawkes.ts";
import { cancellationConfigSchema } from "../market/cancellation.ts";
import { placementConfigSchema } from "../market/placement.ts";
import type { FAST_TRADER_SIZES } from "../market/informed.ts";
import type { SizeLawName } from "../market/size_law.ts";
import type { LIMIT_SIZE_LAWS } from "../market/order_sizes.ts";
import { reactionConfigSchema } from "../market/reaction.ts";
import { MAX_WORKERS } from "../backtest/pool.ts";
import { MAX_SEED } from "../rng/rng.ts";
import { childSeed } from "../rng/streams.ts";
import { InsufficientDataError } from "./errors.ts";
import { isPlainData, runTasks } from "./threads.ts";
import {
  derived,
  type Estimate,
  fitted,
  indistinctFromZero,
  sig,
  unidentified,
} from "./estimate.ts";
import {
  fitCancellation,
  fitLimitSizes,
  fitMarketSizes,
  fitPlacement,
  limitSizeEstimates,
  type LimitSizeFit,
  marketSizeEstimates,
  type SizeFit,
} from "./fit_flow.ts";
import { fitLatency, fitVolatility } from "./fit_price.ts";
import {
  CLUSTERING_MOMENTS,
  fitInformation,
  FRESH_REPLICATES,
  FRESH_SEED_OFFSET,
  freshInformationObjective,
} from "./fit_information.ts";
import { fitForecast, FORECAST_PARAMETER } from "./fit_forecast.ts";
import { fitTiming, sendShareOf, spreadCounts, timingEstimates } from "./fit_timing.ts";
import { spreadBaselineStage } from "./fit_spread_hawkes.ts";
import { fitRefill, refillObservations } from "./fit_refill.ts";
import { fitImprovementTakers } from "./fit_improvement_takers.ts";
import { fitLiquidityState } from "./fit_liquidity_state.ts";
import {
  fitTouchFlow,
  touchCountsOf,
  touchDeletionsConfig,
  type TouchFit,
  touchFlowConfig,
  touchFlowEstimates,
} from "./fit_touch.ts";
import { flowDrivenWarning, type InformationFitSummary } from "./price_formation.ts";
import { fitSigns, signAutocorrelation, signEstimates, signModelConfig } from "./fit_signs.ts";
import {
  fitRegimes,
  fitRegimeStrength,
  REGIME_BIN_SECONDS,
  regimeBins,
  regimeEstimates,
  type RegimeFit,
  regimeFlowPath,
  regimePresetConfig,
  type RegimeStrengthFit,
  type RegimeTest,
  scaleRegimeRates,
  testRegimes,
} from "./fit_regimes.ts";
import { type MarketRecord, recordFromTape, recordSeconds } from "./record.ts";
import { fastShares, fitFastShare } from "./fit_fast_share.ts";
import { fitShareSizes } from "./fit_share_sizes.ts";
import { type SimulatedFastOrders, simulateFastOrders, simulateRecords } from "./simulate.ts";
import { mergeTapeEvents, type TapeEvents, tapeEvents } from "./tape_events.ts";
import {
  arrivalFitQuality,
  arrivalsConfig,
  fitArrivals,
  fitClockStage,
  limitResponseOf,
  marketBetas,
  marketBranching,
} from "./fit_arrivals.ts";
import {
  emergentMoments,
  errorNotStable,
  matchedStandardErrors,
  momentKnobs,
  type OptionalMoment,
  refineMoments,
} from "./moment_matching.ts";
import { maxOf } from "../analytics/extent.ts";
import { clampToModelRange } from "./model_range.ts";
import { atLot } from "./finer_lot.ts";
import { fitImpactLump, matchImpactLump, stillShare } from "./fit_lump.ts";
import { informationStart } from "./information_start.ts";
import { calibrationProvenance, tapeTimeIso } from "./provenance.ts";
import type { RealismResult } from "./realism.ts";
import { describeSeeds, runRealismSeeds, seedRange } from "./realism_seeds.ts";
import {
  bestStart,
  MAX_REALISM_SELECT_SEEDS,
  REALISM_SELECT_CAP,
  REALISM_SELECT_SEED,
  REALISM_SELECT_SEEDS,
  realismCriterion,
  type RealismScore,
  SELECT_MODES,
  type SelectMode,
} from "./select_starts.ts";
import { initialDepthLots, presetConfig, sizesConfig } from "./preset_config.ts";
import { openProgressStore, type ProgressStore } from "../progress_store.ts";

/** Version of the calibration method (written into every preset). */
export const CALIBRATION_VERSION = 1;
/**
 * Default S of the simulation-based stages: each evaluation simulates S times the data's
 * length (at least an hour, at most S trading days of 23,400 s), so the simulated moments'
 * variance is 1/S of the data's and the estimators' variance is inflated by 1 + 1/S.
 */
export const SIMULATION_RATIO = 4;

/** Options of {@linkcode calibrateTapes}. */
export interface CalibrateOptions {
  /**
   * Simulated tapes of the bootstrap test of the regimes against the same market calibrated
   * without them, then their strength by indirect inference (19 for a 5 % test; default 0:
   * off, BIC's choice kept — see docs/calibration.md for what it did to `amzn`).
   */
  regimeReplicates?: number;
  /** Preset name (lowercase, digits, dashes; default from the instrument). */
  name?: string;
  /** One-paragraph description (default: generated). */
  description?: string;
  /** Lot size in instrument units (default: the tape's lot suggestion). */
  lotSize?: number;
  /** Window start, s since each tape's origin (default: the book start). */
  from?: number;
  /** Window end, s since each tape's origin (default: the tape's end). */
  to?: number;
  /** Episode duration of the preset, s (default 300). */
  duration?: number;
  /** Run the moment-matching stage (default true). */
  refine?: boolean;
  /** Most moment-matching iterations (default 16). */
  refineIterations?: number;
  /**
   * Simulated seconds per evaluation of every simulation-based stage (moment matching,
   * information, forecast weight, refill; default: `simulationRatio` × the data's length,
   * at least 3,600 and at most `simulationRatio` × 23,400).
   */
  refineSeconds?: number;
  /**
   * S, simulated over real length of each simulation-based stage's evaluation (default 4):
   * the simulated moments' noise is 1/S of the data's sampling variance.
   */
  simulationRatio?: number;
  /** Fit the information (news, snipers) by simulated moments (default: as `refine`). */
  information?: boolean;
  /** Most simulations of the information fit per round (default 120). */
  informationSimulations?: number;
  /** Rounds of the information fit, each followed by the moment matching (default 2). */
  informationRounds?: number;
  /** Seed of the simulations (default 0). */
  seed?: number;
  /**
   * Fit the liquidity providers' forecast weight κ (`fit_forecast.ts`) after each round of
   * the information fit (default: as `information`; false: κ = 1, the efficient case).
   */
  forecast?: boolean;
  /**
   * Re-fit the market orders' fastest kernel component to the gaps between orders where the
   * tape's clock is coarse against it (`fit_clock.ts`; default true; false: keep the
   * maximum-likelihood kernel fitted to the times jittered within their tick).
   */
  clockKernel?: boolean;
  /**
   * Fit the pace of trading's effect on impact into the preset (`fitPace`: an order soon after
   * the previous one moves the price more; default false: every order's impact is the same;
   * see docs/calibration.md for why it is not the default).
   */
  pace?: boolean;
  /**
   * The information fit's moves by the paired test on its five seeds (`fit_information.ts`,
   * `pairedDecrease`; default false: a decrease beyond the objective's noise).
   */
  pairedMoves?: boolean;
  /**
   * Match the public news rate to the 1-s kurtosis again in the matching after the last
   * information fit (default false: the matchings after the information fit leave the
   * kurtosis to it).
   */
  rematchNews?: boolean;
  /**
   * Seeds each point of the matched knobs' Jacobian is simulated on (`matchedStandardErrors`'
   * `replicates`; default {@linkcode ERROR_REPLICATES}).
   */
  errorReplicates?: number;
  /**
   * Fit the market-order timing model (`order_timing.ts`) into the preset where the spread is
   * wide (default false: its estimates go to the provenance only; see docs/calibration.md).
   */
  timing?: boolean;
  /**
   * Fit the market-order intensity by spread (`order_timing.ts`, `kind: "intensity"`: an
   * arrival at spread s is a market order with probability a(s), else dropped) where the
   * spread is wide, its exponent by indirect inference on the spread at market orders
   * (default false; see docs/calibration.md).
   */
  spreadIntensity?: boolean;
  /**
   * Fit the market orders' baseline by spread (`order_timing.ts`, `kind: "baseline"`: the
   * arrivals nobody's order excited are timed to the spread, the excited ones are not) where
   * the spread is wide: μ, the market orders' self-excitation, s₀ and γ by the joint maximum
   * likelihood of `fit_spread_hawkes.ts`, the decays held (default false; not with
   * `spreadIntensity` or `timing`; see docs/calibration.md).
   */
  spreadBaseline?: boolean;
  /**
   * The distances at which the placement puts limit orders, 0 … D − 1 ticks behind the touch
   * (`flow.placement.maxDistance`, at most 1,000; default the library's 40): its power law is
   * fitted over them, and the limit-order rate counts the orders within them. A book whose
   * level updates mostly lie beyond 40 ticks (the Binance BTCUSDT tape: 90 %) then has depth
   * behind the touch for large market orders to walk through (docs/calibration.md,
   * "Stop 57").
   */
  placementRange?: number;
  /**
   * Fit the touch's share of the limit orders apart (`flow.placement.touchShare`: an atom at
   * distance 0 beside the power law over the other distances; default false: one power law
   * from the touch). Not identified on a tape that shows the best level only.
   */
  touchAtom?: boolean;
  /**
   * Fit the activity-dependent placement (`placement.activityExponent` η: each limit order's
   * edge scaled by (λ/λ̄)^(−η), λ the market orders' intensity) where the spread is wide, η
   * by moment matching to the tape's mean spread at market orders over its time-weighted
   * mean (default false: absent; see docs/calibration.md).
   */
  activityPlacement?: boolean;
  /**
   * Fit the regimes' time scale (`regimes.timeScale`: every transition rate of the fitted
   * regimes times s) by moment matching to the decay of the volatility clustering (the
   * autocorrelation of |1-s returns| at 10 s over 1 s), where regimes are fitted (default
   * false: the hidden Markov model's rates as fitted on 60-s bins; see docs/calibration.md).
   */
  regimeTimeScale?: boolean;
  /**
   * Fit the touch-flow model (`touch_flow.ts`: orders inside the spread and deletions at the
   * touch by spread, with their impact) into the preset where the tape has order-level
   * messages (default false: nothing of it is written; see docs/calibration.md).
   */
  touch?: boolean;
  /**
   * With `touch`: fit the fleeting orders as well (`touch.fleetingShare`, `fleetingRate`;
   * `fit_fleeting.ts`), and measure the touch's deletion rates and impacts without them
   * (default false: the touch flow as without it; see docs/calibration.md). Without `touch`
   * a ValidationError naming `fleeting`.
   */
  fleeting?: boolean;
  /**
   * With `touch`: fit the touch's self-excitation as well (`touch.excitation`,
   * `excitationDecay`; `fit_touch_excitation.ts`), the table's rates then its baseline
   * (default false; see docs/calibration.md). Not with `fleeting`; without `touch` a
   * ValidationError naming `touchExcitation`.
   */
  touchExcitation?: boolean;
  /**
   * Fit the touch's deletions only (`touch.cancelRate` by spread and their impact
   * `touch.cancelImpact`, nothing placed inside the spread by the touch flow;
   * `touchDeletionsConfig` in `fit_touch.ts`): the
   * tape's deletions at the touch, whether or not an order comes, where the tape has
   * order-level messages (default false; see docs/calibration.md). Not with `touch`: a
   * ValidationError naming `touchDeletions`.
   */
  touchDeletions?: boolean;
  /**
   * Fit the takers who answer an improvement of the quotes (`flow.takers`,
   * `improvement_takers.ts`, fitted by `fit_improvement_takers.ts`) into the preset where the
   * tape has an order-level clock (default false: nothing of it is written; see
   * docs/calibration.md, "Stop 58").
   */
  improvementTakers?: boolean;
  /**
   * Fit the slow liquidity state (`flow.liquidity`, `liquidity_state.ts`, fitted by
   * `fit_liquidity_state.ts`: the slow part of the log spread's variation over minutes) into
   * the preset (default false: nothing of it is written; see docs/calibration.md, "Stop 59").
   */
  liquidityState?: boolean;
  /**
   * Scale the limit orders' response to market orders (their Hawkes excitation by market
   * orders, the mean limit rate kept; `flow.arrivals.limitResponse`) by a factor matched to the
   * spread the market orders meet over the time-weighted spread, in a wide-spread market with
   * that excitation (default false; see docs/calibration.md, "Stop 58").
   */
  limitResponse?: boolean;
  /**
   * With `touchDeletions`: one factor on the table of the touch's deletions
   * (`flow.touch.deletionScale`, from 1, the tape's count), matched to the mid's noise: its
   * realized variance sampled every 0.1 s over that sampled every 10 s (default false; see
   * docs/calibration.md, "Stop 48"). Without `touchDeletions`: a
   * ValidationError naming `matchDeletions`.
   */
  matchDeletions?: boolean;
  /**
   * Fit the regimes with the flow's clustering (default false; see docs/calibration.md): the
   * market orders' Hawkes kernel given the regimes (baseline × each 60-s bin's posterior flow
   * multiplier, `regimeFlowPath`, so its slow component does not count the regimes' clustering
   * again), the regimes' volatility multipliers inverted as the fundamental applies them
   * (`regimeConfigFromFit`'s `impactScaled`) and the |1-s return| autocorrelation among the
   * information fit's moments (`CLUSTERING_MOMENTS`). Overrides `regimeReplicates`' strength.
   */
  regimeBaseline?: boolean;
  /**
   * Law of the market orders' desired sizes (`lib/market/size_law.ts`): `lomax` (default),
   * `lognormal`, `lognormal-mix`, or `auto` (the one of smallest AIC; see
   * docs/calibration.md for why it is not the default).
   */
  sizeLaw?: SizeLawName | "auto";
  /**
   * The snipers' and informed traders' order sizes: `stale` (default), every stale lot up to
   * the 90th percentile of the tape's orders; `drawn`, at most a desired size drawn from the
   * market orders' law for each arrival; `dispersed`, at most a log-normal budget of mean that
   * percentile and log-sd `fastSizeSigma`; `share`, a log-normal share of the stale lots fitted
   * on the tape's orders that came with a move (`fit_fast_share.ts`; `snipers.ts`,
   * `informed.ts`).
   */
  informedSizes?: typeof FAST_TRADER_SIZES[number];
  /**
   * The snipers' order sizes, where they differ from the informed traders' (default
   * `informedSizes`): one of the same modes.
   */
  sniperSizes?: typeof FAST_TRADER_SIZES[number];
  /**
   * After the other stages, make the snipers' sizes shares of the stale lots and fit their
   * median and log-sd on a grid by simulated moments, the share of the tape's orders below its
   * size quantiles with the information fit's moments, the rest of the market as calibrated
   * (`fit_share_sizes.ts`; default false; docs/calibration.md, "Stop 55").
   */
  shareMoments?: boolean;
  /**
   * With `informedSizes: "dispersed"`, the log-sd of the fast traders' budgets (default 1):
   * each arrival takes at most a log-normal budget of mean the tape's 90th-percentile order.
   */
  fastSizeSigma?: number;
  /**
   * The exponent δ of the trades' impact in their size, g(v) = (v / mean size)^δ (default 0:
   * sign only), given, not fitted: every stage is fitted given it.
   */
  sizeExponent?: number;
  /**
   * A finer lot (instrument units, at most `lotSize`) for the order sizes: the market's
   * models are fitted in `lotSize` as without it, its size laws in `sizeLot`, and every stage
   * that simulates the market (the moment matching, the information fit) simulates it
   * restated in `sizeLot` (`finer_lot.ts`) with those sizes, as the preset will be — orders
   * below `lotSize` can then be made (docs/calibration.md, "Order sizes").
   */
  sizeLot?: number;
  /**
   * The law of limit-order sizes: `poisson` (default; 1 + Poisson(mean − 1) lots) or
   * `lognormal-mix` (a mixture of 2–4 components fitted to an order-level tape's limit orders,
   * `fitLimitSizes`; a level-based tape cannot tell orders apart: a warning, and the Poisson).
   */
  limitSizes?: typeof LIMIT_SIZE_LAWS[number];
  /**
   * Fit the lumpy impact (`fundamental.impactLump`: the uninformed trades' impacts move the
   * price only once they add up to a lump) into the preset of a one-tick market, the lump the
   * tape's median change of the mid over the book's grid (default false: absent; see
   * docs/calibration.md).
   */
  impactLump?: boolean;
  /**
   * With `impactLump`: search the lump in simulation after the other stages
   * (`matchImpactLump`, `fit_lump.ts`), so that the market's share of grid intervals without a
   * move is the tape's (default false: the tape's median move; see docs/calibration.md). The
   * information fit's objective on fresh seeds (what `starts` compares) is then measured on the
   * market before the search.
   */
  lumpMatch?: boolean;
  /**
   * Fit the background's market-order sizes given the fast traders' orders (default false):
   * after the first information round, the calibrated market is simulated and the size law
   * fitted again as the mixture (1 − π)·law + π·g, π and g the snipers' and informed traders'
   * share of the orders and their sizes in that simulation (`fast_sizes.ts`), so that their
   * orders are not taken for background flow (docs/calibration.md, "Order sizes"). With
   * `sizeLot`, the simulation and the refit are in that lot.
   */
  sizesGivenFast?: boolean;
  /** Iteration limit of the Hawkes fit (default 1,000; a smaller one is for diagnostics). */
  hawkesMaxIterations?: number;
  /**
   * Calibrations to run, on seeds `seed`, `seed + 1`, …, keeping the one whose information-fit
   * objective on fresh simulation seeds (common to all of them) is the smallest (default 1;
   * at most 16; needs the information fit; with `shareMoments`, the objective with the order
   * sizes' moments too, on the market as written), or, with `select: "realism"`, the one the
   * realism report finds closest to the tapes. The information fit's compass search ends where
   * its own simulation seed's noise left it; several starts and a comparison on seeds none of
   * them saw take the luck of one seed out (docs/calibration.md, "Several starts").
   */
  starts?: number;
  /**
   * How `starts` keeps one calibration (`select_starts.ts`): `"information"` (default) by the
   * information fit's objective on fresh seeds; `"realism"` by the realism report's
   * comparison with `tapes` on simulation seeds none of the verdicts use
   * ({@linkcode realismCriterion}; the information fit is then not needed).
   */
  select?: SelectMode;
  /** Simulation seeds of `select: "realism"` per start (default 8, at most 64). */
  selectSeeds?: number;
  /**
   * Root seed of the fresh simulations that measure the information fit's objective
   * (`fitQuality.information.freshObjective`; default `seed`). `starts` sets it to the first
   * start's seed, so that the starts are compared on common random numbers.
   */
  freshSeed?: number;
  /**
   * With `starts` > 1: where the finished starts are loaded from and saved to, as
   * `start-SEED`, so that a run stopped part way resumes exactly (`lib/progress_store.ts`;
   * {@linkcode CalibrateFilesOptions}'s `startsDir` keeps them in a directory). A start found in
   * it is not computed again; every start computed is saved before the next begins. Default:
   * none, nothing saved.
   */
  startStore?: ProgressStore<Calibration>;
  /** Source files and checksums (filled by {@linkcode calibrateFiles}). */
  sources?: { path: string; sha256: string; bytes: number }[];
  /** Progress messages. */
  log?: (line: string) => void;
}

/** Options of {@linkcode calibrateFiles}: the calibration's, and where to save its starts. */
export interface CalibrateFilesOptions extends CalibrateOptions {
  /**
   * With `starts` > 1: a directory that keeps the finished starts (created if absent), so that
   * the same call after an interruption resumes where it stopped, with the uninterrupted
   * call's result (`lib/progress_store.ts`; `deno task calibrate` uses `OUT.starts` beside its
   * preset). Starts saved there for other files or options are refused with a
   * `ValidationError` naming `startsDir`, unless `discardStarts`. The caller removes the
   * directory once its result is safely written (`removeProgress`).
   */
  startsDir?: string;
  /** Remove starts that `startsDir` holds for other files or options (default false). */
  discardStarts?: boolean;
  /**
   * The version of the code that computes the starts, part of `startsDir`'s key: starts saved
   * by another version are refused like those of other options (`deno task calibrate` passes
   * the project's `codeVersion()`, `lib/sweep/version.ts`). Default: none, not checked.
   */
  code?: string;
  /**
   * Threads that run the starts (default 1: this one; {@linkcode calibrateTapesOn}). Never
   * changes the result.
   */
  workers?: number;
}

/**
 * What a saved start was computed for: the tapes' source files with their checksums, every
 * option that shapes a start — all but how many starts run and how one is kept (`starts`,
 * `select`, `selectSeeds`: a run with more starts resumes one with fewer), the store and the
 * log — and the code's version where given. The key of `startsDir`'s fingerprint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startsKey } from "./calibrate.ts";
 * const sources = [{ path: "t.csv", sha256: "ab", bytes: 3 }];
 * assert.deepEqual(startsKey(sources, { seed: 2, starts: 8, select: "realism" }), {
 *   sources,
 *   options: { seed: 2 },
 * });
 * assert.deepEqual(startsKey(sources, { seed: 2, code: "c0de" }), {
 *   sources,
 *   options: { seed: 2 },
 *   code: "c0de",
 * });
 * ```
 */
export function startsKey(
  sources: readonly { path: string; sha256: string; bytes: number }[],
  options: CalibrateFilesOptions,
): {
  sources: { path: string; sha256: string; bytes: number }[];
  options: CalibrateOptions;
  code?: string;
} {
  const {
    starts: _starts,
    select: _select,
    selectSeeds: _selectSeeds,
    startStore: _store,
    startsDir: _dir,
    discardStarts: _discard,
    sources: _sources,
    log: _log,
    code,
    workers: _workers,
    ...shaping
  } = options;
  return {
    sources: sources.map((s) => ({ ...s })),
    options: shaping,
    ...(code === undefined ? {} : { code }),
  };
}

/** What a calibration returns. */
export interface Calibration {
  /** The preset file's content (`presetSchema`). */
  preset: {
    name: string;
    description: string;
    config: EnvConfigInput;
    provenance: Record<string, unknown>;
  };
  /** Every estimate by dotted config path. */
  estimates: Record<string, Estimate>;
  /** Warnings (also in the provenance): fits that did not converge, boundaries, mismatches. */
  warnings: string[];
}

/** The library's defaults of the models a calibration may leave unidentified. */
const DEFAULTS = {
  placement: placementConfigSchema.parse({}),
  cancellation: cancellationConfigSchema.parse({}),
  reaction: reactionConfigSchema.parse({}),
};

/** SHA-256 of a file, lowercase hex (defined in `lib/data/io.ts`; re-exported here). */
export { sha256File };

/**
 * Loads `paths` (one instrument), checksums their source files and calibrates (see
 * {@linkcode calibrateTapes}).
 */
export async function calibrateFiles(
  paths: readonly string[],
  options: CalibrateFilesOptions = {},
): Promise<Calibration> {
  if (paths.length === 0) throw new ValidationError("data", paths, "at least one tape file");
  requireTouchOptions(options);
  const tapes: Tape[] = [];
  for (const p of paths) tapes.push(await loadTape(p));
  const sources: { path: string; sha256: string; bytes: number }[] = [];
  for (const t of tapes) {
    for (const s of t.meta.sources) {
      if (sources.some((x) => x.path === s)) continue;
      sources.push({ path: s, sha256: await sha256File(s), bytes: (await Deno.stat(s)).size });
    }
  }
  const { startsDir, discardStarts, code: _code, workers = 1, ...calibrateOptions } = options;
  if (startsDir !== undefined && (options.starts ?? 1) > 1) {
    const store = openProgressStore<Calibration>(startsDir, startsKey(sources, options), {
      discard: discardStarts,
      field: "startsDir",
    });
    const saved = store.names().filter((n) => /^start-\d+$/.test(n))
      .map((n) => Number(n.slice("start-".length))).sort((a, b) => a - b);
    if (saved.length > 0) {
      options.log?.(
        `resuming: start${saved.length === 1 ? "" : "s"} on seed${saved.length === 1 ? "" : "s"} ${
          saved.join(", ")
        } saved by an earlier run in ${startsDir}`,
      );
    }
    return calibrateTapesOn(tapes, { ...calibrateOptions, sources, startStore: store }, workers);
  }
  return calibrateTapesOn(tapes, { ...calibrateOptions, sources }, workers);
}

/**
 * Throws a ValidationError naming `fleeting` or `touchExcitation` when one is asked for
 * without the touch flow (or both together), or `touchDeletions` with the touch flow.
 */
function requireTouchOptions(options: CalibrateOptions): void {
  if (options.touchDeletions === true && options.touch === true) {
    throw new ValidationError(
      "touchDeletions",
      true,
      "no touch flow besides (touch: false): the touch flow has deletions of its own",
    );
  }
  if (options.matchDeletions === true && options.touchDeletions !== true) {
    throw new ValidationError(
      "matchDeletions",
      true,
      "the touch's deletions as well (touchDeletions: true, --touch-deletions)",
    );
  }
  if (options.fleeting === true && options.touch !== true) {
    throw new ValidationError("fleeting", true, "the touch flow as well (touch: true, --touch)");
  }
  if (options.touchExcitation === true && (options.touch !== true || options.fleeting === true)) {
    throw new ValidationError(
      "touchExcitation",
      true,
      "the touch flow as well and no fleeting orders (touch: true, fleeting: false)",
    );
  }
}

/** Most starts of {@linkcode CalibrateOptions.starts}. */
export const MAX_STARTS = 16;

/** Seeds per point of {@linkcode CalibrateOptions.errorReplicates} when not given. */
export const ERROR_REPLICATES = 4;

/** Most seeds per point of {@linkcode CalibrateOptions.errorReplicates}. */
export const MAX_ERROR_REPLICATES = 64;

/**
 * Calibrates the book tier to `tapes` (see the module doc); with `starts` > 1, that many
 * times on consecutive seeds, returning the calibration whose information fit's objective on
 * common fresh seeds is the smallest, or with `select: "realism"` whose realism criterion is
 * (`select_starts.ts`; its provenance's `fitQuality.starts` lists them all). Throws
 * {@linkcode InsufficientDataError} when the window is too short for a fit, and a
 * `ValidationError` for tapes of different instruments, a preset that would not validate,
 * an unknown `select`, `select: "realism"` with one start, or starts compared by the
 * information fit without it. {@linkcode calibrateTapesOn} runs the starts on several
 * threads, with the same result.
 */
export function calibrateTapes(
  tapes: readonly Tape[],
  options: CalibrateOptions = {},
): Calibration {
  const plan = startsPlan(options);
  if (plan === null) return calibrateOnce(tapes, options);
  const log = options.log ?? (() => {});
  const store = options.startStore;
  const outcomes: StartOutcome[] = [];
  for (let k = 0; k < plan.starts; k++) {
    const seed = plan.base + k;
    const saved = store?.load(`start-${seed}`);
    log(startLine(plan, k, saved !== undefined));
    const run = saved ?? calibrateOnce(tapes, { ...options, seed, freshSeed: plan.base });
    if (store && !saved) store.save(`start-${seed}`, run);
    const outcome = scoreStart(run, tapes, plan, options);
    for (const line of outcome.lines) log(line);
    outcomes.push(outcome);
  }
  return chooseStart(outcomes, plan, options);
}

/**
 * {@linkcode calibrateTapes} with its starts on `workers` threads (this one and `workers − 1`
 * Deno Workers running `calibrate_worker.ts`): each start not saved in `startStore` is
 * calibrated (and, with `select: "realism"`, scored) on one of them, then the starts are
 * compared here as in one thread. The result is {@linkcode calibrateTapes}', bit for bit,
 * whatever the number of workers: a start is a deterministic function of its seed. Each
 * finished start is saved at once, in the order they finish; the log gives each start's lines
 * whole, in start order, as they become known. One start, one worker, or options that are not
 * plain data beside `log` and `startStore`: everything runs in this thread.
 *
 * @example
 * ```ts ignore
 * import { loadTapeSync } from "../data/load.ts";
 * import { calibrateTapesOn } from "./calibrate.ts";
 * const tape = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
 * const cal = await calibrateTapesOn([tape], { starts: 4, refineIterations: 4 }, 2); // ~minutes
 * console.log(cal.preset.provenance.fitQuality);
 * ```
 */
export async function calibrateTapesOn(
  tapes: readonly Tape[],
  options: CalibrateOptions = {},
  workers = 1,
): Promise<Calibration> {
  requireInt("workers", workers, 1, MAX_WORKERS);
  const plan = startsPlan(options);
  const { log: _log, startStore: store, ...plain } = options;
  if (plan === null || workers === 1 || !isPlainData(plain) || !isPlainData(tapes)) {
    return calibrateTapes(tapes, options);
  }
  const log = options.log ?? (() => {});
  const outcomes: (StartOutcome | undefined)[] = new Array(plan.starts);
  const saved: (Calibration | undefined)[] = [];
  const requests: StartRequest[] = [];
  for (let k = 0; k < plan.starts; k++) {
    saved.push(store?.load(`start-${plan.base + k}`));
    // a saved start of an information choice needs no work; any other does
    if (saved[k] !== undefined && plan.select === "information") {
      outcomes[k] = scoreStart(saved[k]!, tapes, plan, options);
    } else requests.push({ tapes, options: plain, plan, k, run: saved[k] });
  }
  let told = 0;
  const tell = () => {
    for (; told < plan.starts && outcomes[told] !== undefined; told++) {
      log(startLine(plan, told, saved[told] !== undefined));
      for (const line of outcomes[told]!.lines) log(line);
    }
  };
  tell();
  await runTasks<StartRequest, StartOutcome>(
    new URL("./calibrate_worker.ts", import.meta.url),
    requests,
    workers,
    (i, outcome) => {
      const k = requests[i].k;
      if (store && saved[k] === undefined) store.save(`start-${plan.base + k}`, outcome.run);
      outcomes[k] = outcome;
      tell();
    },
    runStart,
  );
  return chooseStart(outcomes as StartOutcome[], plan, options);
}

/** How the starts of {@linkcode calibrateTapes} run and are compared (validated options). */
export interface StartsPlan {
  /** Number of starts. */
  starts: number;
  /** The first start's seed; start k runs on `base + k`. */
  base: number;
  /** How one start is kept. */
  select: SelectMode;
  /** Whether the information fit runs (its objective is logged). */
  informationFit: boolean;
  /** The realism criterion's simulation seeds (`select: "realism"`). */
  realismSeeds: number[];
}

/** One start of {@linkcode calibrateTapes}: its calibration and how it compares. */
export interface StartOutcome {
  /** The calibration. */
  run: Calibration;
  /** Its information fit's objective on the common fresh seeds (Infinity: none). */
  objective: number;
  /** Its realism criterion (`select: "realism"`). */
  score?: RealismScore;
  /** What the log says of it after the line that opens the start. */
  lines: string[];
}

/** A start for a worker of {@linkcode calibrateTapesOn} (`calibrate_worker.ts`). */
export interface StartRequest {
  /** The tapes. */
  tapes: readonly Tape[];
  /** The calibration's options, without `log` and `startStore`. */
  options: CalibrateOptions;
  /** The starts' plan. */
  plan: StartsPlan;
  /** Which start (its seed is `plan.base + k`). */
  k: number;
  /** The start's calibration when an earlier run saved it (then only scored). */
  run?: Calibration;
}

/**
 * Start `request.k` of {@linkcode calibrateTapesOn}: its calibration (unless saved) and its
 * comparison figures — what each thread, the calling one and the workers, runs. The
 * calibration's own log lines come first in `lines` (told whole, after the start's first
 * line, so that workers' lines never interleave).
 */
export function runStart(request: StartRequest): StartOutcome {
  const { tapes, options, plan, k } = request;
  const stage: string[] = [];
  const run = request.run ??
    calibrateOnce(tapes, {
      ...options,
      seed: plan.base + k,
      freshSeed: plan.base,
      log: (line) => stage.push(line),
    });
  const outcome = scoreStart(run, tapes, plan, options);
  return { ...outcome, lines: [...stage, ...outcome.lines] };
}

/** The validated plan of `options`' starts; `null` for a single calibration. */
function startsPlan(options: CalibrateOptions): StartsPlan | null {
  const starts = requireInt("starts", options.starts ?? 1, 1, MAX_STARTS);
  const select = options.select ?? "information";
  if (!(SELECT_MODES as readonly string[]).includes(select)) {
    throw new ValidationError("select", select, `one of ${SELECT_MODES.join(", ")}`);
  }
  const selectSeeds = requireInt(
    "selectSeeds",
    options.selectSeeds ?? REALISM_SELECT_SEEDS,
    1,
    MAX_REALISM_SELECT_SEEDS,
  );
  requireInt(
    "errorReplicates",
    options.errorReplicates ?? ERROR_REPLICATES,
    1,
    MAX_ERROR_REPLICATES,
  );
  requireTouchOptions(options);
  if (starts === 1 && select === "realism") {
    throw new ValidationError(
      "select",
      select,
      "information when starts is 1 (one calibration: nothing to choose among)",
    );
  }
  if (starts === 1) return null;
  // the information fit runs as in calibrateOnce's stage 3
  const informationFit = options.information ?? options.refine ?? true;
  if (select === "information" && !informationFit) {
    throw new ValidationError(
      "starts",
      starts,
      "1 without the information fit (the starts are compared by its objective)",
    );
  }
  const base = options.seed ?? 0;
  requireInt("seed", base + starts - 1, 0, MAX_SEED);
  return {
    starts,
    base,
    select: select as SelectMode,
    informationFit,
    realismSeeds: seedRange(REALISM_SELECT_SEED, selectSeeds, "selectSeeds"),
  };
}

/** The log's line that opens start `k`. */
function startLine(plan: StartsPlan, k: number, saved: boolean): string {
  return `start ${k + 1} of ${plan.starts}: seed ${plan.base + k}${
    saved ? " (saved by an earlier run)" : ""
  }`;
}

/** Start `run`'s comparison figures and the lines the log gives them. */
function scoreStart(
  run: Calibration,
  tapes: readonly Tape[],
  plan: StartsPlan,
  options: CalibrateOptions,
): StartOutcome {
  const quality = run.preset.provenance.fitQuality as Record<string, unknown>;
  const info = quality.information as { freshObjective?: { mean: number } } | undefined;
  const objective = info?.freshObjective?.mean ?? Infinity;
  const lines: string[] = [];
  if (plan.informationFit) lines.push(`  objective on fresh seeds: ${sig(objective, 4)}`);
  if (plan.select !== "realism") return { run, objective, lines };
  const score = realismScore(run.preset.config, tapes, plan.realismSeeds, options);
  lines.push(
    `  realism criterion on seeds ${describeSeeds(plan.realismSeeds)}: ` +
      `${sig(score.criterion, 4)} (facts passed ${sig(score.meanPassed, 3)} ` +
      `of ${sig(score.meanJudged, 3)})`,
  );
  return { run, objective, score, lines };
}

/** The start `plan` keeps among `outcomes` (in start order), its provenance completed. */
function chooseStart(
  outcomes: readonly StartOutcome[],
  plan: StartsPlan,
  options: CalibrateOptions,
): Calibration {
  const { select, informationFit, realismSeeds, base } = plan;
  const objectives = outcomes.map((o) => o.objective);
  const scores = outcomes.map((o) => o.score!);
  const best = bestStart(select === "realism" ? scores.map((s) => s.criterion) : objectives);
  const chosen = outcomes[best].run;
  const byInformation = "the smallest information-fit objective " +
    (options.shareMoments ? "with the order sizes' moments (on the market as written) " : "") +
    `on the same fresh simulation seeds (childSeed(first seed, ${FRESH_SEED_OFFSET} + r), ` +
    `r = 0..${FRESH_REPLICATES - 1})`;
  const byRealism = "the smallest realism criterion: the realism report's comparison of the " +
    `market with the calibration's tapes on simulation seeds ${describeSeeds(realismSeeds)}, ` +
    `the mean over the seeds of the sum over the judged facts of min(distance / tolerance, ` +
    `${REALISM_SELECT_CAP})² (docs/calibration.md, "Stop 61")`;
  (chosen.preset.provenance.fitQuality as Record<string, unknown>).starts = {
    seeds: outcomes.map((_, k) => base + k),
    ...(informationFit ? { freshObjectives: objectives.map((q) => sig(q, 4)) } : {}),
    ...(select === "realism"
      ? {
        realismCriteria: scores.map((s) => sig(s.criterion, 4)),
        realismPassed: scores.map((s) => sig(s.meanPassed, 4)),
        realismSeeds,
      }
      : {}),
    chosenSeed: base + best,
    select,
    method: `the calibration run on each seed; kept: ${
      select === "realism" ? byRealism : byInformation
    }`,
  };
  return chosen;
}

/** The realism criterion of `config` against `tapes` (the calibration's window) on `seeds`. */
function realismScore(
  config: EnvConfigInput,
  tapes: readonly Tape[],
  seeds: readonly number[],
  options: CalibrateOptions,
): RealismScore {
  const results: RealismResult[] = [];
  runRealismSeeds(config, tapes, seeds, { from: options.from, to: options.to }, (_, r) => {
    results.push(r);
  });
  return realismCriterion(results);
}

/** One calibration of {@linkcode calibrateTapes} (`starts` ignored). */
function calibrateOnce(
  tapes: readonly Tape[],
  options: CalibrateOptions,
): Calibration {
  if (tapes.length === 0) throw new ValidationError("tapes", tapes, "at least one tape");
  const log = options.log ?? (() => {});
  const first = tapes[0].meta;
  for (const t of tapes) {
    if (t.meta.instrument !== first.instrument || t.meta.tickSize !== first.tickSize) {
      throw new ValidationError(
        "data",
        t.meta.name,
        `tapes of one instrument and tick (${first.instrument}, ${first.tickSize})`,
      );
    }
  }
  const warnings: string[] = [];
  const est: Record<string, Estimate> = {};
  const tick = first.tickSize;
  const lotSize = options.lotSize ?? first.lotSuggestion;
  if (!(lotSize > 0) || !Number.isFinite(lotSize)) {
    throw new ValidationError("lotSize", lotSize, "a positive lot size in instrument units");
  }
  if (
    options.sizeLot !== undefined &&
    !(options.sizeLot > 0 && options.sizeLot <= lotSize && Number.isFinite(options.sizeLot))
  ) {
    throw new ValidationError(
      "sizeLot",
      options.sizeLot,
      `a lot size in instrument units, positive and at most the lot ${lotSize}`,
    );
  }
  if ((options.spreadBaseline ?? false) && (options.spreadIntensity || options.timing)) {
    throw new ValidationError(
      "spreadBaseline",
      true,
      "one market-order timing: not with spreadIntensity or timing",
    );
  }
  if (
    options.sizeExponent !== undefined &&
    !(options.sizeExponent >= 0 && options.sizeExponent <= 1)
  ) {
    throw new ValidationError("sizeExponent", options.sizeExponent, "an exponent in [0, 1]");
  }
  if (
    options.fastSizeSigma !== undefined &&
    !(options.fastSizeSigma >= 0 && options.fastSizeSigma <= 5)
  ) {
    throw new ValidationError("fastSizeSigma", options.fastSizeSigma, "a log-sd in [0, 5]");
  }
  // the snipers' sizes as the stages simulate them (`shareMoments` makes them shares at the end)
  let sniperSizes = options.sniperSizes ?? options.informedSizes;

  const win = { lotSize, from: options.from, to: options.to };
  const records = tapes.map((t) => recordFromTape(t, win));
  const events = tapes.map((t) => tapeEvents(t, win));
  const seconds = records.reduce((s, r) => s + recordSeconds(r), 0);
  const orders = records.reduce((s, r) => s + r.moTime.length, 0);
  // the volatility needs ten 10-s returns: ask for them first, not after the other fits
  if (seconds < 100) {
    throw new InsufficientDataError(
      "calibration",
      "at least 100 s of book",
      `${seconds.toFixed(1)} s`,
    );
  }
  if (orders < 200) {
    throw new InsufficientDataError(
      "calibration",
      "at least 200 market orders",
      orders === 0 ? "no trades at all: was the trade stream recorded?" : `${orders}`,
    );
  }
  const quoteInterval = maxOf(records.map((r) => r.quoteInterval));
  // the simulations are observed as the tapes were: at their book resolution, on their clock
  const clock = maxOf(records.map((r) => r.timeResolution ?? 0));
  const observe = { quoteInterval, timeResolution: clock };
  const ev = mergeTapeEvents(events);
  log(`${first.instrument}: ${seconds.toFixed(0)} s of book, ${orders} market orders`);

  // ---- tick, lot, price, volatility
  est["tickSize"] = fitted(
    tick,
    0,
    "price units",
    "the tape's tick (greatest common divisor of its prices)",
  );
  est["lotSize"] = options.lotSize !== undefined
    ? unidentified(lotSize, "instrument units", "given by the user")
    : fitted(
      lotSize,
      0,
      "instrument units",
      "the tape's natural lot (LOBSTER: 100 shares; else the power of ten nearest the median trade)",
    );
  const vol = fitVolatility(records, tick);
  est["volatility"] = vol.volatility;
  const initialPrice = Math.round(vol.meanPrice / tick) * tick;
  est["initialPrice"] = fitted(
    sig(initialPrice, 10),
    NaN,
    "price units",
    "mean mid over the window",
    "the simulation's starting level, not a parameter of any model: no standard error",
  );

  // ---- market orders: sizes, arrivals
  log("fitting market-order sizes");
  // a market-order size fit into `est` (its earlier market-size entries replaced); `auto`:
  // log the law AIC chose; `given`: what the fit was conditioned on, added to each method
  const putMarketSizes = (
    fit: SizeFit,
    auto: boolean,
    given?: string,
    into: Record<string, Estimate> = est,
  ) => {
    marketSizeEstimates(fit, into, given);
    if (auto) {
      const ll = Object.entries(fit.logLikelihoods).map(([k, v]) => `${k} ${v?.toFixed(1)}`);
      log(`  size law: ${fit.law} by AIC (log-likelihood ${ll.join(", ")})`);
    }
    if (!fit.converged) {
      warnings.push("market-order sizes: the likelihood maximization did not converge");
    }
  };
  // the size laws (market and limit orders) of `recs` and `events` in their lot, `into` an
  // estimates record (with `sizeLot` the market is fitted in its lot with the default laws,
  // and the options' laws are fitted in the finer lot)
  const fitSizes = (
    recs: MarketRecord[],
    events: TapeEvents,
    laws: boolean,
    into: Record<string, Estimate> = est,
  ) => {
    const sizeLaw = laws ? options.sizeLaw ?? "lomax" : "lomax";
    const fit = fitMarketSizes(recs, sizeLaw);
    for (const k of Object.keys(into)) if (k.startsWith("flow.sizes.")) delete into[k];
    putMarketSizes(fit, sizeLaw === "auto", undefined, into);
    // the placement's estimates here, where they have always been in a preset's estimates
    const place = fitPlacement(events, DEFAULTS.placement, {
      maxDistance: options.placementRange,
      touchAtom: options.touchAtom,
    });
    into["flow.placement.alpha"] = place.alpha;
    into["flow.placement.maxDistance"] = place.maxDistance;
    if (place.touchAtom !== undefined) into["flow.placement.touchShare"] = place.touchAtom;
    into["flow.sizes.limitMean"] = place.limitMean;
    let limit: LimitSizeFit | undefined;
    if (laws && options.limitSizes === "lognormal-mix") {
      try {
        limit = fitLimitSizes(events, place.maxDistance.value);
      } catch (e) {
        if (!(e instanceof InsufficientDataError)) throw e;
        // e.g. a level-based tape: not identified, whatever its length
        warnings.push(
          `${e.fit}: not fitted (needs ${e.needs}, has ${e.has}); the Poisson law kept`,
        );
      }
    }
    if (limit !== undefined) {
      limitSizeEstimates(limit, into);
      log(
        `  limit sizes: log-likelihood ${
          limit.logLikelihood.toFixed(1)
        } (Poisson of the same mean ${limit.poissonLogLikelihood.toFixed(1)})`,
      );
      if (!limit.converged) {
        warnings.push("limit-order sizes: the likelihood maximization did not converge");
      }
    }
    return { sizes: fit, limitSizes: limit, placement: place };
  };
  const coarse = fitSizes(records, ev, options.sizeLot === undefined);
  let sizes = coarse.sizes, limitSizes = coarse.limitSizes;
  // with `sizeLot`, the sizes in the finer lot (their estimates apart until the end): the
  // market fitted in its own lot is simulated restated in the finer one with these sizes by
  // every stage that simulates it, so that what the moment matching matched is the preset's
  let fine: {
    lot: number;
    sizes: SizeFit;
    limitSizes?: LimitSizeFit;
    est: Record<string, Estimate>;
    records: MarketRecord[];
  } | null = null;
  if (options.sizeLot !== undefined) {
    const fineLot = options.sizeLot;
    log(`fitting the order sizes in lots of ${fineLot}`);
    const fineWin = { ...win, lotSize: fineLot };
    const fineEst: Record<string, Estimate> = {};
    const fineRecords = tapes.map((t) => recordFromTape(t, fineWin));
    const f = fitSizes(
      fineRecords,
      mergeTapeEvents(tapes.map((t) => tapeEvents(t, fineWin))),
      true,
      fineEst,
    );
    fine = {
      lot: fineLot,
      sizes: f.sizes,
      limitSizes: f.limitSizes,
      est: fineEst,
      records: fineRecords,
    };
  }
  const placement = coarse.placement;
  if (options.touchAtom && placement.touchAtom === undefined) {
    warnings.push(
      "flow.placement.touchShare: not identified (the tape shows the best level only): one power law from the touch kept",
    );
  }
  const cancel = fitCancellation(ev, sizes.marketMean.value, DEFAULTS.cancellation);
  est["flow.cancellation.queuePosition"] = cancel.queuePosition;
  est["flow.cancellation.depletion"] = cancel.depletion;

  // ---- regimes first (a hidden Markov model of 60-s bins); with `regimeBaseline` the market
  // orders' Hawkes kernel is fitted given the regimes' modulation of their baseline, so it
  // does not count the regimes' clustering a second time
  const rBins = regimeBins(records, REGIME_BIN_SECONDS);
  let regimeFit: RegimeFit | null = null;
  if (rBins.counts.length >= 100) {
    log("fitting the regimes");
    regimeFit = fitRegimes(rBins, 3);
  }
  const flowPath = !options.regimeBaseline || regimeFit === null || regimeFit.states === 1
    ? null
    : regimeFlowPath(rBins, regimeFit);

  log("fitting the arrival process (Hawkes, maximum likelihood)");
  const exactTimes = quoteInterval === 0 && ev.orderLevel;
  const hk = fitArrivals(records, events, exactTimes, options.hawkesMaxIterations, flowPath);
  const arrivals = arrivalsConfig(
    hk,
    placement.touchShare,
    placement.rate.value,
    exactTimes,
    est,
    warnings,
    placement.rate.se,
  );
  let directRate = est["flow.arrivals.marketRate"].value;
  const counts = spreadCounts(records);
  const timing = fitTiming(counts);
  if (timing !== null) timingEstimates(timing, marketBetas(arrivals), est);
  // touch flow: orders inside the spread and deletions at the touch, by spread (fit_touch.ts)
  // (deletions only: by spread, without the trade-age buckets)
  const deletionsOnly = options.touchDeletions === true;
  const touchFit: TouchFit | null = (options.touch || deletionsOnly) && exactTimes
    ? fitTouchFlow(touchCountsOf(tapes, { ...win, ...(deletionsOnly ? { ageEdges: [] } : {}) }), {
      fleeting: options.fleeting === true,
      excitation: options.touchExcitation === true,
    })
    : null;
  // not asked for: nothing written (the presets stay as they were)
  if ((options.touch || deletionsOnly) && touchFit === null) {
    est["flow.touch"] = unidentified(
      0,
      "per second",
      "not identified without order-level messages with exact times (a batched feed cannot " +
        "tell an order placed inside the spread from a re-post): off",
    );
  } else if (touchFit !== null) {
    touchFlowEstimates(touchFit, est, deletionsOnly ? "deletions" : undefined);
    if (deletionsOnly && options.matchDeletions === true) {
      est["flow.touch.deletionScale"] = derived(
        1,
        NaN,
        "factor",
        "the tape's deletions at the touch as counted (start of the moment matching)",
      );
    }
  }
  // takers who answer an improvement (fit_improvement_takers.ts): their extra market orders are
  // taken out of the arrivals by the moment matching's rate knob (orderRate)
  if (options.improvementTakers === true) {
    const tk = fitImprovementTakers(records);
    if (tk === null) {
      est["flow.takers.probability"] = unidentified(
        0,
        "probability",
        "not identified without an order-level clock (a batched or millisecond feed cannot " +
          "time an answer to an improvement): off",
      );
      warnings.push(
        "flow.takers: not identified on this tape (no order-level clock, or fewer than 30 " +
          "improvements or answers); the preset has no takers",
      );
    } else {
      const ms = tk.window * 1e3;
      const chance = sig(tk.chance);
      const how = `of ${tk.improvements} improvements, ${tk.answered} answered within ${ms} ms ` +
        `(${chance} expected by chance at the local order rate; fit_improvement_takers.ts)`;
      est["flow.takers.probability"] = fitted(
        tk.probability,
        tk.probabilitySe,
        "probability",
        `share of the improvements answered less the chance: ${how}; the answers follow the ` +
          `flow (followSigns): ${sig(tk.sameSign)} of them have the sign of the order before ` +
          `them, the other orders ${sig(tk.sameSignOthers)}`,
      );
      est["flow.takers.medianMs"] = fitted(
        tk.medianMs,
        tk.medianMs * tk.sigma / Math.sqrt(tk.answered),
        "ms",
        `median of the answered delays (exp of their mean log): ${how}`,
      );
      est["flow.takers.sigma"] = fitted(
        tk.sigma,
        tk.sigma / Math.sqrt(2 * tk.answered),
        "log ms",
        `sd of the answered delays' logarithms: ${how}`,
      );
    }
  }
  // the slow liquidity state (fit_liquidity_state.ts): the log spread's slow part over minutes
  if (options.liquidityState === true) {
    const lf = fitLiquidityState(records);
    if (lf === null || !(lf.sigma > 0)) {
      est["flow.liquidity.sigma"] = unidentified(
        0,
        "log units",
        lf === null
          ? "not identified on fewer than 20 minutes of quotes: off"
          : "no positive autocovariance of the log minute spread at lags of minutes: off",
      );
      warnings.push(
        "flow.liquidity: not identified on this tape (fewer than 20 minutes of quotes, or no " +
          "persistence of the spread over minutes); the preset has no liquidity state",
      );
    } else {
      const how = `least squares of the autocovariance of the log ${lf.bin}-s mean spread at ` +
        `lags of 2 to ${lf.autocovariance.length} bins (${lf.bins} bins; C(1) ${
          sig(lf.autocovariance[0])
        }, the variance ${sig(lf.variance)}) on σ²·e^(−h/τ); jackknife errors over 10 groups ` +
        `of bins (fit_liquidity_state.ts)`;
      est["flow.liquidity.sigma"] = fitted(lf.sigma, lf.sigmaSe, "log units", how);
      est["flow.liquidity.timeScale"] = fitted(lf.timeScale, lf.timeScaleSe, "s", how);
    }
  }
  // cancellation hazards: the part of the cancellations the excitation does not trigger (only
  // where the arrivals keep the excitation: a non-stationary fit has no mean intensity, and its
  // Poisson fallback triggers nothing)
  let cancelRate = cancel.rate;
  if (exactTimes && hk.fit.converged && hk.fit.branchingRatio < 0.999) {
    const lam = hawkesMeanIntensity(hk.fit.params.mu, hk.fit.params.alpha);
    const share = hk.fit.params.mu[2] / lam[2];
    cancelRate = derived(
      cancel.rate.value * share,
      cancel.rate.se * share,
      "per second",
      `${cancel.rate.method}, times the share of cancellations not triggered by the excitation (${
        share.toFixed(3)
      })`,
    );
  }
  est["flow.cancellation.rate"] = cancelRate;

  // ---- signs, impact, information
  log("fitting trade signs and impact");
  const sa = signAutocorrelation(records);
  const signs = fitSigns(sa, 0);
  signEstimates(signs, est);
  /** The sign model's config, its values passed through `round`. */
  const signsConfig = (round: (x: number) => number) => signModelConfig(signs.kind, est, round);
  // ---- the fastest market-order excitation, where the tape's clock hides it
  const clockFit = options.clockKernel === false
    ? null
    : fitClockStage(records, arrivals, est, signsConfig((x) => x), clock, hk.kinds.length, log);
  if (clockFit !== null) directRate = clockFit.mu;
  const info0 = informationStart(
    records,
    vol.varianceTicks.value,
    clock,
    options.pace ?? false,
    est,
  );
  const { impact, response: resp, impactShare, privateShare } = info0;
  // the horizon at which the volatility is matched: the longest with 100 returns or more
  const varianceHorizon = seconds >= 6_000 ? 60 : seconds >= 3_000 ? 30 : 10;
  // the opt-in knobs' moments, only when asked for
  const optional: OptionalMoment[] = [
    ...(options.activityPlacement || options.limitResponse ? ["spreadAtOrders" as const] : []),
    ...(options.regimeTimeScale ? ["clusteringDecay" as const] : []),
    ...(options.matchDeletions ? ["noiseRatio" as const] : []),
  ];
  const real0 = emergentMoments(
    records,
    Math.max(0.1, quoteInterval),
    varianceHorizon,
    optional,
  );
  // liquidity follows the price on both sides (reaction.follow): in a one-tick market whose
  // price moves by more than a tick per trade, one tick; in a wider market, `slack` ticks
  // beyond the placement's edge, matched to the mid's return autocorrelation (a book that
  // lags the price makes the mid trend)
  const oneTick = real0.m.meanSpread < 1.5;
  // one-tick market: nothing to time (the spread is always one tick); or not asked for
  let spreadBaselineOn = false;
  if (oneTick || !(options.timing || options.spreadIntensity || options.spreadBaseline)) {
    delete est["flow.timing.scale"];
    delete est["flow.timing.exponent"];
    delete est["flow.timing.retryRate"];
    delete est["flow.timing.burstMs"];
    if (options.spreadBaseline && oneTick) {
      warnings.push(
        `spread baseline: not fitted on a one-tick market (mean spread ${
          real0.m.meanSpread.toFixed(2)
        } ticks: nothing to time); off`,
      );
    }
  } else if (options.spreadBaseline) {
    delete est["flow.timing.retryRate"];
    delete est["flow.timing.burstMs"];
    const sb = spreadBaselineStage(records, arrivals, est, log);
    if (sb === null) {
      delete est["flow.timing.scale"];
      delete est["flow.timing.exponent"];
      warnings.push(
        "spread baseline: not fitted (no market-order self-excitation to keep apart from the " +
          "baseline, fewer than 100 market orders, or a joint fit that is not stationary); off",
      );
    } else {
      // the rate knob scales the baseline alone: the bursts' excitation does not depend on
      // the spread, and scaling it with the baseline sends the branching toward 1 (the rate
      // ran off: 0.70, 0.13, 81 orders/s on AMZN)
      directRate = 0;
      spreadBaselineOn = true;
      if (!sb.converged) {
        warnings.push("spread baseline: the joint maximum likelihood did not converge");
      }
    }
  } else if (options.spreadIntensity) {
    // nobody waits: no retry rate, no bursts exempted (the bursts are the intensity's too)
    delete est["flow.timing.retryRate"];
    delete est["flow.timing.burstMs"];
    est["flow.timing.sendShare"] = derived(
      sendShareOf(counts, est["flow.timing.scale"].value, est["flow.timing.exponent"].value),
      NaN,
      "share of arrivals",
      "the send probability a(s) averaged over the time the tape spent at each spread " +
        "(for the fundamental's variance budget)",
    );
  }
  const follows = !oneTick || resp.theta.value > 1;
  est["flow.reaction.follow"] = oneTick
    ? (follows
      ? derived(
        1,
        NaN,
        "ticks",
        `the spread stays at one tick (mean ${
          real0.m.meanSpread.toFixed(2)
        }) while a trade moves the mid by ${
          resp.theta.value.toFixed(1)
        } ticks: liquidity follows the price on both sides`,
      )
      : unidentified(NaN, "ticks", "not identified: off, the library default"))
    : derived(
      3,
      NaN,
      "ticks beyond the placement's edge + 1",
      "how far a side's best quote may lag the price before it is requoted (start of the moment matching)",
    );
  // the lumpy impact (asked for): in a one-tick market whose book follows the price, the lump
  // is the tape's median change of the mid over the book's grid
  if (options.impactLump ?? false) {
    if (oneTick && follows) {
      est["flow.fundamental.impactLump"] = fitImpactLump(records, Math.max(0.1, quoteInterval));
    } else {
      warnings.push(
        `impact lump: not fitted on a market whose spread is not one tick or whose book does not follow the price (mean spread ${
          real0.m.meanSpread.toFixed(2)
        } ticks); off`,
      );
    }
  }
  // the fast traders' share of the touch (`share` sizes): fitted on the tape's orders that
  // came with a move (fit_fast_share.ts)
  if (options.informedSizes === "share" || sniperSizes === "share") {
    const f = fitFastShare(fastShares(records, Math.max(0.1, quoteInterval)));
    est["flow.snipers.shareMedian"] = f.median;
    est["flow.snipers.sizeSigma"] = f.sigma;
    log(
      `  fast orders' share of the touch: median ${sig(f.median.value, 3)}, log-sd ${
        sig(f.sigma.value, 3)
      } (${f.orders} orders, ${f.censored} took the whole touch)`,
    );
  }
  // the size dependence of the trades' impact, g(v) = (v / mean)^δ (given, not fitted)
  if (options.sizeExponent !== undefined && options.sizeExponent > 0) {
    est["flow.fundamental.sizeExponent"] = unidentified(
      options.sizeExponent,
      "exponent",
      "given by the user (--size-exponent): the impact of a market order of v lots ∝ (v / mean size)^δ; every stage fitted given it",
    );
  }
  // the side a large move leaves behind comes back after a delay ∝ the move (refill.ts):
  // fitted on a one-tick market's gaps, then matched by indirect inference (momentKnobs)
  const refill0 = oneTick && follows
    ? fitRefill(refillObservations(records, Math.max(0.1, quoteInterval)))
    : null;
  est["flow.refill.msPerTick"] = refill0 !== null
    ? fitted(
      refill0.msPerTick,
      refill0.se,
      "ms per tick of lag",
      `maximum likelihood of the books >= 5 ticks wide at the snapshots ending ${refill0.intervals} intervals that start at one tick (${refill0.gaps} gaps), gap open with probability (τ/Δ)(1 − e^(−Δ/τ)), τ = k·|mid move| (fit_refill.ts)`,
    )
    : unidentified(
      0,
      "ms per tick of lag",
      oneTick && follows
        ? "not identified: no gap of 5 ticks or more after a one-tick book on the tape; off"
        : "not identified: a wide-spread market (its wide books are the placement's) or one whose book does not follow the price; off",
    );
  // news jump rate from the 1-s kurtosis (compound Poisson with Gaussian jumps)
  const real = real0;
  const w = Math.max(0.05, 1 - impactShare - privateShare);
  const excess = Math.max(0.1, real.m.kurtosis1s - 3);
  const newsRate = Math.min(1e4, Math.max(0.01, (3 * w * w) / excess));
  est["flow.fundamental.newsRate"] = derived(
    newsRate,
    NaN,
    "per second",
    "from the 1-s kurtosis: excess kurtosis = 3·w²/(rate·1 s), w the public news share of the variance",
  );
  const latency = fitLatency(tapes, 2);
  est["latency.marketData"] = latency.medianMs;
  est["latency.marketData.sigma"] = latency.sigma;
  for (const k of ["latency.order", "latency.cancel"]) {
    est[k] = unidentified(
      5,
      "ms",
      "not identified by market data (our own order entry): library default kept",
    );
  }
  est["flow.reaction.latency"] = unidentified(
    50,
    "ms (mean, exponential)",
    "not identified by the data directly: library default kept",
  );
  est["flow.reaction.reprice"] = unidentified(
    DEFAULTS.reaction.reprice,
    "probability",
    "not identified: library default kept",
  );
  // ---- regimes: a hidden Markov model of 60-s bins (activity and realized variance)
  regimeEstimates(regimeFit, rBins.counts.length, est);
  const oneRegime = {
    names: ["calibrated"],
    volMultipliers: [1],
    flowMultipliers: [1],
    rates: [[0]],
    initial: 0,
  };
  const regimeCapped = new Set<string>();
  /** The fitted regimes at strength `strength` (fit_regimes.ts), rounded for the preset. */
  const regimesAt = (
    fit: RegimeFit,
    strength: number,
    share = impactShare,
    impactScaled = false,
  ): Record<string, unknown> =>
    regimePresetConfig(fit, share, strength, impactScaled, (what, v, max) => {
      if (regimeCapped.has(what)) return;
      regimeCapped.add(what);
      warnings.push(
        `regimes: a fitted ${what} of ${sig(v)} is beyond the model's ${max}; set to ${max}`,
      );
    });
  let regimes: Record<string, unknown> = regimeFit === null || regimeFit.states === 1
    ? oneRegime
    : regimesAt(regimeFit, 1);
  est["fees"] = unidentified(
    0,
    "rate",
    "not in the data: no fees (set them for the venue you trade on)",
  );

  // ---- the preset
  const duration = options.duration ?? 300;
  const marketData = latency.medianMs.status === "fit"
    ? { kind: "lognormal", medianMs: sig(latency.medianMs.value), sigma: sig(latency.sigma.value) }
    : { kind: "constant", ms: 2 };
  // the refill model enters the market after the information fit (stage 4, below)
  let refillOn = false;
  const touch = () =>
    touchFit === null
      ? undefined
      : deletionsOnly
      ? touchDeletionsConfig(touchFit, est["flow.touch.deletionScale"]?.value ?? 1)
      : touchFlowConfig(touchFit);
  const coarseConfig = (): Record<string, unknown> =>
    presetConfig({
      est,
      duration,
      initialPrice,
      tickSize: tick,
      lotSize,
      // with regimeBaseline, inverted as the fundamental applies them at the current impact share
      regimes: scaleRegimeRates(
        options.regimeBaseline && regimeFit !== null && regimeFit.states > 1
          ? regimesAt(regimeFit, 1, est["flow.fundamental.impactShare"].value, true)
          : regimes,
        est["regimes.timeScale"]?.value ?? 1,
      ),
      marketData,
      arrivals,
      directRate,
      marketOrderRate: orders / seconds,
      signs: signsConfig(sig),
      sizes,
      limitSizes,
      depthInOrders: real.m.depthInOrders,
      oneTick,
      follows,
      refill: refillOn,
      informedSizes: options.informedSizes,
      sniperSizes,
      fastSizeSigma: options.fastSizeSigma,
      spreadIntensity: options.spreadIntensity ?? false,
      spreadBaseline: spreadBaselineOn,
      touch: touch(),
    });
  // the market as simulated and shipped: with `sizeLot`, restated in the finer lot (every
  // quantity in lots × lotSize / sizeLot, `finer_lot.ts`; the cancellation hazards' size kept)
  // with the sizes fitted there
  const config = (): Record<string, unknown> => {
    const c = coarseConfig();
    if (fine === null) return c;
    const out = atLot(c, fine.lot);
    const flow = out.flow as Record<string, unknown>;
    flow.sizes = sizesConfig(fine.sizes, fine.limitSizes, fine.est);
    flow.initialDepth = initialDepthLots(real.m.depthInOrders, fine.sizes.meanExecuted);
    return out;
  };
  // placement edge: half the spread beyond one tick (then matched); in a wide-spread market
  // each order asks for its own edge, uniform around it, the width matched to the spread's
  // dispersion
  const edge0 = Math.max(0, (real.m.meanSpread - 2) / 2);
  if (!oneTick) {
    est["flow.placement.edgeSpread"] = derived(
      1,
      NaN,
      "share of minEdge (half-width of the uniform edges)",
      "edges uniform on [0, 2·minEdge] (start of the moment matching)",
    );
  }
  // the regimes' time scale at which the fastest fitted regime lasts one second (the
  // clustering's returns are 1-s returns: a shorter regime is no regime they can tell)
  const maxTimeScale = regimeFit === null || regimeFit.states === 1
    ? 1
    : 1 / Math.max(...regimeFit.hmm.rates.map((row) => row.reduce((a, v) => a + v, 0)));
  if (options.regimeTimeScale ?? false) {
    if (regimeFit === null || regimeFit.states === 1) {
      warnings.push("regime time scale: not fitted without regimes (a single regime fitted); off");
    } else {
      est["regimes.timeScale"] = derived(
        1,
        NaN,
        "factor",
        "the transition rates as the hidden Markov model fitted them on 60-s bins (start of the moment matching)",
      );
    }
  }
  if (options.activityPlacement ?? false) {
    if (oneTick) {
      warnings.push(
        `activity placement: not fitted on a one-tick market (mean spread ${
          real.m.meanSpread.toFixed(2)
        } ticks: the spread at market orders cannot fall below it); off`,
      );
    } else {
      est["flow.placement.activityExponent"] = derived(
        0,
        NaN,
        "exponent",
        "edges independent of the activity (start of the moment matching)",
      );
    }
  }
  if (options.limitResponse ?? false) {
    if (oneTick || !(limitResponseOf(arrivals) > 0)) {
      warnings.push(
        `limit response: not fitted (${
          oneTick
            ? `a one-tick market, mean spread ${real.m.meanSpread.toFixed(2)} ticks`
            : "no excitation of limit orders by market orders in the fitted arrivals"
        }); off`,
      );
    } else {
      est["flow.arrivals.limitResponse"] = derived(
        1,
        NaN,
        "factor",
        "the Hawkes fit's excitation of limit orders by market orders (start of the moment matching)",
      );
    }
  }
  est["flow.placement.minEdge"] = derived(
    edge0,
    NaN,
    "ticks",
    "half of the mean spread beyond two ticks (start of the moment matching)",
  );

  const validate = (c: Record<string, unknown>) => {
    try {
      return parseEnvConfig(c as EnvConfigInput);
    } catch (err) {
      if (err instanceof ValidationError) {
        throw new ValidationError(`calibrated preset: ${err.field}`, err.value, err.expected);
      }
      throw err;
    }
  };
  // a direct fit beyond a model's range (a depletion hazard above the cancellation model's
  // bound): the model's nearest value, with a warning, rather than no preset at all
  clampToModelRange(config, est, warnings);
  validate(config());

  // ---- moment matching
  const matching: Record<string, unknown>[] = [];
  // every simulation-based stage simulates S = simulationRatio times the data's length per
  // evaluation (common random numbers: one seed), so its moments' simulation noise is 1/S of
  // the data's sampling variance (Gouriéroux & Monfort's 1 + 1/S); at least an hour, at most
  // S trading days
  const ratio = options.simulationRatio ?? SIMULATION_RATIO;
  const refineSeconds = options.refineSeconds ??
    Math.max(3_600, Math.min(ratio * 23_400, ratio * seconds));
  /** The moment matching's knobs at the current estimates (also those of their errors). */
  const knobsNow = () =>
    momentKnobs(
      est,
      real.m,
      follows,
      // the baseline alone scaled: the plain ratio of the rates
      spreadBaselineOn ? 0 : marketBranching(arrivals),
      est["flow.timing.sendShare"] !== undefined,
      maxTimeScale,
    );
  /**
   * One moment matching of the current config, `iterations` at most, warnings into `sink`;
   * `informed`: after an information fit, whose moments include the 1-s kurtosis, so the
   * news rate's knob is left out (one moment, one stage: two stages matching the same moment
   * with different parameters chase each other instead of converging) — except, with
   * `rematchNews`, after the last one, which no information fit follows
   */
  const matchMoments = (iterations: number | undefined, sink: string[], informed = false) =>
    refineMoments(
      config,
      knobsNow().filter((k) => !informed || k.moment !== "kurtosis1s"),
      real,
      observe,
      varianceHorizon,
      { ...options, refineIterations: iterations, refineSeconds },
      matching,
      sink,
      log,
    );
  // ---- regimes against the flow's own clustering: a parametric bootstrap of the HMM's
  // likelihood-ratio statistic on tapes simulated without regimes (fit_regimes.ts)
  // (the null: the market calibrated with one regime); returns true when they are dropped
  let regimeTest: RegimeTest | null = null;
  let regimeStrength: RegimeStrengthFit | null = null;
  const checkRegimes = (): boolean => {
    if (regimeFit === null || regimeFit.states === 1) return false;
    log("testing the regimes against the same market without them (parametric bootstrap)");
    const longest = maxOf(records.flatMap((r) => r.segments.map(([a, b]) => b - a)));
    const dur = Math.max(1, Math.floor(longest / REGIME_BIN_SECONDS)) * REGIME_BIN_SECONDS;
    // the current config: the market calibrated with one regime
    const simulatedBins = (strength: number, r: number) =>
      regimeBins(
        simulateRecords(
          {
            ...config(),
            regimes: strength > 0 ? regimesAt(fit, strength) : oneRegime,
            duration: dur,
          },
          {
            seconds: Math.max(dur, seconds),
            seed: childSeed(options.seed ?? 0, 7_000 + r),
            ...observe,
          },
        ),
        REGIME_BIN_SECONDS,
      );
    const fit = regimeFit;
    regimeTest = testRegimes(fit, (r) => simulatedBins(0, r), options.regimeReplicates ?? 0);
    if (regimeTest.states > 1) {
      // how strong: indirect inference of the regimes' strength on the same market
      log("fitting the regimes' strength (indirect inference)");
      const lr = (ll: number[]) => 2 * (ll[fit.states - 1] - ll[0]);
      const sf = fitRegimeStrength(
        regimeTest.statistic,
        (c) =>
          Array.from(
            { length: 4 },
            (_, r) => lr(fitRegimes(simulatedBins(c, r), fit.states).logLikelihood),
          ),
        [0.25, 0.5, 0.75, 1],
        regimeTest.replicates.map((v) => ({ strength: 0, statistic: v })),
      );
      regimeStrength = sf;
      est["regimes.strength"] = fitted(
        sf.strength,
        sf.se,
        "share of the fitted regimes' spread",
        "indirect inference: the hidden Markov model's likelihood-ratio statistic on tapes simulated from the market calibrated with one regime, plus the fitted regimes shrunk to strength c, equal to the tape's (the bootstrap test's tapes at c = 0, 4 tapes at c = 0.25, 0.5, 0.75, 1, a quadratic in c by least squares; fit_regimes.ts)",
      );
    }
    if (regimeTest.states === 1) {
      for (const k of Object.keys(est)) if (k.startsWith("regimes.")) delete est[k];
      est["regimes"] = unidentified(
        1,
        "regimes",
        `a single regime: the tape's evidence for ${regimeFit.states} (likelihood ratio ${
          regimeTest.statistic.toFixed(1)
        }) is no more than the same market without regimes shows (bootstrap p = ${
          regimeTest.pValue.toFixed(2)
        }, ${regimeTest.replicates.length} simulated tapes): the flow's own clustering, not regimes`,
      );
    }
    return regimeTest.states === 1;
  };

  // ---- the background's sizes given the fast traders' orders (option `sizesGivenFast`):
  // the market as calibrated so far is simulated, and the size law fitted again with the
  // snipers' and informed traders' orders as a fixed mixture component (fast_sizes.ts)
  let fastOrders: SimulatedFastOrders | null = null;
  let fastTried = false;
  const refitSizesGivenFast = () => {
    fastTried = true;
    log("fitting the background's order sizes given the fast traders' orders (simulated)");
    const f = simulateFastOrders(config(), {
      ...observe,
      seconds: refineSeconds,
      seed: childSeed(options.seed ?? 0, 8_000),
    });
    if (f.sizes.length === 0 || f.share > 0.95) {
      warnings.push(
        `market-order sizes given the fast traders: ${
          f.sizes.length === 0
            ? "the simulation has no fast traders' orders"
            : `their share of the orders, ${sig(f.share, 3)}, leaves the background none to fit`
        }; the sizes fitted to every order kept`,
      );
      return;
    }
    // with `sizeLot` the simulation is in the finer lot, and so are the sizes refitted
    const refit = fitMarketSizes(fine?.records ?? records, options.sizeLaw ?? "lomax", f);
    fastOrders = f;
    const given =
      `given the snipers' and informed traders' orders: a mixture (1 - pi) law + pi g, their share pi = ${
        sig(f.share, 3)
      } and size distribution g from ${f.sizes.length} of ${f.orders} orders in a simulation of the market calibrated so far (fast_sizes.ts)`;
    if (fine === null) {
      sizes = refit;
      putMarketSizes(sizes, false, given);
    } else {
      fine.sizes = refit;
      putMarketSizes(refit, false, given, fine.est);
    }
    log(
      `  fast traders: ${sig(100 * f.share, 3)} % of the simulated orders; background mean ${
        sig(refit.marketMean.value, 4)
      } lots`,
    );
  };

  // ---- stages 2 and 3: moment matching, then the information (simulated moments)
  let information: Record<string, unknown> | null = null;
  let forecast: Record<string, unknown> | null = null;
  const fitsForecast = options.forecast ?? options.information ?? options.refine ?? true;
  if (fitsForecast) {
    est[FORECAST_PARAMETER] = unidentified(1, "share of the sign forecast", "start of the fit");
  }
  const matchAndInform = (sink: string[]) => {
    if (options.refine ?? true) {
      log("matching the emergent moments by simulation");
      matchMoments(options.refineIterations, sink);
    }
    information = null;
    if (options.information ?? options.refine ?? true) {
      // the moment matching moves the market the information was fitted on: fit it again from
      // there (a smaller first step), then match again; only the last round's warnings count
      const rounds = options.informationRounds ?? 2;
      for (let round = 1; round <= rounds; round++) {
        log(
          `fitting the information by simulated moments (markout and price response), round ${round} of ${rounds}`,
        );
        information = fitInformation(records, est, config, {
          ...observe,
          seconds: refineSeconds,
          seed: options.seed ?? 0,
          maxSimulations: options.informationSimulations,
          paired: options.pairedMoves,
          step: round === 1 ? undefined : Math.log(1.5),
          ...(options.regimeBaseline ? { clusteringLags: CLUSTERING_MOMENTS } : {}),
          log,
        });
        information.round = round;
        if (fitsForecast) {
          log(`fitting the forecast weight (growth of the price response), round ${round}`);
          forecast = fitForecast(records, est, config, {
            ...observe,
            seconds: refineSeconds,
            seed: options.seed ?? 0,
            log,
          });
        }
        if (round === 1 && (options.sizesGivenFast ?? false)) refitSizesGivenFast();
        if (options.refine ?? true) {
          log("matching the emergent moments again (with the fitted information)");
          matchMoments(
            Math.min(4, options.refineIterations ?? 4),
            round === rounds ? sink : [],
            !(round === rounds && (options.rematchNews ?? false)),
          );
        }
      }
    }
  };
  // the regimes are a hypothesis tested against the market calibrated without them (the null
  // of the parametric bootstrap): calibrate that market first; if the tape's evidence for
  // regimes is beyond what it produces, calibrate again from the direct fits with them
  const withRegimes = regimes;
  const testable = regimeFit !== null && regimeFit.states > 1 &&
    (options.regimeReplicates ?? 0) > 0;
  if (testable) {
    const direct = new Map(Object.entries(est).map(([k, e]) => [k, { ...e }]));
    regimes = oneRegime;
    const nullWarnings: string[] = [];
    matchAndInform(nullWarnings);
    if (checkRegimes()) {
      warnings.push(...nullWarnings);
    } else {
      log("the regimes are kept: calibrating again with them");
      const strength = (regimeStrength as RegimeStrengthFit | null)?.strength ?? 1;
      regimes = strength < 1 ? regimesAt(regimeFit!, strength) : withRegimes;
      const kept = est["regimes.strength"];
      for (const [k, e] of direct) est[k] = { ...e };
      if (kept !== undefined) est["regimes.strength"] = kept;
      matching.push({ regimes: "kept by the bootstrap test; matching again with them" });
      matchAndInform(warnings);
    }
  } else matchAndInform(warnings);
  // ---- a diagnosis no fitted parameter acts on: prices that move with the tape's trading
  // (price_formation.ts)
  const fast = fastOrders as SimulatedFastOrders | null;
  if ((options.sizesGivenFast ?? false) && !fastTried) {
    warnings.push(
      "market-order sizes given the fast traders: not fitted without the information stage (refine or information off); the sizes fitted to every order kept",
    );
  }
  const informationFit = information as InformationFitSummary | null;
  const formation = informationFit === null ? null : flowDrivenWarning(informationFit);
  if (formation !== null) warnings.push(formation);
  // the regimes' time scale matched up to its bound: the data ask for faster switching than
  // the 1-s returns it is matched on can tell apart from the flow's own clustering
  const timeScale = est["regimes.timeScale"];
  if (timeScale?.status === "moment-matched" && timeScale.value >= maxTimeScale * (1 - 1e-6)) {
    timeScale.method += `; at its bound ${sig(maxTimeScale)} (the fastest regime lasts one second)`;
    warnings.push(
      `regime time scale: matched to its bound ${
        sig(maxTimeScale)
      } (the fastest regime then lasts one second): the clustering's decay asks for regimes faster than the 1-s returns it is measured on can tell; an upper end, not an estimate`,
    );
  }
  // ---- stage 3b (asked for): the liquidity state's σ by indirect inference, the rest of the
  // market fixed: the same fit on a simulation twice the tape's length (episodes as long as
  // its longest segment; common random numbers) gives the tape's σ̂. The binding function is
  // taken as σ̂_sim² = b² + g²σ² (b: the spread's own slow variation without the state, g: the
  // share of the edge's factor the spread passes on), from simulations at σ = 0 and at the
  // direct fit (docs/calibration.md, "Stop 59"). The other knobs stay as they were matched at
  // the direct fit: matching them again at the chosen σ (four iterations) ran off on AMZN (the
  // 1-s kurtosis to 99, the mean spread to 15.1 ticks) and passed fewer facts
  const liqEst = est["flow.liquidity.sigma"];
  if (liqEst !== undefined && liqEst.value > 0 && (options.refine ?? true)) {
    log("fitting the liquidity state's σ (indirect inference)");
    const longest = maxOf(records.flatMap((r) => r.segments.map(([a, b]) => b - a)));
    const target = liqEst.value;
    const simSigma = (sigma: number): number => {
      liqEst.value = sigma;
      const recs = simulateRecords({ ...config(), duration: Math.max(600, longest) }, {
        seconds: 2 * seconds,
        seed: options.seed ?? 0,
        ...observe,
      });
      return fitLiquidityState(recs)?.sigma ?? 0;
    };
    const b = simSigma(0);
    const s1 = simSigma(target);
    const g = Math.sqrt(Math.max(0, s1 * s1 - b * b)) / target;
    let next = target;
    if (g > 0.05) next = Math.min(3, Math.sqrt(Math.max(0, target * target - b * b)) / g);
    else {
      warnings.push(
        `flow.liquidity.sigma: the simulation at the direct fit (σ̂ ${sig(s1)}) shows no more ` +
          `slow variation of the spread than without the state (${sig(b)}): the gain is not ` +
          `identified on this seed, σ kept at the direct fit ${sig(target)}`,
      );
    }
    // at the direct fit the simulation is the one already run (same config, same seed)
    const check = next === target ? s1 : simSigma(next);
    liqEst.value = next;
    liqEst.status = "moment-matched";
    liqEst.method += `; then by indirect inference: the same fit on simulations twice the ` +
      `tape's length gives ${sig(b)} without the state and ${sig(s1)} at the direct fit ` +
      `(a gain of ${sig(g)}), so σ = √(σ̂² − ${sig(b)}²)/${sig(g)}; at it the simulation's fit ` +
      `is ${sig(check)} (the tape's ${sig(target)}); the other knobs as matched at the direct fit`;
    matching.push({
      liquiditySigma: {
        real: sig(target),
        withoutState: sig(b),
        atDirect: sig(s1),
        chosen: sig(next),
        atChosen: sig(check),
      },
    });
  }
  // ---- stage 4: the refill (refill.ts) by indirect inference, the rest of the market fixed:
  // k such that the same fit on the simulated snapshots gives the tape's k̂ (its binding
  // function is close to proportional). After the information fit, not before: with the
  // refill in from the start the information fit's compass search ends in a worse optimum
  // (BTCUSDT: objective 90 against 70; see docs/calibration.md)
  const refillEst = est["flow.refill.msPerTick"];
  if (refill0 !== null && (options.refine ?? true)) {
    log("fitting the refill after large moves (indirect inference)");
    refillOn = true;
    refineMoments(
      config,
      [{
        estimate: refillEst,
        moment: "refillMsPerTick",
        what:
          "refill fit's k on 100-ms snapshots (indirect inference: the gaps >= 5 ticks after a move, fit_refill.ts)",
        update: (v, sim, re) =>
          Math.min(100, Math.max(1e-5, v * Math.min(4, Math.max(0.25, re / sim)))),
      }],
      real,
      observe,
      varianceHorizon,
      { ...options, refineSeconds },
      matching,
      warnings,
      log,
    );
  }
  refillOn = true; // (without the matching: the direct fit)
  // ---- stage 5 (asked for): the lump searched in simulation, everything else held, so that
  // the market's price stays put over the tape's share of grid intervals (fit_lump.ts)
  const lumpEst = est["flow.fundamental.impactLump"];
  // with the lump searched, the information fit's objective on fresh seeds (which `starts`
  // compares) is measured on the market as the stages before left it: the search changes a
  // value the information fit held
  let informationConfig: Record<string, unknown> | null = null;
  if ((options.lumpMatch ?? false) && lumpEst !== undefined && (options.refine ?? true)) {
    informationConfig = config();
    log("searching the lump: the share of grid intervals without a move (simulation)");
    const grid = Math.max(0.1, quoteInterval);
    const realStill = stillShare(records, grid);
    const points = matchImpactLump(lumpEst, realStill, (h) => {
      lumpEst.value = h;
      const recs = simulateRecords(config(), {
        seconds: refineSeconds,
        seed: options.seed ?? 0,
        ...observe,
      });
      return stillShare(recs, grid).value;
    });
    matching.push({
      lump: points.map((p) => ({ lump: sig(p.lump), still: sig(p.still) })),
      chosen: sig(lumpEst.value),
    });
    const kept = points.find((p) => p.lump === lumpEst.value)!;
    if (Math.abs(kept.still - realStill.value) > 1.96 * realStill.se) {
      warnings.push(
        `impact lump: no lump tried brings the share of grid intervals without a move within the tape's 95 % interval (${
          (realStill.value * 100).toFixed(1)
        } ± ${(1.96 * realStill.se * 100).toFixed(1)} %; the nearest ${
          (kept.still * 100).toFixed(1)
        } % at ${
          sig(lumpEst.value)
        } ticks): the price moves more often than the tape's for other reasons`,
      );
    }
  } else if ((options.lumpMatch ?? false) && lumpEst === undefined) {
    warnings.push(
      "lump match: no lump was fitted (see the impact lump's warning); nothing matched",
    );
  } else if (options.lumpMatch ?? false) {
    warnings.push(
      "lump match: not done without the simulation stages (refine off); the tape's median move kept",
    );
  }
  // ---- stage 6 (asked for): the snipers' sizes as shares of the stale lots, fitted on a grid
  // by simulated moments with the order sizes among them, the rest as calibrated
  // (fit_share_sizes.ts)
  if ((options.shareMoments ?? false) && (options.refine ?? true)) {
    log("fitting the snipers' shares of the stale lots (simulated moments on a grid)");
    const before = config();
    const f = fitShareSizes(fine?.records ?? records, (m, sd) => {
      sniperSizes = "share";
      est["flow.snipers.shareMedian"] = fitted(m, NaN, "share of the stale lots", "grid point");
      est["flow.snipers.sizeSigma"] = fitted(sd, NaN, "log-sd", "grid point");
      return config() as EnvConfigInput;
    }, {
      ...observe,
      seconds: refineSeconds,
      seed: options.seed ?? 0,
      clusteringLags: options.regimeBaseline ? CLUSTERING_MOMENTS : [],
      before: before as EnvConfigInput,
      log,
    });
    sniperSizes = "share";
    est["flow.snipers.shareMedian"] = f.median;
    est["flow.snipers.sizeSigma"] = f.sigma;
    matching.push({
      snipersShare: {
        median: f.median.value,
        sigma: f.sigma.value,
        objective: sig(f.objective, 4),
        objectiveBefore: sig(f.objectiveBefore, 4),
        atEdge: f.atEdge,
        moments: f.moments,
        real: f.real.map((v) => sig(v)),
        realSe: f.realSe.map((v) => sig(v, 3)),
        simulated: f.simulated.map((v) => sig(v)),
        points: f.points.map(([m, sd, q]) => [m, sd, sig(q, 4)]),
      },
    });
    if (f.atEdge) {
      warnings.push(
        `snipers' shares: the fit is on its grid's edge (median ${f.median.value}, log-sd ${f.sigma.value}): a bound, not an interior optimum`,
      );
    }
  } else if (options.shareMoments ?? false) {
    warnings.push(
      "snipers' shares: not fitted without the simulation stages (refine off); their sizes as calibrated",
    );
  }
  if (refill0 !== null && refillEst.status === "moment-matched") {
    // indirect inference's standard error: the tape fit's, through the binding function's
    // slope b = dk̂_sim/dk (central difference ±25 %, common random numbers), inflated by
    // the simulation's own noise (1 + 1/S, S the simulated / real length)
    const k = refillEst.value;
    const at = (v: number) => {
      refillEst.value = v;
      const recs = simulateRecords(config(), {
        seconds: refineSeconds,
        seed: options.seed ?? 0,
        ...observe,
      });
      return fitRefill(refillObservations(recs, Math.max(0.1, quoteInterval)))?.msPerTick ?? 0;
    };
    const slope = (at(k * 1.25) - at(k / 1.25)) / (k * 1.25 - k / 1.25);
    refillEst.value = k;
    refillEst.se = slope > 0 ? refill0.se * Math.sqrt(1 + seconds / refineSeconds) / slope : NaN;
    refillEst.method += `; standard error by indirect inference: the tape fit's ${
      sig(refill0.se)
    } over the binding function's slope ${sig(slope)} (central difference ±25 %), × √(1 + 1/S)`;
  }
  // ---- the matched knobs' standard errors: the method of simulated moments at the matched
  // values, every knob of the matching at once, the other parameters held (moment_matching.ts)
  if (options.refine ?? true) {
    log("standard errors of the moment matching's knobs (method of simulated moments)");
    // a one-tick market whose stale quotes are all re-posted (reprice at its bound 1) matched
    // its spread with the reaction's latency: that is the knob whose error counts
    const latency = est["flow.reaction.latency"];
    const knobs = knobsNow().filter((k) => k.estimate.status === "moment-matched").map((k) => {
      if (
        k.moment !== "wideShare" || k.estimate.value < 0.999 ||
        latency?.status !== "moment-matched"
      ) return k;
      k.estimate.method +=
        "; at its bound 1 (every stale quote re-posted): no standard error of its own, the latency carries it";
      return { ...k, estimate: latency };
    });
    matchedStandardErrors(
      config,
      knobs,
      real,
      observe,
      varianceHorizon,
      {
        seconds: refineSeconds,
        realSeconds: seconds,
        seed: options.seed ?? 0,
        replicates: options.errorReplicates ?? ERROR_REPLICATES,
      },
    );
  }
  const finalConfig = config();
  validate(finalConfig);
  // ---- the information fit's objective on simulation seeds it never saw (its own seed's
  // noise, which the compass search fitted too, shows as the difference)
  if (information !== null) {
    // with the snipers' shares fitted last, by the information moments and the order sizes
    // (stage 6), the market as written is measured by that stage's moments: what `starts`
    // then compares is the criterion of the last stage, on the market it leaves
    const withSizes = (options.shareMoments ?? false) && (options.refine ?? true);
    log(
      `measuring the information fit's objective${
        withSizes ? " with the order sizes" : ""
      } on fresh simulation seeds`,
    );
    const fresh = freshInformationObjective(
      withSizes ? fine?.records ?? records : records,
      (withSizes ? finalConfig : informationConfig ?? finalConfig) as EnvConfigInput,
      {
        ...observe,
        seconds: refineSeconds,
        seed: options.freshSeed ?? options.seed ?? 0,
        clusteringLags: options.regimeBaseline ? CLUSTERING_MOMENTS : [],
        sizeMoments: withSizes,
      },
    );
    const info = information as Record<string, unknown>;
    info.freshObjective = {
      mean: sig(fresh.objective, 4),
      replicates: fresh.replicates.map((q) => sig(q, 4)),
      ...(withSizes
        ? {
          basis: "the information moments and the order sizes' (the snipers' share fit's, " +
            "fit_share_sizes.ts) on the market as written, after the share fit",
        }
        : {}),
    };
    log(`  ${sig(fresh.objective, 4)} (on the fit's own seed: ${info.objective})`);
  }
  if (fine !== null) {
    // the estimates of the sizes in the finer lot replace the natural lot's
    for (const k of Object.keys(est)) if (k.startsWith("flow.sizes.")) delete est[k];
    for (const [k, e] of Object.entries(fine.est)) if (k.startsWith("flow.sizes.")) est[k] = e;
    sizes = fine.sizes;
    limitSizes = fine.limitSizes;
    est["lotSize"] = unidentified(
      fine.lot,
      "instrument units",
      `given by the user (--size-lot): the order sizes fitted in it; the rest of the market in lots of ${lotSize}, restated, and simulated in it by every stage that simulates the market`,
    );
  }
  // every value the tape does not tell from zero, said (estimate.ts), and every matched value
  // whose error the simulation's noise would decide (moment_matching.ts)
  warnings.push(...indistinctFromZero(est));
  for (const [name, e] of Object.entries(est)) {
    if (!errorNotStable(e)) continue;
    warnings.push(
      `${name}: no stable standard error (${
        sig(e.value, 3)
      } ${e.unit}, moment-matched) — the matched moments barely move with it apart from the other knobs; its method has the two halves' errors`,
    );
  }
  const name = options.name ??
    first.instrument.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  const description = options.description ??
    `${first.instrument} (${first.format}), calibrated to ${
        seconds.toFixed(0)
      } s of recorded book ` +
      `from ${tapeTimeIso(tapes[0], records[0].segments[0][0])}; tick ${tick}, lot ${
        options.sizeLot === undefined
          ? lotSize
          : `${options.sizeLot} (its sizes fitted in it, the rest in lots of ${lotSize})`
      }.`;
  const provenance = calibrationProvenance({
    method:
      `deno task calibrate (ALPE calibration v${CALIBRATION_VERSION}); see docs/calibration.md`,
    sources: options.sources,
    tapes,
    records,
    est,
    hawkes: arrivalFitQuality(hk, clockFit),
    signs,
    signData: sa,
    impact,
    response: resp,
    sizes,
    fast,
    regimes: regimeFit === null ? null : {
      fit: regimeFit,
      test: regimeTest as RegimeTest | null,
      strength: regimeStrength as RegimeStrengthFit | null,
    },
    matching,
    information,
    forecast,
    warnings,
  });
  const preset = { name, description, config: finalConfig as EnvConfigInput, provenance };
  presetSchema.parse(preset);
  return { preset, estimates: est, warnings };
}
