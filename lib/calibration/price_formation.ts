/**
 * A diagnosis the calibration's fits cannot act on: a tape whose prices move with its trading
 * while the calibrated market's move with news.
 *
 * The calibrated book places liquidity around a reference price moved by news and by the
 * impact of trades (`placement.anchor: "reference"`). Where the tape's price moves because
 * the flow empties its queues (a zero-intelligence market, `anchor: "opposite-best"`), the
 * information fit still ends with the volume traded in a second nearly uncorrelated with the
 * mid's move in it: measured on a simulated zero-intelligence LOBSTER tape, 0.05 simulated
 * against the tape's 0.52 ± 0.05. The shipped presets are within about one standard error
 * (BTCUSDT 0.67 against 0.74 ± 0.07, AMZN 0.50 against 0.47 ± 0.03); a 150-s window of the
 * BTCUSDT tape is not (0.06 against 0.65 ± 0.14). The warning says what was measured and where
 * to look; it does not say why (a short window's information fit may simply end elsewhere).
 *
 * @module
 */

/** The information fit's moments as written into `fitQuality.information` (names and values). */
export interface InformationFitSummary {
  /** Moment names (`volumeVolatility@1s` among them). */
  moments: readonly string[];
  /** The tape's values. */
  real: readonly number[];
  /** Their standard errors. */
  realSe: readonly number[];
  /** The calibrated market's. */
  simulated: readonly number[];
}

/** Standard errors below the tape's beyond which the warning is given (and under half of it). */
export const FLOW_DRIVEN_STANDARD_ERRORS = 4;

/**
 * A warning when the calibrated market's 1-s volume/volatility correlation is both more than
 * {@linkcode FLOW_DRIVEN_STANDARD_ERRORS} standard errors and more than half below the tape's;
 * null otherwise (or when the moment is missing or not finite).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flowDrivenWarning } from "./price_formation.ts";
 * const info = (sim: number) => ({
 *   moments: ["kurtosis1s", "volumeVolatility@1s"],
 *   real: [300, 0.52],
 *   realSe: [120, 0.05],
 *   simulated: [70, sim],
 * });
 * assert.match(flowDrivenWarning(info(0.05))!, /0\.05 against the tape's 0\.52 ± 0\.05/);
 * assert.equal(flowDrivenWarning(info(0.45)), null);
 * ```
 */
export function flowDrivenWarning(info: InformationFitSummary): string | null {
  const i = info.moments.indexOf("volumeVolatility@1s");
  if (i < 0) return null;
  const real = info.real[i], se = info.realSe[i], sim = info.simulated[i];
  if (![real, se, sim].every(Number.isFinite)) return null;
  if (!(real - sim > FLOW_DRIVEN_STANDARD_ERRORS * se && sim < real / 2)) return null;
  return `price formation: the calibrated market's 1-s volume/volatility correlation is ${sim} ` +
    `against the tape's ${real} ± ${se}: its price moves far less with its trading than the ` +
    `tape's (its book follows a reference price moved by news and by the impact of trades), ` +
    `and no fitted parameter closed the gap; if the tape's prices move as its flow empties its ` +
    `queues, placement.anchor "opposite-best" may be closer (docs/calibration.md, "Price ` +
    `formation is assumed, not chosen")`;
}
