/**
 * The calibration's moment matching: the quantities that emerge from the models' interaction
 * rather than from one parameter (the mid's realized variance, the depth at the touch in mean
 * market orders, the spread, the 1-s kurtosis, the market orders' rate, the return
 * autocorrelation), computed on the tape and on simulations of the calibrated market, and a
 * noisy fixed-point iteration that moves one parameter (a knob) per moment until the
 * simulation matches the tape. docs/calibration.md ("Moment matching") says which knob moves
 * which moment and why.
 *
 * Assumes: each moment is monotone in its knob near the match, the others held. Ignores: the
 * knobs' cross-effects beyond what the iteration absorbs. Units: ticks, seconds, lots.
 *
 * @module
 */
import { Rng } from "../rng/rng.ts";
import { childSeed } from "../rng/streams.ts";
import { ValidationError } from "../errors.ts";
import { type Estimate, sig } from "./estimate.ts";
import { blockStatistics, defaultFacts, makeBlocks, sumBlocks } from "./facts.ts";
import { fitRefill, refillObservations } from "./fit_refill.ts";
import { spreadCounts, spreadRatio } from "./fit_timing.ts";
import { invertMatrix } from "./optimize.ts";
import { orderRateStep } from "./rate_knob.ts";
import { type MarketRecord, recordSeconds } from "./record.ts";
import { simulateRecords } from "./simulate.ts";

/** The moments the moment matching matches (their standard errors have the same shape). */
export interface EmergentMoments {
  /** Realized variance of the mid at 10 s, ticks²/s. */
  variance: number;
  /** Depth at the touch in mean market orders. */
  depthInOrders: number;
  /** Mean spread, ticks. */
  meanSpread: number;
  /** Standard deviation of the spread, ticks. */
  spreadSd: number;
  /** Share of the time the spread is two ticks or more. */
  wideShare: number;
  /** Kurtosis of 1-s mid returns. */
  kurtosis1s: number;
  /** Markout of passive fills at the touch after 1 s minus right after the fill, ticks per lot. */
  markoutDrop: number;
  /** Market orders per second. */
  orderRate: number;
  /** Autocorrelation of 1-s mid returns at lag 1. */
  returnAutocorrelation: number;
  /** The refill fit's k on the record (ms per tick; 0: no gap), `fit_refill.ts`. */
  refillMsPerTick: number;
  /**
   * Mean spread just before the market orders over the time-weighted mean spread
   * (`spreadRatio`, `fit_timing.ts`; its standard error 0: the 5 % tolerance applies). An
   * {@linkcode OptionalMoment}: NaN unless asked for.
   */
  spreadAtOrders: number;
  /**
   * The volatility clustering's decay: the autocorrelation of |1-s returns| at a lag of 10 s
   * over that at 1 s (as the realism report's `absReturnAutocorrelation` computes them). An
   * {@linkcode OptionalMoment}: NaN unless asked for.
   */
  clusteringDecay: number;
  /**
   * The mid's noise at the finest sampling: its realized variance per second sampled at the
   * signature plot's shortest interval (0.1 s, or the first at or above the feed's resolution)
   * over that sampled every 10 s (above 1: a mid that moves and comes back). An
   * {@linkcode OptionalMoment}: NaN unless asked for.
   */
  noiseRatio: number;
}

/**
 * The moments only opt-in knobs match (`--activity-placement`, `--regime-time-scale`,
 * `--match-deletions`):
 * computed only when asked for, so that no other calibration pays for them.
 */
export const OPTIONAL_MOMENTS = ["spreadAtOrders", "clusteringDecay", "noiseRatio"] as const;

/** One of {@linkcode OPTIONAL_MOMENTS}. */
export type OptionalMoment = typeof OPTIONAL_MOMENTS[number];

/** Whether `moment` is one of {@linkcode OPTIONAL_MOMENTS}. */
function isOptional(moment: keyof EmergentMoments): moment is OptionalMoment {
  return (OPTIONAL_MOMENTS as readonly string[]).includes(moment);
}

/**
 * The emergent moments of `records` observed on the book resolution `grid` (s), each with
 * its block-bootstrap standard error (100 resamples of blocks of a twentieth of the data, 10 to
 * 600 s; the order rate's Poisson): the realized variance at `varianceHorizon` s, the depth at
 * the touch in mean market orders, the spread's mean, standard deviation and share of time
 * above one tick, the 1-s kurtosis, the markout's drop over 1 s, the market orders' rate, the
 * lag-1 autocorrelation of 1-s returns and the refill fit's k — computed the way the realism
 * report computes its facts (`facts.ts`) — and the `optional` moments asked for (the others
 * NaN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emergentMoments } from "./moment_matching.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const recs = simulateRecords({ duration: 300 }, { seconds: 300, seed: 1 });
 * const { m, se } = emergentMoments(recs, 0.1);
 * assert.equal(m.orderRate, recs[0].moTime.length / 300);
 * assert.ok(m.meanSpread >= 1 && m.depthInOrders > 0 && se.variance >= 0);
 * ```
 */
export function emergentMoments(
  records: readonly MarketRecord[],
  grid: number,
  varianceHorizon = 10,
  optional: readonly OptionalMoment[] = [],
): { m: EmergentMoments; se: EmergentMoments } {
  const facts = defaultFacts({ grid });
  const pick = (name: string) => facts.find((f) => f.name === name)!;
  const out = { m: {} as EmergentMoments, se: {} as EmergentMoments };
  const blockSeconds = Math.min(
    600,
    Math.max(10, records.reduce((s, r) => s + recordSeconds(r), 0) / 20),
  );
  const stat = (name: string, fn: (v: Float64Array, x: number[]) => number) => {
    const f = pick(name);
    const rows: Float64Array[] = [];
    for (const r of records) {
      const b = makeBlocks(r.segments, blockSeconds);
      const st = blockStatistics(f, r, b);
      for (let k = 0; k < b.start.length; k++) rows.push(st.subarray(k * f.size, (k + 1) * f.size));
    }
    const stats = new Float64Array(rows.length * f.size);
    rows.forEach((row, k) => stats.set(row, k * f.size));
    const all = Int32Array.from(rows, (_, i) => i);
    const value = fn(f.value(sumBlocks(stats, f.size, all)), f.x);
    const rng = new Rng(`moments:${name}`);
    let s = 0, s2 = 0, n = 0;
    const pick2 = new Int32Array(rows.length);
    for (let b = 0; b < 100; b++) {
      for (let i = 0; i < pick2.length; i++) pick2[i] = rng.int(rows.length);
      const v = fn(f.value(sumBlocks(stats, f.size, pick2)), f.x);
      if (Number.isFinite(v)) {
        s += v;
        s2 += v * v;
        n++;
      }
    }
    const sd = n > 1 ? Math.sqrt(Math.max(0, (s2 - s * s / n) / (n - 1))) : NaN;
    return [value, sd];
  };
  const sig10 = (v: Float64Array, x: number[]) => v[x.indexOf(varianceHorizon)];
  const meanSpread = (v: Float64Array, x: number[]) => v.reduce((a, p, i) => a + p * x[i], 0);
  [out.m.variance, out.se.variance] = stat("signaturePlot", sig10);
  [out.m.depthInOrders, out.se.depthInOrders] = stat("depthInOrders", (v) => v[0]);
  [out.m.meanSpread, out.se.meanSpread] = stat("spread", meanSpread);
  [out.m.wideShare, out.se.wideShare] = stat("spread", (v) => 1 - v[0]);
  [out.m.spreadSd, out.se.spreadSd] = stat("spread", (v, x) => {
    const m = meanSpread(v, x);
    return Math.sqrt(Math.max(0, v.reduce((a, p, i) => a + p * (x[i] - m) ** 2, 0)));
  });
  [out.m.kurtosis1s, out.se.kurtosis1s] = stat("kurtosis1s", (v) => v[0]);
  const secs = records.reduce((a, r) => a + recordSeconds(r), 0);
  const n = records.reduce((a, r) => a + r.moTime.length, 0);
  out.m.orderRate = n / secs;
  out.se.orderRate = Math.sqrt(n) / secs;
  [out.m.returnAutocorrelation, out.se.returnAutocorrelation] = stat(
    "returnAutocorrelation",
    (v, x) => v[x.indexOf(1)],
  );
  [out.m.markoutDrop, out.se.markoutDrop] = stat(
    "markout",
    (v, x) => v[x.indexOf(0)] - v[x.indexOf(1)],
  );
  const rf = fitRefill(refillObservations([...records], grid));
  out.m.refillMsPerTick = rf?.msPerTick ?? 0;
  out.se.refillMsPerTick = rf?.se ?? NaN;
  [out.m.spreadAtOrders, out.se.spreadAtOrders] = optional.includes("spreadAtOrders")
    ? [spreadRatio(spreadCounts([...records])), 0]
    : [NaN, NaN];
  [out.m.clusteringDecay, out.se.clusteringDecay] = optional.includes("clusteringDecay")
    ? stat("absReturnAutocorrelation", (v, x) => v[x.indexOf(10)] / v[x.indexOf(1)])
    : [NaN, NaN];
  [out.m.noiseRatio, out.se.noiseRatio] = optional.includes("noiseRatio")
    ? stat("signaturePlot", (v, x) => v[0] / v[x.indexOf(10)])
    : [NaN, NaN];
  return out;
}

/** The emergent moments of `seconds` of `config` simulated on `seed` and observed as `observe`. */
function simulatedMoments(
  config: Record<string, unknown>,
  seconds: number,
  seed: number,
  observe: { quoteInterval: number; timeResolution: number },
  varianceHorizon: number,
  optional: readonly OptionalMoment[],
): EmergentMoments {
  const recs = simulateRecords(config, { seconds, seed, ...observe });
  return emergentMoments(recs, Math.max(0.1, observe.quoteInterval), varianceHorizon, optional).m;
}

/** One knob of the moment matching: an estimate, the moment it moves, and its update. */
export interface MomentKnob {
  /** The estimate adjusted (its value is read by the config). */
  estimate: Estimate;
  /** The moment it is matched to. */
  moment: keyof EmergentMoments;
  /** What the moment is, in words. */
  what: string;
  /** The next value, from the current one and the simulated / real moments. */
  update(value: number, sim: number, real: number): number;
}

/** Options of {@linkcode refineMoments}. */
export interface RefineOptions {
  /** Iterations at most (default 16). */
  refineIterations?: number;
  /** Market seconds simulated per iteration (default 1,800). */
  refineSeconds?: number;
  /** Seed of every iteration's simulation: common random numbers (default 0). */
  seed?: number;
}

/**
 * The moment matching (docs/calibration.md, "Moment matching"): simulates `config()` (common
 * random numbers), and moves each knob outside its tolerance (5 % of the real moment or its
 * standard error, whichever is larger) by its update, until every moment is within its
 * tolerance or the iterations run out; then keeps the best iterate, or without convergence the
 * average of the last half of the iterates (Polyak–Ruppert) — unless the iteration drifted
 * ({@linkcode matchingDrift}): then the best iterate again, and a warning. Mutates the knobs'
 * estimates (status `moment-matched`, the direct value in the method), appends a row per
 * iteration to `history`, and a warning to `warnings` when it did not converge.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitted } from "./estimate.ts";
 * import { emergentMoments, type MomentKnob, refineMoments } from "./moment_matching.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const observe = { quoteInterval: 0, timeResolution: 0 };
 * // the real market's market orders arrive at 2/s; start the knob at 1/s
 * const real = emergentMoments(
 *   simulateRecords({ duration: 300, flow: { arrivals: { marketRate: 2 } } }, { seconds: 600 }),
 *   0.1,
 * );
 * const rate = fitted(1, NaN, "per second", "a guess");
 * const knob: MomentKnob = {
 *   estimate: rate,
 *   moment: "orderRate",
 *   what: "rate of market orders",
 *   update: (v, sim, re) => v * re / sim,
 * };
 * const config = () => ({ duration: 300, flow: { arrivals: { marketRate: rate.value } } });
 * const history: Record<string, unknown>[] = [];
 * refineMoments(config, [knob], real, observe, 10, { refineSeconds: 600 }, history, [], () => {});
 * assert.ok(Math.abs(rate.value - 2) < 0.3);
 * assert.equal(rate.status, "moment-matched");
 * ```
 */
export function refineMoments(
  config: () => Record<string, unknown>,
  knobs: MomentKnob[],
  real: { m: EmergentMoments; se: EmergentMoments },
  observe: { quoteInterval: number; timeResolution: number },
  varianceHorizon: number,
  options: RefineOptions,
  history: Record<string, unknown>[],
  warnings: string[],
  log: (line: string) => void,
): void {
  const iterations = options.refineIterations ?? 16;
  const seconds = options.refineSeconds ?? 1_800;
  // the simulations compute the optional moments only a knob here matches
  const optional = knobs.map((k) => k.moment).filter(isOptional);
  const direct = knobs.map((k) => k.estimate.value);
  const tol = (k: keyof EmergentMoments) => Math.max(0.05 * Math.abs(real.m[k]), real.se[k]);
  let converged = false;
  // every iterate's knobs: without convergence the estimate is their average over the last
  // half (Polyak–Ruppert: the noisy fixed-point iteration's iterates scatter around its
  // fixed point; the single best-looking iterate is chosen on the simulation's noise)
  const iterates: number[][] = [];
  // each iteration's miss of each moment, in tolerances (for the drift check)
  const momentMisses: number[][] = [];
  let best = { miss: Infinity, values: knobs.map((k) => k.estimate.value), iteration: 0 };
  for (let it = 1; it <= iterations; it++) {
    iterates.push(knobs.map((k) => k.estimate.value));
    const sim = simulatedMoments(
      config(),
      seconds,
      options.seed ?? 0,
      observe,
      varianceHorizon,
      optional,
    );
    const row: Record<string, unknown> = { iteration: it };
    for (const k of knobs) {
      row[k.moment] = {
        real: sig(real.m[k.moment]),
        sim: sig(sim[k.moment]),
        tolerance: sig(tol(k.moment)),
        knob: sig(k.estimate.value),
      };
    }
    history.push(row);
    log(
      `  iteration ${it}: ` +
        knobs.map((k) =>
          `${k.moment} ${sim[k.moment].toPrecision(3)} (real ${real.m[k.moment].toPrecision(3)})`
        ).join(", "),
    );
    const within = (k: keyof EmergentMoments) => Math.abs(sim[k] - real.m[k]) <= tol(k);
    const each = knobs.map((k) => Math.abs(sim[k.moment] - real.m[k.moment]) / tol(k.moment));
    const miss = Math.max(...each);
    momentMisses.push(each);
    if (miss < best.miss) {
      best = {
        miss,
        values: knobs.map((k) => k.estimate.value),
        iteration: it,
      };
    }
    if (knobs.every((k) => within(k.moment))) {
      converged = true;
      break;
    }
    if (it === iterations) break;
    for (const k of knobs) {
      if (within(k.moment) || !Number.isFinite(sim[k.moment])) continue;
      k.estimate.value = k.update(k.estimate.value, sim[k.moment], real.m[k.moment]);
    }
  }
  const drift = converged ? null : matchingDrift(momentMisses);
  if (converged) {
    knobs.forEach((k, i) => k.estimate.value = best.values[i]);
    history.push({ chosen: best.iteration, largestMissInTolerances: sig(best.miss, 3) });
  } else if (drift !== null) {
    // no fixed point within reach: the last iterates are the drift's, not a scatter around one
    knobs.forEach((k, i) => k.estimate.value = best.values[i]);
    const k = knobs[drift.moment];
    history.push({
      drifted: [sig(drift.first, 3), sig(drift.second, 3)],
      chosen: best.iteration,
      largestMissInTolerances: sig(best.miss, 3),
    });
    warnings.push(
      `moment matching drifted: the largest miss grew from ${sig(drift.first, 3)} to ${
        sig(drift.second, 3)
      } tolerances on average from the first half of its ${momentMisses.length} iterations to the ` +
        `second, the ${k.moment}'s most (a moment out of its knob's reach drags the others); ` +
        `kept iteration ${best.iteration}, the closest, instead of the last half's average ` +
        `(docs/calibration.md, "Moment matching")`,
    );
  } else {
    const from = Math.floor(iterates.length / 2);
    const tail = iterates.slice(from);
    knobs.forEach((k, i) => k.estimate.value = tail.reduce((a, v) => a + v[i], 0) / tail.length);
    history.push({
      averaged: [from + 1, iterates.length],
      bestIteration: best.iteration,
      largestMissInTolerances: sig(best.miss, 3),
    });
  }
  knobs.forEach((k, i) => {
    if (k.estimate.status === "moment-matched") return;
    k.estimate.status = "moment-matched";
    k.estimate.method =
      `${k.estimate.method}; then moment-matched by simulation to the ${k.what} (direct value ${
        sig(direct[i])
      })`;
  });
  if (!converged) {
    warnings.push(
      `moment matching: not every moment within tolerance after ${iterations} iterations (see fitQuality.momentMatching)`,
    );
  }
}

/** Options of {@linkcode matchedStandardErrors}. */
export interface MatchedErrorOptions {
  /** Market seconds simulated per evaluation (the matching's own). */
  seconds: number;
  /** Seconds of the real records the moments were measured on. */
  realSeconds: number;
  /** Seed of every simulation: common random numbers (default 0). */
  seed?: number;
  /** Relative step of the central differences (default 0.1: ±10 % of each knob's value). */
  step?: number;
  /**
   * Seeds each point of the differences is simulated on, its moments averaged (default 1: the
   * seed alone; more: `childSeed(seed, 8_000 + r)` too) — the Jacobian's own simulation noise
   * falls as 1/√replicates, which a heavy-tailed moment (the kurtosis) needs.
   */
  replicates?: number;
}

/**
 * Standard errors of the moment matching's knobs: the method of simulated moments, just
 * identified (one moment per knob; Gouriéroux & Monfort 1996), Σ = G⁻¹ Ω G⁻ᵀ — G the Jacobian
 * of the simulated moments in the knobs at their matched values, by central differences
 * (±`step` of each value, or ±`step` where it is 0; one-sided where a side's config does not
 * validate), with common random numbers; Ω the real moments' block-bootstrap variances
 * (uncorrelated) times 1 + 1/S, S the simulated over the real seconds (the simulation's own
 * noise). G is taken in elasticities (each moment over its standard error, each knob over its
 * value), so that no unit makes it ill-conditioned. Every other parameter is held at its value:
 * the errors are conditional on them. With `replicates` R ≥ 2 each point is simulated on R seeds
 * and G is their average; G is also taken on each half of the seeds, and a knob whose three
 * errors (all seeds, each half) differ by more than {@linkcode STABLE_RATIO} gets none: its
 * error would be the simulation's noise (a knob its moments barely move apart from the others).
 *
 * Writes each knob's `se` and appends how to its `method`; NaN, with the reason, where a
 * knob's moment has no standard error, G is singular (the moments do not tell the knobs
 * apart) or the error is not stable. Runs 2·K·R simulations and restores every knob's value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitted } from "./estimate.ts";
 * import { emergentMoments, type MomentKnob, matchedStandardErrors } from "./moment_matching.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const observe = { quoteInterval: 0, timeResolution: 0 };
 * // Poisson market orders: the realized rate is the knob's
 * const market = (rate: number) => ({
 *   duration: 600,
 *   flow: { arrivals: { kind: "poisson" as const, marketRate: rate } },
 * });
 * const real = emergentMoments(simulateRecords(market(2), { seconds: 600 }), 0.1);
 * const rate = fitted(2, NaN, "per second", "matched");
 * const knob: MomentKnob = {
 *   estimate: rate,
 *   moment: "orderRate",
 *   what: "rate of market orders",
 *   update: (v, sim, re) => v * re / sim,
 * };
 * matchedStandardErrors(() => market(rate.value), [knob], real, observe, 10, {
 *   seconds: 600,
 *   realSeconds: 600,
 *   seed: 1,
 * });
 * // the rate moves its moment one for one: the count's Poisson error √(2/s · 600 s) / 600 s,
 * // times √2 for the simulation's own noise (as long as the tape)
 * assert.ok(Math.abs(rate.se / (Math.sqrt(1_200) / 600 * Math.SQRT2) - 1) < 0.25, `${rate.se}`);
 * assert.equal(rate.value, 2);
 * ```
 */
export function matchedStandardErrors(
  config: () => Record<string, unknown>,
  knobs: readonly MomentKnob[],
  real: { m: EmergentMoments; se: EmergentMoments },
  observe: { quoteInterval: number; timeResolution: number },
  varianceHorizon: number,
  options: MatchedErrorOptions,
): void {
  const n = knobs.length;
  if (n === 0) return;
  const h = options.step ?? 0.1;
  const optional = knobs.map((k) => k.moment).filter(isOptional);
  const x = knobs.map((k) => k.estimate.value);
  const sd = knobs.map((k) => real.se[k.moment]);
  // the simulated moments with knob j at v (the others at their values), one row per seed;
  // null where that market does not validate
  const replicates = options.replicates ?? 1;
  if (!(Number.isInteger(replicates) && replicates >= 1)) {
    throw new ValidationError("replicates", replicates, "an integer >= 1");
  }
  const at = (j: number, v: number): number[][] | null => {
    knobs[j].estimate.value = v;
    try {
      const rows: number[][] = [];
      for (let r = 0; r < replicates; r++) {
        const seed = r === 0 ? options.seed ?? 0 : childSeed(options.seed ?? 0, 8_000 + r);
        const m = simulatedMoments(
          config(),
          options.seconds,
          seed,
          observe,
          varianceHorizon,
          optional,
        );
        rows.push(knobs.map((k) => m[k.moment]));
      }
      return rows;
    } catch (e) {
      if (e instanceof ValidationError) return null;
      throw e;
    } finally {
      knobs[j].estimate.value = x[j];
    }
  };
  // a moment without a standard error gives its knob none: said before any simulation
  const bad = sd.findIndex((v) => !(v > 0) || !Number.isFinite(v));
  let reason = bad >= 0 ? `the ${knobs[bad].moment} has no standard error` : "";
  // G in elasticities: ∂(m_i / sd_i) / ∂ln θ_j (∂θ_j itself where θ_j is 0), from the seeds
  // in [r0, r1): all of them, and each half of them to judge the errors' stability
  const scale = x.map((v) => v !== 0 ? Math.abs(v) : 1);
  const halves = replicates >= 2;
  const cut = replicates >> 1;
  const spans: [number, number][] = halves
    ? [[0, replicates], [0, cut], [cut, replicates]]
    : [[0, replicates]];
  const gs = spans.map(() => new Float64Array(n * n));
  const mean = (rows: number[][], i: number, r0: number, r1: number) => {
    let t = 0;
    for (let r = r0; r < r1; r++) t += rows[r][i];
    return t / (r1 - r0);
  };
  for (let j = 0; j < n && reason === ""; j++) {
    const d = h * scale[j];
    const up = at(j, x[j] + d), dn = at(j, x[j] - d);
    // one-sided where a side does not validate
    const mid = up === null || dn === null ? at(j, x[j]) : null;
    const hi = up ?? mid, lo = dn ?? mid;
    const width = (up === null ? 0 : d) + (dn === null ? 0 : d);
    if (hi === null || lo === null || width === 0) {
      reason = `no valid market on either side of ${knobs[j].moment}'s knob`;
      break;
    }
    spans.forEach(([r0, r1], q) => {
      for (let i = 0; i < n; i++) {
        gs[q][i * n + j] = (mean(hi, i, r0, r1) - mean(lo, i, r0, r1)) / width * scale[j] / sd[i];
      }
    });
  }
  const inflate = 1 + options.realSeconds / options.seconds;
  // Σ̃ = G⁻¹ (1 + 1/S) G⁻ᵀ in elasticities, back to the knobs' units (NaN: G not invertible)
  const errorsOf = (g: Float64Array): number[] => {
    const inv = g.every(Number.isFinite) ? invertMatrix(g, n) : null;
    return knobs.map((_, j) => {
      if (inv === null) return NaN;
      let v = 0;
      for (let a = 0; a < n; a++) v += inv[j * n + a] ** 2;
      return scale[j] * Math.sqrt(v * inflate);
    });
  };
  const se = reason === "" ? errorsOf(gs[0]) : knobs.map(() => NaN);
  if (reason === "" && se.some((v) => !Number.isFinite(v))) {
    reason = "the moments' Jacobian is singular: the moments do not tell the knobs apart";
  }
  const [seA, seB] = halves && reason === "" ? [errorsOf(gs[1]), errorsOf(gs[2])] : [[], []];
  const how =
    `standard error by the method of simulated moments: G⁻¹ΩG⁻ᵀ, G the ${n} matched moments' Jacobian in the knobs (central differences ±${
      sig(100 * h)
    } %, common random numbers${
      replicates > 1 ? `, each point averaged over ${replicates} seeds` : ""
    }), Ω their block-bootstrap variances × (1 + 1/S), S = ${
      sig(options.seconds / options.realSeconds, 3)
    } (the other parameters held)`;
  knobs.forEach((k, j) => {
    if (reason !== "") {
      k.estimate.se = NaN;
      k.estimate.method += `; no standard error: ${reason}`;
      return;
    }
    // the Jacobians of all the seeds and of each half of them give errors within a factor
    // STABLE_RATIO of one another, or the simulation's noise decides it and none is given
    // (averaging two noisy Jacobians of an ill-conditioned G can move the error outside both)
    if (halves) {
      const a = seA[j], b = seB[j], c = se[j];
      const stable = Number.isFinite(a) && Number.isFinite(b) &&
        Math.max(a, b, c) <= STABLE_RATIO * Math.min(a, b, c);
      if (!stable) {
        k.estimate.se = NaN;
        k.estimate.method += `; ${NOT_STABLE} — ${how}, gives ${
          sig(se[j], 3)
        }, but the Jacobians of the two halves of its seeds give ${sig(a, 3)} and ${
          sig(b, 3)
        }: the matched moments barely move with this knob apart from the other knobs, and the simulation's noise decides its error`;
        return;
      }
    }
    k.estimate.se = sig(se[j], 3);
    k.estimate.method += `; ${how}${
      halves ? ` (the two halves of its seeds: ${sig(seA[j], 3)} and ${sig(seB[j], 3)})` : ""
    }`;
  });
}

/**
 * Largest ratio between the standard errors that the Jacobians of all the seeds and of each
 * half of them give for a knob whose error {@linkcode matchedStandardErrors} reports (beyond
 * it: none, "not stable").
 */
export const STABLE_RATIO = 2;

/**
 * What the method of a knob whose standard error is not stable says
 * ({@linkcode matchedStandardErrors}); {@linkcode errorNotStable} finds it.
 */
export const NOT_STABLE = "no standard error: not stable";

/**
 * Whether {@linkcode matchedStandardErrors} gave `e` no standard error because its error was
 * not stable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorNotStable, NOT_STABLE } from "./moment_matching.ts";
 * const e = { value: 1, se: NaN, unit: "", method: `matched; ${NOT_STABLE} — …`, status: "moment-matched" as const };
 * assert.ok(errorNotStable(e));
 * assert.ok(!errorNotStable({ ...e, method: "matched; standard error by …", se: 0.1 }));
 * ```
 */
export function errorNotStable(e: Estimate): boolean {
  return Number.isNaN(e.se) && e.method.includes(NOT_STABLE);
}

/** Fewest iterations of a moment matching whose drift {@linkcode matchingDrift} judges. */
export const DRIFT_MIN_ITERATIONS = 8;

/**
 * Whether a moment matching that did not converge drifted: its largest miss (in tolerances;
 * `momentMisses` holds each iteration's misses by knob) larger on average over the second half
 * of its iterations than over the first, in a run of at least {@linkcode DRIFT_MIN_ITERATIONS}. A noisy fixed-point
 * iteration that converges slowly scatters around its fixed point with a miss that shrinks or
 * stays; one that drifts has no fixed point within reach — a moment its knob cannot reach
 * keeps pushing the knob, and through it the other moments, away (docs/calibration.md, "Moment
 * matching"). Returns null when it did not drift, else the two halves' mean largest miss and
 * the index of the moment (in `momentMisses`' rows) whose own mean miss grew most.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchingDrift } from "./moment_matching.ts";
 * // slow convergence: no drift
 * const down = [9, 6, 8, 6, 7, 5, 4, 3, 3, 2].map((m) => [m, 1]);
 * assert.equal(matchingDrift(down), null);
 * // the first moment fine, the second pulled away
 * const away = [10, 9, 9, 8, 11, 12, 13, 15].map((m) => [1, m]);
 * assert.deepEqual(matchingDrift(away), { first: 9, second: 12.75, moment: 1 });
 * assert.equal(matchingDrift([[1], [2], [3], [4]]), null); // too short to judge
 * ```
 */
export function matchingDrift(
  momentMisses: readonly (readonly number[])[],
): { first: number; second: number; moment: number } | null {
  const misses = momentMisses.map((r) => Math.max(...r));
  const n = misses.length;
  if (n < DRIFT_MIN_ITERATIONS) return null;
  const h = Math.floor(n / 2);
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(misses.slice(0, h));
  const second = mean(misses.slice(h));
  if (!(second > first)) return null;
  let moment = 0, growth = -Infinity;
  for (let k = 0; k < (momentMisses[0]?.length ?? 0); k++) {
    const g = mean(momentMisses.slice(h).map((r) => r[k])) -
      mean(momentMisses.slice(0, h).map((r) => r[k]));
    if (g > growth) {
      growth = g;
      moment = k;
    }
  }
  return { first, second, moment };
}

/**
 * The knobs of the moment matching for this market (see docs/calibration.md); `thinned`: the
 * market-order arrivals are thinned by the spread-dependent intensity (`--spread-intensity`);
 * `maxTimeScale`: the regimes' time scale's largest value (where it is a knob: the scale at
 * which the fastest regime lasts one second, the returns' grid).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitted } from "./estimate.ts";
 * import { emergentMoments, momentKnobs } from "./moment_matching.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const real = emergentMoments(simulateRecords({ duration: 300 }, { seconds: 300 }), 0.1).m;
 * const est = Object.fromEntries(
 *   ["volatility", "flow.cancellation.rate", "flow.fundamental.newsRate",
 *     "flow.arrivals.marketRate", "flow.reaction.reprice", "flow.reaction.latency"]
 *     .map((k) => [k, fitted(1, NaN, "", "")]),
 * );
 * const knobs = momentKnobs(est, { ...real, meanSpread: 1 }, true, 0.5);
 * assert.deepEqual(
 *   knobs.map((k) => k.moment),
 *   ["variance", "depthInOrders", "kurtosis1s", "orderRate", "wideShare"],
 * );
 * ```
 */
export function momentKnobs(
  est: Record<string, Estimate>,
  real: EmergentMoments,
  follows: boolean,
  branching: number,
  thinned = false,
  maxTimeScale = 1_000,
): MomentKnob[] {
  const mu0 = est["flow.arrivals.marketRate"].value; // the fitted baseline
  const pow = (v: number, ratio: number, e: number, lo: number, hi: number) =>
    Math.min(hi, Math.max(lo, v * Math.pow(ratio, e)));
  const knobs: MomentKnob[] = [
    {
      estimate: est["volatility"],
      moment: "variance",
      what:
        "realized variance of the mid (at the longest horizon with 100 returns: 10, 30 or 60 s)",
      update: (v, sim, re) => pow(v, re / sim, 0.5, 1e-6, 10),
    },
    {
      estimate: est["flow.cancellation.rate"],
      moment: "depthInOrders",
      what: "depth at the touch in mean market orders",
      update: (v, sim, re) => pow(v, sim / re, 0.8, 1e-4, 1_000),
    },
    {
      estimate: est["flow.fundamental.newsRate"],
      moment: "kurtosis1s",
      what: "kurtosis of 1-s mid returns",
      update: (v, sim, re) => sim > 3 && re > 3 ? pow(v, (sim - 3) / (re - 3), 0.8, 0.01, 1e4) : v,
    },
  ];
  knobs.push({
    estimate: est["flow.arrivals.marketRate"],
    moment: "orderRate",
    what:
      "rate of market orders (informed arrivals that abstain do not trade; the market orders' self-excitation is scaled with the baseline, see docs/calibration.md)",
    // with self-excitation n scaled with the baseline (scaleMarketArrivals): at scale k = v/μ0
    // the realised rate is r = (1 − q)kμ0 / (1 − (1 − q)kn), so the realised share is
    // 1 − q = r / (k(μ0 + r·n)) and the scale that gives back the fitted process is 1/(1 − q);
    // without excitation, the ratio of the rates
    update: (v, sim, re) => orderRateStep(v, sim, re, mu0, branching, thinned),
  });
  if (real.meanSpread >= 1.5) {
    knobs.push({
      estimate: est["flow.reaction.follow"],
      moment: "returnAutocorrelation",
      what: "autocorrelation of 1-s mid returns at lag 1",
      update: (v, sim, re) => Math.min(1_000, Math.max(0, v + 20 * (re - sim))),
    });
    knobs.push({
      estimate: est["flow.placement.edgeSpread"],
      moment: "spreadSd",
      what: "standard deviation of the spread",
      update: (v, sim, re) => Math.min(1, Math.max(0, v + 0.5 * (re - sim) / re)),
    });
    knobs.push({
      estimate: est["flow.placement.minEdge"],
      moment: "meanSpread",
      what: "mean spread",
      update: (v, sim, re) => Math.min(1_000, Math.max(0, v + (re - sim))),
    });
    // the regimes' time scale (asked for): every transition rate × s, matched to how fast the
    // volatility clustering decays (the 60-s bins of the regime fit cannot see regimes that
    // last seconds)
    const scale = est["regimes.timeScale"];
    if (scale !== undefined) {
      knobs.push({
        estimate: scale,
        moment: "clusteringDecay",
        what:
          "autocorrelation of |1-s returns| at 10 s over 1 s (regimes.timeScale: every regime transition rate times it)",
        update: (v, sim, re) =>
          sim > 0 && re > 0
            ? Math.min(maxTimeScale, Math.max(0.1, v * Math.pow(sim / re, 1.5)))
            : v,
      });
    }
    // the activity-dependent placement (asked for): its exponent η moves the spread the market
    // orders meet relative to the spread's time average (η = 0: the same spread whatever the
    // flow; on the shipped AMZN market the ratio falls from 1.16 at η = 0 to 0.77 at 0.5 and
    // stays there: docs/calibration.md, "Activity-dependent placement")
    const eta = est["flow.placement.activityExponent"];
    if (eta !== undefined) {
      knobs.push({
        estimate: eta,
        moment: "spreadAtOrders",
        what:
          "mean spread just before the market orders over the time-weighted mean spread (placement.activityExponent)",
        update: (v, sim, re) => Math.min(4, Math.max(0, v + 1.5 * (sim - re))),
      });
    }
    // the limit orders' response to market orders (asked for): a factor on their excitation
    // by market orders, the mean limit rate kept (scaleLimitResponse); a stronger response
    // refills the book within a burst, so the orders meet a narrower spread (on the shipped
    // AMZN market the ratio falls from 1.20 at 1 to 1.11 at 2 and 0.95 at 4: docs/calibration.md,
    // "Stop 58"), a step in log k per unit of the ratio
    const response = est["flow.arrivals.limitResponse"];
    if (response !== undefined) {
      knobs.push({
        estimate: response,
        moment: "spreadAtOrders",
        what:
          "mean spread just before the market orders over the time-weighted mean spread (the limit orders' response to market orders, arrivals.alpha[1][0])",
        update: (v, sim, re) => Math.min(20, Math.max(0.1, v * Math.exp(2.5 * (sim - re)))),
      });
    }
  } else if (follows) {
    // how completely liquidity follows the price: the share of stale quotes re-posted rather
    // than cancelled, then (once all are) how fast
    // the share of time off one tick, not the mean spread: a one-tick market's mean is set by
    // rare wide books (the price's jumps) the reaction does not control, its share of two-tick
    // books by how soon stale quotes are re-posted
    const latency = est["flow.reaction.latency"];
    knobs.push({
      estimate: est["flow.reaction.reprice"],
      moment: "wideShare",
      what:
        "share of time the spread is two ticks or more (the share of stale quotes re-posted rather than cancelled, then the reaction latency)",
      update: (v, sim, re) => {
        const rel = (sim - re) / Math.max(re, 1e-4);
        const next = Math.min(1, Math.max(0, v + 0.25 * rel));
        if (v >= 0.999 && sim > re) {
          latency.value = pow(
            latency.value,
            Math.max(1e-4, re) / Math.max(1e-4, sim),
            0.8,
            0.01,
            10_000,
          );
          latency.status = "moment-matched";
          latency.method =
            "moment-matched by simulation to the share of time the spread is two ticks or more, once every stale quote is re-posted";
        }
        return next;
      },
    });
  }
  // the touch's deletions, where they are a knob (asked for): each one that empties the best
  // level moves the mid until the book refills it, which the mid sampled every 0.1 s sees and
  // the mid sampled every 10 s does not (on an AMZN market the ratio of the two realized
  // variances falls from 1.44–1.50 at the tape's count to 0.73–0.89 at half of it, the
  // tape's 0.86: docs/calibration.md, "Stop 48")
  const deletions = est["flow.touch.deletionScale"];
  if (deletions !== undefined) {
    knobs.push({
      estimate: deletions,
      moment: "noiseRatio",
      what:
        "realized variance of the mid sampled every 0.1 s over that sampled every 10 s (flow.touch.deletionScale: every deletion rate at the touch times it)",
      update: (v, sim, re) => sim > 0 && re > 0 ? pow(v, re / sim, 1, 0.01, 4) : v,
    });
  }
  return knobs;
}
