/**
 * How `calibrate --starts K` keeps one of its K calibrations.
 *
 * A calibration's result depends on its own seed: the information fit's compass search ends
 * where its simulation seed's noise left it, and the stages after it move the market it was
 * fitted on (docs/calibration.md, "Simulation noise and the calibration's seed"). Of K
 * calibrations on consecutive seeds, `calibrate` keeps one by a criterion measured on
 * simulation seeds that none of the K saw:
 *
 * - `"information"` (the default): the information fit's objective — its simulated moments
 *   (with `shareMoments`, the order sizes' too) against the tape's, weighted by their
 *   bootstrap variances — on fresh seeds common to all starts;
 * - `"realism"`: the realism report's own comparison (`realism.ts`) of each start's market
 *   with the tapes it was calibrated on, on the simulation seeds
 *   {@linkcode REALISM_SELECT_SEED} … + n − 1 (never the seeds 0–39 of the shipped verdicts),
 *   scored by {@linkcode realismCriterion}: the mean over the seeds of Σ over the judged facts
 *   of min(distance / tolerance, {@linkcode REALISM_SELECT_CAP})². A fact within its tolerance
 *   adds less than 1, a failing one more; the cap makes every fact that fails by more than
 *   twice its tolerance count alike, so that the choice goes to the start that brings facts
 *   under their tolerance, not to one that brings a fact no start passes a little nearer.
 *
 * The realism criterion is a simulated minimum-distance choice among calibrations, on the
 * facts the report judges: what it assumes is that those facts are what the market should
 * reproduce. It uses the tapes the starts were calibrated on, so a preset chosen by it is
 * judged in sample on seeds it was not chosen on, and out of sample on another window.
 * Measured (docs/calibration.md, "Stop 61"): in sample it ranks calibrations as the 40-seed
 * report does, better than the information objective; out of sample the start it kept on the
 * first part of each shipped tape was the second worst of eight on the rest. No shipped preset
 * uses it.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import type { RealismResult } from "./realism.ts";

/** The ways of keeping one of several calibrations, by name. */
export const SELECT_MODES = ["information", "realism"] as const;

/** A way of keeping one of several calibrations (see the module doc). */
export type SelectMode = typeof SELECT_MODES[number];

/** First simulation seed of the realism criterion (the verdicts use seeds 0–39). */
export const REALISM_SELECT_SEED = 1_000;

/** Simulation seeds of the realism criterion when not given. */
export const REALISM_SELECT_SEEDS = 8;

/** Most simulation seeds of the realism criterion. */
export const MAX_REALISM_SELECT_SEEDS = 64;

/** Cap on a fact's distance over its tolerance in {@linkcode realismCriterion}. */
export const REALISM_SELECT_CAP = 2;

/** The realism criterion of one market over its seeds, and what it is made of. */
export interface RealismScore {
  /** Mean over the seeds of Σ over the judged facts of min(distance / tolerance, cap)². */
  criterion: number;
  /** Mean number of facts passed per seed. */
  meanPassed: number;
  /** Mean number of facts judged per seed. */
  meanJudged: number;
}

/**
 * Scores one market's realism runs (one per simulation seed): see the module doc. A judged
 * fact whose tolerance is not a positive number counts as a failure at the cap. Throws a
 * `ValidationError` (field `runs`) when there is no run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realismCriterion } from "./select_starts.ts";
 * import type { FactResult, RealismResult } from "./realism.ts";
 * const fact = (name: string, distance: number, pass: boolean | null): FactResult => ({
 *   name, title: name, kind: "scalar", distanceKind: "relative", x: [], xLabel: "", unit: "",
 *   real: [1], sim: [1], realSe: [0], simSe: [0], distance, tolerance: 0.1, pass,
 *   samples: { real: 9, sim: 9 },
 * });
 * const run = (facts: FactResult[]): RealismResult => ({
 *   facts, blockSeconds: 60, resamples: 100, seconds: { real: 600, sim: 600 },
 *   blocks: { real: 10, sim: 10 },
 * });
 * // 0.05 of a 0.1 tolerance adds 0.25; 1.0 is ten tolerances away and counts as 2² = 4;
 * // a fact that is not judged adds nothing
 * const a = run([fact("a", 0.05, true), fact("b", 1.0, false), fact("c", 9, null)]);
 * const b = run([fact("a", 0.15, false), fact("b", 0.1, true), fact("c", 9, null)]);
 * const s = realismCriterion([a, b]);
 * assert.ok(Math.abs(s.criterion - (0.25 + 4 + 2.25 + 1) / 2) < 1e-12);
 * assert.equal(s.meanPassed, 1);
 * assert.equal(s.meanJudged, 2);
 * ```
 */
export function realismCriterion(
  runs: readonly RealismResult[],
  cap = REALISM_SELECT_CAP,
): RealismScore {
  if (runs.length === 0) throw new ValidationError("runs", 0, "at least one realism run");
  let total = 0, passed = 0, judged = 0;
  for (const run of runs) {
    for (const f of run.facts) {
      if (f.pass === null) continue;
      judged++;
      if (f.pass) passed++;
      const z = f.tolerance > 0 && Number.isFinite(f.distance) ? f.distance / f.tolerance : cap;
      const c = z < cap ? z : cap;
      total += c * c;
    }
  }
  return {
    criterion: total / runs.length,
    meanPassed: passed / runs.length,
    meanJudged: judged / runs.length,
  };
}

/**
 * The index of the smallest of `scores` (the first of equal ones; NaN counts as the largest).
 * Throws a `ValidationError` (field `scores`) when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bestStart } from "./select_starts.ts";
 * assert.equal(bestStart([3, 1, 1, NaN]), 1);
 * assert.equal(bestStart([NaN, 5]), 1);
 * ```
 */
export function bestStart(scores: readonly number[]): number {
  if (scores.length === 0) throw new ValidationError("scores", 0, "at least one start");
  let best = 0;
  for (let k = 1; k < scores.length; k++) {
    const b = scores[best], s = scores[k];
    if (s < b || (Number.isNaN(b) && !Number.isNaN(s))) best = k;
  }
  return best;
}
