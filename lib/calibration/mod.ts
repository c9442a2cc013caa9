/**
 * Calibration and realism: the book tier's models fitted to recorded order books (tick and
 * lot, Hawkes arrivals by maximum likelihood, market-order sizes relative to the touch,
 * placement, queue-position cancellations, trade signs, the impact of sign surprises,
 * volatility, feed latency — each with a standard error, then moment-matched by simulation
 * where a statistic emerges from the models' interaction), written as presets with their
 * provenance; and the realism report, which measures the same stylized facts on a real and
 * a simulated market and judges each against its sampling error. See docs/calibration.md
 * and docs/realism.md.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareRecords, simulateRecords } from "./mod.ts";
 * const a = simulateRecords({ duration: 60 }, { seconds: 300, seed: 1 });
 * const b = simulateRecords({ duration: 60 }, { seconds: 300, seed: 2 });
 * const r = compareRecords(a, b, { blockSeconds: 30, resamples: 50 });
 * assert.equal(r.facts.length, 17);
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./optimize.ts";
export * from "./estimate.ts";
export * from "./model_range.ts";
export * from "./finer_lot.ts";
export * from "./rate_knob.ts";
export * from "./hawkes_fit.ts";
export * from "./record.ts";
export * from "./tape_events.ts";
export * from "./fast_sizes.ts";
export * from "./fit_flow.ts";
export * from "./fit_regimes.ts";
export * from "./fit_information.ts";
export * from "./fit_fast_share.ts";
export * from "./profile_grid.ts";
export * from "./fit_share_sizes.ts";
export * from "./fit_forecast.ts";
export * from "./fit_timing.ts";
export * from "./fit_spread_hawkes.ts";
export * from "./fit_clock.ts";
export * from "./fit_fleeting.ts";
export * from "./fit_refill.ts";
export * from "./fit_improvement_takers.ts";
export * from "./fit_liquidity_state.ts";
export * from "./fit_touch.ts";
export * from "./fit_touch_excitation.ts";
export * from "./fit_signs.ts";
export * from "./fit_price.ts";
export * from "./fit_arrivals.ts";
export * from "./moment_matching.ts";
export * from "./price_formation.ts";
export * from "./facts.ts";
export * from "./simulate.ts";
export * from "./sim_tape.ts";
export * from "./realism.ts";
export * from "./realism_report.ts";
export * from "./realism_seeds.ts";
export * from "./realism_null.ts";
export * from "./select_starts.ts";
export * from "./fit_lump.ts";
export * from "./information_start.ts";
export * from "./preset_config.ts";
export * from "./provenance.ts";
export * from "./calibrate.ts";
