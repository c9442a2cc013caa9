/**
 * The realism comparison: the same stylized facts ({@linkcode defaultFacts}) on a real and
 * on a simulated market, each with a distance suited to it and a tolerance taken from the
 * sampling error of both samples — never chosen to make a fact pass.
 *
 * Sampling error. Both samples are cut into blocks of `blockSeconds` (simulated episodes
 * and tape gaps are never crossed) and resampled block by block (a block bootstrap, which
 * keeps the dependence within a block: volatility clustering, long-memory signs). Each
 * replicate b gives the real statistic r_b and the simulated one s_b.
 *
 * Distances, and their null distribution under "both samples come from the same market":
 * - distributions (spread, inter-arrival times): Kolmogorov–Smirnov, d = max_x |F_s(x) −
 *   F_r(x)|; replicate d_b = max_x |(F_{r,b} − F_r) − (F_{s,b} − F_s)|(x);
 * - scalars (depth in orders, kurtosis): relative error, d = |s − r| / |r|; replicate d_b =
 *   |(r_b − r) − (s_b − s)| / |r|;
 * - curves (functions of a lag or horizon): the studentized sup distance, d = max_i |s_i −
 *   r_i| / σ_i with σ_i² = se(r_i)² + se(s_i)² (bootstrap standard errors); replicate d_b =
 *   max_i |(r_{b,i} − r_i) − (s_{b,i} − s_i)| / σ_i — a simultaneous band over the lags.
 *
 * The tolerance is the 95 % quantile of d_b: a fact passes when its distance is within what
 * sampling error alone produces 95 % of the time. A fact is not judged (`pass: null`, with
 * the reason) when either sample holds fewer than the fact's minimum number of samples or
 * the real one fewer than 8 blocks with data (the bootstrap would not mean much): a short
 * tape says little about 60-s kurtosis, and the report says so instead of passing it.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { Rng } from "../rng/rng.ts";
import {
  blockStatistics,
  defaultFacts,
  type FactDefinition,
  type FactKind,
  makeBlocks,
  sumBlocks,
} from "./facts.ts";
import type { Tape } from "../data/tape.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { type MarketRecord, recordFromTape, recordSeconds } from "./record.ts";
import { simulateRecords } from "./simulate.ts";
import { nullTapeRecords } from "./realism_null.ts";
import { maxOf } from "../analytics/extent.ts";
import { sig } from "./estimate.ts";

/** Options of {@linkcode compareRecords}. */
export interface RealismOptions {
  /** Block length of the bootstrap, seconds (default: the real data's span / 20, in [10, 600]). */
  blockSeconds?: number;
  /** Bootstrap replicates (default 400). */
  resamples?: number;
  /** Seed of the bootstrap (default 0). */
  seed?: number;
  /** The facts (default {@linkcode defaultFacts} with the grid of the real feed). */
  facts?: FactDefinition[];
  /** Fewest real blocks with data for a fact to be judged (default 8). */
  minBlocks?: number;
}

/** One fact compared. */
export interface FactResult {
  /** Key, e.g. `"spread"`. */
  name: string;
  /** Figure title. */
  title: string;
  /** Distribution, scalar or curve. */
  kind: FactKind;
  /** Distance used: "ks", "relative" or "studentized-sup". */
  distanceKind: "ks" | "relative" | "studentized-sup";
  /** x values (bin left edges, lags, horizons). */
  x: number[];
  /** Label of x. */
  xLabel: string;
  /** Unit of the values. */
  unit: string;
  /** Real statistic (pmf, curve, or one value). */
  real: number[];
  /** Simulated statistic. */
  sim: number[];
  /** Bootstrap standard errors of the real statistic. */
  realSe: number[];
  /** Bootstrap standard errors of the simulated statistic. */
  simSe: number[];
  /** Distance between them (see the module doc). */
  distance: number;
  /** 95 % quantile of the distance under sampling error alone. */
  tolerance: number;
  /** distance ≤ tolerance; null when the fact cannot be judged (see `note`). */
  pass: boolean | null;
  /** Samples behind the real and simulated values. */
  samples: { real: number; sim: number };
  /** Why a fact is not judged, or what to keep in mind. */
  note?: string;
}

/** The comparison of a real and a simulated market. */
export interface RealismResult {
  /** The facts, in report order. */
  facts: FactResult[];
  /** Block length used, seconds. */
  blockSeconds: number;
  /** Bootstrap replicates. */
  resamples: number;
  /** Real and simulated seconds compared. */
  seconds: { real: number; sim: number };
  /** Blocks of each sample. */
  blocks: { real: number; sim: number };
}

interface Sample {
  stats: Float64Array; // blocks × size
  blocks: number;
  nonEmpty: number; // blocks with any statistic
}

function sampleOf(fact: FactDefinition, records: readonly MarketRecord[], seconds: number): Sample {
  const parts: Float64Array[] = [];
  let blocks = 0;
  for (const rec of records) {
    const b = makeBlocks(rec.segments, seconds);
    parts.push(blockStatistics(fact, rec, b));
    blocks += b.start.length;
  }
  const stats = new Float64Array(blocks * fact.size);
  let o = 0;
  for (const p of parts) {
    stats.set(p, o);
    o += p.length;
  }
  let nonEmpty = 0;
  for (let k = 0; k < blocks; k++) {
    for (let j = 0; j < fact.size; j++) {
      if (stats[k * fact.size + j] !== 0) {
        nonEmpty++;
        break;
      }
    }
  }
  return { stats, blocks, nonEmpty };
}

function cdf(p: Float64Array): Float64Array {
  const out = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) out[i] = s += p[i];
  return out;
}

function quantile(values: number[], q: number): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  return v[lo] + (v[Math.min(v.length - 1, lo + 1)] - v[lo]) * (pos - lo);
}

/**
 * Compares real and simulated records fact by fact (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareRecords } from "./realism.ts";
 * import { simulateRecords } from "./simulate.ts";
 * const a = simulateRecords({ duration: 60 }, { seconds: 600, seed: 1 });
 * const r = compareRecords(a, a, { blockSeconds: 30, resamples: 50 });
 * const spread = r.facts.find((f) => f.name === "spread")!;
 * assert.equal(spread.distance, 0); // identical samples
 * assert.equal(spread.pass, true);
 * ```
 */
export function compareRecords(
  real: readonly MarketRecord[],
  sim: readonly MarketRecord[],
  options: RealismOptions = {},
): RealismResult {
  if (real.length === 0) throw new ValidationError("real", real, "at least one real record");
  if (sim.length === 0) throw new ValidationError("sim", sim, "at least one simulated record");
  const realSeconds = real.reduce((s, r) => s + recordSeconds(r), 0);
  const simSeconds = sim.reduce((s, r) => s + recordSeconds(r), 0);
  const blockSeconds = options.blockSeconds ??
    Math.min(600, Math.max(10, realSeconds / 20));
  if (!(blockSeconds > 0)) throw new ValidationError("blockSeconds", blockSeconds, "> 0 s");
  const resamples = options.resamples ?? 400;
  if (!Number.isInteger(resamples) || resamples < 10 || resamples > 100_000) {
    throw new ValidationError("resamples", resamples, "an integer in [10, 100000]");
  }
  const minBlocks = options.minBlocks ?? 8;
  const grid = Math.max(0.1, ...real.map((r) => r.quoteInterval));
  const facts = options.facts ?? defaultFacts({ grid });
  const results: FactResult[] = [];
  let realBlocks = 0, simBlocks = 0;
  for (const fact of facts) {
    const rs = sampleOf(fact, real, blockSeconds);
    const ss = sampleOf(fact, sim, blockSeconds);
    realBlocks = rs.blocks;
    simBlocks = ss.blocks;
    const reason = fact.notJudged?.(real);
    results.push(compareFact(fact, rs, ss, resamples, options.seed ?? 0, minBlocks, reason));
  }
  return {
    facts: results,
    blockSeconds,
    resamples,
    seconds: { real: realSeconds, sim: simSeconds },
    blocks: { real: realBlocks, sim: simBlocks },
  };
}

function compareFact(
  fact: FactDefinition,
  rs: Sample,
  ss: Sample,
  resamples: number,
  seed: number,
  minBlocks: number,
  notJudged?: string,
): FactResult {
  const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  const rSum = sumBlocks(rs.stats, fact.size, all(rs.blocks));
  const sSum = sumBlocks(ss.stats, fact.size, all(ss.blocks));
  const r = fact.value(rSum);
  const s = fact.value(sSum);
  const rng = new Rng(`realism:${fact.name}:${seed}`);
  const rb: Float64Array[] = [];
  const sb: Float64Array[] = [];
  const pickR = new Int32Array(rs.blocks);
  const pickS = new Int32Array(ss.blocks);
  const tmp = new Float64Array(fact.size);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < pickR.length; i++) pickR[i] = rng.int(rs.blocks);
    for (let i = 0; i < pickS.length; i++) pickS[i] = rng.int(ss.blocks);
    rb.push(fact.value(sumBlocks(rs.stats, fact.size, pickR, tmp)));
    sb.push(fact.value(sumBlocks(ss.stats, fact.size, pickS, tmp)));
  }
  const sd = (reps: Float64Array[], i: number) => {
    const v = reps.map((x) => x[i]).filter(Number.isFinite);
    if (v.length < 2) return NaN;
    const m = v.reduce((a, c) => a + c, 0) / v.length;
    return Math.sqrt(v.reduce((a, c) => a + (c - m) ** 2, 0) / (v.length - 1));
  };
  const realSe = Array.from(r, (_, i) => sd(rb, i));
  const simSe = Array.from(s, (_, i) => sd(sb, i));
  let distance: number;
  let nulls: number[];
  let gap: string | undefined; // a distribution's largest CDF gap, said when it fails
  let distanceKind: FactResult["distanceKind"];
  if (fact.kind === "distribution") {
    distanceKind = "ks";
    const fr = cdf(r), fs = cdf(s);
    distance = 0;
    let at = -1;
    for (let i = 0; i < fr.length; i++) {
      const d = Math.abs(fs[i] - fr[i]);
      if (d > distance) [distance, at] = [d, i];
    }
    if (at >= 0 && at + 1 < fact.x.length) {
      gap = `largest gap: ${sig(fr[at], 2)} of the real and ${sig(fs[at], 2)} of the simulated ${
        fact.unit.replace(/^share of /, "")
      } lie below ${sig(fact.x[at + 1], 2)} (${fact.xLabel.replace(/[;(].*$/, "").trim()})`;
    }
    nulls = rb.map((x, b) => {
      const fx = cdf(x), fy = cdf(sb[b]);
      let d = 0;
      for (let i = 0; i < fx.length; i++) {
        d = Math.max(d, Math.abs(fx[i] - fr[i] - (fy[i] - fs[i])));
      }
      return d;
    });
  } else if (fact.kind === "scalar") {
    distanceKind = "relative";
    const scale = Math.abs(r[0]);
    distance = Math.abs(s[0] - r[0]) / scale;
    nulls = rb.map((x, b) => Math.abs(x[0] - r[0] - (sb[b][0] - s[0])) / scale);
  } else {
    distanceKind = "studentized-sup";
    const sigma = realSe.map((e, i) => Math.sqrt(e * e + simSe[i] * simSe[i]));
    const ok = sigma.map((v, i) =>
      v > 0 && Number.isFinite(v) && Number.isFinite(r[i]) && Number.isFinite(s[i])
    );
    distance = 0;
    for (let i = 0; i < r.length; i++) {
      if (ok[i]) distance = Math.max(distance, Math.abs(s[i] - r[i]) / sigma[i]);
    }
    nulls = rb.map((x, b) => {
      let d = 0;
      for (let i = 0; i < r.length; i++) {
        if (!ok[i]) continue;
        const v = Math.abs(x[i] - r[i] - (sb[b][i] - s[i])) / sigma[i];
        if (Number.isFinite(v)) d = Math.max(d, v);
      }
      return d;
    });
    if (!ok.some(Boolean)) distance = NaN;
  }
  const tolerance = quantile(nulls, 0.95);
  const samples = { real: fact.samples(rSum), sim: fact.samples(sSum) };
  let pass: boolean | null = distance <= tolerance;
  let note: string | undefined;
  if (notJudged !== undefined) {
    pass = null;
    note = `not judged: ${notJudged}`;
  } else if (!(samples.real >= fact.minSamples)) {
    pass = null;
    note = `not judged: the real data hold ${
      Math.round(samples.real || 0)
    } samples (at least ${fact.minSamples} needed)`;
  } else if (rs.nonEmpty < minBlocks) {
    pass = null;
    note =
      `not judged: the real data fill ${rs.nonEmpty} bootstrap blocks (at least ${minBlocks} needed)`;
  } else if (!(samples.sim >= fact.minSamples)) {
    pass = null;
    note = `not judged: the simulation holds ${
      Math.round(samples.sim || 0)
    } samples (at least ${fact.minSamples} needed)`;
  } else if (!Number.isFinite(distance) || !Number.isFinite(tolerance)) {
    pass = null;
    note = "not judged: the statistic is undefined on one of the samples";
  } else if (!pass) {
    const limit = fact.limit?.(r);
    note = [gap, limit].filter((x) => x !== undefined).join("; ") || undefined;
  }
  return {
    name: fact.name,
    title: fact.title,
    kind: fact.kind,
    distanceKind,
    x: fact.x,
    xLabel: fact.xLabel,
    unit: fact.unit,
    real: Array.from(r),
    sim: Array.from(s),
    realSe,
    simSe,
    distance,
    tolerance,
    pass,
    samples,
    ...(note ? { note } : {}),
  };
}

/**
 * The JSON summary of a comparison: `{facts: {NAME: {real, sim, distance, tolerance, pass}}}`
 * (curves and distributions as arrays over `x`), plus how it was measured.
 */
export function realismSummary(result: RealismResult): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const f of result.facts) {
    facts[f.name] = {
      real: f.kind === "scalar" ? f.real[0] : f.real,
      sim: f.kind === "scalar" ? f.sim[0] : f.sim,
      distance: f.distance,
      tolerance: f.tolerance,
      pass: f.pass,
      distanceKind: f.distanceKind,
      x: f.kind === "scalar" ? undefined : f.x,
      unit: f.unit,
      samples: f.samples,
      ...(f.note ? { note: f.note } : {}),
    };
  }
  return {
    facts,
    blockSeconds: result.blockSeconds,
    resamples: result.resamples,
    seconds: result.seconds,
    blocks: result.blocks,
  };
}

/** Options of {@linkcode runRealism}. */
export interface RunRealismOptions extends RealismOptions {
  /** Simulated seconds (default: the real data's length, at least 3,600 s). */
  seconds?: number;
  /**
   * Length of a simulated episode, s (default: the longest of the preset's duration, four
   * blocks and 1,200 s, at most `seconds`): long enough for the slow statistics (60-s
   * returns, lag-100 signs) to be measured within episodes.
   */
  episodeSeconds?: number;
  /** Window of the tapes, s since each origin. */
  from?: number;
  /** Window end, s since each origin. */
  to?: number;
  /** No agent (default) or a passive agent at the touch (see `simulateRecords`). */
  agent?: "none" | "touch";
  /** Progress of the simulation. */
  onProgress?: (done: number, total: number) => void;
  /**
   * The records of `tapes` from an earlier run with the same config's lot and the same window
   * (its `real`), reused instead of being read from the tapes again.
   */
  real?: MarketRecord[];
  /**
   * Compare the market with its own simulation observed as the tapes were, in their place
   * (the null: what a market that is the model passes, `realism_null.ts`; default false).
   */
  null?: boolean;
}

/** A realism run: the comparison and the records it compared. */
export interface RealismRun {
  /** The comparison. */
  result: RealismResult;
  /** Records of the real tapes. */
  real: MarketRecord[];
  /** Records of the simulated episodes. */
  sim: MarketRecord[];
}

/**
 * The records of `tapes` that {@linkcode runRealism} compares with the market `config`: in its
 * lots, over the options' window (what a run returns as `real`, and takes back as `real`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTapeSync } from "../data/load.ts";
 * import { realismRecords } from "./realism.ts";
 * const tape = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
 * const [rec] = realismRecords({ tickSize: 0.01, lotSize: 0.001 }, [tape], { to: 86_228 });
 * assert.ok(rec.moTime.length > 100 && rec.moTime[rec.moTime.length - 1] < 86_228);
 * ```
 */
export function realismRecords(
  config: EnvConfigInput | EnvConfig,
  tapes: readonly Tape[],
  options: Pick<RunRealismOptions, "from" | "to"> = {},
): MarketRecord[] {
  const cfg = parseEnvConfig({ ...(config as EnvConfigInput), tier: "book" });
  return tapes.map((t) =>
    recordFromTape(t, { lotSize: cfg.lotSize, from: options.from, to: options.to })
  );
}

/**
 * Simulates the market `config` (book tier) and compares it with `tapes` (observed at the
 * tapes' own book resolution, in the config's lots): the realism report's computation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTapeSync } from "../data/load.ts";
 * import { runRealism } from "./realism.ts";
 * const tape = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
 * const run = runRealism({ tickSize: 0.01, lotSize: 0.001, initialPrice: 61_700, duration: 60 }, [tape], {
 *   seconds: 120,
 *   episodeSeconds: 60,
 *   resamples: 20,
 * });
 * assert.equal(run.result.facts.length, 17);
 * ```
 */
export function runRealism(
  config: EnvConfigInput | EnvConfig,
  tapes: readonly Tape[],
  options: RunRealismOptions = {},
): RealismRun {
  const cfg = parseEnvConfig({ ...(config as EnvConfigInput), tier: "book" });
  const tapeRecords = options.real ?? realismRecords(cfg, tapes, options);
  const real = options.null ? nullTapeRecords(cfg, tapeRecords, options.seed ?? 0) : tapeRecords;
  const realSeconds = real.reduce((s, r) => s + recordSeconds(r), 0);
  const blockSeconds = options.blockSeconds ?? Math.min(600, Math.max(10, realSeconds / 20));
  const seconds = options.seconds ?? Math.max(3_600, realSeconds);
  const episode = Math.min(
    seconds,
    options.episodeSeconds ?? Math.max(cfg.duration, 4 * blockSeconds, 1_200),
  );
  const quoteInterval = maxOf(real.map((r) => r.quoteInterval));
  const timeResolution = maxOf(real.map((r) => r.timeResolution ?? 0));
  const sim = simulateRecords({ ...cfg, duration: episode }, {
    seconds,
    seed: options.seed ?? 0,
    quoteInterval,
    timeResolution,
    agent: options.agent,
    onProgress: options.onProgress,
  });
  const result = compareRecords(real, sim, { ...options, blockSeconds });
  return { result, real: tapeRecords, sim };
}
