/**
 * A calibrated preset's provenance: where its numbers come from. The method and version, the
 * source files, each tape's window (dates, seconds, market orders, depth and clock
 * resolution), every estimate with its standard error, unit, method and status, the
 * estimates the data cannot identify, each stage's fit quality and every warning
 * (docs/calibration.md, "Provenance").
 *
 * Assumes: `est` holds the estimates as the preset's config was built from them. Ignores:
 * nothing of the calibration is recomputed here (a record, not a fit). Units: seconds,
 * ISO-8601 UTC dates; each estimate's own.
 *
 * @module
 */
import type { Tape } from "../data/tape.ts";
import { type Estimate, estimateJson, sig } from "./estimate.ts";
import type { ArrivalFitQuality } from "./fit_arrivals.ts";
import type { SizeFit } from "./fit_flow.ts";
import type { ImpactFit, ResponseFit } from "./fit_price.ts";
import {
  REGIME_BIN_SECONDS,
  type RegimeFit,
  type RegimeStrengthFit,
  type RegimeTest,
} from "./fit_regimes.ts";
import type { SignAutocorrelation, SignFit } from "./fit_signs.ts";
import { type MarketRecord, recordSeconds } from "./record.ts";
import type { SimulatedFastOrders } from "./simulate.ts";

/**
 * The date of `seconds` after a tape's origin, ISO 8601 (UTC, milliseconds).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Tape } from "../data/tape.ts";
 * import { tapeTimeIso } from "./provenance.ts";
 * const tape = { meta: { originNs: "1340236800000000000" } } as unknown as Tape;
 * assert.equal(tapeTimeIso(tape, 34_200.5), "2012-06-21T09:30:00.500Z");
 * ```
 */
export function tapeTimeIso(tape: Tape, seconds: number): string {
  const originMs = Number(BigInt(tape.meta.originNs) / 1_000_000n);
  return new Date(originMs + Math.round(seconds * 1000)).toISOString();
}

/** What a calibration's provenance records. */
export interface ProvenanceParts {
  /** The method's text (the calibration and its version). */
  method: string;
  /** The source files (paths, with their SHA-256 and size where known); default: the tapes'. */
  sources?: { path: string; sha256?: string; bytes?: number }[];
  /** The tapes (one instrument). */
  tapes: readonly Tape[];
  /** Their records, in the calibration's window and lot. */
  records: readonly MarketRecord[];
  /** The estimates, by config path. */
  est: Readonly<Record<string, Estimate>>;
  /** The arrival fits' quality (`arrivalFitQuality`). */
  hawkes: ArrivalFitQuality;
  /** The sign fit and its data. */
  signs: SignFit;
  /** The sign autocorrelation the sign fit was fitted to. */
  signData: SignAutocorrelation;
  /** The interval regression of returns on sign surprises. */
  impact: ImpactFit;
  /** The price response's fit. */
  response: ResponseFit;
  /** The market-order size fit. */
  sizes: SizeFit;
  /** The fast traders' simulated orders the sizes were fitted given, if they were. */
  fast: SimulatedFastOrders | null;
  /** The regime fit, its bootstrap test and strength, where fitted. */
  regimes: {
    fit: RegimeFit;
    test: RegimeTest | null;
    strength: RegimeStrengthFit | null;
  } | null;
  /** The moment matching's record, stage by stage. */
  matching: Record<string, unknown>[];
  /** The information fit's summary, where it ran. */
  information: Record<string, unknown> | null;
  /** The forecast weight's fit, where it ran. */
  forecast: Record<string, unknown> | null;
  /** Every warning. */
  warnings: string[];
}

/**
 * The regime fit's record for the provenance's `fitQuality.regimes`: the bins, the
 * log-likelihoods and BIC by number of states, the stationary distribution, the negative
 * binomial's shape and, where they ran, the bootstrap test and the strength's fit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RegimeFit } from "./fit_regimes.ts";
 * import { regimeFitQuality } from "./provenance.ts";
 * const fit = {
 *   bins: 390, logLikelihood: [-1000, -900], bic: [2010, 1830], stationary: [0.6, 0.4],
 *   hmm: { shape: 3.5 },
 * } as unknown as RegimeFit;
 * const q = regimeFitQuality(fit, null, null);
 * assert.equal(q.binSeconds, 60);
 * assert.equal(q.bootstrapTest, undefined);
 * ```
 */
export function regimeFitQuality(
  fit: RegimeFit,
  test: RegimeTest | null,
  strength: RegimeStrengthFit | null,
): Record<string, unknown> {
  return {
    binSeconds: REGIME_BIN_SECONDS,
    bins: fit.bins,
    logLikelihood: fit.logLikelihood.map((v) => sig(v, 8)),
    bic: fit.bic.map((v) => sig(v, 8)),
    stationary: fit.stationary.map((v) => sig(v, 3)),
    negativeBinomialShape: sig(fit.hmm.shape),
    ...(test === null ? {} : {
      bootstrapTest: {
        statistic: sig(test.statistic, 5),
        replicates: test.replicates.map((v) => sig(v, 4)),
        pValue: sig(test.pValue, 3),
        level: test.level,
        states: test.states,
      },
    }),
    ...(strength === null ? {} : {
      strength: {
        value: sig(strength.strength, 4),
        se: sig(strength.se, 3),
        path: strength.path.map((p) => ({
          strength: sig(p.strength, 4),
          statistic: sig(p.statistic, 4),
        })),
        curve: strength.curve.map((v) => sig(v, 4)),
      },
    }),
  };
}

/**
 * The tapes' record for the provenance's `data`: each tape's name, origin, first and last
 * instants of its window, the window's segments (s after the origin), its seconds, market
 * orders, depth levels, whether it has order ids, and its book and clock resolutions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "../data/csv.ts";
 * import { recordFromTape } from "./record.ts";
 * import { tapeProvenance } from "./provenance.ts";
 * const p = new CsvParser("t.csv");
 * ["ts,type,side,price,qty", "0,snapshot,bid,9.99,5", "0,snapshot,ask,10.01,5",
 *   "1000000000,trade,buy,10.01,2", "3000000000,trade,sell,9.99,1"]
 *   .forEach((l, i) => p.push(l, i + 1));
 * const tape = p.finish();
 * const [d] = tapeProvenance([tape], [recordFromTape(tape, { lotSize: 1 })]);
 * assert.equal(d.marketOrders, 2);
 * assert.equal(d.start, "1970-01-01T00:00:00.000Z");
 * ```
 */
export function tapeProvenance(
  tapes: readonly Tape[],
  records: readonly MarketRecord[],
): Record<string, unknown>[] {
  return tapes.map((t, i) => {
    const seg = records[i].segments;
    return {
      name: t.meta.name,
      origin: t.meta.originIso,
      start: tapeTimeIso(t, seg[0][0]),
      end: tapeTimeIso(t, seg[seg.length - 1][1]),
      window: seg.map(([a, b]) => [sig(a, 10), sig(b, 10)]),
      seconds: sig(recordSeconds(records[i]), 6),
      marketOrders: records[i].moTime.length,
      depthLevels: t.meta.depthLevels,
      orderIds: t.meta.hasOrderIds,
      bookResolutionSeconds: records[i].quoteInterval,
      clockResolutionSeconds: records[i].timeResolution ?? 0,
    };
  });
}

/**
 * A calibration's provenance (see the module doc), in the order a preset file shows it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvParser } from "../data/csv.ts";
 * import { fitted, unidentified } from "./estimate.ts";
 * import type { ArrivalFitQuality } from "./fit_arrivals.ts";
 * import type { SizeFit } from "./fit_flow.ts";
 * import type { ImpactFit, ResponseFit } from "./fit_price.ts";
 * import type { SignFit } from "./fit_signs.ts";
 * import { calibrationProvenance } from "./provenance.ts";
 * import { recordFromTape } from "./record.ts";
 * const parser = new CsvParser("t.csv");
 * ["ts,type,side,price,qty", "0,snapshot,bid,9.99,5", "0,snapshot,ask,10.01,5",
 *   "1000000000,trade,buy,10.01,2", "3000000000,trade,sell,9.99,1"]
 *   .forEach((l, i) => parser.push(l, i + 1));
 * const tape = parser.finish();
 * const e = fitted(1, 0.1, "ticks", "a fit");
 * const p = calibrationProvenance({
 *   method: "a test", tapes: [tape], records: [recordFromTape(tape, { lotSize: 1 })],
 *   est: { a: e, b: unidentified(0, "ticks", "not in the data") },
 *   hawkes: { kinds: ["market"] } as unknown as ArrivalFitQuality,
 *   signs: { kind: "iid", choice: { iid: 1, metaorders: 2 }, chi2: 3, modelC: [0] } as unknown as SignFit,
 *   signData: { lags: [1], c: [0.1], se: [0.01], orders: 2 },
 *   impact: { interval: 10, intervals: 2, theta: e, thetaLagged: e, impactShare: e } as unknown as ImpactFit,
 *   response: { theta: e, horizons: [1], response: [0.5], drift: e } as unknown as ResponseFit,
 *   sizes: { orders: 2, meanExecuted: 1.5 } as SizeFit,
 *   fast: null, regimes: null, matching: [], information: null, forecast: null, warnings: ["w"],
 * });
 * assert.deepEqual(Object.keys(p), [
 *   "method", "sources", "instrument", "format", "data", "estimates", "notIdentified",
 *   "fitQuality", "warnings",
 * ]);
 * assert.deepEqual(p.notIdentified, ["b"]);
 * const q = p.fitQuality as Record<string, unknown>;
 * assert.equal(q.regimes, undefined); // no regime fit, no record
 * ```
 */
export function calibrationProvenance(p: ProvenanceParts): Record<string, unknown> {
  const { est, signs, signData: sa, impact, response: resp, sizes, fast } = p;
  const first = p.tapes[0].meta;
  return {
    method: p.method,
    sources: p.sources ?? p.tapes.flatMap((t) => t.meta.sources.map((path) => ({ path }))),
    instrument: first.instrument,
    format: first.format,
    data: tapeProvenance(p.tapes, p.records),
    estimates: Object.fromEntries(Object.entries(est).map(([k, v]) => [k, estimateJson(v)])),
    notIdentified: Object.entries(est).filter(([, v]) => v.status === "not identified").map((
      [k],
    ) => k),
    fitQuality: {
      hawkes: p.hawkes,
      signs: {
        chosen: signs.kind,
        choice: { iid: sig(signs.choice.iid), metaorders: sig(signs.choice.metaorders) },
        weightedSSE: sig(signs.chi2),
        lags: sa.lags,
        data: sa.c.map((v) => sig(v, 3)),
        model: signs.modelC.map((v) => sig(v, 3)),
      },
      impact: {
        intervalSeconds: impact.interval,
        intervals: impact.intervals,
        theta: estimateJson(impact.theta),
        thetaLagged: estimateJson(impact.thetaLagged),
        intervalR2: estimateJson(impact.impactShare),
        immediate: estimateJson(resp.theta),
        responseHorizons: resp.horizons,
        response: resp.response.map((v) => sig(v, 4)),
        drift: estimateJson(resp.drift),
      },
      sizes: {
        orders: sizes.orders,
        meanExecutedLots: sig(sizes.meanExecuted),
        ...(fast === null ? {} : {
          givenFast: {
            share: sig(fast.share, 4),
            fastOrders: fast.sizes.length,
            simulatedOrders: fast.orders,
            logLikelihood: sig(sizes.logLikelihood, 8),
          },
        }),
      },
      ...(p.regimes === null ? {} : {
        regimes: regimeFitQuality(p.regimes.fit, p.regimes.test, p.regimes.strength),
      }),
      momentMatching: p.matching,
      ...(p.information ? { information: p.information } : {}),
      ...(p.forecast ? { forecast: p.forecast } : {}),
    },
    warnings: p.warnings,
  };
}
