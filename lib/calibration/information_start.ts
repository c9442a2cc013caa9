/**
 * The information's direct fits: where the information fit by simulated moments
 * (`fit_information.ts`) starts from, and what it leaves as they are.
 *
 * From the tape's market orders and mids: the immediate impact θ of a sign surprise and its
 * share of the price's variance (`fitResponse`, capped at 0.95), the variance the order
 * flow's surprises explain over an interval of about 20 orders beyond that (`fitImpact`,
 * plus the previous interval's: delayed price discovery, taken as private news), the
 * revelation rate of that news, and, asked for, the pace of trading's effect on impact
 * (`fitPace`). What these fits cannot tell apart is written as not identified with the
 * library's default (the informed traders' share, the private news' rate) or as the start
 * of the simulated-moments fit (the snipers' rate); the informed traders' and snipers'
 * largest order is the tape's 90th percentile of market-order sizes, the snipers' threshold
 * the immediate impact θ.
 *
 * Assumes: one instrument's records in lots, the sign forecast `signPredictor` gives.
 * Ignores: the informed share (not identified separately from the private news here).
 * Units: ticks, seconds, shares of variance, lots.
 *
 * @module
 */
import { fundamentalConfigSchema } from "../market/fundamental.ts";
import { informedConfigSchema } from "../market/informed.ts";
import { empiricalQuantile } from "../analytics/percentile.ts";
import { derived, type Estimate, sig, unidentified } from "./estimate.ts";
import { fitImpact, fitPace, fitResponse, type ImpactFit, type ResponseFit } from "./fit_price.ts";
import { signPredictor } from "./fit_signs.ts";
import { type MarketRecord, recordSeconds } from "./record.ts";

/** The information's direct fits (see the module doc). */
export interface InformationStart {
  /** The interval regression of returns on sign surprises. */
  impact: ImpactFit;
  /** The price response's fit (immediate impact θ, its share, the revelation rate). */
  response: ResponseFit;
  /** The immediate impact's share of the variance, capped to [0, 0.95]. */
  impactShare: number;
  /** The private news' share of the variance. */
  privateShare: number;
}

/**
 * The information's direct fits on `records` (see the module doc), their estimates written
 * into `est`: with `pace`, `flow.fundamental.pace*`; then the impact and private shares, the
 * revelation rate, the informed traders' share and largest order, the private news' rate,
 * the snipers' rate, threshold and largest order. `varianceTicks`: the tape's variance rate
 * of the mid, ticks² per second; `clock`: its clock's resolution, s (0: exact).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Estimate } from "./estimate.ts";
 * import { informationStart } from "./information_start.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const records = simulateRecords({ duration: 1_800 }, { seconds: 1_800, seed: 5 });
 * const est: Record<string, Estimate> = {};
 * const s = informationStart(records, 1, 0, false, est);
 * assert.ok(s.impactShare >= 0 && s.impactShare <= 0.95);
 * assert.ok(s.privateShare >= 0 && s.privateShare <= 1 - s.impactShare);
 * assert.equal(est["flow.informed.share"].status, "not identified");
 * assert.equal(est["flow.snipers.maxLots"].value, est["flow.informed.maxLots"].value);
 * ```
 */
export function informationStart(
  records: readonly MarketRecord[],
  varianceTicks: number,
  clock: number,
  pace: boolean,
  est: Record<string, Estimate>,
): InformationStart {
  const phi = signPredictor(records);
  const orders = records.reduce((s, r) => s + r.moTime.length, 0);
  const seconds = records.reduce((s, r) => s + recordSeconds(r), 0);
  const rate = orders / seconds;
  // about 20 orders per interval (at least 10 s, at most 60 s), and at least 20 intervals
  const interval = sig(Math.max(1, Math.min(60, Math.max(10, 20 / rate), seconds / 25)), 3);
  const impact = fitImpact(records, phi, interval);
  const resp = fitResponse(records, phi, varianceTicks);
  // the pace of trading: orders soon after the previous one carry more of the price's moves
  if (pace) {
    const p = fitPace(records, phi, clock);
    est["flow.fundamental.paceWindow"] = p.window;
    est["flow.fundamental.paceRatio"] = p.ratio;
    est["flow.fundamental.paceShare"] = p.share;
  }
  const impactShare = Math.min(0.95, Math.max(0, resp.impactShare.value));
  est["flow.fundamental.impactShare"] = { ...resp.impactShare, value: impactShare };
  // information revealed after the trade: the part of the interval regression's R² that the
  // immediate impact does not explain, plus the previous interval's (aggregate order flow:
  // news that several trades share is counted once)
  const delayed = Math.max(0, impact.impactShare.value - impactShare) +
    Math.max(0, impact.laggedShare.value);
  const privateShare = Math.min(1 - impactShare, delayed);
  est["flow.fundamental.privateShare"] = derived(
    privateShare,
    Math.sqrt(impact.impactShare.se ** 2 + resp.impactShare.se ** 2 + impact.laggedShare.se ** 2),
    "share of variance",
    `variance explained by the order flow's surprises over ${interval} s beyond their immediate impact, plus the previous interval's (delayed price discovery, taken as private news)`,
  );
  est["flow.fundamental.revealRate"] = {
    ...resp.revealRate,
    value: Math.min(1e4, Math.max(1e-3, resp.revealRate.value)),
  };
  est["flow.informed.share"] = unidentified(
    informedConfigSchema.parse({}).share,
    "share of market-order arrivals",
    "not identified separately from the private news by these fits (the drift of the response could come from a few well-informed orders or many slightly informed ones): library default kept",
  );
  est["flow.informed.maxLots"] = derived(
    Math.max(1, Math.round(empiricalQuantile(records.flatMap((r) => Array.from(r.moQty)), 0.9))),
    NaN,
    "lots",
    "the 90th percentile of market-order sizes (the library's 20 lots would depend on the lot's size)",
  );
  est["flow.fundamental.privateRate"] = unidentified(
    fundamentalConfigSchema.parse({}).privateRate,
    "per second",
    "not identified: library default kept",
  );
  // latency arbitrage: the snipers' rate is fitted with the news (fit_information.ts)
  est["flow.snipers.rate"] = unidentified(10, "per second", "start of the simulated-moments fit");
  est["flow.snipers.threshold"] = derived(
    Math.max(1, resp.theta.value),
    resp.theta.se,
    "ticks",
    "the immediate impact θ of a trade (a sniper needs an edge of at least its own impact, or it overshoots the value and is sniped back); not identified otherwise",
  );
  est["flow.snipers.maxLots"] = derived(
    est["flow.informed.maxLots"].value,
    NaN,
    "lots",
    "the 90th percentile of market-order sizes (as the informed traders')",
  );
  return { impact, response: resp, impactShare, privateShare };
}
