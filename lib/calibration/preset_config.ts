/**
 * The calibration's last step: a preset's market config assembled from the fitted estimates.
 *
 * Every simulation-based stage of the calibration (moment matching, the information fit, the
 * refill's indirect inference) changes estimates and simulates the config they make, so the
 * config is rebuilt from the estimates at each evaluation: {@linkcode presetConfig} is that
 * one definition. It reads each model's parameters from the estimates under their config
 * path (`flow.fundamental.impactShare` → `flow.fundamental.impactShare`) and rounds them to
 * four significant digits, as a preset stores them; what is not an estimate (the arrival
 * process's kernels, the sign model's choice, the regimes, the touch flow's tables) comes in
 * already built.
 *
 * Assumes: the estimates hold every key the chosen models read (the calibration writes them
 * before the first evaluation). Ignores: validation (the caller parses the result with the
 * env config's schema). Units: those of each model's config.
 *
 * @module
 */
import { type Estimate, sig } from "./estimate.ts";
import { FORECAST_PARAMETER } from "./fit_forecast.ts";
import type { LimitSizeFit, SizeFit } from "./fit_flow.ts";
import { scaleLimitResponse, scaleMarketArrivals } from "./fit_arrivals.ts";

/** What a preset's config is built from besides the estimates. */
export interface PresetParts {
  /** The estimates (the provenance's), by config path. */
  est: Readonly<Record<string, Estimate>>;
  /** Episode duration, s. */
  duration: number;
  /** Initial price, price units (a multiple of the tick). */
  initialPrice: number;
  /** Tick, price units. */
  tickSize: number;
  /** Lot, instrument units. */
  lotSize: number;
  /** The regimes' config (`regimes`). */
  regimes: Record<string, unknown>;
  /** The market-data latency's config (`latency.marketData`). */
  marketData: Record<string, unknown>;
  /** The arrival process as fitted (`flow.arrivals`), before the market rate's scaling. */
  arrivals: Record<string, unknown>;
  /** The market orders' directly fitted rate, per second (see `scaleMarketArrivals`). */
  directRate: number;
  /**
   * The tape's mean rate of market orders, per second: with the estimate
   * `flow.arrivals.limitResponse`, the rate at which the limit orders' baseline is lowered
   * (`scaleLimitResponse`).
   */
  marketOrderRate?: number;
  /** The sign model's config (`flow.signs`). */
  signs: Record<string, unknown>;
  /** The market-order size fit (its law and largest order). */
  sizes: SizeFit;
  /** The limit-order size fit, where a mixture was fitted. */
  limitSizes?: LimitSizeFit;
  /** The tape's mean depth at the touch in mean market orders. */
  depthInOrders: number;
  /** A one-tick market (the spread's mean under 1.5 ticks). */
  oneTick: boolean;
  /** Liquidity follows the price (`flow.reaction.follow` written). */
  follows: boolean;
  /** The refill model is in (after the information fit). */
  refill: boolean;
  /** Snipers' and informed traders' order sizes. */
  informedSizes?: "stale" | "drawn" | "dispersed" | "share";
  /** The snipers' sizes where they differ from the informed traders' (default `informedSizes`). */
  sniperSizes?: "stale" | "drawn" | "dispersed" | "share";
  /** With `informedSizes: "dispersed"`, the log-sd of their budgets (default 1). */
  fastSizeSigma?: number;
  /** The market-order timing is the intensity by spread (else waiting traders). */
  spreadIntensity: boolean;
  /** The market-order timing is the baseline by spread (`kind: "baseline"`). */
  spreadBaseline?: boolean;
  /** The touch flow's config (`flow.touch`), where fitted. */
  touch?: Record<string, unknown>;
}

/**
 * The size fields of fast traders whose sizes are `mode` (absent: `stale`); `dispersed` with
 * `p.fastSizeSigma`, `share` from the estimates `flow.snipers.shareMedian` and
 * `flow.snipers.sizeSigma` (`fit_fast_share.ts`).
 */
function fastSizes(
  mode: PresetParts["informedSizes"],
  p: PresetParts,
  est: Record<string, Estimate>,
): Record<string, unknown> {
  if (mode === "drawn") return { sizes: "drawn" };
  if (mode === "dispersed") {
    return { sizes: "dispersed", sizeSigma: sig(p.fastSizeSigma ?? 1) };
  }
  if (mode === "share") {
    return {
      sizes: "share",
      shareMedian: sig(est["flow.snipers.shareMedian"].value),
      sizeSigma: sig(Math.min(5, est["flow.snipers.sizeSigma"].value)),
    };
  }
  return {};
}

/**
 * The size models' config (`flow.sizes`) from the size fits and the estimates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitted } from "./estimate.ts";
 * import type { SizeFit } from "./fit_flow.ts";
 * import { sizesConfig } from "./preset_config.ts";
 * const e = (v: number) => fitted(v, 0, "lots", "");
 * const est = {
 *   "flow.sizes.marketMean": e(3.14159), "flow.sizes.marketTail": e(2.5),
 *   "flow.sizes.sweepProbability": e(0.1), "flow.sizes.limitMean": e(0.4),
 * };
 * const sizes = { law: "lomax", marketMax: 500 } as SizeFit;
 * const c = sizesConfig(sizes, undefined, est);
 * assert.equal(c.marketMean, 3.142);
 * assert.equal(c.limitMean, 1); // at least one lot
 * assert.equal(c.law, undefined); // the default law is not written
 * ```
 */
export function sizesConfig(
  sizes: SizeFit,
  limitSizes: LimitSizeFit | undefined,
  est: Readonly<Record<string, Estimate>>,
): Record<string, unknown> {
  const v = (k: string) => sig(est[`flow.sizes.${k}`].value);
  const mixture = (key: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      weight: v(`${key}.${i}.weight`),
      median: v(`${key}.${i}.median`),
      logSd: v(`${key}.${i}.logSd`),
    }));
  return {
    ...(sizes.law === "lomax" ? {} : { law: sizes.law }),
    marketMean: v("marketMean"),
    marketTail: v("marketTail"),
    ...(sizes.marketLogSd === undefined ? {} : { marketLogSd: v("marketLogSd") }),
    ...(sizes.components === undefined
      ? {}
      : { components: mixture("components", sizes.components.length) }),
    sweepProbability: v("sweepProbability"),
    marketMax: sizes.marketMax,
    limitMean: sig(Math.max(1, est["flow.sizes.limitMean"].value)),
    ...(limitSizes === undefined
      ? {}
      : { limitComponents: mixture("limitComponents", limitSizes.components.length) }),
  };
}

/**
 * The initial depth at each level, lots: the tape's depth at the touch in mean market orders
 * times the mean executed size, within [1, 100,000].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialDepthLots } from "./preset_config.ts";
 * assert.equal(initialDepthLots(2.5, 3), 8);
 * assert.equal(initialDepthLots(0, 3), 1);
 * ```
 */
export function initialDepthLots(depthInOrders: number, meanExecuted: number): number {
  return Math.max(1, Math.min(100_000, Math.round(depthInOrders * meanExecuted)));
}

/**
 * The book tier's market config of the estimates and parts (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEnvConfig } from "../env/config.ts";
 * import { fitted } from "./estimate.ts";
 * import type { SizeFit } from "./fit_flow.ts";
 * import { presetConfig } from "./preset_config.ts";
 * const values: Record<string, number> = {
 *   "volatility": 0.002, "flow.arrivals.marketRate": 0.5, "flow.placement.alpha": 0.8,
 *   "flow.placement.maxDistance": 30, "flow.placement.minEdge": 5, "flow.cancellation.rate": 0.01,
 *   "flow.cancellation.queuePosition": 0, "flow.cancellation.depletion": 0,
 *   "flow.fundamental.impactShare": 0.4, "flow.fundamental.privateShare": 0.2,
 *   "flow.fundamental.newsRate": 0.1, "flow.fundamental.privateRate": 0.05,
 *   "flow.fundamental.revealRate": 0.1, "flow.reaction.latency": 50, "flow.reaction.reprice": 1,
 *   "flow.reaction.follow": 3, "flow.informed.share": 0.05, "flow.informed.maxLots": 5,
 *   "flow.snipers.rate": 2, "flow.snipers.threshold": 1, "flow.snipers.maxLots": 5,
 *   "flow.sizes.marketMean": 2, "flow.sizes.marketTail": 3, "flow.sizes.sweepProbability": 0.1,
 *   "flow.sizes.limitMean": 2, "flow.refill.msPerTick": 0,
 * };
 * const est = Object.fromEntries(Object.entries(values).map(([k, x]) => [k, fitted(x, 0, "", "")]));
 * const config = presetConfig({
 *   est, duration: 300, initialPrice: 100, tickSize: 0.01, lotSize: 100,
 *   regimes: { names: ["calibrated"], volMultipliers: [1], flowMultipliers: [1], rates: [[0]], initial: 0 },
 *   marketData: { kind: "constant", ms: 2 }, arrivals: { kind: "poisson", limitRate: 5 },
 *   directRate: 0.5, signs: { kind: "iid" }, sizes: { law: "lomax", marketMax: 200, meanExecuted: 1.5 } as SizeFit,
 *   depthInOrders: 4, oneTick: false, follows: true, refill: true, spreadIntensity: false,
 * });
 * const parsed = parseEnvConfig(config);
 * assert.equal(parsed.tier, "book");
 * // a wide-spread market: liquidity follows the price `follow` ticks beyond its edge + 1
 * assert.equal((config.flow as { reaction: { follow: number } }).reaction.follow, 9);
 * ```
 */
export function presetConfig(p: PresetParts): Record<string, unknown> {
  const est = p.est;
  const v = (k: string) => est[k].value;
  const has = (k: string) => est[k] !== undefined;
  const minEdge = est["flow.placement.minEdge"]?.value ?? 0;
  return {
    tier: "book",
    duration: p.duration,
    initialPrice: sig(p.initialPrice, 10),
    volatility: sig(v("volatility")),
    tickSize: p.tickSize,
    lotSize: p.lotSize,
    regimes: p.regimes,
    latency: { marketData: p.marketData },
    flow: {
      arrivals: scaleLimitResponse(
        scaleMarketArrivals(p.arrivals, v("flow.arrivals.marketRate"), p.directRate),
        has("flow.arrivals.limitResponse") ? v("flow.arrivals.limitResponse") : 1,
        p.marketOrderRate ?? 0,
      ),
      signs: p.signs,
      sizes: sizesConfig(p.sizes, p.limitSizes, est),
      placement: {
        anchor: "reference",
        alpha: sig(v("flow.placement.alpha")),
        maxDistance: v("flow.placement.maxDistance"),
        ...(has("flow.placement.touchShare")
          ? { touchShare: sig(v("flow.placement.touchShare")) }
          : {}),
        minEdge: sig(minEdge),
        ...(has("flow.placement.edgeSpread")
          ? { edge: "uniform", edgeSpread: sig(v("flow.placement.edgeSpread")) }
          : {}),
        ...(has("flow.placement.activityExponent")
          ? { activityExponent: sig(v("flow.placement.activityExponent")) }
          : {}),
      },
      cancellation: {
        rate: sig(v("flow.cancellation.rate")),
        queuePosition: sig(v("flow.cancellation.queuePosition")),
        depletion: sig(v("flow.cancellation.depletion")),
      },
      fundamental: {
        // a wide-spread (thin) book: informed trades price in at most their news (see
        // docs/calibration.md: without it, snipers' races run away from the book)
        ...(p.oneTick ? {} : { informedImpact: "toValue" }),
        impactShare: sig(v("flow.fundamental.impactShare")),
        privateShare: sig(v("flow.fundamental.privateShare")),
        newsRate: sig(v("flow.fundamental.newsRate")),
        privateRate: sig(v("flow.fundamental.privateRate")),
        revealRate: sig(v("flow.fundamental.revealRate")),
        ...(!(est["flow.fundamental.paceWindow"]?.value > 0) ? {} : {
          paceWindow: v("flow.fundamental.paceWindow"),
          paceRatio: sig(v("flow.fundamental.paceRatio")),
          paceShare: sig(v("flow.fundamental.paceShare")),
        }),
        ...(has(FORECAST_PARAMETER) ? { forecastWeight: sig(v(FORECAST_PARAMETER)) } : {}),
        ...(!(est["flow.fundamental.sizeExponent"]?.value > 0)
          ? {}
          : { sizeExponent: sig(v("flow.fundamental.sizeExponent")) }),
        ...(!(est["flow.fundamental.impactLump"]?.value > 0)
          ? {}
          : { impactLump: sig(v("flow.fundamental.impactLump")) }),
      },
      reaction: {
        latency: { kind: "exponential", meanMs: sig(v("flow.reaction.latency")) },
        reprice: sig(v("flow.reaction.reprice")),
        ...(p.follows
          ? {
            follow: sig(
              p.oneTick ? v("flow.reaction.follow") : minEdge + 1 + v("flow.reaction.follow"),
            ),
          }
          : {}),
      },
      ...(p.refill && v("flow.refill.msPerTick") > 0
        ? { refill: { msPerTick: sig(v("flow.refill.msPerTick")) } }
        : {}),
      informed: {
        share: sig(v("flow.informed.share")),
        maxLots: sig(v("flow.informed.maxLots")),
        ...fastSizes(p.informedSizes, p, est),
      },
      ...(!has("flow.timing.exponent") ? {} : {
        timing: p.spreadIntensity || p.spreadBaseline
          ? {
            kind: p.spreadBaseline ? "baseline" : "intensity",
            scale: sig(v("flow.timing.scale")),
            exponent: sig(v("flow.timing.exponent")),
            sendShare: sig(v("flow.timing.sendShare")),
          }
          : {
            kind: "spread",
            scale: sig(v("flow.timing.scale")),
            exponent: sig(v("flow.timing.exponent")),
            retryRate: v("flow.timing.retryRate"),
            burstMs: sig(est["flow.timing.burstMs"]?.value ?? 0),
          },
      }),
      ...(p.touch === undefined ? {} : { touch: p.touch }),
      ...(has("flow.takers.probability") && v("flow.takers.probability") > 0
        ? {
          takers: {
            probability: sig(v("flow.takers.probability")),
            followSigns: true, // the tape's answers follow the flow (fit_improvement_takers.ts)
            latency: {
              kind: "lognormal",
              medianMs: sig(v("flow.takers.medianMs")),
              sigma: sig(v("flow.takers.sigma")),
            },
          },
        }
        : {}),
      ...(has("flow.liquidity.sigma") && v("flow.liquidity.sigma") > 0
        ? {
          liquidity: {
            sigma: sig(v("flow.liquidity.sigma")),
            timeScale: sig(v("flow.liquidity.timeScale")),
          },
        }
        : {}),
      snipers: {
        rate: sig(v("flow.snipers.rate")),
        threshold: sig(v("flow.snipers.threshold")),
        maxLots: sig(v("flow.snipers.maxLots")),
        ...fastSizes(p.sniperSizes ?? p.informedSizes, p, est),
      },
      initialDepth: initialDepthLots(p.depthInOrders, p.sizes.meanExecuted),
      initialLevels: v("flow.placement.maxDistance"),
    },
  };
}
