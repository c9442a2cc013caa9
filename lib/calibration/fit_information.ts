/**
 * Fit of the information side of the book tier — how much of the price's variance the fast
 * traders know before the liquidity providers, how fast liquidity catches up, how fast the
 * snipers race to the stale quotes — by the **method of simulated moments** (McFadden 1989;
 * Gouriéroux & Monfort 1996): the moments are the two curves that information shapes, the
 * markout of passive fills at the touch (its change from 0.1 s to 1 … 30 s) and the price
 * response to a market order (1 … 100 orders), with the kurtosis of 1-s returns (the size of the news jumps), the
 * share of gaps between market orders shorter than 1, 3.2 and 10 ms (the snipers' orders
 * come at their race's rate, not in the market orders' clusters; on a coarse clock only those
 * above one tick, see {@linkcode informationMoments}) and the correlation of the lots traded
 * in a second with the mid's absolute move over it (the volume/volatility correlation: how
 * much of the variance comes with trades, the impact and the snipers, and how much with
 * news that moves the quotes without a trade), measured
 * on the tape exactly as the realism report measures them (`facts.ts`) and on simulations of
 * the candidate market.
 *
 * Estimator: p̂ = argmin Q(p) = Σᵢ ((m̂ᵢ(p) − mᵢ) / seᵢ)², a diagonal weighting W by the real
 * moments' block-bootstrap variances, m̂(p) simulated with common random numbers (one seed,
 * so Q is a deterministic function of p), minimized by a compass search in the logarithms of
 * the parameters within their bounds; a move is taken only when it lowers Q by more than Q's
 * own simulation noise (its standard deviation over five seeds at the start: a discontinuous
 * simulation makes common random numbers diverge, so a smaller decrease is as likely noise).
 * Opt-in (`paired`): a move that lowers Q on that seed is taken when it also does on the four
 * others by a paired test ({@linkcode pairedDecrease}: the mean of the five decreases at least
 * twice its standard error) — much of a seed's noise is common to two nearby points, so the
 * paired decreases see an effect far smaller than Q's noise at one point.
 * Standard errors: the sandwich of a weighted MSM,
 * V = (1 + 1/S)·(G′WG)⁻¹ G′WΩWG (G′WG)⁻¹, G = ∂m̂/∂p by central differences at p̂, Ω the
 * block-bootstrap covariance of the real moments and S the simulated / real length ratio.
 * A parameter whose standard error is at least its value (the moments barely move with it)
 * is reported as not identified.
 *
 * @module
 */
import type { EnvConfigInput } from "../env/config.ts";
import { ValidationError } from "../errors.ts";
import { Rng } from "../rng/rng.ts";
import { type Estimate, fitted, sig } from "./estimate.ts";
import { blockStatistics, defaultFacts, makeBlocks, sumBlocks } from "./facts.ts";
import { type MarketRecord, recordSeconds } from "./record.ts";
import { invertMatrix } from "./optimize.ts";
import { simulateRecords } from "./simulate.ts";
import { childSeed } from "../rng/streams.ts";
import { pairedTTest } from "../analytics/paired.ts";

/**
 * Horizons (s) of the markout used as moments: its change from the first horizon to each of
 * the others. The level itself is left out: at 0.1 s a passive fill's markout is about half
 * the spread the market order met, which the order timing and the placement set and the
 * information's parameters cannot move (AMZN: the simulated level 6.8 ticks against the tape's
 * 1.7, z = 25, the fit's largest term, pushed the impact share to its bound); what information
 * shapes is how much of that the price then takes back.
 */
export const MARKOUT_MOMENTS: readonly number[] = [0.1, 1, 5, 10, 30];
/** Lags (orders) of the price response used as moments. */
export const RESPONSE_MOMENTS: readonly number[] = [1, 5, 20, 100];
/**
 * Times (s) at which the distribution of the gaps between market orders is used as moments
 * (the share of gaps shorter): the snipers race at a constant rate beside the market orders'
 * clustered arrivals, and how many of the gaps are theirs shows in this distribution.
 */
export const GAP_MOMENTS: readonly number[] = [0.001, 0.0031622776601683794, 0.01];

/**
 * The {@linkcode GAP_MOMENTS} a tape on a clock of `clock` s (0: exact) can inform: those
 * above one tick (see {@linkcode informationMoments}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gapMomentsAbove } from "./fit_information.ts";
 * assert.equal(gapMomentsAbove(0).length, 3);
 * assert.equal(gapMomentsAbove(0.001)[0], 0.0031622776601683794); // the 1-ms share left out
 * ```
 */
export function gapMomentsAbove(clock: number): number[] {
  return GAP_MOMENTS.filter((h) => h > clock * (1 + 1e-9));
}
/**
 * Lags (s) of the autocorrelation of |1-s returns| used as moments when asked
 * (`clusteringLags`): how much of the price's variance follows the clustered trades.
 */
export const CLUSTERING_MOMENTS: readonly number[] = [1, 2, 5, 10];

/**
 * Quantiles of the tape's order sizes near which the share of smaller orders is a moment when
 * asked (`sizeCuts`, {@linkcode sizeCutsOf}): the snipers' `share` sizes are fitted on them with
 * the information moments (`fit_share_sizes.ts`), as they shape the order-size distribution as
 * well as the markout.
 */
export const SIZE_QUANTILES: readonly number[] = [0.1, 0.25, 0.5, 0.75, 0.9];

/**
 * The order-size cuts (lots, left edges of the realism report's `orderSize` bins) at which the
 * cumulative share of `records`' market orders is nearest each of {@linkcode SIZE_QUANTILES}
 * among those with orders on both sides (distinct, ascending; none for a tape without orders):
 * the size moments of {@linkcode informationMoments}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulateRecords } from "./simulate.ts";
 * import { sizeCutsOf } from "./fit_information.ts";
 * const recs = simulateRecords({ duration: 300 }, { seconds: 600, seed: 1 });
 * const cuts = sizeCutsOf(recs);
 * assert.ok(cuts.length >= 1 && cuts.length <= 5);
 * assert.ok(cuts.every((c, i) => i === 0 || c > cuts[i - 1]));
 * ```
 */
export function sizeCutsOf(records: readonly MarketRecord[]): number[] {
  const os = defaultFacts({ grid: 0.1 }).find((f) => f.name === "orderSize")!;
  const acc = new Float64Array(os.size);
  for (const r of records) {
    const b = makeBlocks(r.segments, Math.max(1, recordSeconds(r)));
    const all = Int32Array.from({ length: b.start.length }, (_, i) => i);
    const v = sumBlocks(blockStatistics(os, r, b), os.size, all);
    for (let i = 0; i < os.size; i++) acc[i] += v[i];
  }
  const h = os.value(acc);
  const cum = new Float64Array(h.length);
  let c = 0;
  for (let i = 0; i < h.length; i++) cum[i] = c += h[i];
  const cuts = new Set<number>();
  for (const q of SIZE_QUANTILES) {
    // the edges with orders on both sides (a share of 0 or 1 says nothing)
    let best = -1;
    for (let i = 0; i + 1 < cum.length; i++) {
      if (!(cum[i] > 0 && cum[i] < 1 - 1e-12)) continue;
      if (best < 0 || Math.abs(cum[i] - q) < Math.abs(cum[best] - q)) best = i;
    }
    if (best >= 0) cuts.add(os.x[best + 1]);
  }
  return [...cuts].sort((a, b) => a - b);
}

/** The information moments of a market and their sampling covariance. */
export interface InformationMoments {
  /** Moment names (`markout@1s`, `response@100`, …, `kurtosis1s`). */
  names: string[];
  /** The moments (ticks). */
  value: Float64Array;
  /** Their block-bootstrap covariance, row-major k × k (zero when `resamples` is 0). */
  cov: Float64Array;
  /** Their block-bootstrap standard errors. */
  se: Float64Array;
  /** Seconds of data. */
  seconds: number;
}

/**
 * The markout's change from the first of {@linkcode MARKOUT_MOMENTS} to the others, the price
 * response at {@linkcode RESPONSE_MOMENTS}, the 1-s kurtosis, the share of gaps between market orders
 * shorter than each of {@linkcode GAP_MOMENTS} and the 1-s volume/volatility correlation (the last
 * moment, `volumeVolatility@1s`) of `records` observed on the book resolution `grid` (s), with
 * their covariance from `resamples` block-bootstrap replicates (blocks of the realism
 * report's length: a twentieth of the data, 10 to 600 s). On a clock of `clock` s (the
 * tapes' `timeResolution`), the gap moments at or below one tick are left out: there a gap
 * below the tick is two opposite orders within one tick (one side's are one order), which
 * says how the tape's fastest bursts are signed, not how fast the snipers race — and the
 * model, whose signs ignore the timing, cannot be fitted to it (`fit_clock.ts`). With
 * `clusteringLags` (s), the |1-s return| autocorrelation at those lags follows the gap moments;
 * with `sizeCuts` (lots, left edges of the `orderSize` bins, {@linkcode sizeCutsOf}), the share
 * of market orders below each cut (`sizes<…`) follows them, before the last moment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulateRecords } from "./simulate.ts";
 * import { informationMoments } from "./fit_information.ts";
 * const recs = simulateRecords({ duration: 300 }, { seconds: 600, seed: 1 });
 * const m = informationMoments(recs, 0.1, 50);
 * assert.equal(m.names.length, 13);
 * assert.equal(m.names[1], "markout@5s−@0.1s");
 * assert.equal(m.names[12], "volumeVolatility@1s");
 * assert.ok(m.se.every((s) => s >= 0));
 * ```
 */
export function informationMoments(
  records: readonly MarketRecord[],
  grid: number,
  resamples = 200,
  clusteringLags: readonly number[] = [],
  clock = 0,
  sizeCuts: readonly number[] = [],
): InformationMoments {
  const gapMoments = gapMomentsAbove(clock);
  const facts = defaultFacts({ grid });
  const ab = facts.find((f) => f.name === "absReturnAutocorrelation")!;
  const mk = facts.find((f) => f.name === "markout")!;
  const rp = facts.find((f) => f.name === "priceResponse")!;
  const ku = facts.find((f) => f.name === "kurtosis1s")!;
  const ia = facts.find((f) => f.name === "interArrival")!;
  const vv = facts.find((f) => f.name === "volumeVolatility")!;
  const os = facts.find((f) => f.name === "orderSize")!;
  const seconds = records.reduce((s, r) => s + recordSeconds(r), 0);
  const blockSeconds = Math.min(600, Math.max(10, seconds / 20));
  const rowsM: Float64Array[] = [];
  const rowsR: Float64Array[] = [];
  const rowsK: Float64Array[] = [];
  const rowsG: Float64Array[] = [];
  const rowsA: Float64Array[] = [];
  const rowsV: Float64Array[] = [];
  const rowsS: Float64Array[] = [];
  for (const r of records) {
    const b = makeBlocks(r.segments, blockSeconds);
    const sm = blockStatistics(mk, r, b);
    const sr = blockStatistics(rp, r, b);
    const sk = blockStatistics(ku, r, b);
    const sg = blockStatistics(ia, r, b);
    const sv = blockStatistics(vv, r, b);
    const sa = clusteringLags.length > 0 ? blockStatistics(ab, r, b) : null;
    const ss = sizeCuts.length > 0 ? blockStatistics(os, r, b) : null;
    for (let k = 0; k < b.start.length; k++) {
      if (sa !== null) rowsA.push(sa.subarray(k * ab.size, (k + 1) * ab.size));
      if (ss !== null) rowsS.push(ss.subarray(k * os.size, (k + 1) * os.size));
      rowsM.push(sm.subarray(k * mk.size, (k + 1) * mk.size));
      rowsR.push(sr.subarray(k * rp.size, (k + 1) * rp.size));
      rowsK.push(sk.subarray(k * ku.size, (k + 1) * ku.size));
      rowsG.push(sg.subarray(k * ia.size, (k + 1) * ia.size));
      rowsV.push(sv.subarray(k * vv.size, (k + 1) * vv.size));
    }
  }
  const flat = (rows: Float64Array[], size: number) => {
    const out = new Float64Array(rows.length * size);
    rows.forEach((row, k) => out.set(row, k * size));
    return out;
  };
  const statsM = flat(rowsM, mk.size);
  const statsR = flat(rowsR, rp.size);
  const statsK = flat(rowsK, ku.size);
  const statsG = flat(rowsG, ia.size);
  const statsA = flat(rowsA, ab.size);
  const statsV = flat(rowsV, vv.size);
  const statsS = flat(rowsS, os.size);
  // the share of orders below sizeCuts[i]: the bins left of that edge
  const iS = sizeCuts.map((c) => {
    const i = os.x.findIndex((e) => Math.abs(e - c) <= 1e-9 * c);
    if (i < 1) throw new ValidationError("sizeCuts", c, "a left edge of the orderSize bins > 0");
    return i;
  });
  const iA = clusteringLags.map((l) => {
    const i = ab.x.indexOf(l);
    if (i < 0) throw new ValidationError("clusteringLags", l, `one of ${ab.x.join(", ")} s`);
    return i;
  });
  // the share of gaps below GAP_MOMENTS[i]: the bins left of that edge
  const iG = gapMoments.map((h) => ia.x.findIndex((e) => Math.abs(e - h) <= 1e-9 * h));
  const iM = MARKOUT_MOMENTS.map((h) => mk.x.indexOf(h));
  const iR = RESPONSE_MOMENTS.map((l) => rp.x.indexOf(l));
  const names = [
    ...MARKOUT_MOMENTS.slice(1).map((h) => `markout@${h}s−@${MARKOUT_MOMENTS[0]}s`),
    ...RESPONSE_MOMENTS.map((l) => `response@${l}`),
    "kurtosis1s",
    ...gapMoments.map((h) => `gaps<${sig(h * 1000, 2)}ms`),
    ...clusteringLags.map((l) => `absReturn@${l}s`),
    ...sizeCuts.map((c) => `sizes<${sig(c, 3)}`),
    "volumeVolatility@1s",
  ];
  const k = names.length;
  const measure = (pick: Int32Array) => {
    const vm = mk.value(sumBlocks(statsM, mk.size, pick));
    const vr = rp.value(sumBlocks(statsR, rp.size, pick));
    const vk = ku.value(sumBlocks(statsK, ku.size, pick));
    const vg = ia.value(sumBlocks(statsG, ia.size, pick));
    const va = iA.length > 0 ? ab.value(sumBlocks(statsA, ab.size, pick)) : null;
    const vs = iS.length > 0 ? os.value(sumBlocks(statsS, os.size, pick)) : null;
    const below = (j: number, v: Float64Array) => {
      let c = 0;
      for (let b = 0; b < j; b++) c += v[b];
      return c;
    };
    return Float64Array.from([
      ...iM.slice(1).map((i) => vm[i] - vm[iM[0]]),
      ...iR.map((i) => vr[i]),
      vk[0],
      ...iG.map((j) => below(j, vg)),
      ...iA.map((i) => va![i]),
      ...iS.map((i) => below(i, vs!)),
      vv.value(sumBlocks(statsV, vv.size, pick))[0],
    ]);
  };
  const n = rowsM.length;
  const value = measure(Int32Array.from({ length: n }, (_, i) => i));
  const cov = new Float64Array(k * k);
  const rng = new Rng("information-moments");
  const pick = new Int32Array(n);
  const reps: Float64Array[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) pick[i] = rng.int(n);
    const v = measure(pick);
    if (v.every(Number.isFinite)) reps.push(v);
  }
  if (reps.length > 1) {
    const mean = new Float64Array(k);
    for (const v of reps) for (let i = 0; i < k; i++) mean[i] += v[i] / reps.length;
    for (const v of reps) {
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          cov[i * k + j] += (v[i] - mean[i]) * (v[j] - mean[j]) / (reps.length - 1);
        }
      }
    }
  }
  const se = Float64Array.from({ length: k }, (_, i) => Math.sqrt(cov[i * k + i]));
  return { names, value, cov, se, seconds };
}

/**
 * The simulated-moments objective Q = Σᵢ ((simᵢ − realᵢ) / seᵢ)² of `simulated` against
 * `real` (a moment with no standard error weighs nothing; a simulated moment that is not
 * finite adds 10¹²).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { momentObjective } from "./fit_information.ts";
 * const real = { value: new Float64Array([1, 2]), se: new Float64Array([0.5, 1]) };
 * assert.equal(momentObjective(new Float64Array([2, 2]), real), 4);
 * assert.equal(momentObjective(new Float64Array([1, NaN]), real), 1e12);
 * ```
 */
export function momentObjective(
  simulated: ArrayLike<number>,
  real: { value: ArrayLike<number>; se: ArrayLike<number> },
): number {
  let s = 0;
  for (let i = 0; i < real.value.length; i++) {
    const e = simulated[i] - real.value[i];
    const se = real.se[i];
    s += Number.isFinite(e) ? e * e * (se > 0 ? 1 / (se * se) : 0) : 1e12;
  }
  return s;
}

/** One parameter of a simulated-moments fit. */
export interface MsmParameter {
  /** Its name (a config path). */
  name: string;
  /** Starting value (> 0). */
  start: number;
  /** Bounds (> 0). */
  lo: number;
  /** Upper bound. */
  hi: number;
}

/** Options of {@linkcode fitSimulatedMoments}. */
export interface MsmOptions {
  /** Largest number of simulations of the search (default 40). */
  maxSimulations?: number;
  /** First step of the compass search, in log units (default ln 2). */
  step?: number;
  /** Smallest step before it stops (default ln 1.15). */
  minStep?: number;
  /** Simulated / real length ratio S of the standard errors' (1 + 1/S) (default 1). */
  simulationRatio?: number;
  /** Relative step of the finite differences of G (default 0.1). */
  jacobianStep?: number;
  /**
   * Replicate seeds R (`simulate(values, r)`, r = 1 … R; default 0: none, every decrease
   * of Q on the main seed is a move). With R ≥ 2 they measure the objective's own noise
   * sd(Q), its standard deviation at the start over the R + 1 seeds, and a move needs a
   * decrease of Q larger than sd(Q) (or, with `paired`, passes the paired test).
   */
  noiseReplicates?: number;
  /**
   * With R ≥ 2 replicate seeds: a candidate that lowers Q on the main seed is also simulated
   * on the R others and taken when the R + 1 paired decreases pass {@linkcode pairedDecrease}
   * (default false: a decrease larger than sd(Q), the objective's noise at one point).
   */
  paired?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** The result of {@linkcode fitSimulatedMoments}. */
export interface MsmResult {
  /** Estimates, in the order of the parameters. */
  values: number[];
  /** Sandwich standard errors (Infinity for a parameter the moments do not move, NaN where G′WG is singular). */
  se: number[];
  /** True where the standard error is below the value. */
  identified: boolean[];
  /** Q(p̂) = Σ ((sim − real) / se)². */
  objective: number;
  /** Q at the start. */
  startObjective: number;
  /** Simulated moments at p̂. */
  simulated: Float64Array;
  /** Simulations run (search, noise replicates and Jacobian). */
  simulations: number;
  /** The objective's simulation noise sd(Q) at the start (0 without `noiseReplicates`). */
  objectiveNoise: number;
}

/** One-sided t statistic a move's paired decreases of Q must exceed ({@linkcode pairedDecrease}). */
export const PAIRED_T = 2;

/**
 * Whether paired decreases of the objective, dᵣ = Q(x) − Q(y) on seed r (the same seeds for
 * both points), show a real decrease: their mean is positive and at least
 * {@linkcode PAIRED_T} standard errors (sd/√n). A simulation's noise moves Q at a point by more
 * than a parameter's effect does, but much of it is common to two nearby points run on the
 * same seed, and the differences' spread measures the rest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairedDecrease } from "./fit_information.ts";
 * assert.equal(pairedDecrease([3, 11, 6, 12, 8]), true); // a small decrease on every seed
 * assert.equal(pairedDecrease([9, -8, 4, -6, 2]), false); // one seed's luck
 * assert.equal(pairedDecrease([0.5, 0.5]), true); // no noise at all
 * ```
 */
export function pairedDecrease(d: readonly number[]): boolean {
  return d.length === 1 ? d[0] > 0 : pairedTTest(d).t >= PAIRED_T;
}

/**
 * The simulated-moments fit of `params` (see the module doc): `simulate(values)` returns the
 * simulated moments of a market with those values (in the order of `real.names`; it should
 * use one seed for every call), `real` the tape's moments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitSimulatedMoments } from "./fit_information.ts";
 * // a market whose moments are (2a, a + b, 3b): the truth is a = 1, b = 2
 * const real = {
 *   names: ["x", "y", "z"],
 *   value: Float64Array.from([2, 3, 6]),
 *   se: Float64Array.from([0.1, 0.1, 0.1]),
 *   cov: Float64Array.from([0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01]),
 *   seconds: 100,
 * };
 * const fit = fitSimulatedMoments(
 *   [{ name: "a", start: 3, lo: 0.01, hi: 100 }, { name: "b", start: 0.5, lo: 0.01, hi: 100 }],
 *   ([a, b]) => Float64Array.from([2 * a, a + b, 3 * b]),
 *   real,
 *   { maxSimulations: 200, minStep: 1e-4, simulationRatio: Infinity },
 * );
 * assert.ok(Math.abs(fit.values[0] - 1) < 1e-3 && Math.abs(fit.values[1] - 2) < 1e-3);
 * // linear moments: the sandwich is the GLS variance (G′WG)⁻¹ with W = Ω⁻¹
 * assert.ok(Math.abs(fit.se[0] - Math.sqrt(0.01 * 10 / 49)) < 1e-3);
 * ```
 */
export function fitSimulatedMoments(
  params: readonly MsmParameter[],
  simulate: (values: number[], replicate?: number) => Float64Array,
  real: InformationMoments,
  options: MsmOptions = {},
): MsmResult {
  const k = real.value.length;
  const d = params.length;
  const log = options.log ?? (() => {});
  const w = Float64Array.from(real.se, (s) => (s > 0 ? 1 / (s * s) : 0));
  let sims = 0;
  const q = (m: Float64Array) => momentObjective(m, real);
  const clamp = (x: number, p: MsmParameter) => Math.min(p.hi, Math.max(p.lo, x));
  let x = params.map((p) => clamp(p.start, p));
  let mx = simulate(x);
  sims++;
  let qx = q(mx);
  const q0 = qx;
  // the objective's own noise: Q at the start on R other seeds
  const replicates = options.noiseReplicates ?? 0;
  const paired = options.paired === true;
  let noise = 0, extra = 0;
  /** Q of the current point on the replicate seeds 1 … R (the paired test's reference). */
  let qxr: number[] = [];
  if (replicates >= 2) {
    let s1 = qx, s2 = qx * qx;
    for (let r = 1; r <= replicates; r++) {
      const qr = q(simulate(x, r));
      qxr.push(qr);
      extra++;
      s1 += qr;
      s2 += qr * qr;
    }
    const n = replicates + 1;
    noise = Math.sqrt(Math.max(0, (s2 - s1 * s1 / n) / (n - 1)));
    if (!Number.isFinite(noise)) noise = 0;
  }
  log(
    `  start: Q ${qx.toPrecision(4)}${
      noise > 0 ? ` (simulation noise ${noise.toPrecision(3)})` : ""
    } at ${x.map((v) => v.toPrecision(3)).join(", ")}`,
  );
  let step = options.step ?? Math.LN2;
  const minStep = options.minStep ?? Math.log(1.15);
  const maxSims = options.maxSimulations ?? 40;
  while (step >= minStep && sims < maxSims) {
    let improved = false;
    for (let j = 0; j < d && sims < maxSims; j++) {
      for (const dir of [1, -1]) {
        if (sims >= maxSims) break;
        const y = x.slice();
        y[j] = clamp(x[j] * Math.exp(dir * step), params[j]);
        if (y[j] === x[j]) continue;
        const my = simulate(y);
        sims++;
        const qy = q(my);
        if (!(qy < qx - (paired ? 0 : noise))) continue;
        let qyr: number[] = [];
        if (paired && replicates >= 2) {
          // the paired test: y's Q on the replicate seeds against x's, seed by seed
          qyr = qxr.map((_, r) => q(simulate(y, r + 1)));
          sims += replicates;
          if (!pairedDecrease([qx - qy, ...qxr.map((v, r) => v - qyr[r])])) continue;
        }
        x = y;
        mx = my;
        qx = qy;
        qxr = qyr;
        improved = true;
        log(`  Q ${qx.toPrecision(4)} at ${x.map((v) => v.toPrecision(3)).join(", ")}`);
        break;
      }
    }
    if (!improved) step /= 2;
  }
  // sandwich standard errors, G by central differences (relative step h)
  const h = options.jacobianStep ?? 0.1;
  const g = new Float64Array(k * d);
  for (let j = 0; j < d; j++) {
    const up = x.slice(), dn = x.slice();
    up[j] = Math.min(params[j].hi, x[j] * (1 + h));
    dn[j] = Math.max(params[j].lo, x[j] * (1 - h));
    let mu = simulate(up), md = simulate(dn);
    sims += 2;
    // a side beyond a constraint (NaN moments, e.g. the shares above 0.98): one-sided
    if (!mu.every(Number.isFinite)) [mu, up[j]] = [mx, x[j]];
    if (!md.every(Number.isFinite)) [md, dn[j]] = [mx, x[j]];
    for (let i = 0; i < k; i++) g[i * d + j] = (mu[i] - md[i]) / (up[j] - dn[j]);
  }
  // parameters the moments do not move (a zero column of G) are not identified: left out
  // of the sandwich, their error infinite
  const scale = params.map((_, j) => {
    let s = 0;
    for (let i = 0; i < k; i++) s += w[i] * (g[i * d + j] * x[j]) ** 2;
    return s;
  });
  const top = Math.max(...scale);
  const keep = params.map((_, j) => j).filter((j) => scale[j] > 1e-10 * top && scale[j] > 0);
  const e = keep.length;
  const gwg = new Float64Array(e * e);
  const gwOwg = new Float64Array(e * e);
  for (let a = 0; a < e; a++) {
    for (let b = 0; b < e; b++) {
      const ja = keep[a], jb = keep[b];
      let s = 0, t = 0;
      for (let i = 0; i < k; i++) {
        s += g[i * d + ja] * w[i] * g[i * d + jb];
        for (let l = 0; l < k; l++) {
          t += g[i * d + ja] * w[i] * real.cov[i * k + l] * w[l] * g[l * d + jb];
        }
      }
      gwg[a * e + b] = s;
      gwOwg[a * e + b] = t;
    }
  }
  const inv = e > 0 ? invertMatrix(gwg, e) : null;
  const ratio = options.simulationRatio ?? 1;
  const se = params.map((_, j) => {
    const a0 = keep.indexOf(j);
    if (a0 < 0) return Infinity;
    if (inv === null) return NaN;
    let v = 0;
    for (let a = 0; a < e; a++) {
      for (let b = 0; b < e; b++) v += inv[a0 * e + a] * gwOwg[a * e + b] * inv[b * e + a0];
    }
    return Math.sqrt(Math.max(0, v * (1 + 1 / ratio)));
  });
  return {
    values: x,
    se,
    identified: se.map((s, j) => Number.isFinite(s) && s < Math.abs(x[j])),
    objective: qx,
    startObjective: q0,
    simulated: mx,
    simulations: sims + extra,
    objectiveNoise: noise,
  };
}

/** Options of {@linkcode fitInformation}. */
export interface InformationFitOptions {
  /** Book observation resolution of the tape, s (the simulations are observed at it). */
  quoteInterval: number;
  /** Clock resolution of the tape, s (default 0: exact; the simulations are observed on it). */
  timeResolution?: number;
  /** Simulated seconds per evaluation. */
  seconds: number;
  /** Seed of every simulation (common random numbers). */
  seed: number;
  /** Most simulations of the search (default 120). */
  maxSimulations?: number;
  /** Move by the paired test on the noise seeds (default false; see {@linkcode MsmOptions}). */
  paired?: boolean;
  /** Seeds of the start that measure the objective's noise (default 4; see {@linkcode MsmOptions}). */
  noiseReplicates?: number;
  /** First step of the search, log units (default ln 2). */
  step?: number;
  /**
   * Lags (s, of the realism report's) of the |1-s return| autocorrelation to add as moments
   * (default none; the calibration's `regimeBaseline` uses {@linkcode CLUSTERING_MOMENTS}).
   */
  clusteringLags?: readonly number[];
  /** Progress lines. */
  log?: (line: string) => void;
}

/** The estimates {@linkcode fitInformation} fits, by config path. */
export const INFORMATION_PARAMETERS: readonly string[] = [
  "flow.fundamental.impactShare",
  "flow.fundamental.privateShare",
  "flow.fundamental.privateRate",
  "flow.fundamental.revealRate",
  "flow.snipers.rate",
];

/**
 * The calibration's information stage: fits `flow.fundamental.impactShare` (the share of
 * the price variance due to the immediate impact of trades), `privateShare` (the share of
 * the price variance the fast traders know first), `privateRate` (how often such news
 * arrives, hence its size), `revealRate` (how fast liquidity prices it) and
 * `flow.snipers.rate` (how fast the snipers race to the stale quotes) — and, where the
 * calibration fitted the pace of trading (`paceWindow` > 0 in `est`), `flow.fundamental.paceRatio`
 * (from its direct estimate, within [1, 100]) — by
 * {@linkcode fitSimulatedMoments} on the markout and the price response of `records`,
 * starting from the values in `est` and writing the estimates (with their sandwich standard
 * errors, or flagged not identified) back into `est`; `config()` builds the candidate
 * market from `est` (the two shares add up to at most 0.98: a candidate beyond is rejected).
 * Returns the fit's record for the preset's provenance.
 */
export function fitInformation(
  records: readonly MarketRecord[],
  est: Record<string, Estimate>,
  config: () => Record<string, unknown>,
  options: InformationFitOptions,
): Record<string, unknown> {
  const grid = Math.max(0.1, options.quoteInterval);
  const lags = options.clusteringLags ?? [];
  const clock = options.timeResolution ?? 0;
  const real = informationMoments(records, grid, 200, lags, clock);
  // with the pace of trading (calibrate --pace), its ratio too: the tape's direct ratio
  // understates the reference's (fit_price.ts fitPace)
  const names = est["flow.fundamental.paceWindow"]?.value > 0
    ? [...INFORMATION_PARAMETERS, "flow.fundamental.paceRatio"]
    : INFORMATION_PARAMETERS;
  const bounds: Record<string, [number, number]> = {
    "flow.fundamental.paceRatio": [1, 100],
    "flow.fundamental.impactShare": [0.01, 0.95],
    "flow.fundamental.privateShare": [0.01, 0.97],
    "flow.fundamental.privateRate": [0.005, 50],
    "flow.fundamental.revealRate": [0.005, 100],
    "flow.snipers.rate": [0.05, 1_000],
  };
  const params = names.map((name) => ({
    name,
    start: est[name].value,
    lo: bounds[name][0],
    hi: bounds[name][1],
  }));
  const set = (values: number[]) => names.forEach((n, i) => est[n].value = values[i]);
  const simulate = (values: number[], replicate = 0) => {
    // the variance shares add up to at most 1 (the rest is public news)
    if (values[0] + values[1] > 0.98) return new Float64Array(real.value.length).fill(NaN);
    set(values);
    const recs = simulateRecords(config() as EnvConfigInput, {
      seconds: options.seconds,
      seed: replicate === 0 ? options.seed : childSeed(options.seed, 9_000 + replicate),
      quoteInterval: options.quoteInterval,
      timeResolution: options.timeResolution ?? 0,
    });
    return informationMoments(recs, grid, 0, lags, clock).value;
  };
  const replicates = options.noiseReplicates ?? 4;
  const fit = fitSimulatedMoments(params, simulate, real, {
    maxSimulations: options.maxSimulations ?? 120,
    step: options.step,
    simulationRatio: options.seconds / real.seconds,
    noiseReplicates: replicates,
    paired: options.paired,
    log: options.log,
  });
  set(fit.values);
  const method =
    `method of simulated moments on the markout's change from ${MARKOUT_MOMENTS[0]} s to ${
      MARKOUT_MOMENTS.slice(1).join(", ")
    } s and the ` +
    `price response (${RESPONSE_MOMENTS.join(", ")} orders), the 1-s kurtosis, the ` +
    `share of gaps between market orders below ${
      gapMomentsAbove(clock).map((h) => sig(h * 1000, 2)).join(", ")
    } ms` +
    (lags.length > 0 ? `, the |1-s return| autocorrelation at ${lags.join(", ")} s` : "") +
    `, the 1-s volume/volatility correlation` +
    `, diagonal weights, ` +
    `common random numbers; sandwich standard error with the block-bootstrap covariance`;
  const units: Record<string, string> = {
    "flow.fundamental.impactShare": "share of variance",
    "flow.fundamental.privateShare": "share of variance",
    "flow.fundamental.privateRate": "per second",
    "flow.fundamental.revealRate": "per second",
    "flow.snipers.rate": "per second",
    "flow.fundamental.paceRatio": "ratio",
  };
  names.forEach((name, i) => {
    est[name] = fit.identified[i] ? fitted(fit.values[i], fit.se[i], units[name], method) : {
      ...fitted(fit.values[i], fit.se[i], units[name], method),
      status: "not identified",
      method: `${method}: not identified (standard error ${
        sig(fit.se[i], 3)
      } ≥ the value), the fit's value kept`,
    };
  });
  return {
    moments: real.names,
    real: Array.from(real.value, (v) => sig(v)),
    realSe: Array.from(real.se, (v) => sig(v, 3)),
    simulated: Array.from(fit.simulated, (v) => sig(v)),
    objective: sig(fit.objective),
    startObjective: sig(fit.startObjective),
    simulations: fit.simulations,
    simulatedSeconds: options.seconds,
    objectiveNoise: sig(fit.objectiveNoise, 3),
    ...(options.paired ? { moves: `paired test on ${replicates + 1} seeds` } : {}),
  };
}

/**
 * Where {@linkcode freshInformationObjective}'s seeds start: replicate r simulates on
 * `childSeed(seed, FRESH_SEED_OFFSET + r)`, seeds the information fit never uses.
 */
export const FRESH_SEED_OFFSET = 20_000;
/** Replicates of {@linkcode freshInformationObjective} by default. */
export const FRESH_REPLICATES = 4;

/** Options of {@linkcode freshInformationObjective}. */
export interface FreshObjectiveOptions {
  /** Book observation resolution of the tape, s (the simulations are observed at it). */
  quoteInterval: number;
  /** Clock resolution of the tape, s (default 0: exact). */
  timeResolution?: number;
  /** Simulated seconds per replicate (the information fit's). */
  seconds: number;
  /** Root of the replicates' seeds (see {@linkcode FRESH_SEED_OFFSET}). */
  seed: number;
  /** Replicates (default {@linkcode FRESH_REPLICATES}). */
  replicates?: number;
  /** The information fit's clustering lags, if it had them (default none). */
  clusteringLags?: readonly number[];
  /**
   * Count the order sizes too: the share of market orders below the tape's size quantiles
   * ({@linkcode sizeCutsOf}), as the snipers' share fit does (`fit_share_sizes.ts`; default
   * false: the information fit's moments alone).
   */
  sizeMoments?: boolean;
}

/** The information fit's objective on fresh seeds ({@linkcode freshInformationObjective}). */
export interface FreshObjective {
  /** Mean of Q over the replicates. */
  objective: number;
  /** Q on each replicate. */
  replicates: number[];
}

/**
 * The information fit's objective Q ({@linkcode momentObjective} of the moments of
 * {@linkcode informationMoments}) of `config` against `records`, on simulations whose seeds
 * the fit never saw (`childSeed(seed, FRESH_SEED_OFFSET + r)`; the fit's own are `seed` and
 * `childSeed(seed, 9_000 + r)`). The compass search keeps moves that lower Q on its own
 * simulation seed, so its final Q includes that seed's noise it fitted; here the same Q is
 * measured on fresh seeds, and two calibrations evaluated on the same `seed` are compared on
 * common random numbers (`calibrate --starts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { freshInformationObjective } from "./fit_information.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const tape = simulateRecords({ duration: 300 }, { seconds: 600, seed: 1 });
 * const opts = { quoteInterval: 0, seconds: 600, seed: 7, replicates: 2 };
 * const same = freshInformationObjective(tape, { duration: 300 }, opts);
 * assert.equal(same.replicates.length, 2);
 * // a market with latency-arbitrage snipers is far from this tape
 * const other = { duration: 300, flow: { snipers: { rate: 50, threshold: 1 } } };
 * assert.ok(freshInformationObjective(tape, other, opts).objective > 5 * same.objective);
 * ```
 */
export function freshInformationObjective(
  records: readonly MarketRecord[],
  config: EnvConfigInput,
  options: FreshObjectiveOptions,
): FreshObjective {
  const grid = Math.max(0.1, options.quoteInterval);
  const lags = options.clusteringLags ?? [];
  const clock = options.timeResolution ?? 0;
  const cuts = options.sizeMoments ? sizeCutsOf(records) : [];
  const real = informationMoments(records, grid, 200, lags, clock, cuts);
  const replicates: number[] = [];
  for (let r = 0; r < (options.replicates ?? FRESH_REPLICATES); r++) {
    const recs = simulateRecords(config, {
      seconds: options.seconds,
      seed: childSeed(options.seed, FRESH_SEED_OFFSET + r),
      quoteInterval: options.quoteInterval,
      timeResolution: clock,
    });
    replicates.push(
      momentObjective(informationMoments(recs, grid, 0, lags, clock, cuts).value, real),
    );
  }
  const objective = replicates.reduce((a, b) => a + b, 0) / Math.max(1, replicates.length);
  return { objective, replicates };
}
